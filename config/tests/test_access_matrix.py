"""Every admin URL and every API route, discovered from the URL resolver, against the matrix.

Who: anonymous, an official (own department / another department's records), a
supervisor. What: GET and POST (PATCH and PUT on the API). A URL nobody has classified
fails the test, so a view added tomorrow, ours or a library's, is covered the day it
appears. A refused write must change nothing at all: the whole database is compared.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.testing.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

# Admin URL names end in one of these; the value says what the page does.
ADMIN_KINDS = {
    "changelist": "list",
    "add": "add",
    "change": "change",
    "delete": "delete",
    "history": "history",
    "simple_history": "revert",
    "report": "report",
    "import": "import",
    "process_import": "import",
    "export": "export",
    "password_change": "password",  # auth's user admin: a user's password
    "loop": "loop",  # a key task's supervision step: test_loop_steps below
    "step": "loop",  # a problem's step (projects.blocker): test_blocker_steps below
}
# Admin-site pages that belong to no model, and what each is.
SITE_PAGES = {
    "index": "site",
    "app_list": "site",
    "login": "public",
    "logout": "logout",
    "password_change": "own-password",
    "password_change_done": "site",
    "autocomplete": "site",
    "jsi18n": "site",
    "view_on_site": "public",
    "notifications_dispatch_preview_digest": "supervisor-page",
    "notifications_dispatch_missing_reports": "site",
    "bulletins_bulletin_build": "supervisor-page",
    "projects_project_duplicates": "supervisor-page",
    # Every signed-in official reads the rankings (performance.admin_rankings).
    "performance_rankingsettings_rankings": "site",
    # Coordinating the investors courted by several cities: a province's or a region's
    # users only (projects.admin_courting); a city's users get 403 (test_access_cities).
    "projects_courtingcase_coordinate": "coordinator-page",
}
# Models whose rows no user writes through the admin: reports and history are records,
# the dispatch log is written by the mailer, axes' logs by the login machinery.
RECORDS = {
    "tracker.taskupdate",
    "projects.projectupdate",
    "cooperation.cooperationupdate",
    "notifications.dispatch",
}
OWNED = {
    "projects.project",
    "tracker.keytask",
    "cooperation.cooperationitem",
    "notifications.grouprobot",
}
# Owned, but every page is read-only: each change is a step with its own page (a POST to
# the change or delete page is refused for everyone; the add page raises a problem).
STEP_ONLY = {"projects.blocker"}
# The apps whose tables a user could change through a page (their history tables too).
WATCHED_APPS = {
    "cooperation",
    "performance",
    "bulletins",
    "workdays",
    "regions",
    "tracker",
    "projects",
    "notifications",
    "auth",
    "django_celery_beat",
}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def admin_patterns():
    return [
        (route, p) for route, p in walk(get_resolver().url_patterns) if route.startswith("admin/")
    ]


def classify_admin(route, pattern):
    """(kind, model) of an admin URL, or (None, None) when nobody has classified it."""
    name = pattern.name
    if name in SITE_PAGES:
        return SITE_PAGES[name], None
    if name is None:
        # Django's redirect of <id>/ to <id>/change/, and the final catch-all.
        return (
            ("redirect", None)
            if route.endswith("<path:object_id>/") or ".*" in route
            else (
                None,
                None,
            )
        )
    for model_admin in admin.site._registry.values():
        opts = model_admin.opts
        stem = f"{opts.app_label}_{opts.model_name}_"
        if name.startswith(stem) and name[len(stem) :] in ADMIN_KINDS:
            return ADMIN_KINDS[name[len(stem) :]], opts.model
    return None, None


def test_every_admin_url_is_classified():
    unknown = [route for route, p in admin_patterns() if classify_admin(route, p)[0] is None]
    assert not unknown, f"Decide who may use these admin URLs, then classify them: {unknown}"


# ---------------------------------------------------------------------------------------
# The world: two departments, each with a project and a task with a report; reference data.


@pytest.fixture
def world(db, make_official, department, other_department, project, task, work_point):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    from core.models import Tombstone
    from notifications.models import Dispatch, GroupRobot, WebhookSubscription
    from projects.blockers import raise_blocker
    from projects.models import IndustryChain, Project
    from projects.services import record_project_update
    from regions.models import CounterpartPairing, Park
    from tracker.models import CityLeader, KeyTask
    from tracker.services import create_api_token, record_task_update
    from workdays.models import CalendarException

    official = make_official("own-official", department)
    supervisor = make_official("the-supervisor", is_supervisor=True)
    other_project = Project.objects.create(
        code="DZ-2023-999",
        name="别的部门的项目",
        host_division=project.host_division,
        responsible_department=other_department,
        year=2023,
        total_investment=Decimal("1000"),
    )
    other_task = KeyTask.objects.create(
        code="KT-2023-999",
        year=2023,
        title="别的部门的任务",
        work_point=work_point,
        lead_department=other_department,
        deadline=datetime.date(2023, 9, 30),
    )
    day = datetime.date(2023, 5, 5)
    for owned in (project, other_project):
        record_project_update(project=owned, reported_on=day, stage="negotiating", funds_in_place=0)
    for owned in (task, other_task):
        record_task_update(task=owned, reported_on=day, status="in_progress", progress=10)
    Park.objects.create(name="德州天衢新区", kind="new_area", division=project.host_division)
    CounterpartPairing.objects.create(home=project.host_division, counterpart=project.origin)
    IndustryChain.objects.create(name="新能源", group="local")
    CalendarException.objects.create(date=datetime.date(2026, 10, 9), note="市政府临时调整")
    targets_and_bulletins(project.host_division)
    items = cooperation_items(department, other_department, project.origin)
    CityLeader.objects.create(name="王五", title="副市长").departments.set([department])
    create_api_token(name="大屏", user=supervisor, scope="read")
    Dispatch.objects.create(
        kind="digest",
        subject_key="city",
        recipient="a@example.com",
        period=day,
        subject="周报",
        body_text="…",
    )
    crontab = CrontabSchedule.objects.create(minute="0", hour="8")
    PeriodicTask.objects.get_or_create(
        name="matrix-test", defaults={"task": "tracker.tasks.send_digests", "crontab": crontab}
    )
    WebhookSubscription.objects.create(
        name="大数据局",
        url="https://dsj.example/hook",
        events=["project.created"],
        secret="whsec_AAAA",
    )
    Tombstone.objects.create(model="projects.project", object_id=999999)
    robots = {
        relation: GroupRobot.objects.create(
            name=f"{relation} 招商群",
            platform="wecom",
            department=owner,
            webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        )
        for relation, owner in (("own", department), ("other", other_department))
    }
    problems = {
        relation: raise_blocker(
            by=None, project=owned, title="用地未交付", description="…", kind="land"
        )
        for relation, owned in (("own", project), ("other", other_project))
    }
    return {
        "official": official,
        "supervisor": supervisor,
        "department": department,
        "other_department": other_department,
        "own": {
            "projects.project": project,
            "tracker.keytask": task,
            "projects.blocker": problems["own"],
            "cooperation.cooperationitem": items["own"],
            "cooperation.agreementarea": items["own_area"],
            "notifications.grouprobot": robots["own"],
        },
        "other": {
            "projects.project": other_project,
            "tracker.keytask": other_task,
            "projects.blocker": problems["other"],
            "cooperation.cooperationitem": items["other"],
            "cooperation.agreementarea": items["other_area"],
            "notifications.grouprobot": robots["other"],
        },
    }


def cooperation_items(department, other_department, partner_division):
    """An item of each department (the other's an agreement with an area), a counterpart,
    and a report on each item."""
    from cooperation.models import AgreementArea, CooperationItem, CooperationUpdate, Counterpart

    partner = Counterpart.objects.create(
        name="朝阳区人民政府", kind="district", division=partner_division
    )
    items = {}
    for relation, owner, kind in (
        ("own", department, "platform"),
        ("other", other_department, "agreement"),
    ):
        item = CooperationItem.objects.create(
            code=f"HZ-2023-{relation}",
            title=f"{relation}合作事项",
            kind=kind,
            year=2023,
            department=owner,
        )
        item.counterparts.set([partner])
        CooperationUpdate.objects.create(
            item=item, reported_on=datetime.date(2023, 5, 5), state="in_progress"
        )
        items[relation] = item
    items["other_area"] = AgreementArea.objects.create(
        agreement=items["other"], number=1, title="产业承接"
    )
    own_agreement = CooperationItem.objects.create(
        code="XY-2023-own",
        title="本部门框架协议",
        kind="agreement",
        year=2023,
        department=department,
    )
    items["own_area"] = AgreementArea.objects.create(
        agreement=own_agreement, number=1, title="科技创新"
    )
    return items


def targets_and_bulletins(county):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from bulletins.models import Bulletin
    from performance.models import RankingSettings, Target
    from projects.models import DuplicateDismissal, Project

    Target.objects.create(year=2023, division=county, signed_projects=5)
    RankingSettings.current()
    Bulletin.objects.create(
        kind="month",
        period_start=datetime.date(2023, 11, 1),
        period_end=datetime.date(2023, 11, 30),
        number="德协办通〔2023〕11号",
        title="通报",
        document=ContentFile(b"docx", name="bulletin.docx"),
        document_sha256="0" * 64,
        annex=ContentFile(b"xlsx", name="annex.xlsx"),
        annex_sha256="0" * 64,
        built_at=timezone.now(),
    )
    first, second = Project.objects.order_by("pk")[:2]
    DuplicateDismissal.objects.create(first=first, second=second, note="两个项目")


def watched_tables():
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WATCHED_APPS and model._meta.label_lower != "auth.permission"
    )


def snapshot():
    """Every row of every table a user could change: history and many-to-many included."""
    with connection.cursor() as cursor:
        state = {}
        for table in watched_tables():
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            state[table] = cursor.fetchall()
    return state


def changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


def targets(model, world):
    """(relation, object) pairs to try an object URL on: own and other department's."""
    label = model._meta.label_lower
    if label in OWNED | STEP_ONLY:
        return [("own", world["own"][label]), ("other", world["other"][label])]
    if label == "projects.projectupdate":
        return [
            ("own", world["own"]["projects.project"].updates.first()),
            ("other", world["other"]["projects.project"].updates.first()),
        ]
    if label == "tracker.taskupdate":
        return [
            ("own", world["own"]["tracker.keytask"].updates.first()),
            ("other", world["other"]["tracker.keytask"].updates.first()),
        ]
    obj = model._default_manager.order_by("pk").first()
    return [("reference", obj)] if obj is not None else []


def url_for(pattern, obj=None):
    name = f"admin:{pattern.name}"
    if pattern.name.endswith("_simple_history"):
        return reverse(name, args=[obj.pk, obj.history.latest().history_id])
    if obj is not None:
        return reverse(name, args=[obj.pk])
    return reverse(name)


def hostile_data(client, model, obj, world):
    """A change form as the page shows it, renamed and handed to the attacker's department."""
    supervisor_page = client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    )
    data = admin_form_data(supervisor_page) if supervisor_page.status_code == 200 else {}
    for field in ("name", "title", "short_name", "investor", "note", "areas"):
        if field in data:
            data[field] = f"HACKED-{data[field]}"
    if "email" in data or model._meta.model_name == "department":
        data["email"] = "attacker@example.com"
    for owner in ("responsible_department", "lead_department", "department"):
        if owner in data:
            data[owner] = str(world["department"].pk)
    return data


