"""The cooperation lists: every documented filter honoured (bad values a 400 naming them),
search and ordering, spreadsheets with formulas neutralised, constant queries per page,
and the schema documenting it all."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.choices import CooperationKind, CooperationState
from cooperation.models import AgreementArea, CooperationItem, CooperationUpdate
from cooperation.stats import GROUPINGS, SUMS
from cooperation.tests.test_stats import ledger, provinces  # noqa: F401

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/cooperation-items/"


@pytest.fixture
def reader(api_client_for, official_user):
    client = api_client_for(official_user, "read")
    client.get("/api/v1/")  # the token's first use of the minute records it: one query
    return client


def codes(reader, query):
    response = reader.get(f"{ITEMS}?{query}")
    assert response.status_code == 200, response.content[:500]
    return sorted(row["code"] for row in response.json()["results"])


def test_every_filter_narrows_the_list(reader, ledger, provinces, department, lingcheng, project):  # noqa: F811
    hebei, tianjin = provinces["河北省"].pk, provinces["天津市"].pk
    tsinghua = ledger["a"].counterparts.get(name="清华大学").pk
    assert codes(reader, "") == ["A", "B", "C", "D", "E"]
    assert codes(reader, "kind=platform") == ["A", "B"]
    assert codes(reader, "year=2022") == ["D"]
    assert codes(reader, f"department={department.pk}") == ["A", "C", "D"]
    assert codes(reader, f"division={lingcheng.pk}") == ["A"]
    assert codes(reader, "state=achieved") == ["A", "C"]
    assert codes(reader, f"counterpart={tsinghua}") == ["A", "B"]
    assert codes(reader, f"counterpart_province={hebei}") == ["D"]
    assert codes(reader, f"counterpart_province={tianjin}") == ["B"]
    assert codes(reader, f"project={project.pk}") == ["C"]
    assert codes(reader, "landed=true") == ["C"]
    assert codes(reader, "landed=false") == ["A", "B", "D", "E"]
    assert codes(reader, "counterpart=123456789") == []
    assert codes(reader, "search=清华") == ["A", "B"]  # by a counterpart's name, once each
    ordered = reader.get(f"{ITEMS}?ordering=-investment&kind=platform").json()["results"]
    assert [row["code"] for row in ordered] == ["A", "B"]


def test_agreement_area_and_overdue_filters(reader, ledger, department):  # noqa: F811
    agreement = CooperationItem.objects.create(
        code="XY-1", title="框架协议", kind=CooperationKind.AGREEMENT, year=2023,
        department=department,
    )  # fmt: skip
    area = AgreementArea.objects.create(agreement=agreement, number=1, title="科技创新")
    CooperationItem.objects.filter(code="B").update(agreement=agreement, area=area)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    CooperationItem.objects.filter(code__in=["B", "C", "D"]).update(deadline=yesterday)
    assert codes(reader, f"agreement={agreement.pk}") == ["B"]
    assert codes(reader, f"area={area.pk}") == ["B"]
    # C is achieved: not owed any more, so never overdue.
    assert codes(reader, "overdue=true") == ["B", "D"]
    assert codes(reader, "overdue=false") == ["A", "C", "E", "XY-1"]
    assert codes(reader, "overdue=") == ["A", "B", "C", "D", "E", "XY-1"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=nope", "kind"),
        ("state=done", "state"),
        ("year=2023.0", "year"),
        ("department=abc", "department"),
        ("division=1e3", "division"),
        ("counterpart=99999999999999999999", "counterpart"),
        ("counterpart_province=-", "counterpart_province"),
        ("agreement=x", "agreement"),
        ("area=1.5", "area"),
        ("project=%201", "project"),
        ("overdue=yes", "overdue"),
        ("landed=1", "landed"),
        ("kind=platform&kind=talent", "kind"),
        ("search=%00", "search"),
    ],
)
def test_bad_filter_values_are_a_400_naming_them(reader, ledger, query, field):  # noqa: F811
    response = reader.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/counterparts/?kind=x",
        "/api/v1/counterparts/?province=a",
        "/api/v1/agreement-areas/?agreement=b",
    ],
)
def test_the_other_lists_refuse_bad_filters_too(reader, ledger, url):  # noqa: F811
    assert reader.get(url).status_code == 400


def test_lists_answer_as_csv_and_xlsx_with_formulas_neutralised(reader, ledger):  # noqa: F811
    CooperationItem.objects.filter(code="A").update(title='=HYPERLINK("http://x","点我")')
    csv = reader.get(f"{ITEMS}?kind=platform&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,code,title,") and len(lines) == 3
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    xlsx = reader.get(f"{ITEMS}?kind=platform&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    titles = [cell.value for cell in sheet["C"]]
    assert '=HYPERLINK("http://x","点我")' in titles
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries), response


@pytest.mark.parametrize("endpoint", ["cooperation-items", "counterparts", "agreement-areas"])
def test_list_and_detail_run_constant_queries(reader, ledger, department, endpoint):  # noqa: F811
    agreement = CooperationItem.objects.create(
        code="XY-1", title="框架协议", kind=CooperationKind.AGREEMENT, year=2023,
        department=department,
    )  # fmt: skip
    for number in (1, 2, 3):
        AgreementArea.objects.create(agreement=agreement, number=number, title=f"领域{number}")
    for code in ("A", "B", "D"):
        CooperationUpdate.objects.create(
            item=CooperationItem.objects.get(code=code),
            reported_on=datetime.date(2023, 5, 5),
            state=CooperationState.IN_PROGRESS,
        )
    small, _ = queries_for(reader, f"/api/v1/{endpoint}/?page_size=1")
    large, many = queries_for(reader, f"/api/v1/{endpoint}/?page_size=100")
    assert small == large, (small, large)
    results = many.json()["results"]
    assert len(results) >= 3
    for row in results:
        # Every link comes with the name of what it links to.
        for field, value in row.items():
            if isinstance(value, int) and f"{field}_name" in row:
                assert row[f"{field}_name"], (endpoint, field)
    first, last = results[0]["id"], results[-1]["id"]
    assert (
        queries_for(reader, f"/api/v1/{endpoint}/{first}/")[0]
        == queries_for(reader, f"/api/v1/{endpoint}/{last}/")[0]
    )


def test_reports_of_an_item_run_constant_queries(reader, ledger, django_assert_max_num_queries):  # noqa: F811
    item = ledger["a"]
    for day in (1, 2, 3, 4):
        CooperationUpdate.objects.create(
            item=item, reported_on=datetime.date(2023, 5, day), state=CooperationState.ACHIEVED
        )
    with django_assert_max_num_queries(6):
        response = reader.get(f"{ITEMS}{item.pk}/updates/")
    assert response.json()["results"][0]["reported_on"] == "2023-05-04"


def test_the_schema_documents_routes_filters_and_statistics(reader):
    schema = reader.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/cooperation-items/",
        "/api/v1/cooperation-items/{id}/",
        "/api/v1/cooperation-items/{id}/updates/",
        "/api/v1/counterparts/",
        "/api/v1/counterparts/{id}/",
        "/api/v1/agreement-areas/",
        "/api/v1/agreement-areas/{id}/",
        "/api/v1/stats/cooperation/",
    ):
        assert path in paths, path

    def parameters(path):
        return {p["name"]: p for p in paths[path]["get"]["parameters"]}

    listed = parameters("/api/v1/cooperation-items/")
    for name in ("kind", "year", "department", "division", "state", "counterpart",
                 "counterpart_province", "agreement", "area", "project", "overdue",
                 "search", "ordering"):  # fmt: skip
        assert name in listed, name
    assert listed["overdue"]["schema"] == {"type": "boolean"}
    assert listed["counterpart_province"]["schema"]["type"] == "integer"
    assert set(listed["kind"]["schema"]["enum"]) == set(CooperationKind.values)
    stats = parameters("/api/v1/stats/cooperation/")
    assert stats["group_by"]["required"] and set(stats["group_by"]["schema"]["enum"]) == set(
        GROUPINGS
    )
    shared = set(stats) - {"group_by"}
    assert {"kind", "year", "counterpart_province"} <= shared <= set(listed)
    for name in shared - {"format"}:
        assert stats[name]["schema"] == listed[name]["schema"], name
    components = schema["components"]["schemas"]
    group = components["CooperationStatsGroup"]["properties"]
    assert {"key", "label", *SUMS} == set(group)
    item = components["CooperationItem"]["properties"]
    assert "万元" in item["investment"]["description"]
    assert item["investment"]["pattern"]  # money as the API reads it
    assert {"created_at", "updated_at", "department_name", "project_code"} <= set(item)
    post = paths["/api/v1/cooperation-items/"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(post)
