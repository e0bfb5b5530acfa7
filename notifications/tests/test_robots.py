"""WeCom and DingTalk group robots, end to end: queued beside the emails, rendered as
markdown within the platforms' limits, delivered to fake platforms on loopback that check
the documented request format (the real hosts are unreachable from here), under the
per-minute limit, paused on answers that say the robot is misconfigured, deferred on
rate-limit answers; and who may add them (API and admin).
"""

import datetime
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from notifications import robots
from notifications.channels.base import Disable
from notifications.channels.dingtalk import sign
from notifications.chat import md
from notifications.daily import plan_daily
from notifications.dispatch import deliver_due
from notifications.models import Dispatch, GroupRobot
from notifications.robots import queue_rows, queue_test, resume_robots
from notifications.tests.fake_robots import (
    DINGTALK_PATH,
    WECOM_PATH,
    DingTalkFake,
    WeComFake,
    dingtalk_sign,
    error,
)
from notifications.tests.world import item_link, make_task
from notifications.weekly import plan_weekly
from tracker.models import KeyTask
from tracker.roles import OFFICIALS, SUPERVISORS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminders_only")]

MONDAY = datetime.date(2023, 7, 3)
TUESDAY = MONDAY + datetime.timedelta(days=1)
SENT, PENDING, FAILED = Dispatch.Status.SENT, Dispatch.Status.PENDING, Dispatch.Status.FAILED
CHAT = Path(settings.BASE_DIR) / "notifications" / "templates" / "notifications" / "chat"
LINK = re.compile(r"\]\(([^)]*)\)")


@pytest.fixture
def start():
    """A delivery run's ``now``: rows are due from when they are queued (the real time),
    so runs are driven from a minute after it; ``as_of`` says which day it is."""
    return timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=1)


def later(start, **delta):
    return start + datetime.timedelta(**delta)


def add_robot(platform, url, department=None, **fields):
    return GroupRobot.objects.create(
        name=f"{platform} 群", platform=platform, department=department, webhook_url=url, **fields
    )


@pytest.fixture
def wecom():
    fake = WeComFake()
    yield fake
    fake.close()


@pytest.fixture
def dingtalk():
    fake = DingTalkFake(secret="SECb1c2d3e4f5+/=secret", keyword="督办")
    yield fake
    fake.close()


@pytest.fixture
def overdue(work_point, department):
    return make_task(work_point, department, "KT-A", MONDAY - datetime.timedelta(days=2))


def notice_rows(robot, count, day=MONDAY):
    return [
        row
        for index in range(count)
        for row in queue_rows(
            [robot],
            kind=Dispatch.Kind.NOTICE,
            subject_key=f"test-notice:{index}",
            period=day,
            title=f"通知 {index}",
            markdown=f"### 通知 {index}\n正文",
        )
    ]


# Formats -----------------------------------------------------------------------------


def test_a_reminder_goes_to_the_wecom_robot_beside_the_email(
    start, people, department, overdue, wecom
):
    robot = add_robot("wecom", wecom.url, department)
    queued = plan_daily(MONDAY)
    email = Dispatch.objects.get(kind=Dispatch.Kind.REMINDER, recipient="commerce@example.gov")
    row = Dispatch.objects.get(robot=robot)
    assert row in queued and row.channel == "wecom" and row.recipient == f"robot:{robot.pk}"
    assert (row.kind, row.subject_key, row.period, row.worth_until) == (
        email.kind,
        email.subject_key,
        email.period,
        email.worth_until,
    )
    assert row.subject == email.subject

    assert deliver_due(now=start, as_of=MONDAY, channel="wecom") == {SENT: 1}
    [request] = wecom.receiver.requests
    assert request.method == "POST" and request.path == WECOM_PATH
    assert request.query == {"key": wecom.key}
    assert request.headers["content-type"].startswith("application/json")
    body = request.json()
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith(f"### {md(email.subject)}\n") and "KT-A" in content
    link = item_link(f"task:{overdue.pk}", f"/admin/tracker/keytask/{overdue.pk}/change/")
    assert f"[KT-A]({link})" in content
    # Once: planning again queues nothing, delivering again sends nothing.
    plan_daily(MONDAY)
    assert Dispatch.objects.filter(robot=robot).count() == 1
    assert deliver_due(now=later(start, hours=1), as_of=MONDAY, channel="wecom") == {}
    assert Dispatch.objects.get(pk=email.pk).status == PENDING  # email is its own channel


