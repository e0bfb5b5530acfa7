"""Hand-written SQL that returns what each API read returns: the floor the API is
compared with. Each entry is a list of statements run in a row, as the API needs them
(a list page needs its rows, their reports and the total count)."""

PROJECT_ROWS = """
WITH page AS (
    SELECT p.*, o.name AS origin_name, op.name AS origin_parent_name,
           opp.name AS origin_grandparent_name, h.name AS host_name, pk.name AS park_name,
           c.name AS chain_name, d.short_name AS department_name
    FROM projects_project p
    LEFT JOIN regions_division o ON o.id = p.origin_id
    LEFT JOIN regions_division op ON op.id = o.parent_id
    LEFT JOIN regions_division opp ON opp.id = op.parent_id
    JOIN regions_division h ON h.id = p.host_division_id
    LEFT JOIN regions_park pk ON pk.id = p.park_id
    LEFT JOIN projects_industrychain c ON c.id = p.industry_chain_id
    JOIN tracker_department d ON d.id = p.responsible_department_id
    {where}
    ORDER BY {order}
    LIMIT 50 OFFSET {offset}
)
SELECT page.*, u.id AS update_id, u.reported_on, u.stage AS update_stage,
       u.funds_in_place AS update_funds, u.note
FROM page LEFT JOIN projects_projectupdate u ON u.project_id = page.id
ORDER BY page.year DESC, page.code, u.reported_on DESC
"""
PROJECT_COUNT = "SELECT count(*) FROM projects_project p {where}"

FILTER = "WHERE p.year = 2023 AND p.stage = 'under_construction'"
# A Chinese term has no case: the API matches it with a plain LIKE (TrackerSearchFilter).
MATCH = "p.code LIKE '%%{term}%%' OR p.name LIKE '%%{term}%%' OR p.investor LIKE '%%{term}%%'"
SEARCH = "WHERE " + MATCH


LIST_ORDER = "p.year DESC, p.code"
# The list's total order as the cursor reads it (core.keyset): the project_list_keyset
# index's expressions, so that "after the cursor" is one range scan.
KEY = "(-p.year), p.code, p.id"


def project_list(where="", offset=0):
    rows = PROJECT_ROWS.format(where=where, order=LIST_ORDER, offset=offset)
    return [rows, PROJECT_COUNT.format(where=where)]


def project_list_after(key, condition=""):
    """A page after the cursor's ``key`` (year, code, id); a cursor page is not counted."""
    year, code, pk = key
    code = code.replace("'", "''")
    where = f"WHERE ({KEY}) > ({-int(year)}, '{code}', {int(pk)})"
    if condition:
        where += f" AND ({condition})"
    return [PROJECT_ROWS.format(where=where, order=KEY, offset=0)]


def project_detail(project_id):
    return [
        PROJECT_ROWS.format(where=f"WHERE p.id = {int(project_id)}", order=LIST_ORDER, offset=0),
    ]


MONEY = "count(*), sum(p.total_investment), sum(p.funds_in_place)"
PROJECT_GROUPS = {
    "stage": "p.stage",
    "origin_province": (
        "CASE WHEN o.level = 'province' THEN o.id WHEN op.level = 'province' THEN op.id "
        "ELSE op.parent_id END"
    ),
    "host_division": "p.host_division_id",
    "park": "p.park_id",
    "industry_chain": "p.industry_chain_id",
    "base_function": "p.base_function",
    "year": "p.year",
}


def project_stats(group_by, where=""):
    joins = ""
    if group_by == "origin_province":
        joins = (
            "LEFT JOIN regions_division o ON o.id = p.origin_id "
            "LEFT JOIN regions_division op ON op.id = o.parent_id"
        )
    key = PROJECT_GROUPS[group_by]
    return [f"SELECT {key} AS key, {MONEY} FROM projects_project p {joins} {where} GROUP BY 1"]


TASK_GROUPS = {
    "department": ("t.lead_department_id", ""),
    "aspect": ("w.aspect", "JOIN tracker_workpoint w ON w.id = t.work_point_id"),
    "work_point": ("t.work_point_id", ""),
    "month": ("date_trunc('month', t.deadline)", ""),
}


def task_stats(group_by, today):
    key, join = TASK_GROUPS[group_by]
    open_ = "t.status IN ('not_started', 'in_progress')"
    return [
        f"""SELECT {key} AS key, count(*),
               count(*) FILTER (WHERE t.status = 'done'),
               count(*) FILTER (WHERE t.status = 'in_progress'),
               count(*) FILTER (WHERE t.status = 'not_started'),
               count(*) FILTER (WHERE t.status = 'cancelled'),
               count(*) FILTER (WHERE {open_} AND t.deadline < DATE '{today}'),
               count(*) FILTER (WHERE {open_} AND t.deadline >= DATE '{today}'
                                AND t.deadline <= DATE '{today}' + 14)
            FROM tracker_keytask t {join} GROUP BY 1"""
    ]
