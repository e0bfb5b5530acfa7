"""The access matrix's world in two cities (test_access_cities): Dezhou's, as the matrix
builds it, and a twin of it in Langfang, with Hebei's province user and the working group's
regional user; then every text of both cities marked with who may read it."""

import datetime
from decimal import Decimal

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client

from config.tests.test_access_matrix import OWNED, STEP_ONLY, api_models, cooperation_items
from core.tenancy import acting_for, shared_stages

DZ, LF, HB = "371400", "131000", "130000"
REGION_GROUPS = ["hebei_six_chains", "hebei_five_clusters"]
# The texts each model's rows carry, marked with the city and who reads them.
TEXTS = {
    "tracker.department": ("name", "short_name"),
    "tracker.workpoint": ("title",),
    "tracker.keytask": ("title", "description"),
    "tracker.taskupdate": ("note",),
    "tracker.cityleader": ("name",),
    "tracker.apitoken": ("name",),
    "projects.project": ("name", "investor", "description"),
    "projects.projectupdate": ("note",),
    "projects.blocker": ("title", "description"),
    "projects.duplicatedismissal": ("note",),
    "cooperation.counterpart": ("name",),
    "cooperation.cooperationitem": ("title", "description"),
    "cooperation.cooperationupdate": ("note",),
    "cooperation.agreementarea": ("title",),
    "performance.target": ("note",),
    "bulletins.bulletin": ("title",),
    "regions.counterpartpairing": ("notes",),
    "notifications.dispatch": ("subject", "body_text"),
    "notifications.grouprobot": ("name",),
    "notifications.webhooksubscription": ("name",),
}


def build(world):
    from regions.models import Region, Tenant

    divisions = places()
    Tenant.objects.filter(code=DZ).update(name="德州市")
    hebei = Tenant.objects.create(code=HB, name="河北省", kind="province")
    Tenant.objects.create(code=LF, name="廊坊市", kind="city", parent=hebei)
    region = Region.objects.create(name="京津冀产业协同专题工作组", chain_groups=REGION_GROUPS)
    region.cities.set([LF, DZ])
    dezhou = {
        **world,
        "county": world["own"]["projects.project"].host_division,
        "chains": chains(),
    }
    with acting_for(DZ):
        dezhou.update(shared_projects(dezhou, world["own"]["projects.project"].origin))
    with acting_for(LF):
        langfang = twin(divisions)
    users = {
        "dz-official": world["official"],
        "dz-supervisor": world["supervisor"],
        "lf-official": langfang["official"],
        "lf-supervisor": langfang["supervisor"],
    }
    with acting_for(HB):
        users.update(province_users(divisions, region))
    for code, city in ((DZ, dezhou), (LF, langfang)):
        client = Client()
        client.force_login(city["supervisor"])
        city["supervisor_client"] = client
        mark(code, city)
    mark_users(HB, "HB")
    cities = {DZ: dezhou, LF: langfang}
    return {"users": users, "cities": cities, "objects": objects(cities)}


def places():
    from regions.models import Division

    hebei = Division.objects.create(code=HB, name="河北省", level="province")
    langfang = Division.objects.create(
        code=LF, name="廊坊市", level="prefecture_city", parent=hebei
    )
    guan = Division.objects.create(code="131022", name="固安县", level="county", parent=langfang)
    beijing = Division.objects.get_or_create(code="110000", defaults={"name": "北京市"})[0]
    return {"hebei": hebei, "langfang": langfang, "county": guan, "beijing": beijing}


def chains():
    from projects.models import IndustryChain

    six = IndustryChain.objects.create(name="生物医药", group="hebei_six_chains")
    return {"six": six, "local": IndustryChain.objects.get(name="新能源", group="local")}


def official(username, department=None, is_supervisor=False, **fields):
    from tracker.models import Official
    from tracker.services import add_official

    profile = Official(department=department, is_supervisor=is_supervisor, **fields)
    return add_official(profile, username=username, password="secret-password").user


