"""created_at and updated_at (core.timestamps) on every object of the API: every save moves
updated_at, a many-to-many change too, and a report's updated_at is its created_at."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cooperation.choices import CooperationKind, CounterpartKind
from cooperation.models import CooperationItem, Counterpart
from projects.choices import Stage
from tracker.models import KeyTask

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - datetime.timedelta(days=30)


def age(model, obj):
    """Set ``obj``'s updated_at a month back (as QuerySet.update does, bypassing save)."""
    model.objects.filter(pk=obj.pk).update(updated_at=LONG_AGO)
    obj.refresh_from_db()
    assert obj.updated_at == LONG_AGO


def test_a_save_with_update_fields_moves_updated_at(project):
    age(type(project), project)
    project.name = "数字化工厂项目（二期）"
    project.save(update_fields=["name"])
    project.refresh_from_db()
    assert project.name == "数字化工厂项目（二期）"
    assert project.updated_at > LONG_AGO
    assert project.created_at < project.updated_at


def test_a_status_report_moves_the_project(project, official_user):
    from projects.services import record_project_update

    age(type(project), project)
    record_project_update(
        project=project,
        reported_on=timezone.localdate(),
        stage=Stage.NEGOTIATING,
        funds_in_place=Decimal("0"),
        author=official_user,
    )
    project.refresh_from_db()
    assert project.updated_at > LONG_AGO


def test_changing_only_the_supporting_departments_moves_the_task(
    task, other_department, official_user
):
    from tracker.services import save_key_task

    age(KeyTask, task)
    task = KeyTask.objects.get(pk=task.pk)
    save_key_task(task, supporting_departments=[other_department], by=official_user)
    task.refresh_from_db()
    assert list(task.supporting_departments.all()) == [other_department]
    assert task.updated_at > LONG_AGO


def test_changing_only_the_counterparts_moves_the_item(department, official_user, beijing):
    from cooperation.services import save_item

    item = CooperationItem.objects.create(
        code="HZ-2023-001",
        title="共建京津冀协同创新平台",
        kind=CooperationKind.PLATFORM,
        year=2023,
        department=department,
    )
    partner = Counterpart.objects.create(
        name="北京市朝阳区人民政府", kind=CounterpartKind.DISTRICT, division=beijing
    )
    age(CooperationItem, item)
    item = CooperationItem.objects.get(pk=item.pk)
    save_item(item, by=official_user, counterparts=[partner])
    item.refresh_from_db()
    assert list(item.counterparts.all()) == [partner]
    assert item.updated_at > LONG_AGO


def api_serializers():
    """Every registered resource's serializer, for its lists and its details."""
    from config.api import router
    from core.rest.deleted import DeletedViewSet

    for prefix, viewset, _basename in router.registry:
        if viewset is DeletedViewSet:
            continue  # the deletions feed: deleted_at is its time
        if getattr(viewset, "queryset", None) is None:
            continue  # a computed answer (courting cases), not rows a client syncs
        for action in ("list", "retrieve"):
            view = viewset(action=action, request=None, format_kwarg=None, kwargs={})
            yield f"{prefix} {action}", view.get_serializer_class()()


def test_every_object_of_the_api_carries_both_timestamps():
    missing = [
        name
        for name, serializer in api_serializers()
        if not {"created_at", "updated_at"} <= set(serializer.fields)
    ]
    assert not missing, f"Add created_at and updated_at (core.rest.fields.TIMESTAMPS): {missing}"


def test_reports_show_their_recording_as_their_last_change(project, official_user, api_client_for):
    from projects.services import record_project_update

    record_project_update(
        project=project,
        reported_on=timezone.localdate(),
        stage=Stage.NEGOTIATING,
        funds_in_place=Decimal("0"),
        author=official_user,
    )
    client = api_client_for(official_user, scope="read")
    detail = client.get(f"/api/v1/projects/{project.pk}/").json()
    project.refresh_from_db()
    assert detail["updated_at"] == timezone.localtime(project.updated_at).isoformat()
    assert detail["updated_at"].endswith("+08:00")
    (report,) = detail["updates"]
    assert report["updated_at"] == report["created_at"]
    listed = client.get(f"/api/v1/projects/{project.pk}/updates/").json()["results"]
    assert listed[0]["updated_at"] == report["created_at"]
