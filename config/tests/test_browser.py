"""An official works in the admin as a person would, in headless Chromium.

Uses Debian's chromium (never a downloaded browser) driven by playwright, and saves
a screenshot of every page it visits under test-artifacts/browser/.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from fixtures import demo
from projects.models import Project
from tracker.choices import TaskStatus
from tracker.models import KeyTask

from .browser import CHROMIUM, CHROMIUM_FLAGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser_page(live_server):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(15000)
        yield page
        browser.close()
        # The test's queries ran while playwright's loop was active, on connections of
        # their own context: close them, or the test database cannot be dropped.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