def admin_cases():
    """Every (route, pattern, kind, model) discovered, with object-level ones expanded later."""
    return [(route, p, *classify_admin(route, p)) for route, p in admin_patterns()]


MODEL_KINDS = {
    "list",
    "add",
    "change",
    "delete",
    "history",
    "revert",
    "report",
    "import",
    "export",
    "password",
}


@pytest.mark.parametrize("role", ["anonymous", "official", "supervisor"])
def test_admin_matrix(client, world, role):
    """Walk every admin URL as ``role``, GET then POST, and check what it did."""
    from django.test import Client

    supervisor_client = Client()
    supervisor_client.force_login(world["supervisor"])
    if role != "anonymous":
        client.force_login(world[role])
    failures = []
    forms = {}
    for route, pattern, kind, model in admin_cases():
        if kind in (None, "redirect", "loop"):
            continue
        if model is None:
            failures += check_site_page(client, role, pattern, kind)
            if role != "anonymous":
                client.force_login(world[role])  # the logout page logged them out
            continue
        needs_object = "<path:object_id>" in route or "<id>" in route or "history/(" in route
        if not needs_object:
            failures += check_model_page(client, role, pattern, kind, model, None, None, world)
            continue
        for relation, obj in targets(model, world):
            if kind == "revert" and not hasattr(obj, "history"):
                continue
            # Built afresh after a write: a form read before it is stale, and refused.
            key = (model, obj.pk, len(forms.get("writes", [])))
            if key not in forms:
                forms[key] = hostile_data(supervisor_client, model, obj, world)
            data = forms[key]
            failures += check_model_page(
                client, role, pattern, kind, model, obj, relation, world, data
            )
            if kind in ("report", "change"):
                forms.setdefault("writes", []).append(kind)
    assert not failures, "\n".join(failures)


