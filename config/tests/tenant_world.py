"""Two cities and a province for the tenant tests of the API, files and phone pages.

Dezhou (371400, the deployment's home city, made by the migration) keeps the shared
fixtures' records (``department``, ``project``, ``task``...). Langfang (131000) and
Shijiazhuang (130100), cities of Hebei (130000), get their own: every text of Langfang's
records carries ``LEAK-LF`` (its lead ``LEAK-LF-LEAD``, its signed chain project
``LEAK-LF-SIGNED``, its signed local project ``LEAK-LF-LOCAL``), so that a body any
Dezhou user reads can be searched for it. A province user (reach province, tenant 130000)
and a regional user (the joint working group: Langfang and Dezhou, Hebei's six chains)
read across the cities.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.tenancy import acting_for
from core.tests.evidence_samples import pdf
from regions.models import Division

LEAK = "LEAK-LF"
INVESTOR = "国药集团有限公司"  # Langfang's lead courts it; so may Dezhou (the region's hint)
LANGFANG, SHIJIAZHUANG, HEBEI, DEZHOU = "131000", "130100", "130000", "371400"


def tenants():
    """The tenants and their divisions (a department lies in a division)."""
    from regions.models import Division, Tenant

    Tenant.objects.filter(code=DEZHOU).update(name="德州市")
    hebei = Tenant.objects.create(code=HEBEI, name="河北省", kind="province")
    Tenant.objects.create(code=LANGFANG, name="廊坊市", parent=hebei)
    Tenant.objects.create(code=SHIJIAZHUANG, name="石家庄市", parent=hebei)
    province = Division.objects.create(code=HEBEI, name="河北省", level="province")
    for code, name, county in (
        (LANGFANG, "廊坊市", "131082"),
        (SHIJIAZHUANG, "石家庄市", "130102"),
    ):
        city = Division.objects.create(
            code=code, name=name, level="prefecture_city", parent=province
        )
        Division.objects.create(code=county, name=f"{name}的县", level="county", parent=city)


def chains():
    from projects.models import IndustryChain

    six = IndustryChain.objects.create(name="新一代电子信息", group="hebei_six_chains")
    local = IndustryChain.objects.create(name="本地特色产业", group="local")
    return six, local


def new_project(
    code, name, department, stage="lead", chain=None, total="1000", funds="0", investor=None
):
    from core.tenancy import acting_tenant_id
    from projects.models import Project
    from projects.services import save_project

    signed = datetime.date(2023, 5, 1) if stage != "lead" else None
    # A county of the acting city (Dezhou's shared fixtures have one: 陵城区).
    host = Division.objects.filter(parent__code=acting_tenant_id() or DEZHOU).first()
    return save_project(
        Project(
            code=code,
            host_division=host,
            name=name,
            investor=investor or f"{name}投资有限公司",
            responsible_department=department,
            industry_chain=chain,
            year=2023,
            stage=stage,
            signed_on=signed,
            total_investment=Decimal(total),
            funds_in_place=Decimal(funds),
        )
    )


def new_department(name, short_name):
    """A department of the acting tenant, in its division."""
    from core.tenancy import acting_tenant_id
    from regions.models import Division
    from tracker.models import Department

    division = Division.objects.get(code=acting_tenant_id())
    return Department.objects.create(name=name, short_name=short_name, division=division)


def langfang(make_official, six, local):
    """Langfang's office, department, official and a record of every kind."""
    from bulletins.models import Bulletin
    from cooperation.models import CooperationItem, Counterpart
    from performance.models import Target
    from projects.blockers import raise_blocker
    from projects.services import record_project_update
    from tracker.models import KeyTask, WorkPoint

    world = SimpleNamespace()
    with acting_for(LANGFANG):
        world.department = new_department(f"{LEAK} 廊坊市商务局", f"{LEAK} 商务局")
        world.official = make_official("lf-official", world.department)
        world.supervisor = make_official("lf-office", is_supervisor=True)
        world.lead = new_project(
            "LF-001", f"{LEAK}-LEAD 国药集团项目", world.department, chain=six, investor=INVESTOR
        )
        world.signed = new_project(
            "LF-002", f"{LEAK}-SIGNED 中集集团项目", world.department, "signed", six, "2000"
        )
        world.local = new_project(
            "LF-003", f"{LEAK}-LOCAL 本地项目", world.department, "signed", local, "300"
        )
        report = record_project_update(
            project=world.signed,
            reported_on=datetime.date(2023, 6, 1),
            stage="signed",
            funds_in_place=Decimal("500"),
            note=f"{LEAK} report",
            author=world.official,
            files=[SimpleUploadedFile(f"{LEAK}.pdf", pdf(), content_type="application/pdf")],
        )
        world.evidence = report.evidence.get()
        point = WorkPoint.objects.create(year=2023, aspect="industry", number=1, title=LEAK)
        world.task = KeyTask.objects.create(
            code="KT-2023-001",  # Dezhou's task has the same code: codes are per city
            year=2023,
            title=f"{LEAK} 任务",
            work_point=point,
            lead_department=world.department,
            deadline=datetime.date(2023, 6, 30),
        )
        world.work_point = point
        world.blocker = raise_blocker(
            by=world.official,
            title=f"{LEAK} 用地问题",
            description=f"{LEAK} 描述",
            kind="land",
            project=world.lead,
        )
        world.counterpart = Counterpart.objects.create(name=f"{LEAK} 国药集团", kind="firm")
        world.item = CooperationItem.objects.create(
            code="HZ-2023-001",
            title=f"{LEAK} 合作",
            kind="firm_cooperation",
            year=2023,
            department=world.department,
        )
        world.item.counterparts.set([world.counterpart])
        world.target = Target.objects.create(year=2023, department=world.department, note=LEAK)
        world.bulletin = Bulletin(
            kind="month",
            period_start=datetime.date(2023, 12, 1),
            period_end=datetime.date(2023, 12, 31),
            number=f"{LEAK} 1号",
            title=f"{LEAK} 通报",
            built_at=timezone.now(),
        )
        world.bulletin.document.save("lf.docx", ContentFile(b"PK LEAK-LF"), save=False)
        world.bulletin.annex.save("lf.xlsx", ContentFile(b"PK LEAK-LF"), save=False)
        world.bulletin.save()
        gone = new_project("LF-009", f"{LEAK} 删除", world.department)
        world.gone_id = gone.pk
        gone.delete()
    return world