def twin(divisions):
    """The matrix's world, in Langfang (run acting for Langfang): the same codes, numbers
    and names where a city's own are unique per city."""
    from notifications.models import Dispatch, GroupRobot, WebhookSubscription
    from projects.blockers import raise_blocker
    from projects.models import Project
    from projects.services import record_project_update
    from regions.models import CounterpartPairing
    from tracker.models import CityLeader, Department, KeyTask, WorkPoint
    from tracker.services import create_api_token, record_task_update

    county, langfang = divisions["county"], divisions["langfang"]
    department = Department.objects.create(
        name="廊坊市商务局", short_name="市商务局", division=langfang
    )
    other_department = Department.objects.create(
        name="廊坊市科学技术局", short_name="市科学技术局", division=langfang
    )
    work_point = WorkPoint.objects.create(
        year=2023, aspect="industry", number=1, title="推进靶向精准招商"
    )
    city = {
        "department": department,
        "other_department": other_department,
        "official": official("lf-official", department),
        "supervisor": official("lf-supervisor", is_supervisor=True),
        "county": county,
        "chains": chains_of_twin(),
        "own": {},
        "other": {},
    }
    day = datetime.date(2023, 5, 5)
    for relation, owner, code in (("own", department, "001"), ("other", other_department, "999")):
        project = Project.objects.create(
            code=f"DZ-2023-{code}",
            name=f"{relation}项目",
            investor="北京恒瑞安科技有限公司",
            origin=divisions["beijing"],
            host_division=county,
            responsible_department=owner,
            year=2023,
            total_investment=Decimal("52000"),
        )
        record_project_update(
            project=project, reported_on=day, stage="negotiating", funds_in_place=0
        )
        task = KeyTask.objects.create(
            code=f"KT-2023-{code}",
            year=2023,
            title=f"{relation}任务",
            work_point=work_point,
            lead_department=owner,
            deadline=datetime.date(2023, 6, 30),
        )
        record_task_update(task=task, reported_on=day, status="in_progress", progress=10)
        city[relation].update(
            {
                "projects.project": project,
                "tracker.keytask": task,
                "projects.blocker": raise_blocker(
                    by=None, project=project, title="用地未交付", description="…", kind="land"
                ),
                "notifications.grouprobot": GroupRobot.objects.create(
                    name=f"{relation} 招商群",
                    platform="wecom",
                    department=owner,
                    webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                ),
            }
        )
    items = cooperation_items(department, other_department, divisions["beijing"])
    for relation in ("own", "other"):
        city[relation]["cooperation.cooperationitem"] = items[relation]
        city[relation]["cooperation.agreementarea"] = items[f"{relation}_area"]
    CounterpartPairing.objects.create(home=county, counterpart=divisions["beijing"])
    reports_and_settings(city)
    CityLeader.objects.create(name="赵六", title="副市长").departments.set([department])
    create_api_token(name="大屏", user=city["supervisor"], scope="read")
    Dispatch.objects.create(
        kind="digest",
        subject_key="city",
        recipient="b@example.com",
        period=day,
        subject="周报",
        body_text="…",
    )
    WebhookSubscription.objects.create(
        name="发改委",
        url="https://fgw.example/hook",
        events=["project.created"],
        secret="whsec_BBBB",
    )
    city.update(shared_projects(city, divisions["beijing"]))
    return city


def chains_of_twin():
    from projects.models import IndustryChain

    return {
        "six": IndustryChain.objects.get(name="生物医药", group="hebei_six_chains"),
        "local": IndustryChain.objects.get(name="新能源", group="local"),
    }


def reports_and_settings(city):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from bulletins.models import Bulletin
    from performance.models import RankingSettings, Target
    from projects.models import DuplicateDismissal

    Target.objects.create(year=2023, division=city["county"], signed_projects=5)
    RankingSettings.current()
    Bulletin.objects.create(
        kind="month",
        period_start=datetime.date(2023, 11, 1),
        period_end=datetime.date(2023, 11, 30),
        number="廊协办通〔2023〕11号",
        title="通报",
        document=ContentFile(b"docx", name="bulletin.docx"),
        document_sha256="0" * 64,
        annex=ContentFile(b"xlsx", name="annex.xlsx"),
        annex_sha256="0" * 64,
        built_at=timezone.now(),
    )
    DuplicateDismissal.objects.create(
        first=city["own"]["projects.project"],
        second=city["other"]["projects.project"],
        note="两个项目",
    )


