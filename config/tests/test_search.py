"""Search finds what users type, whatever its case, with the fast lookups (core.search)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.search import search_lookup
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_lookup_follows_the_case_of_the_terms():
    assert search_lookup(["年产", "2023"]) == "contains"
    assert search_lookup(["年产", "LD"]) == "ilike_contains"


def test_api_and_admin_search_ignore_case_and_match_chinese(project, admin_client):
    project.code, project.name = "LD-0000042", "年产10万吨新材料项目"
    project.save()
    Project.objects.filter(pk=project.pk).update(investor="Beijing Jingdong Co.")
    for term, expected in [("ld-0000042", 1), ("jingdong", 1), ("新材料", 1), ("不存在", 0)]:
        response = admin_client.get("/api/v1/projects/", {"search": term})
        assert response.json()["count"] == expected, term
        page = admin_client.get("/admin/projects/project/", {"q": term})
        assert (project.code in page.content.decode()) == bool(expected), term


def test_a_term_with_letters_uses_ilike_on_postgresql(project, admin_client):
    if connection.vendor != "postgresql":
        pytest.skip("ILIKE is what PostgreSQL's trigram indexes serve")
    with CaptureQueriesContext(connection) as context:
        admin_client.get("/api/v1/projects/", {"search": "LD"})
    assert any(" ILIKE " in query["sql"] for query in context.captured_queries)
    with CaptureQueriesContext(connection) as context:
        admin_client.get("/api/v1/projects/", {"search": "新材料"})
    searched = [q["sql"] for q in context.captured_queries if "新材料" in q["sql"]]
    assert searched and all("UPPER" not in sql and " LIKE " in sql for sql in searched)