def login_redirect(response):
    return response.status_code == 302 and "/admin/login/" in response["Location"]


def check_site_page(client, role, pattern, kind):
    failures = []
    url = reverse(f"admin:{pattern.name}", kwargs=site_kwargs(pattern))
    for method in ("get", "post"):
        before = snapshot()
        response = getattr(client, method)(url)
        label = f"{role} {method.upper()} {url} ({kind})"
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code}")
        if (
            role == "anonymous"
            and kind not in ("public", "logout")
            and not login_redirect(response)
        ):
            failures.append(f"{label}: anonymous got {response.status_code}, not the login page")
        if kind == "supervisor-page" and role == "official" and response.status_code != 403:
            failures.append(f"{label}: an official got {response.status_code}, not 403")
        if kind == "supervisor-page" and role == "supervisor" and response.status_code != 200:
            failures.append(f"{label}: a supervisor got {response.status_code}")
        if kind == "coordinator-page" and role != "anonymous" and response.status_code != 403:
            failures.append(f"{label}: a city's {role} got {response.status_code}, not 403")
        if kind != "logout" and (tables := changed_tables(before, snapshot())):
            failures.append(f"{label}: changed {tables}")
    return failures


def site_kwargs(pattern):
    if pattern.name == "app_list":
        return {"app_label": "projects"}
    if pattern.name == "view_on_site":
        return {"content_type_id": "1", "object_id": "1"}
    return {}


