"""Repeated failed logins lock the account and the address (django-axes), with a page in
Chinese; supervisors see the attempts and unlock; a login without ?next lands on a page."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password"  # conftest's make_official
ADMIN_LOGIN = "/admin/login/?next=/admin/"
API_LOGIN = "/api-auth/login/"
LOCKED_PAGE_TEXT = "登录失败次数过多"


@pytest.fixture
def commerce(make_official, department):
    return make_official("demo-commerce", department)


def log_in(client, path, username, password, address="198.51.100.7", **extra):
    data = {"username": username, "password": password}
    if path == ADMIN_LOGIN:
        data["next"] = "/admin/"
    return client.post(path, data, REMOTE_ADDR=address, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


def assert_locked_out(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_PAGE_TEXT in page
    assert "领导小组办公室" in page  # whom to ask
    assert int(response["Retry-After"]) == 15 * 60


@pytest.mark.parametrize("path", [ADMIN_LOGIN, API_LOGIN])
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, commerce, path):
    statuses = [log_in(client, path, "demo-commerce", "wrong").status_code for _ in range(5)]
    # The fifth failure reaches the limit: it already answers with the lockout page.
    assert statuses == [200, 200, 200, 200, 429]
    response = log_in(client, path, "demo-commerce", PASSWORD)
    assert_locked_out(response)
    assert not logged_in(client)
    # Locked per account: another address does not help.
    assert_locked_out(log_in(Client(), path, "demo-commerce", PASSWORD, address="203.0.113.9"))


@pytest.mark.parametrize("path", [ADMIN_LOGIN, API_LOGIN])
def test_wrong_passwords_for_many_usernames_lock_the_address(client, commerce, path):
    for name in ["zhang", "wang", "li", "zhao", "liu"]:
        log_in(client, path, name, "guess")
    assert_locked_out(log_in(client, path, "demo-commerce", PASSWORD))
    # The same account from another address is not locked.
    other = Client()
    assert log_in(other, path, "demo-commerce", PASSWORD, address="203.0.113.9").status_code == 302
    assert logged_in(other)


def test_failures_below_the_limit_do_not_lock(client, commerce):
    for _ in range(4):
        log_in(client, ADMIN_LOGIN, "demo-commerce", "wrong")
    assert log_in(client, ADMIN_LOGIN, "demo-commerce", PASSWORD).status_code == 302


def test_a_supervisor_unlocks_by_deleting_the_attempt_in_the_admin(
    client, commerce, supervisor_user
):
    for _ in range(5):
        log_in(client, ADMIN_LOGIN, "demo-commerce", "wrong")
    attempt = AccessAttempt.objects.get(username="demo-commerce")
    assert attempt.failures_since_start == 5

    supervisor = Client()
    supervisor.force_login(supervisor_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = supervisor.get(changelist)
    assert listing.status_code == 200 and "demo-commerce" in listing.content.decode()
    response = supervisor.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert log_in(client, ADMIN_LOGIN, "demo-commerce", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_axes_reset_command_unlocks_too(client, commerce):
    for _ in range(5):
        log_in(client, API_LOGIN, "demo-commerce", "wrong")
    call_command("axes_reset")
    assert log_in(client, API_LOGIN, "demo-commerce", PASSWORD).status_code == 302


@pytest.mark.parametrize("model", ["accessattempt", "accesslog", "accessfailurelog"])
def test_only_supervisors_see_the_login_records(client, official_user, supervisor_user, model):
    url = reverse(f"admin:axes_{model}_changelist")
    client.force_login(official_user)
    assert client.get(url).status_code == 403
    assert "/admin/axes/" not in client.get("/admin/").content.decode()
    client.force_login(supervisor_user)
    assert client.get(url).status_code == 200
    assert "/admin/axes/" in client.get("/admin/").content.decode()


def test_supervisors_cannot_edit_login_records(client, commerce, supervisor_user):
    log_in(Client(), ADMIN_LOGIN, "demo-commerce", "wrong")
    attempt = AccessAttempt.objects.get()
    client.force_login(supervisor_user)
    change = reverse("admin:axes_accessattempt_change", args=[attempt.pk])
    assert client.get(change).status_code == 200  # read
    client.post(change, {"username": "someone-else", "failures_since_start": 0})
    attempt.refresh_from_db()
    assert (attempt.username, attempt.failures_since_start) == ("demo-commerce", 1)


def test_behind_a_proxy_each_client_address_is_locked_not_the_proxy(client, commerce, settings):
    settings.TRACKER_PROXY_COUNT = 1

    def via_proxy(client, username, password, forwarded_for):
        return log_in(
            client,
            ADMIN_LOGIN,
            username,
            password,
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for name in ["zhang", "wang", "li", "zhao", "liu"]:
        via_proxy(client, name, "guess", "198.51.100.7")
    assert_locked_out(via_proxy(client, "demo-commerce", PASSWORD, "198.51.100.7"))
    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    assert_locked_out(via_proxy(client, "demo-commerce", PASSWORD, "203.0.113.50, 198.51.100.7"))
    # A colleague behind the same proxy still logs in.
    colleague = Client()
    assert via_proxy(colleague, "demo-commerce", PASSWORD, "203.0.113.9").status_code == 302


def test_a_login_without_next_lands_on_a_page_that_exists(client, commerce):
    response = client.post(
        API_LOGIN, {"username": "demo-commerce", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert response.status_code == 200
    assert logged_in(client)
