"""Fast on a weak connection: server-rendered pages under 100 kB with their one style sheet,
no script at all, the site's Content-Security-Policy, links to the desktop version."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from mobile.views import LIST_ROWS
from mobile.work import department_work
from tracker import loop
from tracker.models import KeyTask

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024


def stylesheets(html):
    return re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)


def weight(html):
    """The page and the style sheets it links, in bytes (photos aside)."""
    sheets = stylesheets(html)
    return len(html.encode()) + sum(len(open(finders.find(s), "rb").read()) for s in sheets)


@pytest.fixture
def busy_department(task, project, raised, official_user):
    """Forty open tasks, overdue, awaiting receipt: a long list."""
    for number in range(40):
        KeyTask.objects.create(
            code=f"KT-2023-{100 + number}",
            year=2023,
            title="推进京津冀产业协同对接" * 3,
            work_point=task.work_point,
            lead_department=task.lead_department,
            deadline=task.deadline,
            assigned_at=timezone.now(),
        )
    loop.receive_task(task, by=official_user)
    return task


def pages(task, project, raised):
    return [
        "/m/",
        "/m/tasks/",
        "/m/projects/",
        f"/m/tasks/{task.pk}/",
        f"/m/tasks/{task.pk}/complete/",
        f"/m/projects/{project.pk}/",
        f"/m/projects/{project.pk}/problem/",
        f"/m/problems/{raised.pk}/",
    ]


def test_every_page_with_its_css_is_under_100_kb(
    official_client, supervisor_client, busy_department, project, raised
):
    for path in pages(busy_department, project, raised):
        response = official_client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert stylesheets(html) == ["mobile/mobile.css"]
        assert weight(html) < BUDGET, path
    assert weight(official_client.get("/m/login/").content.decode()) < BUDGET
    assert weight(supervisor_client.get("/m/").content.decode()) < BUDGET
    # A long list really is long: the budget is checked on a page with content.
    assert official_client.get("/m/").content.decode().count('class="item') > 40


def test_no_page_has_a_script_and_each_gets_the_policy(
    official_client, busy_department, project, raised
):
    for path in pages(busy_department, project, raised):
        response = official_client.get(path)
        assert "<script" not in response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert 'name="viewport"' in response.content.decode()


def test_each_item_page_links_to_its_admin_page(official_client, task, project, raised):
    task_page = official_client.get(f"/m/tasks/{task.pk}/").content.decode()
    project_page = official_client.get(f"/m/projects/{project.pk}/").content.decode()

    assert f'href="/admin/tracker/keytask/{task.pk}/change/"' in task_page
    assert f'href="/admin/projects/project/{project.pk}/change/"' in project_page
    assert 'class="desktop"' in official_client.get(f"/m/problems/{raised.pk}/").content.decode()


def test_the_photo_input_offers_the_camera(official_client, task):
    page = official_client.get(f"/m/tasks/{task.pk}/").content.decode()

    field = re.search(r"<input[^>]*type=\"file\"[^>]*>", page).group(0)
    for attribute in ('accept="image/*"', 'capture="environment"', "multiple"):
        assert attribute in field
    assert 'enctype="multipart/form-data"' in page


def test_a_department_with_more_items_than_a_phone_shows_sees_the_most_urgent(
    official_client, task
):
    """At province scale a department can owe thousands of items: the page lists the
    most urgent (LIST_ROWS), says how many there are in all, and stays under budget."""
    first = datetime.date(2023, 1, 2)
    KeyTask.objects.bulk_create(
        KeyTask(
            code=f"KT-2023-{500 + number}",
            year=2023,
            title="推进京津冀产业协同对接" * 3,
            work_point=task.work_point,
            lead_department=task.lead_department,
            deadline=first + datetime.timedelta(days=number),
        )
        for number in range(LIST_ROWS + 20)
    )
    every = department_work_count(official_client)

    html = official_client.get("/m/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert every > LIST_ROWS + 20
    assert html.count('class="item ') == LIST_ROWS
    assert f"{every} items to do" in html
    assert f"The {LIST_ROWS} most urgent are shown" in html
    assert "KT-2023-500" in html  # due first
    assert f"KT-2023-{500 + LIST_ROWS + 19}" not in html  # due last
    assert weight(html) < BUDGET
    overdue = f"?lead_department__id__exact={task.lead_department_id}&amp;overdue=yes"
    assert f"/admin/tracker/keytask/{overdue}" in html
    assert "All overdue key tasks" in html and "All key projects owing a report" in html
    zh = official_client.get("/m/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"仅显示最紧急的 {LIST_ROWS} 项" in zh


def department_work_count(client):
    user = client.get("/m/").wsgi_request.user
    return len(department_work(user, user.official.department_id))
