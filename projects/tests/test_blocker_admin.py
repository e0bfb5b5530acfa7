"""The problem register's admin: raising a problem, its steps as buttons and forms, the
list with its filters, and the problems on the project pages."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from projects import blockers as services
from projects.choices import BlockerKind, BlockerState
from projects.models import Blocker, BlockerEvidence, BlockerStep, Project

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/projects/blocker/"
ADD = "/admin/projects/blocker/add/"
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


def jpeg(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def change_url(blocker):
    return reverse("admin:projects_blocker_change", args=[blocker.pk])


def step_url(blocker, action):
    return reverse("admin:projects_blocker_step", args=[blocker.pk, action])


def stored(blocker):
    """Everything a step could change: the row, its supporters, steps and files."""
    row = Blocker.objects.values().get(pk=blocker.pk)
    return (
        row,
        sorted(Blocker.objects.get(pk=blocker.pk).supporting_departments.values_list("pk")),
        BlockerStep.objects.filter(blocker=blocker).count(),
        BlockerEvidence.objects.filter(blocker=blocker).count(),
    )


def raise_data(**changes):
    data = {
        "title": "用地尚未交付",
        "kind": BlockerKind.LAND,
        "description": "土地征收补偿未完成。",
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------------------------------
# Raising a problem


def test_an_official_raises_a_problem_on_their_project_with_a_photo(
    client, official_user, project, department
):
    client.force_login(official_user)
    page = client.get(ADD, {"project": project.pk})
    assert page.status_code == 200
    assert f'<option value="{project.pk}" selected>' in page.content.decode()
    response = client.post(ADD, raise_data(project=project.pk, files=[jpeg()]))
    blocker = Blocker.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(blocker)
    assert blocker.raising_department == department and blocker.raised_by == official_user
    assert blocker.state == BlockerState.OPEN and blocker.project == project
    assert blocker.steps.get().action == "raise"
    assert blocker.evidence.get().step == blocker.steps.get()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "١٢"])
def test_an_address_with_a_bad_project_id_opens_an_empty_form(client, official_user, value):
    client.force_login(official_user)
    page = client.get(ADD, {"project": value, "task": value})
    assert page.status_code == 200
    assert not re.search(r'<option value="\d+" selected>', page.content.decode())


def test_an_official_raises_on_their_key_task(client, official_user, task):
    client.force_login(official_user)
    response = client.post(ADD, raise_data(task=task.pk))
    assert response.status_code == 302
    assert Blocker.objects.get().task == task


def test_another_departments_project_is_neither_offered_nor_accepted(
    client, official_user, project, other_project, other_task
):
    client.force_login(official_user)
    page = client.get(ADD, {"project": other_project.pk}).content.decode()
    assert f'value="{other_project.pk}" selected' not in page
    assert other_task.title not in page
    offered = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "blocker", "field_name": "project", "term": ""},
    ).json()
    assert [item["id"] for item in offered["results"]] == [str(project.pk)]
    for data in (raise_data(project=other_project.pk), raise_data(task=other_task.pk)):
        response = client.post(ADD, data)
        assert response.status_code == 200
        assert set(response.context["form"].errors) & {"project", "task"}
    assert not Blocker.objects.exists()


def test_the_project_box_elsewhere_still_offers_every_project(
    client, official_user, project, other_project
):
    # The restriction is the problem's project box only: other boxes find every project.
    client.force_login(official_user)
    offered = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "projectupdate", "field_name": "project"},
    ).json()
    assert {item["id"] for item in offered["results"]} == {str(project.pk), str(other_project.pk)}


def test_a_supervisor_raises_on_any_project(client, supervisor_user, other_project):
    client.force_login(supervisor_user)
    offered = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "blocker", "field_name": "project", "term": ""},
    ).json()
    assert str(other_project.pk) in [item["id"] for item in offered["results"]]
    response = client.post(ADD, raise_data(project=other_project.pk))
    assert response.status_code == 302
    blocker = Blocker.objects.get()
    assert blocker.raising_department == other_project.responsible_department
    assert blocker.raised_by == supervisor_user


@pytest.mark.parametrize(
    "changes",
    [
        {},  # neither a project nor a task
        {"title": "第一行\n第二行"},
        {"description": ""},
        {"title": "x" * 201},
        {"kind": "weather"},
    ],
)
def test_a_bad_problem_says_why_and_nothing_is_stored(
    client, official_user, project, task, changes
):
    client.force_login(official_user)
    data = raise_data(**changes)
    if changes:
        data["project"] = project.pk
    response = client.post(ADD, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    expected = set(changes) or {"__all__"}
    assert expected <= set(form.errors)
    assert not Blocker.objects.exists() and not BlockerStep.objects.exists()


def test_both_a_project_and_a_task_are_refused(client, official_user, project, task):
    client.force_login(official_user)
    response = client.post(ADD, raise_data(project=project.pk, task=task.pk))
    assert "__all__" in response.context["form"].errors
    assert not Blocker.objects.exists()


def test_a_refused_file_is_named_and_nothing_is_stored(client, official_user, project):
    client.force_login(official_user)
    bad = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(ADD, raise_data(project=project.pk, files=[bad]))
    assert response.status_code == 200 and "报告.pdf" in response.content.decode()
    assert not Blocker.objects.exists() and not BlockerEvidence.objects.exists()


def test_anonymous_callers_are_sent_to_the_login_page(client, raised):
    for url in (ADD, CHANGELIST, change_url(raised), step_url(raised, "note")):
        response = client.post(url, {"note": "x"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert BlockerStep.objects.count() == 1


# ---------------------------------------------------------------------------------------
# The steps


def test_a_supervisor_assigns_notes_escalates_and_solves(
    client, supervisor_user, raised, department, other_department
):
    client.force_login(supervisor_user)
    page = client.get(change_url(raised)).content.decode()
    for action in ("assign", "note", "solve", "withdraw"):
        assert step_url(raised, action) in page
    assert step_url(raised, "escalate") not in page  # only once it has a coordinator
    assert client.get(step_url(raised, "assign")).status_code == 200
    response = client.post(
        step_url(raised, "assign"),
        {
            "coordinating_department": other_department.pk,
            "supporting_departments": [department.pk],
            "deadline": FUTURE.isoformat(),
            "note": "请自然资源局牵头",
        },
    )
    assert response.status_code == 302 and response["Location"] == change_url(raised)
    raised.refresh_from_db()
    assert raised.state == BlockerState.COORDINATING and raised.deadline == FUTURE
    assert raised.coordinating_department == other_department
    assert list(raised.supporting_departments.all()) == [department]
    client.post(step_url(raised, "note"), {"note": "已召开协调会", "files": [jpeg("会议.jpg")]})
    client.post(step_url(raised, "escalate"), {"note": "提请市长办公会"})
    raised.refresh_from_db()
    assert raised.state == BlockerState.ESCALATED
    client.post(step_url(raised, "solve"), {"resolution": "土地已交付", "files": [jpeg()]})
    raised.refresh_from_db()
    assert raised.state == BlockerState.SOLVED and raised.resolution == "土地已交付"
    actions = list(raised.steps.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["raise", "assign", "note", "escalate", "solve"]
    assert raised.evidence.count() == 2
    page = client.get(change_url(raised)).content.decode()
    evidence = raised.evidence.first()
    assert reverse("blocker_evidence_thumbnail", args=[evidence.pk]) in page
    assert "blocker-step" not in page  # a solved problem takes no more steps


def test_a_supervisor_withdraws_a_problem(client, supervisor_user, raised):
    client.force_login(supervisor_user)
    response = client.post(step_url(raised, "withdraw"), {"note": "重复提出"})
    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.state == BlockerState.WITHDRAWN


def test_the_raising_official_may_only_add_notes(client, official_user, raised):
    client.force_login(official_user)
    page = client.get(change_url(raised)).content.decode()
    assert step_url(raised, "note") in page
    for action in ("assign", "escalate", "solve", "withdraw"):
        assert step_url(raised, action) not in page
        before = stored(raised)
        assert client.get(step_url(raised, action)).status_code == 403
        response = client.post(
            step_url(raised, action),
            {"note": "x", "resolution": "x", "deadline": FUTURE.isoformat()},
        )
        assert response.status_code == 403
        assert stored(raised) == before
    assert client.post(step_url(raised, "note"), {"note": "补偿款已拨付一半"}).status_code == 302
    assert raised.steps.filter(action="note").count() == 1


def test_the_coordinating_department_adds_notes_an_uninvolved_one_only_reads(
    client, coordinating, other_official_user, make_official, dezhou
):
    from tracker.models import Department

    client.force_login(other_official_user)  # the coordinating department
    page = client.get(change_url(coordinating)).content.decode()
    assert step_url(coordinating, "note") in page
    assert client.post(step_url(coordinating, "note"), {"note": "已对接"}).status_code == 302
    third = Department.objects.create(name="德州市水利局", short_name="水利局", division=dezhou)
    client.force_login(make_official("bystander", third))
    page = client.get(change_url(coordinating))
    assert page.status_code == 200 and "blocker-step" not in page.content.decode()
    before = stored(coordinating)
    assert client.post(step_url(coordinating, "note"), {"note": "插话"}).status_code == 403
    assert stored(coordinating) == before


def test_a_step_refused_by_the_service_says_why_field_by_field(
    client, supervisor_user, coordinating, other_department
):
    client.force_login(supervisor_user)
    before = stored(coordinating)
    response = client.post(
        step_url(coordinating, "assign"),
        {
            "coordinating_department": other_department.pk,
            "supporting_departments": [other_department.pk],
            "deadline": "2020-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"deadline", "supporting_departments"} <= set(errors)
    empty = client.post(step_url(coordinating, "solve"), {"resolution": "  "})
    assert "resolution" in empty.context["form"].errors
    assert stored(coordinating) == before


def test_a_step_the_service_refuses_is_shown_on_its_field(
    client, supervisor_user, raised, other_department
):
    # The form accepts any date; the service refuses one in the past, on the field.
    client.force_login(supervisor_user)
    before = stored(raised)
    response = client.post(
        step_url(raised, "assign"),
        {"coordinating_department": other_department.pk, "deadline": "2001-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"]
    assert stored(raised) == before


def test_unknown_steps_and_steps_out_of_state_are_refused(client, supervisor_user, raised):
    client.force_login(supervisor_user)
    assert client.post(step_url(raised, "delete"), {"note": "x"}).status_code == 404
    assert client.post(step_url(raised, "raise"), {"note": "x"}).status_code == 404
    services.withdraw_blocker(raised, by=supervisor_user, note="重复")
    before = stored(raised)
    assert client.post(step_url(raised, "solve"), {"resolution": "x"}).status_code == 403
    assert stored(raised) == before
    missing = reverse("admin:projects_blocker_step", args=[999999, "note"])
    assert client.get(missing).status_code in (302, 404)


def test_nobody_edits_or_deletes_a_problem_in_the_admin(client, supervisor_user, raised):
    client.force_login(supervisor_user)
    before = stored(raised)
    page = client.get(change_url(raised))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change_url(raised), {"title": "HACKED"}).status_code == 403
    delete = reverse("admin:projects_blocker_delete", args=[raised.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [raised.pk], "post": "yes"}
    )
    assert stored(raised) == before


# ---------------------------------------------------------------------------------------
# The list


def test_a_title_with_markup_is_shown_as_text(client, supervisor_user, official_user, project):
    hostile = '<script>alert("x")</script>=HYPERLINK("http://evil")'
    blocker = services.raise_blocker(
        by=official_user, project=project, title=hostile, description="<b>说明</b>", kind="land"
    )
    client.force_login(supervisor_user)
    for url in (
        CHANGELIST,
        change_url(blocker),
        step_url(blocker, "note"),
        reverse("admin:projects_project_change", args=[project.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<b>说明</b>" not in page, url
        assert "&lt;script&gt;alert" in page, url


def test_the_list_shows_what_is_blocked_time_left_and_age(
    client, supervisor_user, coordinating, official_user, task
):
    on_task = services.raise_blocker(
        by=official_user, task=task, title="资金缺口", description="…", kind="financing"
    )
    client.force_login(supervisor_user)
    page = client.get(CHANGELIST).content.decode()
    assert reverse("admin:projects_project_change", args=[coordinating.project_id]) in page
    assert reverse("admin:tracker_keytask_change", args=[task.pk]) in page
    assert "blocker-state" in page
    rows = client.get(CHANGELIST).context["cl"].result_list
    assert [row.pk for row in rows] == [coordinating.pk, on_task.pk]  # oldest first


FILTERS = [
    ({"overdue": "yes"}, {"overdue"}),
    ({"overdue": "no"}, {"open", "task", "future", "solved"}),
    ({"unsolved": "yes"}, {"overdue", "open", "task", "future"}),
    ({"unsolved": "no"}, {"solved"}),
    ({"state__exact": "coordinating"}, {"overdue", "future"}),
    ({"kind__exact": "financing"}, {"task"}),
]


@pytest.fixture
def register(coordinating, official_user, supervisor_user, project, task, other_department):
    """Problems in every situation the filters tell apart, by name."""

    def raise_one(title, **where):
        return services.raise_blocker(
            by=official_user, title=title, description="…", kind="land", **where
        )

    future = raise_one("未到期", project=project)
    services.assign_blocker(
        future, by=supervisor_user, coordinating_department=other_department, deadline=FUTURE
    )
    solved = raise_one("已解决", project=project)
    services.solve_blocker(solved, by=supervisor_user, resolution="已解决")
    on_task = services.raise_blocker(
        by=official_user, task=task, title="任务", description="…", kind="financing"
    )
    return {
        "overdue": coordinating,
        "open": raise_one("待协调", project=project),
        "future": future,
        "solved": solved,
        "task": on_task,
    }


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_the_filters_other_pages_link_to(client, supervisor_user, register, query, expected):
    client.force_login(supervisor_user)
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200 and "e=1" not in response.get("Location", "")
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {register[name].pk for name in expected}


def test_the_department_and_project_filters(
    client, supervisor_user, register, other_department, project
):
    client.force_login(supervisor_user)
    coordinated = client.get(
        CHANGELIST, {"coordinating_department__id__exact": other_department.pk}
    )
    shown = {row.pk for row in coordinated.context["cl"].result_list}
    assert shown == {register["overdue"].pk, register["future"].pk}
    of_project = client.get(CHANGELIST, {"project__id__exact": project.pk})
    shown = {row.pk for row in of_project.context["cl"].result_list}
    assert shown == {register[name].pk for name in ("overdue", "open", "future", "solved")}
    searched = client.get(CHANGELIST, {"q": project.name[:4]})
    assert register["task"].pk not in {row.pk for row in searched.context["cl"].result_list}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_queries_for_few_and_many_rows(
    client, supervisor_user, register, official_user, other_official_user, other_project
):
    client.force_login(supervisor_user)
    few = count_queries(client, CHANGELIST)
    for number in range(6):
        services.raise_blocker(
            by=other_official_user,
            project=other_project,
            title=f"问题{number}",
            description="…",
            kind="labour",
        )
    assert count_queries(client, CHANGELIST) == few


# ---------------------------------------------------------------------------------------
# The project pages


def test_the_project_list_marks_projects_with_unsolved_problems(
    client, supervisor_user, register, project, other_project
):
    client.force_login(supervisor_user)
    page = client.get("/admin/projects/project/").content.decode()
    assert "⚠ 3" in page  # overdue, open, future on the project, not the solved one
    with_problems = client.get("/admin/projects/project/", {"has_open_problems": "yes"})
    assert [p.pk for p in with_problems.context["cl"].result_list] == [project.pk]
    without = client.get("/admin/projects/project/", {"has_open_problems": "no"})
    assert [p.pk for p in without.context["cl"].result_list] == [other_project.pk]


def test_the_marker_costs_no_query_per_row(client, supervisor_user, project, official_user):
    client.force_login(supervisor_user)
    url = "/admin/projects/project/"

    def project_with_problems(number):
        owned = Project.objects.create(
            code=f"DZ-2023-1{number:02d}",
            name=f"项目{number}",
            host_division=project.host_division,
            responsible_department=project.responsible_department,
            year=2023,
        )
        for title in ("用地", "用电"):
            services.raise_blocker(
                by=official_user, project=owned, title=title, description="…", kind="land"
            )

    project_with_problems(1)
    few = count_queries(client, url)
    for number in range(2, 6):
        project_with_problems(number)
    assert count_queries(client, url) == few
    assert client.get(url).content.decode().count("⚠ 2") == 5


def test_the_project_page_lists_its_problems_and_offers_to_raise_one(
    client, official_user, other_official_user, coordinating, project
):
    url = reverse("admin:projects_project_change", args=[project.pk])
    raise_url = f"{ADD}?project={project.pk}"
    client.force_login(official_user)
    page = client.get(url).content.decode()
    assert change_url(coordinating) in page and coordinating.title in page
    assert raise_url in page
    client.force_login(other_official_user)  # reads the project, may not raise on it
    page = client.get(url).content.decode()
    assert change_url(coordinating) in page and raise_url not in page
