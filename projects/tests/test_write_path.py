"""The report write path at province scale (issue 20): a POST of a status report costs at
most 10 queries, token authentication included, whoever posts it and whether or not it
moves the stage; it keeps the audit history and every rule on reports; and clients
posting to the same project at once are serialised by the row lock, none lost.

Queries are counted as the application sends them: SQLite's explicit BEGIN/COMMIT and a
test transaction's savepoints are transaction control, which PostgreSQL's driver sends
implicitly outside the query log (PostgreSQL counts none of them)."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from core.reports import save_checked
from notifications.models import Dispatch, WebhookSubscription
from projects.models import Project, ProjectUpdate

pytestmark = pytest.mark.django_db

BUDGET = 10
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO)\b", re.I)


def statements(context):
    return [q["sql"] for q in context.captured_queries if not CONTROL.match(q["sql"])]


def url(project):
    return f"/api/v1/projects/{project.pk}/updates/"


def report(reported_on="2023-05-05", stage="signed", funds="100", **extra):
    return {"reported_on": reported_on, "stage": stage, "funds_in_place": funds, **extra}


@pytest.fixture
def poster(api_client_for):
    def make(user):
        client = api_client_for(user)
        client.get("/api/v1/")  # the token's first use records it (once a minute at most)
        return client

    return make


@pytest.fixture
def subscribed(project):
    # Both of a report's events are wanted: the POST still reads subscriptions once.
    return WebhookSubscription.objects.create(
        tenant_id=project.tenant_id,
        name="接收方",
        url="https://receiver.example.gov/hook",
        events=["project.report_recorded", "project.stage_changed"],
        secret="whsec_dGVzdA==",
    )


@pytest.mark.parametrize("who", ["official_user", "supervisor_user"])
@pytest.mark.parametrize("stage", ["lead", "signed"], ids=["same stage", "stage change"])
def test_a_report_post_costs_at_most_ten_queries(request, who, stage, project, poster):
    client = poster(request.getfixturevalue(who))
    history = Project.history.filter(id=project.pk).count()
    with CaptureQueriesContext(connection) as context:
        response = client.post(url(project), report(stage=stage), format="json")
    assert response.status_code == 201, response.json()
    sent = statements(context)
    assert len(sent) <= BUDGET, "\n".join(sent)
    # The project is read once (locked), the latest report date once, subscriptions once.
    assert sum('FROM "projects_project"' in sql for sql in sent) == 1
    assert sum('FROM "projects_projectupdate"' in sql for sql in sent) == 1
    assert sum("notifications_webhooksubscription" in sql for sql in sent) == 1
    if connection.vendor == "postgresql":
        assert sum("FOR UPDATE" in sql for sql in sent) == 1
    project.refresh_from_db()
    assert (project.stage, project.funds_in_place, project.version) == (stage, Decimal("100"), 2)
    # Audit history: one row of the project and one of the report, by the poster.
    assert Project.history.filter(id=project.pk).count() == history + 1
    latest = Project.history.filter(id=project.pk).latest("history_id")
    assert latest.history_user_id == response.json()["author"]
    assert ProjectUpdate.history.filter(project_id=project.pk).count() == 1


def test_a_report_that_moves_the_stage_reads_subscriptions_once_for_both_events(
    official_user, project, poster, subscribed
):
    client = poster(official_user)
    with CaptureQueriesContext(connection) as context:
        response = client.post(url(project), report(stage="signed"), format="json")
    assert response.status_code == 201, response.json()
    sent = statements(context)
    # The outbox's own insert comes on top: one for both events.
    assert len(sent) <= BUDGET + 1, "\n".join(sent)
    assert sum("notifications_webhooksubscription" in sql for sql in sent) == 1
    assert sum(sql.startswith('INSERT INTO "tracker_dispatch"') for sql in sent) == 1
    events = list(Dispatch.objects.order_by("pk").values_list("subject", "subscription"))
    assert events == [
        ("project.report_recorded", subscribed.pk),
        ("project.stage_changed", subscribed.pk),
    ]


def test_only_what_the_report_changed_is_written(official_user, project, poster):
    with CaptureQueriesContext(connection) as context:
        response = poster(official_user).post(url(project), report(funds="10"), format="json")
    assert response.status_code == 201, response.json()
    (update,) = [sql for sql in statements(context) if sql.startswith('UPDATE "projects_project"')]
    written = set(re.findall(r'"(\w+)" = ', update.split(" WHERE ")[0]))
    # The report's columns (the stage dated itself), the version and the time of change:
    # not the whole row copied back from the locked read.
    assert written == {"stage", "funds_in_place", "signed_on", "version", "updated_at"}
    project.refresh_from_db()
    assert (project.signed_on, project.funds_in_place) == (datetime.date(2023, 5, 5), 10)


def test_a_stale_dated_report_is_still_refused_and_nothing_is_written(
    official_user, project, poster
):
    client = poster(official_user)
    assert client.post(url(project), report("2023-05-05"), format="json").status_code == 201
    with CaptureQueriesContext(connection) as context:
        stale = client.post(url(project), report("2023-05-01", funds="200"), format="json")
    assert stale.status_code == 400
    assert "2023-05-05" in stale.json()["reported_on"][0]
    assert len(statements(context)) <= BUDGET
    project.refresh_from_db()
    assert (project.version, project.funds_in_place) == (2, Decimal("100"))
    assert ProjectUpdate.objects.filter(project=project).count() == 1


def test_every_rule_still_refuses(official_user, project, poster):
    client = poster(official_user)
    over = client.post(url(project), report(funds="60000"), format="json")
    assert over.status_code == 400 and "funds_in_place" in over.json()
    future = client.post(url(project), report("2999-01-01"), format="json")
    assert future.status_code == 400 and "reported_on" in future.json()
    lowered = [report(funds="500"), report("2023-05-06", funds="400")]
    assert client.post(url(project), lowered[0], format="json").status_code == 201
    refused = client.post(url(project), lowered[1], format="json")
    assert refused.status_code == 400 and "funds_in_place" in refused.json()
    backwards = client.post(
        url(project), report("2023-05-07", stage="lead", funds="500"), format="json"
    )
    assert backwards.status_code == 400 and "stage" in backwards.json()
    assert ProjectUpdate.objects.filter(project=project).count() == 1


def test_what_the_caller_may_not_read_or_change_is_404_or_403(official_user, other_project, poster):
    client = poster(official_user)
    other = client.post(url(other_project), report(), format="json")
    assert other.status_code == 403
    # The record's refusal comes before the body's, as it did through the detail.
    assert client.post(url(other_project), {"stage": "x"}, format="json").status_code == 403
    missing = f"/api/v1/projects/{other_project.pk + 1000}/updates/"
    assert client.post(missing, report(), format="json").status_code == 404
    assert client.post(missing, {}, format="json").status_code == 404
    assert not ProjectUpdate.objects.exists()


def test_a_check_constraint_refusal_reads_as_the_rule(project):
    # Left to the database on the write path: its refusal is the rule's ValidationError.
    project.started_on = datetime.date(2023, 1, 1)
    project.signed_on = datetime.date(2023, 2, 1)
    with pytest.raises(ValidationError) as refused, transaction.atomic(), override("en"):
        save_checked(project, update_fields=["signed_on", "started_on"])
    assert refused.value.message_dict == {
        "__all__": ["A project cannot start before it is signed."]
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clients_posting_to_one_project_at_once_lose_nothing(official_user, project, poster):
    clients, rounds = 4, 5
    sessions = [poster(official_user) for _ in range(clients)]
    counter = iter(range(1, clients * rounds + 1))
    lock = threading.Lock()
    failures = []

    def post(client):
        try:
            for _ in range(rounds):
                with lock:
                    funds = next(counter)
                # A correction may lower the funds: whichever commits last is current.
                body = report(funds=str(funds), is_correction=True, note=f"第{funds}次")
                response = client.post(url(project), body, format="json")
                if response.status_code != 201:
                    failures.append(response.content)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    project.refresh_from_db()
    reports = ProjectUpdate.objects.filter(project=project)
    assert reports.count() == clients * rounds
    assert project.version == 1 + clients * rounds
    assert project.funds_in_place == reports.latest("pk").funds_in_place
    assert Project.history.filter(id=project.pk).count() == 1 + clients * rounds
