"""Problems (困难问题) over the API: the register read by everyone, each step as an
action that the services allow or refuse; a refused step changes nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from projects import blockers as services
from projects.choices import BlockerState
from projects.models import Blocker, BlockerEvidence, BlockerStep

pytestmark = pytest.mark.django_db

LIST = "/api/v1/blockers/"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","点我")'


def url(blocker, step=""):
    return f"{LIST}{blocker.pk}/" + (f"{step}/" if step else "")


def jpeg(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def state_of(blocker):
    """Everything a step may change: the row, its steps, its files, its helpers."""
    row = Blocker.objects.values().get(pk=blocker.pk)
    return (
        row,
        BlockerStep.objects.filter(blocker=blocker).count(),
        BlockerEvidence.objects.filter(blocker=blocker).count(),
        sorted(blocker.supporting_departments.values_list("pk", flat=True)),
    )


@pytest.fixture
def third_user(make_official, dezhou):
    from tracker.models import Department

    third = Department.objects.create(
        name="德州市自然资源局", short_name="市自然资源局", division=dezhou
    )
    return make_official("third-official", third)


def in_ten_days():
    return (timezone.localdate() + datetime.timedelta(days=10)).isoformat()


# --- reading --------------------------------------------------------------------------


def test_a_problem_reads_with_names_labels_and_the_callers_steps(
    api_client_for, coordinating, official_user, other_official_user, supervisor_user, third_user
):
    body = api_client_for(official_user, "read").get(url(coordinating)).json()
    assert body["title"] == "用地尚未交付" and body["kind"] == "land"
    assert body["kind_label"] and body["state_label"]
    assert (body["state"], body["project_name"], body["project"]) == (
        "coordinating",
        "数字化工厂项目",
        coordinating.project_id,
    )
    assert body["task"] is None and body["task_code"] is None
    assert body["raising_department_name"] == "市商务局"
    assert body["coordinating_department_name"] == "市科学技术局"
    assert body["raised_by_name"] == "official" and body["version"] == coordinating.version
    # The fixture's deadline (2023-06-30) has passed.
    assert body["is_overdue"] is True and body["working_days_left"] < 0
    assert body["days_open"] == 0 and body["deadline"] == "2023-06-30"
    assert body["allowed_steps"] == ["note"]
    other = api_client_for(other_official_user).get(url(coordinating)).json()
    assert other["allowed_steps"] == ["note"]  # the coordinator
    assert api_client_for(third_user).get(url(coordinating)).json()["allowed_steps"] == []
    supervisor = api_client_for(supervisor_user).get(url(coordinating)).json()
    assert supervisor["allowed_steps"] == ["assign", "note", "escalate", "solve", "withdraw"]


def test_allowed_steps_are_the_services_answer_for_every_role_and_state(
    api_client_for, coordinating, official_user, other_official_user, supervisor_user, third_user
):
    users = [official_user, other_official_user, supervisor_user, third_user]
    for state in BlockerState:
        solved_on = timezone.localdate() if state == BlockerState.SOLVED else None
        Blocker.objects.filter(pk=coordinating.pk).update(state=state, solved_on=solved_on)
        blocker = Blocker.objects.get(pk=coordinating.pk)
        for user in users:
            shown = api_client_for(user, "read").get(url(blocker)).json()["allowed_steps"]
            assert shown == list(services.allowed_actions(user, blocker)), (state, user)


def test_anonymous_callers_get_401_everywhere(raised):
    client = APIClient()
    assert client.get(LIST).status_code == 401
    assert client.get(url(raised)).status_code == 401
    assert client.get(url(raised, "steps")).status_code == 401
    before = state_of(raised)
    for step in ("assign", "note", "escalate", "solve", "withdraw"):
        assert client.post(url(raised, step), {"note": "x"}, format="json").status_code == 401
    assert client.post(LIST, {"title": "x"}, format="json").status_code == 401
    assert state_of(raised) == before and Blocker.objects.count() == 1


def test_history_is_never_edited_or_deleted(api_client_for, raised, supervisor_user):
    client = api_client_for(supervisor_user)
    before = state_of(raised)
    assert client.put(url(raised), {"title": "x"}, format="json").status_code == 405
    assert client.patch(url(raised), {"title": "x"}, format="json").status_code == 405
    assert client.delete(url(raised)).status_code in (403, 405)
    assert state_of(raised) == before


# --- raising --------------------------------------------------------------------------


def raise_body(project, **overrides):
    return {
        "title": "电力增容未批复",
        "description": "需要110千伏专线。",
        "kind": "energy",
        "project": project.pk,
        **overrides,
    }


def test_an_official_raises_a_problem_on_their_project_with_files(
    api_client_for, project, official_user
):
    response = api_client_for(official_user).post(
        LIST, {**raise_body(project), "files": [jpeg(), jpeg("批复.jpg")]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["raising_department"]) == (
        "open",
        project.responsible_department_id,
    )
    assert {file["name"] for file in body["evidence"]} == {"现场.jpg", "批复.jpg"}
    assert all(file["url"].startswith("/files/problems/") for file in body["evidence"])
    assert body["allowed_steps"] == ["note"]


def test_a_key_task_can_be_blocked_over_the_api(api_client_for, task, official_user):
    body = {"title": "资金未到位", "description": "等待批复", "kind": "financing", "task": task.pk}
    response = api_client_for(official_user).post(LIST, body, format="json")
    assert response.status_code == 201 and response.json()["task_code"] == "KT-2023-001"


def test_another_department_may_not_raise_on_a_project(
    api_client_for, project, other_official_user
):
    response = api_client_for(other_official_user).post(LIST, raise_body(project), format="json")
    assert response.status_code == 403
    assert not Blocker.objects.exists()


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(
    api_client_for, project, task, official_user, tmp_path
):
    client = api_client_for(official_user)
    bad = client.post(
        LIST,
        {**raise_body(project), "title": "", "kind": "weather", "project": 10**9},
        format="json",
    )
    assert bad.status_code == 400 and {"title", "kind", "project"} <= set(bad.json())
    both = client.post(LIST, {**raise_body(project), "task": task.pk}, format="json")
    assert both.status_code == 400 and both.json()
    neither = client.post(LIST, {**raise_body(project), "project": None}, format="json")
    assert neither.status_code == 400
    two_lines = client.post(LIST, raise_body(project, title="a\nb"), format="json")
    assert two_lines.status_code == 400 and "title" in two_lines.json()
    fake = SimpleUploadedFile("合同.pdf", b"<html><script>alert(1)</script></html>")
    disguised = client.post(LIST, {**raise_body(project), "files": [fake]}, format="multipart")
    assert disguised.status_code == 400 and "合同.pdf" in str(disguised.json()["files"])
    huge = client.post(LIST, raise_body(project, description="长" * 5000), format="json")
    assert huge.status_code == 400 and "description" in huge.json()
    assert not Blocker.objects.exists() and not BlockerStep.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_markup_and_formulas_round_trip_as_text(api_client_for, project, official_user):
    client = api_client_for(official_user)
    body = raise_body(project, title=FORMULA, description=SCRIPT)
    created = client.post(LIST, body, format="json").json()
    read = client.get(f"{LIST}{created['id']}/").json()
    assert (read["title"], read["description"]) == (FORMULA, SCRIPT)
    csv = client.get(LIST, {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv


def test_the_list_exports_to_xlsx_with_text_kept_text(api_client_for, project, official_user):
    import openpyxl

    client = api_client_for(official_user)
    client.post(LIST, raise_body(project, title=FORMULA), format="json")
    response = client.get(LIST, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    title = sheet.cell(row=2, column=headers.index("title") + 1)
    assert title.value == FORMULA and title.data_type == "s"


def test_a_read_only_token_may_not_raise_or_take_steps(
    api_client_for, raised, project, supervisor_user
):
    client = api_client_for(supervisor_user, "read")
    before = state_of(raised)
    assert client.post(LIST, raise_body(project), format="json").status_code == 403
    assert client.post(url(raised, "withdraw"), {"note": "x"}, format="json").status_code == 403
    assert state_of(raised) == before and Blocker.objects.count() == 1


# --- filters, order, queries ------------------------------------------------------------


@pytest.fixture
def register(project, task, other_project, official_user, other_official_user, supervisor_user):
    """Four problems: open; being coordinated (overdue); escalated (due later); solved."""
    from projects.choices import BlockerKind

    def make(kind, on=None, by=official_user, **kw):
        target = {"task": task} if on == "task" else {"project": on or project}
        return services.raise_blocker(
            by=by, title=f"{kind} 问题", description="说明", kind=kind, **target
        )

    today = timezone.localdate()
    other_department = other_project.responsible_department
    first = make(BlockerKind.LAND)
    late = make(BlockerKind.ENERGY, on="task")
    services.assign_blocker(
        late, by=supervisor_user, coordinating_department=other_department, deadline=today
    )
    Blocker.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=3))
    high = make(BlockerKind.ENERGY, on=other_project, by=other_official_user)
    services.assign_blocker(
        high,
        by=supervisor_user,
        coordinating_department=project.responsible_department,
        deadline=today + datetime.timedelta(days=30),
    )
    services.escalate_blocker(high, by=supervisor_user, note="上会")
    solved = make(BlockerKind.APPROVAL)
    services.solve_blocker(solved, by=supervisor_user, resolution="已批复")
    return {"open": first, "late": late, "escalated": high, "solved": solved}


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_filters_and_order(api_client_for, register, project, task, official_user):
    client = api_client_for(official_user, "read")
    pk = {name: blocker.pk for name, blocker in register.items()}
    assert ids(client.get(LIST)) == [pk["open"], pk["late"], pk["escalated"], pk["solved"]]
    assert ids(client.get(LIST, {"state": "open,escalated"})) == [pk["open"], pk["escalated"]]
    assert ids(client.get(LIST, {"unsolved": "true"})) == [pk["open"], pk["late"], pk["escalated"]]
    assert ids(client.get(LIST, {"unsolved": "false"})) == [pk["solved"]]
    assert ids(client.get(LIST, {"kind": "energy"})) == [pk["late"], pk["escalated"]]
    assert ids(client.get(LIST, {"overdue": "true"})) == [pk["late"]]
    assert pk["late"] not in ids(client.get(LIST, {"overdue": "false"}))
    assert len(ids(client.get(LIST, {"overdue": "false"}))) == 3  # no deadline is not overdue
    assert ids(client.get(LIST, {"project": project.pk})) == [pk["open"], pk["solved"]]
    assert ids(client.get(LIST, {"task": task.pk})) == [pk["late"]]
    department = project.responsible_department_id
    assert ids(client.get(LIST, {"coordinating_department": department})) == [pk["escalated"]]
    assert pk["escalated"] not in ids(client.get(LIST, {"raising_department": department}))
    today = timezone.localdate()
    after = client.get(LIST, {"deadline_after": today.isoformat()})
    assert ids(after) == [pk["escalated"]]
    before = client.get(LIST, {"deadline_before": today.isoformat()})
    assert ids(before) == [pk["late"]]
    assert ids(client.get(LIST, {"ordering": "-deadline", "unsolved": "true"}))[0] in (
        pk["open"],
        pk["escalated"],
    )
    assert ids(client.get(LIST, {"ordering": "-raised_at"}))[0] == pk["solved"]


def test_bad_filters_are_a_400(api_client_for, register, official_user):
    client = api_client_for(official_user, "read")
    for params in (
        {"state": "open,nonsense"},
        {"kind": "weather"},
        {"unsolved": "yes"},
        {"overdue": "1"},
        {"project": "abc"},
        {"deadline_after": "30/06/2023"},
    ):
        assert client.get(LIST, params).status_code == 400, params
    assert client.get(LIST, {"ordering": "title"}).status_code == 200  # ignored, as DRF does


def test_the_list_costs_the_same_queries_for_4_or_40_problems(
    api_client_for, register, project, official_user, supervisor_user, other_department
):
    client = api_client_for(supervisor_user, "read")
    client.get(LIST)  # the token's first use writes its last-used time

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(LIST, {"page_size": 100}).status_code == 200
        return len(context.captured_queries)

    few = queries()
    for number in range(36):
        blocker = services.raise_blocker(
            by=official_user, project=project, title=f"问题{number}", description="d", kind="land"
        )
        services.assign_blocker(
            blocker,
            by=supervisor_user,
            coordinating_department=other_department,
            supporting_departments=[project.responsible_department],
            deadline=timezone.localdate(),
        )
    assert queries() == few