def test_dingtalk_messages_are_signed_and_carry_the_keyword(
    start, people, department, overdue, dingtalk
):
    robot = add_robot(
        "dingtalk", dingtalk.url, department, secret=dingtalk.secret, keyword=dingtalk.keyword
    )
    plan_daily(MONDAY)
    for minute in range(5):  # several signatures: base64 with + and / must survive the URL
        queue_test(robot, now=later(start, minutes=minute))
    assert deliver_due(now=start, as_of=MONDAY, channel="dingtalk") == {SENT: 6}
    assert len(dingtalk.accepted) == 6 and len(dingtalk.receiver.requests) == 6
    for request in dingtalk.receiver.requests:
        assert request.path == DINGTALK_PATH
        assert set(request.query) == {"access_token", "timestamp", "sign"}
        body = request.json()
        assert body["msgtype"] == "markdown" and body["at"] == {"atMobiles": [], "isAtAll": False}
        assert body["markdown"]["title"].startswith("【督办】")
        assert body["markdown"]["text"].startswith("### 【督办】")
    # The signature as DingTalk's sample computes it.
    assert sign("SECabc", "1700000000000") == dingtalk_sign("SECabc", "1700000000000")


# Fitting and escaping ------------------------------------------------------------------


def test_two_hundred_overdue_tasks_fit_in_one_message_with_whole_rows(
    start, settings, people, work_point, department, wecom
):
    settings.TRACKER_EMAIL_ROWS = 200  # the email lists them all; the message cannot
    department.name = "德州市商务局（招商引资服务中心）" * 3
    department.save()
    title = "推进京津冀产业协同重点招商项目落地并完成签约、开工、投产全流程跟踪服务"
    for number in range(200):
        make_task(
            work_point, department, f"KT-{number:03d}", MONDAY - datetime.timedelta(1 + number % 30)
        )
    KeyTask.objects.update(title=title)
    robot = add_robot("wecom", wecom.url, department)
    plan_daily(MONDAY)
    text = Dispatch.objects.get(robot=robot).body_text
    assert len(text.encode("utf-8")) <= 4000
    listed = [line for line in text.splitlines() if line.startswith("- [KT-")]
    more = re.search(r"另有 (\d+) 项未列出", text)
    assert more and len(listed) + int(more.group(1)) == 200 and 5 < len(listed) < 200
    for line in listed:  # every row whole: its code, its link, its closing parenthesis
        assert re.fullmatch(r"- \[KT-\d{3}\]\(http[^)\s]+/\) .+）", line), line
    for url in LINK.findall(text):
        assert url.startswith(settings.SITE_BASE_URL)
    assert deliver_due(now=start, as_of=MONDAY, channel="wecom") == {SENT: 1}
    assert wecom.contents() == [text]


HOSTILE = (
    '[点我](http://evil.example) <font color="warning">红</font> **粗** '
    '=HYPERLINK("http://evil")\n### 注入 `x` _y_'
)


def test_names_cannot_make_links_markup_or_lines(people, work_point, department, wecom):
    department.name = "商务局 [假链接](https://evil.example/x) <@all>"
    department.save()
    make_task(work_point, department, "KT-[X](http://evil)", MONDAY - datetime.timedelta(1))
    KeyTask.objects.update(title=HOSTILE)
    robot = add_robot("wecom", wecom.url, department)
    plan_daily(MONDAY)
    text = Dispatch.objects.get(robot=robot).body_text
    assert "evil" in text  # the names are there, as text
    assert "://evil" not in text and "<font" not in text and "<@" not in text
    assert "**粗**" not in text and "`x`" not in text
    assert [line for line in text.splitlines() if line.startswith("#")] == [text.splitlines()[0]]
    assert all(url.startswith(settings.SITE_BASE_URL) for url in LINK.findall(text))
    assert len(LINK.findall(text)) == text.count("](")