def expected_post(kind, label, role, relation):
    """What a POST should do: "login", "refused" (403, nothing changed), "applied" (a
    change happened and the page redirected) or "inert" (< 500, nothing changed)."""
    if role == "anonymous":
        return "login"
    if kind in ("revert",):
        return "refused"  # history is a record, for supervisors too
    is_supervisor = role == "supervisor"
    if kind == "list" and is_supervisor:
        return "skip"  # supervisors may delete through the list's action
    if kind in ("history", "export", "list", "import"):
        return "inert"  # reading pages; a list POST without a valid action does nothing
    if label == "notifications.dispatch" and is_supervisor and kind == "change":
        return "inert"  # every field of a logged email is read-only
    if label in STEP_ONLY:
        return "inert" if kind == "add" else "refused"
    if label in RECORDS or model_is_library_log(label):
        return "refused"
    if label in OWNED:
        if kind == "delete":
            # Officials have no delete permission; supervisors delete (checked separately).
            return "skip" if is_supervisor else "refused"
        if kind == "add":
            return "inert" if not is_supervisor else "skip"
        if is_supervisor or relation == "own":
            return "applied" if kind in ("change", "report") else "inert"
        return "refused"
    # Reference data: supervisors only.
    if not is_supervisor:
        return "refused"
    return "skip"  # supervisors' changes of reference data are tested elsewhere


