"""Reports are indexed by (record, created_at), and that index alone serves their foreign
key (core.foreign_key_indexes): migrated on either engine, one index is led by the
record's column, and it is the wide one."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

REPORTS = [
    ("projects_projectupdate", "project_id", "projectupdate_project_created"),
    ("tracker_taskupdate", "task_id", "taskupdate_task_created"),
]


@pytest.mark.parametrize(("table", "column", "wide"), REPORTS)
def test_one_index_leads_with_the_record_and_it_holds_created_at(table, column, wide):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    led = {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"] and info["columns"][:1] == [column]
    }
    assert led == {wide: [column, "created_at"]}
