"""Two cities for the admin and Excel tenant tests: Dezhou (371400, the home city the
migration makes) and Langfang (131000, a city of Hebei 130000).

Each city has a department with the same short name (市商务局), a key task, a work point, a
project, a problem, a counterpart and a cooperation agreement with an area; Dezhou's texts
carry ``DZ-SECRET`` and Langfang's ``LF-OWN``, so that a page a Langfang user reads can be
searched for Dezhou's marker. Codes collide on purpose: both have XM-2024-001 and
KT-2024-001 (codes are per city).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from core.tenancy import acting_for

DEZHOU, LANGFANG, HEBEI = "371400", "131000", "130000"
DZ, LF = "DZ-SECRET", "LF-OWN"


def fresh(user):
    """The user as a new request reads them (the reach is cached on the object)."""
    return type(user).objects.get(pk=user.pk)


def city_records(marker, department, official):
    """A key task, a project with a problem, a counterpart and an agreement with an area
    of the acting city."""
    from cooperation.models import AgreementArea, CooperationItem, Counterpart
    from projects.blockers import raise_blocker
    from projects.models import Project
    from tracker.models import KeyTask, WorkPoint

    records = SimpleNamespace(department=department)
    records.work_point = WorkPoint.objects.create(
        year=2024, aspect="industry", number=1, title=f"{marker} 工作要点"
    )
    records.task = KeyTask.objects.create(
        code="KT-2024-001",
        year=2024,
        title=f"{marker} 重点任务",
        work_point=records.work_point,
        lead_department=department,
        deadline=datetime.date(2024, 6, 30),
    )
    records.project = Project.objects.create(
        code="XM-2024-001",
        name=f"{marker} 项目",
        investor=f"{marker} 投资方",
        responsible_department=department,
        host_division=department.division,
        year=2024,
        stage="signed",
        signed_on=datetime.date(2024, 3, 1),
        total_investment=Decimal("10000"),
    )
    records.blocker = raise_blocker(
        by=official,
        project=records.project,
        title=f"{marker} 用地问题",
        description=f"{marker} 描述",
        kind="land",
    )
    records.counterpart = Counterpart.objects.create(name=f"{marker} 国药集团", kind="firm")
    records.agreement = CooperationItem.objects.create(
        code="XY-01",
        title=f"{marker} 框架协议",
        kind="agreement",
        year=2024,
        department=department,
    )
    records.area = AgreementArea.objects.create(
        agreement=records.agreement, number=1, title="科技创新"
    )
    return records


def build(make_official, department, dezhou):
    """Both cities; ``department`` and ``dezhou`` are the shared fixtures (Dezhou's)."""
    from regions.models import Division, Tenant
    from tracker.models import Department

    Tenant.objects.filter(code=DEZHOU).update(name="德州市")
    hebei = Tenant.objects.create(code=HEBEI, name="河北省", kind="province")
    Tenant.objects.create(code=LANGFANG, name="廊坊市", kind="city", parent=hebei)
    province = Division.objects.create(code=HEBEI, name="河北省", level="province")
    langfang_division = Division.objects.create(
        code=LANGFANG, name="廊坊市", level="prefecture_city", parent=province
    )
    world = SimpleNamespace()
    with acting_for(DEZHOU):
        department.name = f"{DZ} 德州市商务局"
        department.save()
        dz_official = make_official("dz-official", department)
        world.dz = city_records(DZ, department, dz_official)
        world.dz.official = dz_official
        world.dz.supervisor = make_official("dz-office", is_supervisor=True)
        # A department only Dezhou has: a Langfang ledger naming it names nothing.
        world.dz.only = Department.objects.create(
            name=f"{DZ} 德州市科学技术局", short_name="市科学技术局", division=dezhou
        )
    with acting_for(LANGFANG):
        lf_department = Department.objects.create(
            name=f"{LF} 廊坊市商务局", short_name="市商务局", division=langfang_division
        )
        world_second = Department.objects.create(
            name=f"{LF} 廊坊市发展和改革委员会",
            short_name="市发展改革委",
            division=langfang_division,
        )
        lf_official = make_official("lf-official", lf_department)
        world.lf = city_records(LF, lf_department, lf_official)
        world.lf.official = fresh(lf_official)
        world.lf.supervisor = fresh(make_official("lf-office", is_supervisor=True))
        world.lf.second = world_second
    with acting_for(HEBEI):
        province_department = Department.objects.create(
            name="河北省商务厅", short_name="省商务厅", division=province
        )
        province_user = make_official("hebei-office", province_department, is_supervisor=True)
    province_user.official.reach = "province"
    province_user.official.save()
    world.province = fresh(province_user)
    return world
