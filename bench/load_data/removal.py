"""Finding and removing what earlier runs wrote, by the marks of markers.py."""

from django.contrib.auth import get_user_model
from django.db import transaction

from notifications.models import Dispatch
from projects.models import Project, ProjectUpdate
from regions.models import Division, Park, Tenant
from tracker.models import Department, KeyTask, TaskUpdate, WorkPoint

from .markers import (
    NAME_PREFIX,
    PROJECT_CODE_PREFIX,
    TASK_CODE_PREFIX,
    USERNAME_PREFIX,
    WORK_POINT_PREFIX,
)


def load_querysets():
    """What earlier runs wrote, children before parents, as (label, queryset)."""
    project_updates = ProjectUpdate.objects.filter(project__code__startswith=PROJECT_CODE_PREFIX)
    supporting = KeyTask.supporting_departments.through.objects.filter(
        keytask__code__startswith=TASK_CODE_PREFIX
    )
    tenants = Tenant.objects.filter(name__startswith=NAME_PREFIX)
    return [
        ("project updates", project_updates),
        ("projects", Project.objects.filter(code__startswith=PROJECT_CODE_PREFIX)),
        ("task updates", TaskUpdate.objects.filter(task__code__startswith=TASK_CODE_PREFIX)),
        ("supporting departments", supporting),
        ("key tasks", KeyTask.objects.filter(code__startswith=TASK_CODE_PREFIX)),
        ("work points", WorkPoint.objects.filter(title__startswith=WORK_POINT_PREFIX)),
        ("users", get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)),
        ("departments", Department.objects.filter(name__startswith=NAME_PREFIX)),
        # What a bench's notification runs queued for the synthetic cities.
        ("dispatches", Dispatch.objects.filter(tenant__in=tenants)),
        ("tenants", tenants),
        ("parks", Park.objects.filter(name__startswith=NAME_PREFIX)),
        (
            "county-level divisions",
            Division.objects.filter(
                name__startswith=NAME_PREFIX, parent__name__startswith=NAME_PREFIX
            ),
        ),
        ("cities", Division.objects.filter(name__startswith=NAME_PREFIX)),
    ]


def load_data_present():
    return any(queryset.exists() for _label, queryset in load_querysets())


def remove_load_data():
    """Delete what earlier runs wrote. Returns the number of rows per kind.

    A million updates cannot go through the ORM's collector (simple-history's delete
    signals would load every row and write a history row for each), so rows are deleted
    with plain DELETE statements, children first. Users go through the ORM: few, and
    they cascade to officials, group memberships and API tokens.
    """
    removed = {}
    with transaction.atomic():
        for label, queryset in load_querysets():
            if queryset.model is get_user_model():
                _count, by_model = queryset.delete()
                removed[label] = by_model.get(queryset.model._meta.label, 0)
            else:
                removed[label] = queryset._raw_delete(queryset.db)
    return removed
