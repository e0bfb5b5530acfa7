"""A page of the project list is read from its keyset index alone, its rule included: the
index carries the year, the city and the stage (migration 0021), so a province reader's
rule (its own rows, or its cities' at the shared stages) and a stage filter are checked
on the index. Without them PostgreSQL visits the table for every index entry it walks:
at 1,000,000 projects a province's page 100 walked 37,000 (44 ms; 4.4 ms from the index)."""

from decimal import Decimal

import pytest
from django.db import connection

from core.tenancy import Reach, read_rule
from projects.api.views import PROJECT_LIST_KEY
from projects.choices import Stage
from projects.models import Project
from regions.tenants import Tenant

pytestmark = [
    # VACUUM (which PostgreSQL needs to know the rows are visible without reading them)
    # cannot run inside the transaction of an ordinary test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan"),
]

HEBEI, LANGFANG = "130000", "131000"
STAGES = [Stage.LEAD, Stage.SIGNED, Stage.UNDER_CONSTRUCTION, Stage.IN_OPERATION]


@pytest.fixture
def province(project):
    hebei = Tenant.objects.create(code=HEBEI, name="河北省", kind="province")
    Tenant.objects.create(code=LANGFANG, name="廊坊市", parent=hebei)
    Project.objects.bulk_create(
        Project(
            tenant_id=[HEBEI, LANGFANG, project.tenant_id][n % 3],
            code=f"CV-{n:04d}",
            name=f"项目{n}",
            investor="某某公司",
            year=2020 + n % 6,
            stage=STAGES[n % len(STAGES)],
            signed_on=project.signed_on,
            started_on=project.started_on,
            produced_on=project.produced_on,
            host_division=project.host_division,
            responsible_department=project.responsible_department,
            total_investment=Decimal(100),
        )
        for n in range(900)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE projects_project")
    return Reach(own=(HEBEI,), cities=(LANGFANG,))


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A small table: the planner would read it whole and sort it. Without those
        # choices it must walk an index in the list's order, and read it alone if it can.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET ALL")


def page_ids(queryset, number=3, size=50):
    ordered = queryset.order_by(*PROJECT_LIST_KEY.ordering())
    return ordered.values_list("pk", flat=True)[(number - 1) * size : number * size + 1]


def test_a_province_page_checks_its_rule_on_the_index_alone(province):
    rows = Project.objects.filter(read_rule(Project, province))
    plan = explain(page_ids(rows))
    assert "Index Only Scan using project_list_keyset" in plan, plan
    assert "Heap Fetches: 0" in plan, plan
    # The page is the rule's rows in the list's order.
    visible = [
        row
        for row in Project.objects.values_list("year", "code", "pk", "tenant_id", "stage")
        if row[3] == HEBEI or (row[3] == LANGFANG and row[4] != Stage.LEAD)
    ]
    ordered = [pk for _y, _c, pk, _t, _s in sorted(visible, key=lambda r: (-r[0], r[1], r[2]))]
    assert list(page_ids(rows)) == ordered[100:151]


def test_a_citys_stage_filter_is_checked_on_its_index_alone(province):
    rows = Project.objects.filter(tenant_id=LANGFANG, stage=Stage.SIGNED)
    plan = explain(page_ids(rows, number=1))
    assert "Index Only Scan using project_tenant_keyset" in plan, plan
    assert "Heap Fetches: 0" in plan, plan
