"""What keeps the tracker fast at 100,000 projects: the number of SQL queries a request
runs depends neither on the page size, nor on the page number, nor on how much data
there is. (The timings themselves are measured by bench/run.py, not here.)"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench.load_data import generate as generate_load_data
from projects.models import Project
from tracker.services import create_api_token

pytestmark = pytest.mark.django_db

API_READS = [
    "/api/v1/projects/?page_size=50",
    "/api/v1/projects/?page_size=50&page=2",
    "/api/v1/projects/?page_size=50&year=2023&stage=under_construction",
    "/api/v1/projects/?page_size=50&search=LD",
    "/api/v1/tasks/?page_size=50",
    *[
        f"/api/v1/stats/projects/?group_by={group_by}"
        for group_by in (
            "stage",
            "origin_province",
            "host_division",
            "park",
            "industry_chain",
            "base_function",
            "year",
        )
    ],
    *[
        f"/api/v1/stats/tasks/?group_by={group_by}"
        for group_by in ("department", "aspect", "work_point", "month")
    ],
]
ADMIN_READS = [
    "/admin/projects/project/",
    "/admin/projects/project/?p=2",
    "/admin/projects/project/?q=LD",
    "/admin/tracker/keytask/",
    "/admin/tracker/keytask/?overdue=yes",
]


def generate(projects, tasks):
    generate_load_data(projects=projects, updates_per_project=3, tasks=tasks, replace=True)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(context.captured_queries)


@pytest.fixture
def clients():
    supervisor = get_user_model().objects.create_superuser("scale-admin", "s@example.gov", "x")
    _token, key = create_api_token(name="scale", user=supervisor, scope="read")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    api.get("/api/v1/")  # the token's first use records it: one query, once
    admin = APIClient()
    admin.force_login(supervisor)
    return api, admin


def test_queries_per_request_do_not_grow_with_the_data(clients):
    api, admin = clients
    generate(projects=120, tasks=240)  # every list more than a page (100)
    small = {url: count_queries(api, url) for url in API_READS}
    small |= {url: count_queries(admin, url) for url in ADMIN_READS}
    generate(projects=480, tasks=960)
    assert Project.objects.count() >= 480
    large = {url: count_queries(api, url) for url in API_READS}
    large |= {url: count_queries(admin, url) for url in ADMIN_READS}
    assert large == small


def test_a_deep_page_costs_what_the_first_page_costs_and_keeps_the_order(clients):
    api, _admin = clients
    generate(projects=260, tasks=10)
    first = count_queries(api, "/api/v1/projects/?page_size=50")
    last = count_queries(api, "/api/v1/projects/?page_size=50&page=6")
    assert first == last
    pages = [
        api.get(f"/api/v1/projects/?page_size=50&page={n}").json()["results"] for n in range(1, 7)
    ]
    listed = [row["code"] for page in pages for row in page]
    expected = list(Project.objects.order_by("-year", "code").values_list("code", flat=True))
    assert listed == expected