# Values a template may print as they are: numbers.
COUNTS = {"total", "overdue", "due_soon", "completed", "left", "days_overdue", "days_left"}
COUNTS |= {"days_open", "more", "new", "reports", "receipts", "count"}


def test_every_value_in_a_chat_template_is_escaped():
    """A chat template prints a value only through ``md`` (text) or ``md_url`` (our
    links), or as a date or a count."""
    allowed = re.compile(
        r"\{\{ [\w.]+(\|md(\|default:\"[^\"]*\"|\|truncatechars:\d+)?"
        r"|\|md_url|\|date:\"[^\"]*\") \}\}"
        r"|\{\{ [\w.]*(total|reports|receipts|more|new) \}\}"
    )
    for path in sorted(CHAT.glob("*.md")):
        # A blocktranslate's placeholders are its clauses' values, checked below.
        text = re.sub(
            r"\{% blocktranslate .*?%\}.*?\{% endblocktranslate %\}",
            "",
            path.read_text(encoding="utf-8"),
        )
        for value in re.findall(r"\{\{.*?\}\}", text):
            assert allowed.fullmatch(value), f"{path.name}: {value}"
        for tag in re.findall(r"\{% blocktranslate (.*?)%\}", path.read_text(encoding="utf-8")):
            for value in re.findall(r"\w+=(\S+)", tag):
                escaped = "|md" in value or value.split(".")[-1] in COUNTS
                assert escaped, f"{path.name}: {value}"


def test_every_email_has_its_chat_twin():
    emails = CHAT.parent / "email"
    names = {path.name.removesuffix("_subject.txt") for path in emails.glob("*_subject.txt")}
    # Told only to the supervisors, by email: a paused robot cannot tell itself.
    names -= {"endpoint_paused"}
    assert {name for name in names if not (CHAT / f"{name}.md").exists()} == set()


# Who gets what -------------------------------------------------------------------------


def test_kinds_and_the_supervising_office(people, department, overdue, wecom):
    digests_only = add_robot("wecom", wecom.url, department, kinds=["digest"])
    office = add_robot("wecom", wecom.url, None)
    inactive = add_robot("wecom", wecom.url, department, is_active=False)
    plan_daily(MONDAY)
    plan_weekly(MONDAY)
    got = {
        robot.pk: sorted(Dispatch.objects.filter(robot=robot).values_list("kind", "subject_key"))
        for robot in (digests_only, office, inactive)
    }
    assert got[digests_only.pk] == [("digest", f"department:{department.pk}")]
    assert got[office.pk] == [("digest", "city")]
    assert got[inactive.pk] == []


# The minute's limit and the platforms' answers -------------------------------------------


def test_twenty_five_in_a_minute_eighteen_go_the_rest_wait_a_minute(start, wecom):
    robot = add_robot("wecom", wecom.url)
    notice_rows(robot, 25)
    wecom.now = start
    assert deliver_due(now=start, as_of=MONDAY, channel="wecom") == {SENT: 18, PENDING: 7}
    waiting = Dispatch.objects.filter(robot=robot, status=PENDING)
    assert waiting.count() == 7
    for row in waiting:
        assert row.attempts == 0 and row.next_attempt_at == start + datetime.timedelta(seconds=60)
    assert deliver_due(now=start + datetime.timedelta(seconds=59), channel="wecom") == {}
    wecom.now = start + datetime.timedelta(seconds=60)
    assert deliver_due(now=wecom.now, as_of=MONDAY, channel="wecom") == {SENT: 7}
    assert len(wecom.accepted) == len(wecom.receiver.requests) == 25  # never over its limit
    robot.refresh_from_db()
    assert robot.consecutive_failures == 0 and robot.paused_at is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_share_the_minute(start, wecom):
    if connection.vendor != "postgresql":
        pytest.skip("two workers need a database with concurrent connections")
    robot = add_robot("wecom", wecom.url)
    notice_rows(robot, 40)
    results = []

    def worker():
        try:
            results.append(deliver_due(now=start, as_of=MONDAY, channel="wecom"))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.get(SENT, 0) for result in results) == 18
    assert len(wecom.accepted) == 18
    assert Dispatch.objects.filter(robot=robot, status=PENDING).count() == 22


