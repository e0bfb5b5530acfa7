"""build_bulletin: who may, which periods, one row per period, the same files on a rebuild."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from bulletins.models import Bulletin
from bulletins.services import build_bulletin

pytestmark = pytest.mark.django_db

DECEMBER = datetime.date(2023, 12, 31)


def test_a_supervisor_builds_a_past_month(supervisor_user, project):
    bulletin = build_bulletin("month", datetime.date(2023, 12, 15), by=supervisor_user)
    assert (bulletin.period_start, bulletin.period_end) == (datetime.date(2023, 12, 1), DECEMBER)
    assert bulletin.number == "德协办通〔2023〕12号"
    assert bulletin.built_by == supervisor_user
    assert bulletin.document.name.startswith("bulletins/month/2023/bulletin-month-2023-12-")
    assert default_storage.exists(bulletin.document.name)
    assert default_storage.exists(bulletin.annex.name)
    assert len(bulletin.document_sha256) == len(bulletin.annex_sha256) == 64


def test_a_rebuild_gives_the_same_files_and_keeps_one_row(
    supervisor_user, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = build_bulletin("month", DECEMBER, by=supervisor_user)
        again = build_bulletin("month", DECEMBER)
    assert again.pk == first.pk and Bulletin.objects.count() == 1
    assert (again.document_sha256, again.annex_sha256) == (
        first.document_sha256,
        first.annex_sha256,
    )
    assert again.document.name == first.document.name
    assert default_storage.exists(again.document.name)
    assert again.built_by is None  # the system rebuilt it


def test_a_changed_history_replaces_the_files(
    settings, supervisor_user, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = build_bulletin("month", DECEMBER)
    settings.TRACKER_BULLETIN_ISSUER = "德州市人民政府办公室"
    with django_capture_on_commit_callbacks(execute=True):
        second = build_bulletin("month", DECEMBER)
    assert second.document_sha256 != first.document_sha256
    assert default_storage.exists(second.document.name)
    assert not default_storage.exists(first.document.name)  # the old one is gone
    assert Bulletin.objects.count() == 1


def test_only_supervisors_build(official_user):
    with pytest.raises(PermissionDenied):
        build_bulletin("month", DECEMBER, by=official_user)
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize(
    ("kind", "day", "field"),
    [
        ("year", DECEMBER, "kind"),
        ("month", datetime.date(1999, 12, 31), "date"),
        ("month", datetime.date(2101, 1, 1), "date"),
        ("month", "2023-12-31", "date"),
    ],
)
def test_what_cannot_be_built_is_refused_by_field(supervisor_user, kind, day, field):
    with pytest.raises(ValidationError) as refused:
        build_bulletin(kind, day, by=supervisor_user)
    assert field in refused.value.message_dict
    assert not Bulletin.objects.exists()


def test_a_period_not_yet_ended_is_refused(supervisor_user):
    from django.utils import timezone

    with pytest.raises(ValidationError) as refused:
        build_bulletin("week", timezone.localdate(), by=supervisor_user)
    assert "date" in refused.value.message_dict
    assert not Bulletin.objects.exists()


def test_the_command_builds_and_tells_where_and_what(project):
    from io import StringIO

    out = StringIO()
    call_command("build_bulletin", "--period", "week", "--date", "2023-12-31", stdout=out)
    bulletin = Bulletin.objects.get()
    assert bulletin.kind == "week" and bulletin.period_start == datetime.date(2023, 12, 25)
    assert bulletin.document.name in out.getvalue() and "德协办通周〔2023〕52号" in out.getvalue()
    assert "Beijing-Tianjin-Hebei" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("build_bulletin", "--date", "2023-13-01", stdout=StringIO())
