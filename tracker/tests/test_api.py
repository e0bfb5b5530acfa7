"""Key tasks over the API, tokens and their limits."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from projects.tests.test_api import token_client
from tracker.api.throttling import ApiTokenRateThrottle
from tracker.choices import TaskStatus
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db


def test_task_reads_with_its_labels(official_user, task, other_department):
    task.supporting_departments.set([other_department])
    body = token_client(official_user, "read").get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["lead_department_name"] == "市商务局"
    assert body["supporting_department_names"] == ["市科学技术局"]
    assert body["aspect_label"] == "产业融入"
    assert body["status_label"] == "未启动"
    assert body["is_overdue"] is True and body["light"] == "red" and body["days_left"] < 0


def test_task_writes_validate_through_the_service(official_user, supervisor_user, task, department):
    client = token_client(official_user)
    response = client.patch(
        f"/api/v1/tasks/{task.pk}/",
        {"supporting_departments": [department.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "supporting_departments" in response.json()
    # An official ends no task by an edit: they request completion (tracker.loop).
    done = {"status": "done", "progress": 100, "completed_on": "2023-06-01"}
    ended = client.patch(f"/api/v1/tasks/{task.pk}/", done, format="json")
    assert ended.status_code == 400 and "status" in ended.json()
    created = client.post(
        "/api/v1/tasks/",
        {
            "code": "KT-DONE",
            "year": 2023,
            "title": "自己销号",
            "work_point": task.work_point_id,
            "lead_department": department.pk,
            "deadline": "2023-12-31",
            "status": "cancelled",
        },
        format="json",
    )
    assert created.status_code == 400 and "status" in created.json()
    done_without_date = token_client(supervisor_user).patch(
        f"/api/v1/tasks/{task.pk}/", {"status": "done", "progress": 100}, format="json"
    )
    assert done_without_date.status_code == 400 and "completed_on" in done_without_date.json()
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and not task.supporting_departments.exists()


def test_revoked_token_is_refused(official_user, django_user_model):
    client = token_client(official_user, "read")
    assert client.get("/api/v1/tasks/").status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/tasks/").status_code == 401


def test_token_requests_are_rate_limited_with_retry_after(official_user, monkeypatch):
    cache.clear()
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    client = token_client(official_user, "read")
    statuses = [client.get("/api/v1/work-points/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/work-points/")
    assert int(limited["Retry-After"]) > 0
    cache.clear()


def test_supervisor_creates_a_token_in_the_admin_and_sees_its_key_once(
    client, supervisor_user, official_user
):
    client.force_login(supervisor_user)
    response = client.post(
        reverse("admin:tracker_apitoken_add"),
        {"name": "大屏", "user": official_user.pk, "scope": "read"},
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"])
    key = message.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].strip()
    token = ApiToken.objects.get()
    assert token.created_by == supervisor_user and key.startswith(token.prefix)
    assert key not in str(ApiToken.objects.values().get())  # only its digest is stored
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/tasks/").status_code == 200
    client.post(
        reverse("admin:tracker_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert api.get("/api/v1/tasks/").status_code == 401


def test_officials_cannot_create_tokens(client, official_user):
    client.force_login(official_user)
    response = client.post(
        reverse("admin:tracker_apitoken_add"),
        {"name": "x", "user": official_user.pk, "scope": "read_write"},
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