@pytest.mark.parametrize(
    ("platform", "answer", "wait"),
    [
        ("wecom", error(45009, "api freq out of limit"), 60),
        ("dingtalk", error(130101, "send too fast, exceed 20 times per minute"), 600),
        ("dingtalk", error(410100, "发送速度太快而限流"), 600),
    ],
)
def test_a_rate_limit_answer_defers_without_counting(
    start, platform, answer, wait, wecom, dingtalk
):
    fake = wecom if platform == "wecom" else dingtalk
    robot = add_robot(platform, fake.url, secret=fake.secret if platform == "dingtalk" else "")
    fake.keyword = ""
    [row] = notice_rows(robot, 1)
    fake.receiver.script.append(answer)
    assert deliver_due(now=start, as_of=MONDAY, channel=platform) == {PENDING: 1}
    row.refresh_from_db()
    assert row.status == PENDING and row.attempts == 0 and row.sent_at is None
    assert row.next_attempt_at == start + datetime.timedelta(seconds=wait)
    robot.refresh_from_db()
    assert robot.consecutive_failures == 0 and robot.paused_at is None
    later = start + datetime.timedelta(seconds=wait - 1)
    assert deliver_due(now=later, as_of=MONDAY, channel=platform) == {}
    later = start + datetime.timedelta(seconds=wait)
    assert deliver_due(now=later, as_of=MONDAY, channel=platform) == {SENT: 1}


@pytest.mark.parametrize("mistake", ["wrong key", "sign not match", "keyword missing"])
def test_a_misconfigured_robot_is_paused_and_the_supervisors_told(
    start, mistake, people, department, overdue, wecom, dingtalk
):
    if mistake == "wrong key":
        platform, fake = "wecom", wecom
        robot = add_robot("wecom", wecom.url.replace(wecom.key, "wrong-key-123"), department)
    else:
        platform, fake = "dingtalk", dingtalk
        secret = "SEC-not-the-robots" if mistake == "sign not match" else dingtalk.secret
        robot = add_robot("dingtalk", dingtalk.url, department, secret=secret)
    plan_daily(MONDAY)
    assert deliver_due(now=start, as_of=MONDAY, channel=platform) == {FAILED: 1}
    robot.refresh_from_db()
    row = Dispatch.objects.get(robot=robot)
    said = {"wrong key": "93000", "sign not match": "sign not match", "keyword missing": "keywords"}
    assert robot.paused_at is not None and said[mistake] in robot.last_error
    assert row.status == FAILED and said[mistake] in row.last_error
    assert "wrong-key-123" not in row.last_error + robot.last_error
    told = Dispatch.objects.filter(
        kind=Dispatch.Kind.NOTICE, subject_key__startswith=f"robot:{robot.pk}:paused"
    )
    assert list(told.values_list("recipient", flat=True)) == ["boss@example.gov"]
    # Paused: nothing is tried, whatever the time.
    assert deliver_due(now=later(start, hours=3), as_of=MONDAY, channel=platform) == {}
    # Mended and resumed: the message goes out.
    robot.webhook_url, robot.secret, robot.keyword = fake.url, fake.secret, fake.keyword
    robot.save()
    assert resume_robots([robot], by=people["supervisor"]) == 1
    assert deliver_due(now=later(start, hours=3), as_of=MONDAY, channel=platform) == {SENT: 1}
    assert len(fake.accepted) == 1