def model_is_library_log(label):
    return label.startswith("axes.")


def check_model_page(client, role, pattern, kind, model, obj, relation, world, data=None):
    failures = []
    label = model._meta.label_lower
    url = url_for(pattern, obj)
    tag = f"{role} on {relation or 'list'} {label} {kind} {url}"

    get = client.get(url)
    if get.status_code >= 500:
        failures.append(f"{tag} GET: {get.status_code}")
    if role == "anonymous" and not login_redirect(get):
        failures.append(f"{tag} GET: anonymous got {get.status_code}, not the login page")
    refused_read = role == "official" and relation == "other" and kind in ("delete", "report")
    if refused_read and get.status_code != 403:
        failures.append(f"{tag} GET: {get.status_code}, not 403")

    expectation = expected_post(kind, label, role, relation)
    if expectation == "skip":
        return failures
    payload = dict(data or {})
    if kind == "report":
        payload = report_payload(label)
    if kind == "list":
        payload = {
            "action": "delete_selected",
            "_selected_action": [str(t.pk) for _r, t in targets(model, world)],
            "post": "yes",
        }
    before = snapshot()
    response = client.post(url, payload)
    after = snapshot()
    changed = changed_tables(before, after)
    status = response.status_code
    if status >= 500:
        failures.append(f"{tag} POST: {status}")
    if expectation == "login":
        if not login_redirect(response) or changed:
            failures.append(f"{tag} POST: anonymous got {status}, changed {changed}")
    elif expectation == "refused":
        if status != 403 or changed:
            failures.append(
                f"{tag} POST: expected 403 and no change; got {status}, changed {changed}"
            )
    elif expectation == "inert":
        if changed:
            failures.append(f"{tag} POST: expected no change; changed {changed}")
    elif expectation == "applied" and (status != 302 or not changed):
        errors = form_errors(response)
        failures.append(f"{tag} POST: expected the change to apply; got {status} {errors}")
    return failures


def form_errors(response):
    context = getattr(response, "context", None) or {}
    form = context.get("adminform") or context.get("form")
    form = getattr(form, "form", form)
    return dict(form.errors) if form is not None else {}


def report_payload(label):
    today = datetime.date.today().isoformat()
    if label == "cooperation.cooperationitem":
        return {"reported_on": today, "state": "in_progress", "note": "x"}
    if label == "projects.project":
        return {"reported_on": today, "stage": "signed", "funds_in_place": "0", "note": "x"}
    return {"reported_on": today, "status": "in_progress", "progress": "20", "note": "x"}


# ---------------------------------------------------------------------------------------
# The API: every route, the same matrix.

API_READ_ONLY = {
    "division",
    "park",
    "counterpartpairing",
    "department",
    "industrychain",
    "workpoint",
    "bulletin",  # built by the admin and the command (docs/bulletins.md)
    "tombstone",  # the deletions feed /api/v1/deleted/ (core.rest.deleted): GET only
}


# Never edited over the API either: a problem changes by its steps (test_api_blocker_steps).
API_STEP_ONLY = {"blocker"}
# Written over the API by supervisors only (officials get 403); read by everyone logged in.
API_SUPERVISOR_WRITES = {"target", "counterpart", "webhooksubscription"}
# Owned through another record (an agreement's areas, through the agreement): own and
# other department's over the API.
API_OWNED_THROUGH = {"cooperation.agreementarea"}


def api_patterns():
    found = []
    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("api"):
            continue
        if "format" in route:
            continue  # the same view with a format suffix
        found.append((route, pattern))
    return found


