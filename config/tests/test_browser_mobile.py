"""My work (我的待办) on a phone, in headless Chromium at 375 x 812.

An official logs in on the phone page, opens a key task from the list, records a report
with a photo from the camera input, and finds the report and the photo in the admin. Every
phone page fits the screen (no horizontal scrolling), every tap target (links, buttons,
inputs) is at least 44 px high, and no page breaks the Content-Security-Policy. Screenshots
go to test-artifacts/browser/mobile-*.png.
"""

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tracker import loop
from tracker.choices import TaskState
from tracker.models import KeyTask, TaskEvidence, TaskUpdate

from .browser import (
    ARTIFACTS,
    CHROMIUM,
    RECORD_CSP_VIOLATIONS,
    chromium,
    csp_violations,
    serial_live_server,
)

WIDTH, HEIGHT = 375, 812
MIN_TAP = 44
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
PASSWORD = "secret-password"  # the root conftest's make_official

# Visible links, buttons and form fields shorter than a finger.
SMALL_TAP_TARGETS = """
(min) => Array.from(document.querySelectorAll("a, button, input, select, textarea"))
  .filter((e) => e.type !== "hidden" && e.getClientRects().length > 0)
  .map((e) => ({
    tag: e.tagName,
    what: (e.textContent || e.name || e.type || "").trim().slice(0, 40),
    height: e.getBoundingClientRect().height,
  }))
  .filter((target) => target.height < min)
"""

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def server_url(transactional_db, evidence_storage):
    # One request at a time: the in-memory SQLite database is shared with the test.
    with serial_live_server() as url:
        yield url


@pytest.fixture
def phone(server_url):
    """A phone-sized page, recording every CSP violation of the pages it shows."""
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            user_agent=IPHONE,
            locale="zh-CN",
        )
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(20000)
        yield page


def camera_photo(folder):
    path = folder / "现场照片.jpg"
    image = Image.new("RGB", (1600, 1200), (200, 220, 235))
    ImageDraw.Draw(image).rectangle((300, 300, 1300, 1000), fill=(120, 120, 130))
    image.save(path, "JPEG")
    return path


def fits_the_phone(page, name, violations):
    """No horizontal scrolling, no tap target under 44 px, no CSP violation; a screenshot."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{name}: {scroll_width} px wide"
    assert page.evaluate(SMALL_TAP_TARGETS, MIN_TAP) == [], name
    violations += csp_violations(page)
    page.screenshot(path=str(ARTIFACTS / f"mobile-{name}.png"), full_page=True)


def test_an_official_reports_on_a_task_from_a_phone(
    server_url, phone, task, official_user, tmp_path
):
    loop.receive_task(task, by=official_user)  # handed over and acknowledged: a report owed
    KeyTask.objects.filter(pk=task.pk).update(title="制定对接服务清单，形成重点企业名录")
    violations = []

    phone.goto(f"{server_url}/m/")
    phone.wait_for_selector("#id_username")
    assert "/m/login/" in phone.url
    fits_the_phone(phone, "01-login", violations)
    phone.fill("#id_username", official_user.username)
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")

    phone.wait_for_selector("ol.items")
    assert phone.url == f"{server_url}/m/"
    fits_the_phone(phone, "02-my-work", violations)
    phone.click(f'ol.items a[href="/m/tasks/{task.pk}/"]')

    phone.wait_for_selector("#id_progress")
    phone.select_option("#id_status", "in_progress")
    phone.fill("#id_progress", "60")
    phone.fill("#id_note", "已完成重点企业摸排，形成名录初稿。")
    phone.set_input_files("input[type=file]", str(camera_photo(tmp_path)))
    fits_the_phone(phone, "03-report-form", violations)
    phone.click("main form button[type=submit]")

    phone.wait_for_selector(".messages li.success")
    assert phone.url == f"{server_url}/m/"
    fits_the_phone(phone, "04-recorded", violations)

    report = TaskUpdate.objects.get(task=task)
    evidence = TaskEvidence.objects.get(report=report)
    assert (report.progress, report.author) == (60, official_user)
    assert KeyTask.objects.get(pk=task.pk).state == TaskState.IN_PROGRESS
    # The phone's photo was stored at most 2048 px on its long edge (it is 1600 here).
    assert evidence.name == "现场照片.jpg" and evidence.content_type == "image/jpeg"

    phone.goto(f"{server_url}/m/tasks/{task.pk}/")
    phone.wait_for_selector(".history .photos img")
    fits_the_phone(phone, "05-task-with-report", violations)

    phone.goto(f"{server_url}/admin/tracker/keytask/{task.pk}/change/")
    phone.wait_for_selector("#content-main")
    assert "已完成重点企业摸排" in phone.inner_text("#content-main")
    # The report's row and the task's evidence list both show the photo.
    thumbnails = phone.locator(f'img[src="/files/tasks/{evidence.pk}/thumbnail/"]')
    assert thumbnails.count() >= 1
    assert thumbnails.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
    phone.screenshot(path=str(ARTIFACTS / "mobile-06-admin.png"), full_page=True)
    violations += csp_violations(phone)
    assert violations == []