def shared_projects(city, origin):
    """A signed chain project (the region reads it) and a project under construction
    outside the region's chains (the province reads it), each with a report; a problem
    on the chain project (read by nobody outside the city)."""
    from projects.blockers import raise_blocker
    from projects.models import Project, ProjectUpdate

    made = {}
    for key, chain, stage in (
        ("shared", city["chains"]["six"], "signed"),
        ("province_only", city["chains"]["local"], "under_construction"),
    ):
        project = Project.objects.create(
            code=f"GX-2024-{key}",
            name=f"{key}项目",
            investor="中关村企业",
            origin=origin,
            host_division=city["county"],
            industry_chain=chain,
            responsible_department=city["department"],
            year=2024,
            stage=stage,
            signed_on=datetime.date(2024, 3, 1),
            started_on=datetime.date(2024, 5, 1) if stage == "under_construction" else None,
            total_investment=Decimal("30000"),
        )
        ProjectUpdate.objects.create(
            project=project,
            reported_on=datetime.date(2024, 5, 2),
            stage=stage,
            funds_in_place=Decimal(0),
            note="进展",
        )
        made[key] = project
    raise_blocker(by=None, project=made["shared"], title="环评未批复", description="…", kind="land")
    return made


def province_users(divisions, region):
    """Run acting for Hebei: a province user and the working group's regional user."""
    from tracker.models import Department

    commerce = Department.objects.create(
        name="河北省商务厅", short_name="省商务厅", division=divisions["hebei"]
    )
    group = Department.objects.create(
        name="京津冀产业协同专题工作组办公室",
        short_name="京津冀工作组",
        division=divisions["hebei"],
    )
    return {
        "province": official("hebei-province", commerce, reach="province"),
        "region": official("jjj-group", group, reach="region", region=region),
    }


# --- markers ----------------------------------------------------------------------------


def marker_of(model, tag):
    if model._meta.label_lower == "tracker.department":
        return f"DEPT-{tag}"
    if getattr(model, "province_reads_whole", False):
        return f"PROV-{tag}"
    return f"LEAK-{tag}"


def mark(code, city):
    """Prefix every text of the city's rows with its marker (history keeps the old texts:
    another city's history pages are checked by their status)."""
    from django.apps import apps

    tag = {DZ: "DZ", LF: "LF"}[code]
    for label, fields in TEXTS.items():
        model = apps.get_model(label)
        rows = model._default_manager.for_tenants([code])
        share = getattr(model, "share_prefix", None)
        if share is not None:
            shared = rows.filter(**{f"{share}stage__in": shared_stages()})
            chain = {f"{share}industry_chain__group__in": REGION_GROUPS}
            prefix(shared.filter(**chain), fields, f"SHARE-{tag}")
            prefix(shared.exclude(**chain), fields, f"PROV-{tag}")
            rows = rows.exclude(**{f"{share}stage__in": shared_stages()})
        prefix(rows, fields, marker_of(model, tag))
    mark_users(code, tag)


def mark_users(code, tag):
    prefix(get_user_model().objects.filter(official__tenant=code), ["first_name"], f"DEPT-{tag}")
    from tracker.models import Department

    if code == HB:
        prefix(Department.objects.for_tenants([HB]), ["name", "short_name"], "DEPT-HB")


def prefix(rows, fields, marker):
    rows.update(**{field: Concat(Value(f"{marker} "), field) for field in fields})


# --- the objects each role visits -------------------------------------------------------


def objects(cities):
    """Per model: the rows of both cities (and the province) that the walk opens."""
    from projects.models import Project

    models = {model for model in admin.site._registry} | set(api_models().values())
    found = {}
    for model in models:
        label = model._meta.label_lower
        rows = []
        for city in cities.values():
            if label in OWNED | STEP_ONLY | {"cooperation.agreementarea"}:
                rows += [city["own"][label], city["other"][label]]
            elif model is Project:
                rows += [city["own"][label], city["other"][label], city["shared"]]
                rows.append(city["province_only"])
            elif label in ("projects.projectupdate", "tracker.taskupdate"):
                parent = "projects.project" if label.startswith("projects") else "tracker.keytask"
                rows += [city[relation][parent].updates.first() for relation in ("own", "other")]
        if not rows:
            rows = first_rows(model)
        found[model] = [row for row in dict.fromkeys(rows) if row is not None]
    return found


def first_rows(model):
    """A tenant-owned model's first row in each tenant; reference data's first row."""
    if model is get_user_model():
        return [model.objects.filter(official__tenant=code).first() for code in (DZ, LF, HB)]
    if getattr(model, "tenant_path", None) is None:
        return [model._default_manager.order_by("pk").first()]
    manager = model._default_manager
    return [manager.for_tenants([code]).order_by("pk").first() for code in (DZ, LF, HB)]