def classify_api(route, pattern):
    name = pattern.name or ""
    if name in (
        "api-root",
        "stats-projects",
        "stats-tasks",
        "stats-blockers",
        "stats-cooperation",
        "reporting-missing",
        "reporting-departments",
        "rankings",
    ):
        return "read", None
    # The investors courted by several cities: a province's or a region's users only; a
    # city's users get 403 (a case names the other cities). GET only.
    if name.startswith("courtingcase-"):
        return "coordinators", None
    # The schema and its docs describe the API's shape and hold no data: public, so that
    # integrators can read them before they have a token (docs/security.md).
    if name in ("login", "logout", "schema", "api-docs"):
        return "public", None
    match = re.fullmatch(r"(\w+)-(list|detail|updates|steps|deliveries)", name)
    if match:
        return match.group(2), match.group(1)
    # The supervision loop's steps (POST only): test_api_loop_steps below.
    if re.fullmatch(r"keytask-(receive|request-completion|close|return|cancel)", name):
        return "step", "keytask"
    # A problem's steps (POST only): test_api_blocker_steps below.
    if re.fullmatch(r"blocker-(assign|note|escalate|solve|withdraw)", name):
        return "blocker-step", "blocker"
    return None, None


def test_every_api_route_is_classified():
    unknown = [r for r, p in api_patterns() if classify_api(r, p)[0] is None]
    assert not unknown, f"Decide who may use these API routes, then classify them: {unknown}"


def api_models():
    from bulletins.models import Bulletin
    from cooperation.models import AgreementArea, CooperationItem, Counterpart
    from core.models import Tombstone
    from notifications.models import GroupRobot, WebhookSubscription
    from performance.models import Target
    from projects.models import Blocker, IndustryChain, Project
    from regions.models import CounterpartPairing, Division, Park
    from tracker.models import Department, KeyTask, WorkPoint

    return {
        "division": Division,
        "park": Park,
        "counterpartpairing": CounterpartPairing,
        "department": Department,
        "industrychain": IndustryChain,
        "project": Project,
        "workpoint": WorkPoint,
        "keytask": KeyTask,
        "blocker": Blocker,
        "target": Target,
        "bulletin": Bulletin,
        "cooperationitem": CooperationItem,
        "counterpart": Counterpart,
        "agreementarea": AgreementArea,
        "tombstone": Tombstone,
        "webhooksubscription": WebhookSubscription,
        "grouprobot": GroupRobot,
    }


def api_targets(basename, world):
    model = api_models()[basename]
    label = model._meta.label_lower
    if label in OWNED | STEP_ONLY | API_OWNED_THROUGH:
        return [("own", world["own"][label]), ("other", world["other"][label])]
    return [("reference", model.objects.order_by("pk").first())]


def api_url(pattern, obj=None):
    return reverse(pattern.name, kwargs={"pk": obj.pk} if obj is not None else {})


def api_write_body(basename, world):
    """A hostile body: rename, and hand the record to the attacker's department."""
    department = world["department"].pk
    return {
        "project": {"name": "HACKED", "responsible_department": department},
        "keytask": {"title": "HACKED", "lead_department": department},
        "cooperationitem": {"title": "HACKED", "department": department},
        "grouprobot": {"name": "HACKED", "department": department},
        "agreementarea": {
            "title": "HACKED",
            "agreement": world["own"]["cooperation.agreementarea"].agreement_id,
        },
    }.get(basename, {"name": "HACKED"})


@pytest.mark.parametrize("role", ["anonymous", "official", "supervisor"])
def test_api_matrix(world, role):
    from rest_framework.test import APIClient

    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world[role])
    failures = []
    for route, pattern in api_patterns():
        kind, basename = classify_api(route, pattern)
        if kind in ("public", "step", "blocker-step"):
            continue
        if kind == "coordinators":
            failures += check_coordinators_only(client, role, reverse(pattern.name))
            continue
        objects = [(None, None)] if kind in ("read", "list") else api_targets(basename, world)
        for relation, obj in objects:
            url = api_url(pattern, obj) if kind != "read" else reverse(pattern.name)
            if pattern.name.startswith("stats-"):
                by_kind = pattern.name in ("stats-blockers", "stats-cooperation")
                url += "?group_by=" + ("kind" if by_kind else "month")
            tag = f"{role} {relation or ''} {url}"
            response = client.get(url)
            expected = 401 if role == "anonymous" else 200
            if response.status_code != expected:
                failures.append(f"{tag} GET: {response.status_code}, expected {expected}")
            if kind in ("read", "steps", "deliveries"):
                continue
            failures += check_api_writes(client, role, kind, basename, relation, url, world)
    assert not failures, "\n".join(failures)