def shijiazhuang(make_official):
    world = SimpleNamespace()
    with acting_for(SHIJIAZHUANG):
        world.department = new_department("石家庄市商务局", "石家庄商务局")
        world.supervisor = make_official("sjz-office", is_supervisor=True)
        world.lead = new_project("SJZ-001", "石家庄线索项目", world.department, total="700")
        world.signed = new_project(
            "SJZ-002", "石家庄签约项目", world.department, "signed", None, "800"
        )
    return world


def readers(make_official):
    """A province user of Hebei and a regional user (the joint working group)."""
    from regions.models import Region, Tenant
    from tracker.models import Official

    with acting_for(HEBEI):
        hebei = new_department("河北省商务厅", "省商务厅")
        province = make_official("hebei-province", hebei)
        region_user = make_official("jjj-group", hebei)
    region = Region.objects.create(
        name="京津冀产业协同专题工作组", chain_groups=["hebei_six_chains"]
    )
    region.cities.set(Tenant.objects.filter(code__in=[LANGFANG, DEZHOU]))
    Official.objects.filter(user=province).update(reach="province")
    Official.objects.filter(user=region_user).update(reach="region", region=region)
    return fresh(province), fresh(region_user)


def fresh(user):
    """The user as a new request reads them (their reach is cached on the object)."""
    return type(user).objects.get(pk=user.pk)


def build(make_official, department, project, task, official_user, supervisor_user):
    """The whole world; Dezhou's shared fixtures are passed in (they are made first)."""
    from projects.blockers import raise_blocker

    tenants()
    six, local = chains()
    world = SimpleNamespace(
        lf=langfang(make_official, six, local),
        sjz=shijiazhuang(make_official),
        dz=SimpleNamespace(
            department=department,
            lead=project,
            task=task,
            official=official_user,
            supervisor=supervisor_user,
        ),
    )
    world.dz.signed = new_project(
        "DZ-2023-009", "德州签约链上项目", department, "signed", six, "900"
    )
    world.dz.blocker = raise_blocker(
        by=official_user, title="德州的问题", description="描述", kind="land", project=project
    )
    world.province, world.region = readers(make_official)
    return world
