"""An official works in the admin as a person would, in headless Chromium.

Uses Debian's chromium (never a downloaded browser) driven by playwright, and saves
a screenshot of every page it visits under test-artifacts/browser/.
"""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fixtures import demo
from projects.models import Project
from tracker.choices import TaskStatus
from tracker.models import KeyTask

from .browser import (
    ARTIFACTS,
    CHROMIUM,
    RECORD_CSP_VIOLATIONS,
    chromium,
    csp_violations,
    inline_script_runs,
    serial_live_server,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser_page(live_server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(15000)
        yield page


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_official_records_project_status_and_task_progress(live_server, browser_page):
    call_command("seed", "--demo", verbosity=0)
    page = browser_page
    project = Project.objects.get(code="DZ-2023-001")  # led by 市商务局
    task = (
        KeyTask.objects.filter(
            lead_department__short_name="市商务局", status=TaskStatus.IN_PROGRESS
        ).first()
        or KeyTask.objects.filter(lead_department__short_name="市商务局").first()
    )

    page.goto(f"{live_server.url}/admin/login/")
    shot(page, "01-login")
    page.fill("#id_username", "demo-commerce")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    shot(page, "02-index")
    assert "招商引资项目跟踪系统" in page.inner_text("#site-name")

    # A project's status, recorded from its page.
    page.goto(f"{live_server.url}/admin/projects/project/?q={project.code}")
    shot(page, "03-projects")
    page.click(f"text={project.code}")
    shot(page, "04-project")
    page.click("a.report-link")
    shot(page, "05-project-report-form")
    page.fill("#id_funds_in_place", "20000")
    page.fill("#id_note", "设备安装完成,到位资金增至2亿元")
    page.click("input[type=submit][value=保存]")
    page.wait_for_selector(".messagelist")
    shot(page, "06-project-after-report")
    assert "已记录" in page.inner_text(".messagelist")
    assert "设备安装完成" in page.content()

    page.goto(f"{live_server.url}/admin/projects/project/?q={project.code}")
    shot(page, "07-projects-after-report")
    row = page.inner_text("#result_list tbody tr")
    assert "20,000.00" in row

    # A task's progress, recorded the same way.
    page.goto(f"{live_server.url}/admin/tracker/keytask/?q={task.code}")
    shot(page, "08-tasks")
    page.click("#result_list a.report-link")
    page.select_option("#id_status", TaskStatus.IN_PROGRESS)
    page.fill("#id_progress", "85")
    page.fill("#id_note", "已完成清单初稿")
    shot(page, "09-task-report-form")
    page.click("input[type=submit][value=保存]")
    page.wait_for_selector(".messagelist")
    shot(page, "10-task-after-report")

    page.goto(f"{live_server.url}/admin/tracker/keytask/?q={task.code}")
    shot(page, "11-tasks-after-report")
    row = page.inner_text("#result_list tbody tr")
    assert "85%" in row and "推进中" in row

    project.refresh_from_db()
    task.refresh_from_db()
    assert project.funds_in_place == 20000
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 85)
    assert task.updates.first().author.username == "demo-commerce"


MARKUP = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


@pytest.fixture
def serial_url(transactional_db):
    # The dashboard's parallel API calls need the one-request-at-a-time server on SQLite.
    with serial_live_server() as url:
        yield url


@pytest.fixture
def csp_page(serial_url):
    """A page that records its Content-Security-Policy violations and console complaints."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.console_csp = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and page.console_csp.append(message.text)
            ),
        )
        yield page


def test_every_page_runs_under_the_content_security_policy(serial_url, csp_page):
    """The admin, the dashboard, the API docs, the browsable API and the digest preview work
    with a policy that runs no inline script, and report no violation while they do."""
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from tracker.models import Department, WorkPoint

    call_command("seed", "--demo", verbosity=0)
    today = timezone.localdate()
    department = Department.objects.create(
        name=MARKUP, short_name="markup-dept", division=Department.objects.first().division
    )
    KeyTask.objects.create(
        code="KT-CSP-1",
        year=today.year,
        title=MARKUP,
        work_point=WorkPoint.objects.first(),
        lead_department=department,
        deadline=today - datetime.timedelta(days=2),
    )
    project = Project.objects.get(code="DZ-2023-001")
    beat = PeriodicTask.objects.filter(crontab__isnull=False).first()
    # The demo has two cities, so the schedules' admin is the operators' (superusers'):
    # this test is about the pages' scripts, so the walk is made as one.
    get_user_model().objects.filter(username="demo-supervisor").update(is_superuser=True)
    page = csp_page

    page.goto(f"{serial_url}/admin/login/")
    page.fill("#id_username", "demo-supervisor")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    preview = (
        f"/admin/notifications/dispatch/preview-digest/?department={department.pk}"
        f"&date={today.isoformat()}"
    )
    # Each page, and what shows that its scripts ran.
    pages = [
        ("admin-index", "/admin/", "#site-name"),
        ("admin-projects", "/admin/projects/project/", "#result_list"),
        # DateTimeShortcuts.js adds the calendar links: the admin's scripts ran.
        ("admin-project", f"/admin/projects/project/{project.pk}/change/", ".datetimeshortcuts"),
        ("dashboard", "/dashboard/", "body[data-state=ready]"),
        # Swagger UI drew the operations from the schema.
        ("api-docs", "/api/docs/", ".swagger-ui .opblock"),
        ("browsable-api", "/api/v1/projects/", ".response-info"),
        ("digest-preview", preview, "#preview"),
        (
            "periodic-task",
            f"/admin/django_celery_beat/periodictask/{beat.pk}/change/",
            "#id_crontab",
        ),
    ]
    violations, headers = {}, {}
    for name, path, ready in pages:
        response = page.goto(serial_url + path)
        page.wait_for_selector(ready)
        page.wait_for_load_state("load")
        shot(page, f"csp-{name}")
        headers[name] = response.headers.get("content-security-policy", "")
        violations[name] = csp_violations(page)
        if name == "browsable-api":
            # DRF's scripts ran: jQuery is there and the format menu opens (bootstrap.js).
            assert page.evaluate("typeof window.jQuery") == "function"
            page.click(".format-selection .dropdown-toggle")
            page.wait_for_selector(".format-selection .dropdown-menu", state="visible")
            page.screenshot(path=str(ARTIFACTS / "csp-browsable-api-menu.png"))
        if name == "digest-preview":
            # The email shows in its sandboxed frame, the names in it as plain text...
            frame = page.frame_locator("#preview")
            assert MARKUP in frame.locator("body").inner_text()
            assert frame.locator("img").count() == 0
            assert page.get_attribute("#preview", "sandbox") == ""
            # ...and none of its markup became part of the admin page.
            assert page.locator("img[src=x]").count() == 0
            assert (
                page.evaluate("[...document.scripts].filter(s => s.text.includes('__xss')).length")
                == 0
            )
            assert page.evaluate("typeof window.__xss") == "undefined"
        if name == "periodic-task":
            # Its script (a file now) hid the raw translation row.
            assert page.locator(".field-crontab_translation").is_hidden()

    assert violations == {name: [] for name, _path, _ready in pages}
    assert page.console_csp == []
    for name, policy in headers.items():
        assert "script-src 'self'" in policy, (name, policy)
        assert "unsafe-eval" not in policy and "object-src 'none'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]

    # An inline script does not run, and the browser says why.
    page.goto(f"{serial_url}/dashboard/")
    page.wait_for_selector("body[data-state=ready]")
    assert inline_script_runs(page) is False
    assert any(v.startswith("script-src-elem blocked inline") for v in csp_violations(page))

    # The language menu (its script now a file) still switches the admin's language.
    page.goto(f"{serial_url}/admin/")
    with page.expect_navigation():
        page.select_option("#language-switch select", "en")
    assert page.get_attribute("html", "lang") == "en"

    # The browsable API's "Log out" (a plain form button in our override of its template).
    page.goto(f"{serial_url}/api/v1/projects/")
    page.click(".navbar .dropdown-toggle")
    with page.expect_navigation():
        page.click("#logoutForm button")
    assert page.request.get(f"{serial_url}/api/v1/projects/").status == 401
    assert csp_violations(page) == []
