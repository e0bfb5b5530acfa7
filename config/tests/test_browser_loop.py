"""The supervision loop (督办闭环) in the admin, clicked through in headless Chromium.

An official acknowledges a demo task handed to their department, records a report and asks
to close it with a photo; a supervisor returns it, the official asks again, and the
supervisor closes it out. Two people, two browser sessions; the page is checked after each
step, a screenshot saved (test-artifacts/browser/loop-*.png), and no page may break the
Content-Security-Policy.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image, ImageDraw

from fixtures import demo
from tracker.choices import LoopAction, OfficialRole, TaskState, TaskStatus
from tracker.models import KeyTask, Official

from .browser import (
    ARTIFACTS,
    CHROMIUM,
    RECORD_CSP_VIOLATIONS,
    chromium,
    csp_violations,
    serial_live_server,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def server_url(transactional_db, evidence_storage):
    # One request at a time: the change page loads its thumbnail and scripts in parallel,
    # which the threaded test server cannot serve on the in-memory SQLite database.
    with serial_live_server() as url:
        yield url


@pytest.fixture
def browser(server_url):
    with chromium() as browser:
        yield browser


class Person:
    """One user's browser session, keeping every CSP violation its pages report."""

    def __init__(self, browser, url, username):
        self.url = url
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        self.context.add_init_script(RECORD_CSP_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.violations = []
        self.page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and self.violations.append(message.text)
            ),
        )
        self.page.goto(f"{url}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", demo.DEMO_PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#site-name")
        self.checked()

    def checked(self, screenshot=None):
        """Keep the violations of the page shown now (before it is left), and shoot it."""
        self.page.wait_for_load_state("load")
        self.violations += csp_violations(self.page)
        if screenshot:
            self.page.screenshot(path=str(ARTIFACTS / f"loop-{screenshot}.png"), full_page=True)

    def open(self, task):
        self.page.goto(f"{self.url}/admin/tracker/keytask/{task.pk}/change/")
        self.page.wait_for_selector(".loop-panel")
        self.checked()

    def step(self, action, note="", upload=None):
        """Click the step's button in the panel, fill its short form and confirm."""
        self.page.click(f'a.loop-step[href$="/loop/{action}/"]')
        self.page.wait_for_selector("input[name=confirm]")
        if note:
            self.page.fill("#id_note", note)
        if upload:
            self.page.set_input_files("input[type=file]", str(upload))
        self.checked()
        self.page.click("input[name=confirm]")

    def sees_state(self, state, screenshot):
        self.page.wait_for_selector(f".loop-panel .loop-state.loop-{state}")
        assert self.page.locator(".messagelist .success").count() == 1
        self.checked(screenshot)


def photo(folder):
    path = folder / "现场照片.png"
    image = Image.new("RGB", (320, 200), (200, 220, 235))
    ImageDraw.Draw(image).rectangle((60, 60, 260, 180), fill=(120, 120, 130))
    image.save(path, "PNG")
    return path


def labels(*actions):
    # The history shows the labels in the page's language (zh-hans from the browser).
    with translation.override("zh-hans"):
        return [str(LoopAction(action).label) for action in actions]


def test_an_official_and_a_supervisor_work_a_task_through_the_loop(server_url, browser, tmp_path):
    call_command("seed", "--demo", verbosity=0)
    task = (
        KeyTask.objects.filter(is_demo=True, state=TaskState.ASSIGNED)
        .order_by("-assigned_at")
        .first()
    )
    handler = Official.objects.filter(
        department=task.lead_department, role=OfficialRole.HANDLER, is_demo=True
    ).first()
    official = Person(browser, server_url, handler.user.username)
    supervisor = Person(browser, server_url, demo.SUPERVISOR_USERNAME)

    official.open(task)
    assert official.page.locator(".loop-panel .loop-state.loop-assigned").count() == 1
    official.checked("01-awaiting-receipt")

    official.step(LoopAction.RECEIVE)
    official.sees_state(TaskState.RECEIVED, "02-received")

    official.page.click("a.report-link")
    official.page.wait_for_selector("#id_status")
    official.page.select_option("#id_status", TaskStatus.IN_PROGRESS)
    official.page.fill("#id_progress", "60")
    official.page.fill("#id_note", "已完成重点企业摸排，形成名录初稿。")
    official.checked("03-report-form")
    official.page.click(".submit-row input[type=submit]")
    official.sees_state(TaskState.IN_PROGRESS, "04-reported")
    assert "已完成重点企业摸排" in official.page.inner_text("#content-main")

    official.step(
        LoopAction.REQUEST_COMPLETION, "名录已完成并报送，申请办结。", upload=photo(tmp_path)
    )
    official.sees_state(TaskState.COMPLETION_REQUESTED, "05-completion-requested")
    assert "现场照片.png" in official.page.inner_text(".evidence-list")
    thumbnail = official.page.locator(".evidence-list img")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")

    supervisor.open(task)
    assert supervisor.page.locator(".loop-state.loop-completion_requested").count() == 1
    supervisor.step(LoopAction.RETURN, "请补充企业名录的对接联系人信息。")
    supervisor.sees_state(TaskState.IN_PROGRESS, "06-returned")

    official.open(task)
    assert "请补充企业名录的对接联系人信息" in official.page.inner_text(".loop-history")
    official.step(LoopAction.REQUEST_COMPLETION, "已补充对接联系人信息，再次申请办结。")
    official.sees_state(TaskState.COMPLETION_REQUESTED, "07-requested-again")

    supervisor.open(task)
    supervisor.step(LoopAction.CLOSE, "经核实，同意销号。")
    supervisor.sees_state(TaskState.CLOSED, "08-closed")
    # Nothing is left to do on a closed task.
    assert supervisor.page.locator("a.loop-step").count() == 0

    rows = supervisor.page.locator("table.loop-history tbody tr")
    history = [
        (
            rows.nth(i).locator("td").nth(1).inner_text(),
            rows.nth(i).locator("td").nth(3).inner_text(),
        )
        for i in range(rows.count())
    ]
    steps = ["close", "request_completion", "return", "request_completion", "report", "receive"]
    people = ["supervisor", "official", "supervisor", "official", "official", "official"]
    usernames = {"supervisor": demo.SUPERVISOR_USERNAME, "official": handler.user.username}
    assert history == [
        *zip(labels(*steps), [usernames[who] for who in people], strict=True),
        (labels(LoopAction.ASSIGN)[0], demo.SUPERVISOR_USERNAME),  # the demo, a working day ago
    ]

    task.refresh_from_db()
    assert (task.state, task.status, task.progress) == (TaskState.CLOSED, TaskStatus.DONE, 100)
    assert task.evidence.count() == 1
    assert task.updates.order_by("created_at").first().author == handler.user
    assert official.violations == [] and supervisor.violations == []