def check_coordinators_only(client, role, url):
    """A city's users (these roles) read no courting case and nobody writes one."""
    failures = []
    expected = 401 if role == "anonymous" else 403
    for method, allowed in (("get", {expected}), ("post", {expected, 405})):
        before = snapshot()
        status = (client.get(url) if method == "get" else client.post(url, {})).status_code
        changed = changed_tables(before, snapshot())
        if status not in allowed or changed:
            failures.append(f"{role} {method.upper()} {url}: {status}, changed {changed}")
    return failures


def check_api_writes(client, role, kind, basename, relation, url, world):
    failures = []
    read_only = basename in API_READ_ONLY
    if kind == "updates":
        label = {"project": "projects.project", "cooperationitem": "cooperation.cooperationitem"}
        methods = {"post": report_payload(label.get(basename, "x"))}
    elif kind == "list":
        methods = {"post": api_write_body(basename, world)}
    else:
        methods = {"patch": api_write_body(basename, world), "put": api_write_body(basename, world)}
    for method, body in methods.items():
        before = snapshot()
        response = getattr(client, method)(url, body, format="json")
        changed = changed_tables(before, snapshot())
        status = response.status_code
        tag = f"{role} {relation or ''} {method.upper()} {url}"
        if status >= 500:
            failures.append(f"{tag}: {status}")
        elif role == "anonymous":
            if status != 401 or changed:
                failures.append(f"{tag}: {status}, changed {changed}; expected 401")
        elif read_only or (basename in API_STEP_ONLY and kind == "detail"):
            if status not in (403, 405) or changed:
                failures.append(f"{tag}: {status}, changed {changed}; expected 405")
        elif role == "official" and basename in API_SUPERVISOR_WRITES:
            if status != 403 or changed:
                failures.append(f"{tag}: {status}, changed {changed}; expected 403")
        elif role == "official" and relation == "other":
            if status not in (403, 404) or changed:
                failures.append(f"{tag}: {status}, changed {changed}; expected 403")
        elif role == "official" and kind == "list":
            # Creating for their own department is allowed; the body above lacks
            # required fields, so it is a 400 and nothing is created.
            if status != 400 or changed:
                failures.append(f"{tag}: {status}, changed {changed}; expected 400")
        elif kind == "updates" and status == 201 and not changed:
            failures.append(f"{tag}: 201 but nothing recorded")
    return failures


def test_official_cannot_hand_own_project_to_another_department_through_the_api(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world["official"])
    project = world["own"]["projects.project"]
    before = snapshot()
    response = client.patch(
        f"/api/v1/projects/{project.pk}/",
        {"responsible_department": world["other_department"].pk},
        format="json",
    )
    assert response.status_code == 403
    assert not changed_tables(before, snapshot())


def test_api_refusals_say_why_in_chinese(world):
    from rest_framework.test import APIClient

    from tracker.services import create_api_token

    client = APIClient()
    client.force_authenticate(world["official"])
    other = world["other"]["projects.project"]
    refused = client.patch(f"/api/v1/projects/{other.pk}/", {"name": "x"}, format="json")
    assert refused.status_code == 403
    assert "其他部门" in refused.json()["detail"]
    _token, key = create_api_token(name="只读", user=world["official"], scope="read")
    reader = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    own = world["own"]["projects.project"]
    read_only = reader.patch(f"/api/v1/projects/{own.pk}/", {"name": "x"}, format="json")
    assert read_only.status_code == 403
    assert "只能读取" in read_only.json()["detail"]


# (role, whose task, step) -> what a POST of the step page does: the loop's table on the
# data path (tracker.loop) decides, the page only asks it.
LOOP_CASES = [
    ("anonymous", "own", "receive", "login"),
    ("official", "other", "receive", "refused"),
    ("official", "own", "close", "refused"),
    ("official", "own", "receive", "applied"),
    ("supervisor", "other", "receive", "applied"),
    ("official", "own", "no-such-step", "missing"),
]


