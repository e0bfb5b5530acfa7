"""Webhook subscriptions over the API and in the admin: supervisors only, secrets shown
once, hostile input refused field by field; no web request talks to a receiver."""

import pathlib
import re

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from notifications.models import Dispatch, WebhookSubscription
from notifications.tests.receivers import Receiver
from notifications.tests.webhook_world import ping, subscribe
from projects.tests.test_api import token_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/webhook-subscriptions/"
GOOD = {
    "name": "市大数据局",
    "url": "https://dsj.dezhou.gov.cn/hooks",
    "events": ["blocker.raised"],
}


@pytest.fixture
def official_user(make_official, department):
    return make_official("official", department)


def test_a_supervisor_creates_a_subscription_and_sees_its_secret_once(supervisor_user):
    api = token_client(supervisor_user)
    created = api.post(LIST, GOOD, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    stored = WebhookSubscription.objects.get(pk=body["id"])
    assert stored.secret == body["secret"] and stored.created_by == supervisor_user
    listed = api.get(LIST).json()["results"]
    detail = api.get(f"{LIST}{body['id']}/").json()
    assert "secret" not in listed[0] and "secret" not in detail
    assert body["secret"] not in str(listed) + str(detail)


def test_officials_and_read_only_tokens_cannot_write(official_user, supervisor_user):
    subscription = WebhookSubscription.objects.create(
        name="x",
        url="https://h.example:8443/fn/TOKENINPATH?token=abc&api_key=K1&code=K2",
        events=["ping"],
        secret="whsec_AAAA",
    )
    official = token_client(official_user)
    assert official.post(LIST, GOOD, format="json").status_code == 403
    detail = f"{LIST}{subscription.pk}/"
    assert official.patch(detail, {"name": "HACKED"}, format="json").status_code == 403
    read = official.get(detail).json()
    # Only where it is: a receiver's path and query may hold its credential in any form.
    assert read["url"] == "https://h.example:8443" and "secret" not in read
    read_only = token_client(supervisor_user, scope="read")
    assert read_only.post(LIST, GOOD, format="json").status_code == 403
    supervisor = token_client(supervisor_user)
    assert supervisor.delete(detail).status_code == 405
    assert WebhookSubscription.objects.get().name == "x"
    assert not WebhookSubscription.objects.exclude(pk=subscription.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "ftp://dsj.dezhou.gov.cn/hooks"),
        ("url", "javascript:alert(1)"),
        ("url", "https://user:pass@dsj.dezhou.gov.cn/hooks"),
        ("url", "https://dsj.dezhou.gov.cn:99999/"),
        ("url", "http:///nohost"),
        ("url", "https://x.example/" + "a" * 600),
        ("events", []),
        ("events", ["project.deleted"]),
        ("events", "project.created"),
        ("events", ["ping"]),
        ("name", ""),
    ],
)
def test_bad_input_is_refused_field_by_field(supervisor_user, field, value):
    api = token_client(supervisor_user)
    response = api.post(LIST, {**GOOD, field: value}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not WebhookSubscription.objects.exists()


def test_refusals_are_in_chinese_by_default(supervisor_user):
    response = token_client(supervisor_user).post(LIST, {**GOOD, "events": []}, format="json")
    assert response.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", str(response.json()["events"])), response.json()


def test_deliveries_lists_the_latest_rows_without_secrets(supervisor_user, official_user):
    with Receiver() as receiver:
        subscription = subscribe(receiver)
        events = [ping(subscription, n) for n in range(3)]
    for client in (token_client(supervisor_user), token_client(official_user)):
        rows = client.get(f"{LIST}{subscription.pk}/deliveries/").json()
        assert [r["webhook_id"] for r in rows] == [e.subject_key for e in reversed(events)]
        assert {r["type"] for r in rows} == {"ping"} and subscription.secret not in str(rows)


def test_the_admin_shows_the_secret_once_and_its_actions_work(client, supervisor_user):
    client.force_login(supervisor_user)
    add = reverse("admin:notifications_webhooksubscription_add")
    response = client.post(
        add, {**GOOD, "events": ["blocker.raised", "task.state_changed"], "is_active": "on"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    subscription = WebhookSubscription.objects.get()
    changelist = reverse("admin:notifications_webhooksubscription_changelist")
    assert subscription.secret in client.get(response.url).content.decode()  # once
    assert subscription.secret not in client.get(changelist).content.decode()
    assert (
        subscription.secret not in client.get(f"{add}../{subscription.pk}/change/").content.decode()
    )
    for action in ("send_test_event", "rotate_secret", "resume"):
        response = client.post(
            changelist, {"action": action, "_selected_action": [subscription.pk]}
        )
        assert response.status_code == 302
    assert Dispatch.objects.get(subscription=subscription).payload["type"] == "ping"
    old = subscription.secret
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret.startswith("whsec_")


def test_an_official_has_no_webhook_admin(client, official_user):
    client.force_login(official_user)
    changelist = reverse("admin:notifications_webhooksubscription_changelist")
    assert client.get(changelist).status_code == 403
    add = reverse("admin:notifications_webhooksubscription_add")
    assert client.post(add, {**GOOD, "events": ["blocker.raised"]}).status_code == 403
    assert not WebhookSubscription.objects.exists()


def test_no_web_request_calls_a_receiver(supervisor_user, project, monkeypatch):
    """Only the worker's delivery talks to receivers: a request that publishes an event
    (a report over the API, a test event from the admin) records it and returns."""
    root = pathlib.Path(settings.BASE_DIR)
    callers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "tests", "node_modules", "bench"} & set(path.relative_to(root).parts)
        and re.search(r"^\s*(import requests|from requests\b)", path.read_text(), re.M)
    )
    # Single sign-on's login callback talks to the identity provider, by design.
    allowed = ("notifications/channels/", "tracker/sso")
    assert all(path.startswith(allowed) for path in callers), callers

    def refuse(*args, **kwargs):
        raise AssertionError("a web request talked to a receiver")

    monkeypatch.setattr(requests.Session, "send", refuse)
    with Receiver() as receiver:
        subscription = subscribe(receiver, events=["project.report_recorded"])
        api = token_client(supervisor_user)
        response = api.post(
            f"/api/v1/projects/{project.pk}/updates/",
            {"reported_on": "2023-05-05", "stage": "negotiating", "funds_in_place": "0"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        from django.test import Client

        admin = Client()
        admin.force_login(supervisor_user)
        admin.post(
            reverse("admin:notifications_webhooksubscription_changelist"),
            {"action": "send_test_event", "_selected_action": [subscription.pk]},
        )
        assert not receiver.requests
    types = Dispatch.objects.filter(subscription=subscription).values_list("subject", flat=True)
    assert sorted(types) == ["ping", "project.report_recorded"]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_lists_answer_in_every_format(supervisor_user, fmt):
    subscription = WebhookSubscription.objects.create(
        name="=HYPERLINK(1)", url="https://h.example/x", events=["ping"], secret="whsec_AAAA"
    )
    api = token_client(supervisor_user)
    for path in (LIST, f"{LIST}{subscription.pk}/deliveries/"):
        response = api.get(f"{path}?format={fmt}")
        assert response.status_code == 200, (path, response.content[:200])
        assert b"whsec_AAAA" not in response.content