def test_a_robot_down_all_day_gets_one_message_the_next_day(
    start, people, department, overdue, wecom
):
    robot = add_robot("wecom", wecom.url, department)
    plan_daily(MONDAY)
    wecom.receiver.stop()
    assert deliver_due(now=start, as_of=MONDAY, channel="wecom") == {FAILED: 1}
    assert deliver_due(now=later(start, minutes=2), as_of=MONDAY, channel="wecom") == {FAILED: 1}
    assert deliver_due(now=later(start, minutes=10), as_of=MONDAY, channel="wecom") == {FAILED: 1}
    row = Dispatch.objects.get(robot=robot)
    assert "refused" in row.last_error and wecom.key not in row.last_error
    wecom.receiver.start()
    plan_daily(TUESDAY)
    counts = deliver_due(now=later(start, days=1), as_of=TUESDAY, channel="wecom")
    assert counts == {SENT: 1, Dispatch.Status.SUPERSEDED: 1}
    assert len(wecom.accepted) == 1
    assert Dispatch.objects.get(robot=robot, status=SENT).period == TUESDAY


def test_a_message_too_long_fails_alone(start, wecom):
    robot = add_robot("wecom", wecom.url)
    queue_rows(
        [robot],
        kind=Dispatch.Kind.NOTICE,
        subject_key="too-long",
        period=MONDAY,
        title="长",
        markdown="长" * 2000,  # 6,000 bytes: only a bug would queue it
    )
    notice_rows(robot, 1)
    assert deliver_due(now=start, as_of=MONDAY, channel="wecom") == {FAILED: 1, SENT: 1}
    failed = Dispatch.objects.get(robot=robot, status=FAILED)
    assert "40058" in failed.last_error
    robot.refresh_from_db()
    assert robot.paused_at is None  # not paused for a message the platform refused


# Who may add robots ---------------------------------------------------------------------


@pytest.fixture
def robot_grants(db):
    """The roles' permissions on group robots, as notifications/migrations/0008 grants
    them: add, change and view, no delete."""
    for name in (SUPERVISORS, OFFICIALS):
        codenames = set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__model="grouprobot")
            .values_list("codename", flat=True)
        )
        assert codenames == {"add_grouprobot", "change_grouprobot", "view_grouprobot"}


def robot_body(department=None, **fields):
    return {
        "name": "招商群",
        "platform": "wecom",
        "department": department,
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY-1",
        **fields,
    }


def test_the_api_keeps_robots_to_their_department_and_their_secrets_in(
    robot_grants,
    api_client_for,
    official_user,
    other_official_user,
    supervisor_user,
    department,
    other_department,
):
    official = api_client_for(official_user)
    url = reverse("grouprobot-list")
    created = official.post(url, robot_body(department.pk), format="json")
    assert created.status_code == 201, created.json()
    assert "webhook_url" not in created.json() and "secret" not in created.json()
    assert created.json()["address"].endswith("key=***")
    robot = GroupRobot.objects.get()
    assert robot.webhook_url.endswith("SECRET-KEY-1") and robot.department == department

    before = GroupRobot.objects.count()
    for body in (robot_body(other_department.pk), robot_body(None)):
        assert official.post(url, body, format="json").status_code == 403
    assert GroupRobot.objects.count() == before

    other = api_client_for(other_official_user)
    listed = other.get(url)
    assert listed.status_code == 200 and "SECRET-KEY-1" not in listed.content.decode()
    detail = reverse("grouprobot-detail", args=[robot.pk])
    refused = other.patch(detail, {"name": "抢来的"}, format="json")
    assert refused.status_code == 403
    robot.refresh_from_db()
    assert robot.name == "招商群"

    supervisor = api_client_for(supervisor_user)
    office = supervisor.post(
        url, robot_body(None, platform="dingtalk", secret="SECx"), format="json"
    )
    assert office.status_code == 201 and office.json()["has_secret"] is True
    assert office.json()["department"] is None


