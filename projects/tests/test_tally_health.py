"""/healthz tells when the statistics' tally differs from the projects (projects.tally_health):
the nightly check keeps its outcome, and a difference it did not rebuild, or two nights
without a check, reports the tally degraded."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.health import DEGRADED, OK, Degraded, check_each
from projects.models import ProjectTally, TallyCheck
from projects.tally_health import check_tally

pytestmark = pytest.mark.django_db


def drift():
    ProjectTally.objects.filter(dim="park").update(projects=7)


def test_a_difference_degrades_the_tally_until_it_is_rebuilt(project, client, settings):
    from projects.tasks import check_tallies

    settings.TRACKER_HEALTH_CHECKS = {
        "database": "core.health.check_database",
        "tally": "projects.tally_health.check_tally",
    }

    assert check_tally() == "ok (the whole tracker not checked yet)"
    assert check_tallies() == 0
    assert check_tally().startswith("ok (checked ")
    drift()
    assert check_tallies() == 2  # the park cells of 2023 and of all years
    with pytest.raises(Degraded, match="2 tally cells of the tracker differed"):
        check_tally()
    # /healthz: 200, "degraded", and the tally named (details only for those allowed).
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["status"] == "degraded"
    assert answer.json()["checks"]["tally"] == DEGRADED
    assert client.get("/healthz?only=tally").status_code == 503
    call_command("check_tallies", "--repair", stdout=io.StringIO())
    assert check_tally().startswith("ok (checked ")


def test_a_citys_check_since_the_whole_one_counts(project):
    drift()
    with pytest.raises(CommandError):
        call_command("check_tallies", "--tenant", project.tenant_id, stdout=io.StringIO())
    with pytest.raises(Degraded, match=f"city {project.tenant_id}"):
        check_tally()  # no check of the whole tracker yet: the city's still counts
    with pytest.raises(CommandError, match="no city"):
        call_command("check_tallies", "--tenant", "9999999", stdout=io.StringIO())
    call_command("check_tallies", "--repair", stdout=io.StringIO())
    call_command("check_tallies", stdout=io.StringIO())
    drift()
    with pytest.raises(CommandError):
        call_command("check_tallies", "--tenant", project.tenant_id, stdout=io.StringIO())
    with pytest.raises(Degraded, match=f"city {project.tenant_id}"):
        check_tally()
    call_command("check_tallies", "--tenant", project.tenant_id, "--repair", stdout=io.StringIO())
    # The city's repair is rebuilt, but the difference it found is the latest word on that
    # city until the next check of the whole tracker.
    with pytest.raises(Degraded):
        check_tally()
    call_command("check_tallies", stdout=io.StringIO())
    assert check_tally().startswith("ok")


def test_two_nights_without_a_check_degrade_it(project, settings):
    call_command("check_tallies", stdout=io.StringIO())
    TallyCheck.objects.update(checked_at=timezone.now() - datetime.timedelta(hours=49))
    with pytest.raises(Degraded, match="has not been checked since"):
        check_tally()
    assert check_tally(timezone.now() - datetime.timedelta(hours=2)).startswith("ok")
    settings.TRACKER_HEALTH_CHECKS = {"tally": "projects.tally_health.check_tally"}
    assert check_each()["tally"][0] == DEGRADED
    TallyCheck.objects.update(checked_at=timezone.now())
    assert check_each()["tally"][0] == OK
