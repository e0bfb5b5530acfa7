"""/m/open/<key>/: the link in emails. A phone goes to the item's phone page, a desktop to
the admin; unknown keys and, on a phone, items of other departments are 404s."""

import pytest

from mobile.links import admin_url
from projects.models import Blocker, Project
from tracker.models import KeyTask

from .conftest import DESKTOP, IPHONE

pytestmark = pytest.mark.django_db

PHONES = [
    IPHONE,
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari",
    "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 MicroMessenger/3.9 WindowsWechat",
    "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 DingTalk(7.5.0)",
    "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 wxwork/4.1.0",
]


def keys(task, project, raised):
    return [
        (f"task:{task.pk}", f"/m/tasks/{task.pk}/", KeyTask, task.pk),
        (f"project:{project.pk}", f"/m/projects/{project.pk}/", Project, project.pk),
        (f"project-start:{project.pk}", f"/m/projects/{project.pk}/", Project, project.pk),
        (f"project-production:{project.pk}", f"/m/projects/{project.pk}/", Project, project.pk),
        (f"blocker:{raised.pk}", f"/m/problems/{raised.pk}/", Blocker, raised.pk),
    ]


@pytest.mark.parametrize("agent", PHONES)
def test_a_phone_goes_to_the_items_phone_page(
    client_for, official_user, task, project, raised, agent
):
    client = client_for(official_user, HTTP_USER_AGENT=agent)
    for key, phone, _model, _pk in keys(task, project, raised):
        response = client.get(f"/m/open/{key}/")
        assert response.status_code == 302 and response["Location"] == phone


def test_a_desktop_goes_to_the_admin(client_for, official_user, task, project, raised):
    client = client_for(official_user, HTTP_USER_AGENT=DESKTOP)
    for key, _phone, model, pk in keys(task, project, raised):
        response = client.get(f"/m/open/{key}/")
        assert response.status_code == 302 and response["Location"] == admin_url(model, pk)
    assert client.get(f"/m/open/task:{task.pk}/")["Location"] == (
        f"/admin/tracker/keytask/{task.pk}/change/"
    )


def test_another_departments_item_is_not_opened_on_a_phone(
    client_for, other_official_user, task, project, raised
):
    client = client_for(other_official_user, HTTP_USER_AGENT=IPHONE)
    for key, *_rest in keys(task, project, raised):
        assert client.get(f"/m/open/{key}/").status_code == 404
    # On a desktop the admin decides what they may see (officials read every record).
    desktop = client_for(other_official_user, HTTP_USER_AGENT=DESKTOP)
    assert desktop.get(f"/m/open/task:{task.pk}/").status_code == 302


@pytest.mark.parametrize(
    "key",
    [
        "task:999999",
        "task:abc",
        "task:",
        "task:-1",
        "task:1:rung:3",
        "Task:1",
        "keytask:1",
        f"task:{2**64}",
        "project:1%0d%0aLocation:x",
        "blocker:1.0",
    ],
)
def test_an_unknown_or_garbage_key_is_a_404(client_for, official_user, task, key):
    for agent in (IPHONE, DESKTOP):
        assert (
            client_for(official_user, HTTP_USER_AGENT=agent).get(f"/m/open/{key}/").status_code
            == 404
        )