@pytest.mark.parametrize(("role", "relation", "step", "expected"), LOOP_CASES)
def test_loop_steps(client, world, role, relation, step, expected):
    from tracker.models import KeyTask

    task = world[relation]["tracker.keytask"]
    KeyTask.objects.filter(pk=task.pk).update(state="assigned")
    if role != "anonymous":
        client.force_login(world[role])
    url = reverse("admin:tracker_keytask_loop", args=[task.pk, step])
    before = snapshot()
    response = client.post(url, {"note": "<script>alert(1)</script>"})
    changed = changed_tables(before, snapshot())
    if expected == "login":
        assert login_redirect(response) and not changed
    elif expected == "refused":
        assert response.status_code == 403 and not changed
    elif expected == "missing":
        assert response.status_code == 404 and not changed
    else:
        assert response.status_code == 302 and KeyTask.objects.get(pk=task.pk).state == "received"


# (role, whose problem, step) -> what a POST of the step page does: the steps' table on
# the data path (projects.blockers) decides, the page only asks it.
BLOCKER_STEP_CASES = [
    ("anonymous", "own", "note", "login"),
    ("official", "other", "note", "refused"),  # not involved in the other department's
    ("official", "own", "assign", "refused"),  # the office assigns
    ("official", "own", "withdraw", "refused"),
    ("official", "own", "note", "applied"),
    ("supervisor", "other", "withdraw", "applied"),
    ("official", "own", "no-such-step", "missing"),
]


@pytest.mark.parametrize(("role", "relation", "step", "expected"), BLOCKER_STEP_CASES)
def test_blocker_steps(client, world, role, relation, step, expected):
    problem = world[relation]["projects.blocker"]
    if role != "anonymous":
        client.force_login(world[role])
    url = reverse("admin:projects_blocker_step", args=[problem.pk, step])
    before = snapshot()
    response = client.post(url, {"note": "<script>alert(1)</script>"})
    changed = changed_tables(before, snapshot())
    if expected == "login":
        assert login_redirect(response) and not changed
    elif expected == "refused":
        assert response.status_code == 403 and not changed
    elif expected == "missing":
        assert response.status_code == 404 and not changed
    else:
        assert response.status_code == 302 and problem.steps.count() == 2


def wrong_step_answer(role, relation, status, changed):
    """Anything but: 401 untouched for anonymous callers, 403 untouched for another
    department's official, and no change with a refusal; never a 500."""
    if status >= 500:
        return True
    if role == "anonymous":
        return status != 401 or bool(changed)
    if role == "official" and relation == "other":
        return status != 403 or bool(changed)
    return status >= 400 and bool(changed)


@pytest.mark.parametrize("kind, model", [("step", "keytask"), ("blocker-step", "blocker")])
@pytest.mark.parametrize("role", ["anonymous", "official", "supervisor"])
def test_api_steps(world, role, kind, model):
    """Every step over the API, of a key task's loop and of a problem: nobody takes one on
    another department's task or on a problem that does not involve their department,
    anonymous callers none, and no step answers 500."""
    from rest_framework.test import APIClient

    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world[role])
    failures, routes = [], 0
    for route, pattern in api_patterns():
        if classify_api(route, pattern)[0] != kind:
            continue
        routes += 1
        for relation, target in api_targets(model, world):
            url = api_url(pattern, target)
            before = snapshot()
            response = client.post(url, {"note": "<b>x</b>"}, format="json")
            changed = changed_tables(before, snapshot())
            tag = f"{role} {relation} POST {url}: {response.status_code}, changed {changed}"
            if wrong_step_answer(role, relation, response.status_code, changed):
                failures.append(tag)
            if client.get(url).status_code not in (401, 405):
                failures.append(f"{role} GET {url}: a step is POST only")
    assert routes >= 5 and not failures, "\n".join(failures)
