"""The phone's login: Django's, with django-axes locking out as on the admin's; logout by
POST; anonymous callers sent to it with ``next``; users without a profile told why."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password"  # the root conftest's make_official


@pytest.mark.parametrize("path", ["/m/", "/m/tasks/1/", "/m/open/task:1/", "/m/projects/"])
def test_anonymous_callers_go_to_the_phone_login_with_next(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/m/login/?next=")
    assert path.replace(":", "%3A") in response["Location"]


def test_an_official_logs_in_and_lands_where_they_were_going(client, official_user, task):
    page = client.get("/m/login/")
    response = client.post(
        f"/m/login/?next=/m/tasks/{task.pk}/",
        {"username": "official", "password": PASSWORD, "next": f"/m/tasks/{task.pk}/"},
    )

    assert page.status_code == 200 and b'name="username"' in page.content
    assert response.status_code == 302 and response["Location"] == f"/m/tasks/{task.pk}/"
    assert client.get("/m/").status_code == 200


def test_without_next_the_login_goes_to_my_work(client, official_user):
    response = client.post("/m/login/", {"username": "official", "password": PASSWORD})

    assert response["Location"] == "/m/"


def test_next_never_leads_off_the_site(client, official_user):
    response = client.post(
        "/m/login/",
        {"username": "official", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/m/"


def test_a_signed_in_user_sent_to_the_login_next_to_itself_goes_to_my_work(client, official_user):
    client.force_login(official_user)

    response = client.get("/m/login/?next=/m/login/")

    assert response.status_code == 302 and response["Location"] == "/m/"


def test_a_wrong_password_is_refused(client, official_user):
    response = client.post("/m/login/", {"username": "official", "password": "wrong"})

    assert response.status_code == 200 and response.context["form"].errors
    assert client.get("/m/").status_code == 302


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(client, official_user):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/m/login/", {"username": "official", "password": "guess"})

    response = Client().post("/m/login/", {"username": "official", "password": PASSWORD})

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE == 429
    assert "_auth_user_id" not in Client().session
    assert client.get("/m/").status_code == 302  # still not signed in


def test_logout_is_a_post(official_client):
    assert official_client.get("/m/logout/").status_code == 405
    assert official_client.get("/m/").status_code == 200

    response = official_client.post("/m/logout/")

    assert response.status_code == 302 and response["Location"] == "/m/login/"
    assert official_client.get("/m/").status_code == 302


def test_a_user_without_an_official_profile_is_told_why(client):
    user = get_user_model().objects.create_user("visitor", password=PASSWORD, is_staff=True)
    client.force_login(user)

    response = client.get("/m/")

    assert response.status_code == 403
    assert "mobile/no_profile.html" in [t.name for t in response.templates]


def test_with_local_passwords_off_the_phone_login_refuses_a_right_password(
    client, official_user, settings
):
    settings.TRACKER_LOCAL_PASSWORDS = False

    page = client.get("/m/login/")
    response = client.post("/m/login/", {"username": "official", "password": PASSWORD})

    assert b'name="password"' not in page.content
    assert response.status_code == 200
    assert "unified identity authentication" in response.content.decode() or (
        "统一身份认证" in response.content.decode()
    )
    assert client.get("/m/").status_code == 302  # still not signed in