def test_the_api_says_what_is_wrong_field_by_field(
    robot_grants, api_client_for, official_user, department
):
    client = api_client_for(official_user)
    url = reverse("grouprobot-list")
    answer = client.post(
        url,
        robot_body(
            webhook_url="ftp://qyapi.weixin.qq.com/x?key=1",
            secret="SECx",
            keyword="督办",
            kinds=["reminder", "event"],
        ),
        format="json",
    )
    assert answer.status_code == 400
    assert {"webhook_url", "kinds"} <= set(answer.json())
    answer = client.post(
        url, robot_body(department.pk, secret="SECx", keyword="督办"), format="json"
    )
    assert answer.status_code == 400 and {"secret", "keyword"} <= set(answer.json())
    answer = client.post(
        url, robot_body(department.pk, platform="dingtalk", keyword="督\n办"), format="json"
    )
    assert answer.status_code == 400 and set(answer.json()) == {"keyword"}
    answer = client.post(
        url, {"name": "无地址", "platform": "wecom", "department": department.pk}, format="json"
    )
    assert answer.status_code == 400 and "webhook_url" in answer.json()
    assert not GroupRobot.objects.exists()


def test_the_admin_masks_the_address_and_keeps_officials_to_their_department(
    robot_grants, client, official_user, department, other_department, wecom
):
    client.force_login(official_user)
    add = reverse("admin:notifications_grouprobot_add")
    form = {
        "name": "招商群",
        "platform": "wecom",
        "department": other_department.pk,
        "new_webhook_url": wecom.url,
        "keyword": "",
        "is_active": "on",
    }
    refused = client.post(add, form)
    assert refused.status_code == 200 and not GroupRobot.objects.exists()
    assert client.post(add, {**form, "department": department.pk}).status_code == 302
    robot = GroupRobot.objects.get()
    assert robot.department == department and robot.webhook_url == wecom.url
    change = client.get(reverse("admin:notifications_grouprobot_change", args=[robot.pk]))
    assert change.status_code == 200 and wecom.key not in change.content.decode()
    listing = client.get(reverse("admin:notifications_grouprobot_changelist"))
    assert wecom.key not in listing.content.decode() and "key=***" in listing.content.decode()
    # The test message is queued, not sent from the page; the next delivery sends it.
    changelist = reverse("admin:notifications_grouprobot_changelist")
    client.post(changelist, {"action": "send_test_message", "_selected_action": [robot.pk]})
    assert not wecom.receiver.requests
    assert deliver_due(channel="wecom") == {SENT: 1}
    assert "### " in wecom.contents()[0]


def test_a_robot_may_only_be_at_the_platforms_hosts(settings, department):
    """Officials add robots: the worker must not post to an intranet address for them."""
    from notifications.channels import CHANNELS

    settings.TRACKER_ROBOT_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
    inside = GroupRobot(
        name="内网",
        platform="wecom",
        department=department,
        webhook_url="http://10.0.0.5:8080/cgi-bin/webhook/send?key=k",
    )

    assert "webhook_url" in robots.robot_errors(inside, None)
    # What urlsplit and requests read differently: requests would connect to 10.0.0.5.
    for disguised in (
        "http://10.0.0.5:8080\\@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    ):
        assert not robots.host_allowed(disguised)
    assert robots.host_allowed("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    assert robots.host_allowed("https://oapi.dingtalk.com/robot/send?access_token=t")
    inside.save()  # stored before the setting narrowed, say
    dispatch = Dispatch(channel="wecom", robot=inside, subject="t", body_text="t")
    channel = CHANNELS["wecom"]()
    try:
        outcome = channel.send(dispatch)
    finally:
        channel.close()
    assert isinstance(outcome, Disable)
