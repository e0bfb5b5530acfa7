"""The admin shows every model of the tracker, in Chinese by default."""

import pytest
from django.contrib import admin
from django.urls import reverse

TRACKER_MODELS = {
    "regions.division",
    "regions.park",
    "regions.counterpartpairing",
    "tracker.department",
    "tracker.official",
    "tracker.workpoint",
    "tracker.keytask",
    "tracker.taskupdate",
    "projects.industrychain",
    "projects.project",
    "projects.projectupdate",
}


def test_every_model_is_registered():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered >= TRACKER_MODELS


# Reports are history: recorded from their project's or task's page, never added alone.
REPORT_MODELS = {"tracker.taskupdate", "projects.projectupdate"}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(TRACKER_MODELS))
def test_changelist_and_add_pages_load(admin_client, label):
    app_label, model_name = label.split(".")
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == (403 if label in REPORT_MODELS else 200)


@pytest.mark.django_db
def test_admin_speaks_chinese_by_default_and_english_on_request(admin_client):
    chinese = admin_client.get(reverse("admin:index")).content.decode()
    assert "招商项目" in chinese and "重点任务" in chinese and "行政区划" in chinese
    english = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Investment projects" in english and "Key tasks" in english


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.fixture
def reference_objects(dezhou, beijing, department, work_point, official_user):
    from projects.models import IndustryChain
    from regions.models import CounterpartPairing, Park

    return {
        "regions.division": dezhou,
        "regions.park": Park.objects.create(name="园", kind="new_area", division=dezhou),
        "regions.counterpartpairing": CounterpartPairing.objects.create(
            home=dezhou, counterpart=beijing
        ),
        "tracker.department": department,
        "tracker.official": official_user.official,
        "tracker.workpoint": work_point,
        "projects.industrychain": IndustryChain.objects.create(name="氢能", group="local"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label",
    [
        "regions.division",
        "regions.park",
        "regions.counterpartpairing",
        "tracker.department",
        "tracker.official",
        "tracker.workpoint",
        "projects.industrychain",
    ],
)
def test_officials_read_but_never_change_reference_data(
    client, official_user, reference_objects, label
):
    """Only supervisors change places, departments, accounts, work points and chains."""
    obj = reference_objects[label]
    model = type(obj)
    before = model.objects.values().get(pk=obj.pk)
    client.force_login(official_user)
    app_label, model_name = label.split(".")
    change = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"name": "改", "notes": "改"}).status_code == 403
    assert client.post(reverse(f"admin:{app_label}_{model_name}_add"), {}).status_code == 403
    delete = reverse(f"admin:{app_label}_{model_name}_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.values().get(pk=obj.pk) == before
