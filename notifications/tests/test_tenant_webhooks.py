"""Webhooks and robots are a city's: an event goes to the subscriptions of its object's
city only, naming the city; subscriptions and robots made over the API are their maker's
city's, and another city's are neither listed nor changed nor chosen."""

import pytest
from django.urls import reverse

from notifications import subscriptions
from notifications.events import PING, publish
from notifications.models import Dispatch, GroupRobot, WebhookSubscription
from notifications.tests.tenant_world import DEZHOU, LANGFANG, MARKERS, text_of, two_cities
from tracker.models import Official

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/webhook-subscriptions/"
HOOK = {"name": "城市大脑", "url": "https://brain.example.gov/hooks", "events": ["blocker.raised"]}


@pytest.fixture
def cities():
    return two_cities()


def supervisor_of(city):
    return city.supervisors[0]


def official_of(city):
    return city.officials[0]


def test_an_event_goes_to_its_objects_city_only_and_names_it(cities):
    for code, city in cities.items():
        project = city.projects[0]
        rows = publish("project.created", obj=project, data={"code": project.code})
        assert [row.subscription for row in rows] == [city.subscription]
        assert all(row.tenant_id == code for row in rows)
        assert rows[0].payload["data"]["city"] == code
        assert rows[0].payload["data"]["id"] == project.pk
        other = cities[DEZHOU if code == LANGFANG else LANGFANG]
        assert not Dispatch.objects.filter(subscription=other.subscription).exists()
        Dispatch.objects.filter(kind=Dispatch.Kind.EVENT).delete()


def test_an_event_is_never_recorded_for_another_citys_subscription_even_when_named(cities):
    langfang_project = cities[LANGFANG].projects[0]
    rows = publish(
        "project.created",
        obj=langfang_project,
        data={},
        subscriptions=[cities[DEZHOU].subscription, cities[LANGFANG].subscription],
    )
    assert [row.subscription for row in rows] == [cities[LANGFANG].subscription]


def test_a_ping_names_its_subscriptions_city(cities):
    for code, city in cities.items():
        [row] = publish(PING, obj=None, data={}, subscriptions=[city.subscription])
        assert row.tenant_id == code and row.payload["data"]["city"] == code


def test_a_subscription_made_over_the_api_is_its_makers_city(cities, api_client_for):
    langfang = api_client_for(supervisor_of(cities[LANGFANG]))
    created = langfang.post(SUBSCRIPTIONS, HOOK, format="json")
    assert created.status_code == 201, created.json()
    made = WebhookSubscription.objects.get(pk=created.json()["id"])
    assert made.tenant_id == LANGFANG

    # The other city's office neither lists, reads nor changes it, nor sends it a ping.
    dezhou = api_client_for(supervisor_of(cities[DEZHOU]))
    listed = dezhou.get(SUBSCRIPTIONS).json()["results"]
    assert {row["id"] for row in listed} == {cities[DEZHOU].subscription.pk}
    assert MARKERS[LANGFANG] not in str(listed)
    detail = f"{SUBSCRIPTIONS}{made.pk}/"
    assert dezhou.get(detail).status_code == 404
    assert dezhou.patch(detail, {"name": "抢来的"}, format="json").status_code == 404
    assert dezhou.get(f"{detail}deliveries/").status_code == 404
    made.refresh_from_db()
    assert made.name == HOOK["name"]


def test_the_services_refuse_another_citys_subscription(cities):
    from django.core.exceptions import PermissionDenied

    dezhou_office = supervisor_of(cities[DEZHOU])
    theirs = cities[LANGFANG].subscription
    theirs.name = "抢来的"
    for change in (
        lambda: subscriptions.save_subscription(theirs, by=dezhou_office),
        lambda: subscriptions.rotate_secret(theirs, by=dezhou_office),
        lambda: subscriptions.send_test_event([theirs], by=dezhou_office),
    ):
        with pytest.raises(PermissionDenied):
            change()
    theirs.refresh_from_db()
    assert theirs.name == f"大数据局{MARKERS[LANGFANG]}"


def robot_body(department):
    return {
        "name": "招商群",
        "platform": "wecom",
        "department": department,
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=NEW",
    }


def test_robots_over_the_api_stay_in_their_city(cities, api_client_for):
    url = reverse("grouprobot-list")
    langfang, dezhou = cities[LANGFANG], cities[DEZHOU]
    before = GroupRobot.objects.count()

    # Another city's department is no choice, for an official or a supervisor.
    for user in (official_of(langfang), supervisor_of(langfang)):
        answer = api_client_for(user).post(url, robot_body(dezhou.departments[0].pk), format="json")
        assert answer.status_code == 400 and "department" in answer.json()
    assert GroupRobot.objects.count() == before

    # The office's robot (no department) is its maker's city's.
    office = api_client_for(supervisor_of(langfang)).post(url, robot_body(None), format="json")
    assert office.status_code == 201, office.json()
    assert GroupRobot.objects.get(pk=office.json()["id"]).tenant_id == LANGFANG

    # An official's robot is their department's, of their city.
    body = {k: v for k, v in robot_body(None).items() if k != "department"}
    own = api_client_for(official_of(langfang)).post(url, body, format="json")
    assert own.status_code == 201, own.json()
    robot = GroupRobot.objects.get(pk=own.json()["id"])
    assert robot.tenant_id == LANGFANG and robot.department == langfang.departments[0]

    # Dezhou's office lists only Dezhou's robots and cannot touch Langfang's.
    client = api_client_for(supervisor_of(dezhou))
    listed = client.get(url, {"page_size": 100}).json()["results"]
    assert {row["id"] for row in listed} == {r.pk for r in [*dezhou.robots, dezhou.office_robot]}
    detail = reverse("grouprobot-detail", args=[robot.pk])
    assert client.patch(detail, {"name": "抢来的"}, format="json").status_code == 404


def test_robots_made_by_a_superuser_follow_their_department(cities):
    from django.contrib.auth import get_user_model

    from notifications.robots import save_robot

    root = get_user_model().objects.create_superuser("root", password="x")
    department = cities[LANGFANG].departments[1]
    robot = GroupRobot(
        name="超管建的",
        platform=GroupRobot.Platform.WECOM,
        department=department,
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ROOT",
    )
    assert save_robot(robot, by=root).tenant_id == LANGFANG


def test_a_robot_queue_reads_only_its_citys_robots(cities):
    from notifications.daily import plan_daily
    from notifications.tests.tenant_world import TODAY

    rows = [row for row in plan_daily(TODAY) if row.robot_id is not None]
    for row in rows:
        assert row.tenant_id == row.robot.tenant_id
        other = LANGFANG if row.tenant_id == DEZHOU else DEZHOU
        assert MARKERS[other] not in text_of(row)
    office_rows = {row.tenant_id for row in rows if row.robot.department_id is None}
    assert office_rows == {DEZHOU, LANGFANG}


def test_officials_of_the_world_are_in_their_city(cities):
    for code, city in cities.items():
        assert {o.tenant_id for o in Official.objects.filter(user__in=city.officials)} == {code}
