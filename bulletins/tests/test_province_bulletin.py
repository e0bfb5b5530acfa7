# ruff: noqa: F811 (the province's world is a set of fixtures shared with performance)
"""Bulletins per office: a city's tells its own rows only; a province's, one level up, ranks
its cities on their own figures, its departments and its own key tasks, with no ledger and
no problems; each office is named by its own heading and mailed to its own people."""

import datetime
import io

import docx
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from bulletins.content import PROVINCE
from bulletins.gather import gather_content
from bulletins.mailing import plan_monthly
from bulletins.models import Bulletin
from bulletins.services import build_bulletin
from bulletins.wording import unit_label, units_heading
from cooperation.choices import CooperationKind
from cooperation.models import CooperationItem
from notifications import services
from notifications.models import Dispatch
from performance.counting import headline
from performance.tests.test_province_rollup import (  # noqa: F401
    hebei,
    ledgers,
    login,
    make,
    province_user,
    region_user,
)
from projects.choices import BlockerKind
from projects.models import Blocker
from tracker.choices import Aspect, OfficialReach
from tracker.models import KeyTask, WorkPoint

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_END = D(2023, 3, 31)


@pytest.fixture
def province_task(hebei):
    """A key task of Hebei's own, overdue since June."""
    point = WorkPoint.objects.create(
        tenant=hebei["tenant"], year=2023, aspect=Aspect.INDUSTRY, number=1, title="省级要点"
    )
    return KeyTask.objects.create(
        tenant=hebei["tenant"],
        code="HB-2023-001",
        year=2023,
        title="省级重点任务",
        work_point=point,
        lead_department=hebei["department"],
        deadline=D(2023, 2, 28),
    )


@pytest.fixture
def langfang_extras(hebei, ledgers, task):
    """Langfang's own cooperation item and problem, which no other bulletin may tell."""
    langfang = hebei["131000"]
    CooperationItem.objects.create(
        tenant=langfang["tenant"],
        code="LF-C-1",
        title="LEAK-LF 合作",
        kind=CooperationKind.PLATFORM,
        year=2023,
        department=langfang["department"],
    )
    project = langfang["department"].projects.first()
    blocker = Blocker.objects.create(
        tenant=langfang["tenant"],
        project=project,
        title="LEAK-LF 问题",
        description="…",
        kind=BlockerKind.LAND,
        raising_department=langfang["department"],
    )
    raised = timezone.make_aware(datetime.datetime(2023, 3, 2, 10))
    Blocker.objects.filter(pk=blocker.pk).update(raised_at=raised)


def text_of(bulletin):
    with bulletin.document.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells), document.tables


def test_a_citys_content_holds_its_own_rows_only(langfang_extras, province_task):
    content = gather_content("month", MARCH_END, "371400")
    assert content.level == "city"
    assert [line.name for line in content.counties.lines] == ["陵城区"]
    assert "廊坊市商务局" not in [line.name for line in content.departments.lines]
    assert not any(problem.title.startswith("LEAK-LF") for problem in content.open_problems)
    assert sum(line.items for line in content.cooperation) == 0
    assert "HB-2023-001" not in {task.code for task in content.overdue_tasks}
    langfang = gather_content("month", MARCH_END, "131000")
    assert sum(line.items for line in langfang.cooperation) == 1
    assert [problem.title for problem in langfang.open_problems] == ["LEAK-LF 问题"]


def test_a_provinces_content_ranks_its_cities_one_level_up(langfang_extras, province_task):
    content = gather_content("month", MARCH_END, "130000")
    assert content.level == PROVINCE and content.of_province
    assert content.counties.unit == "city"
    assert {line.name for line in content.counties.lines} == {"廊坊市", "沧州市"}
    assert [line.name for line in content.departments.lines] == ["河北省商务厅"]
    assert [task.code for task in content.overdue_tasks] == ["HB-2023-001"]
    assert content.open_problems == () and content.cooperation == ()
    march = (D(2023, 3, 1), MARCH_END)
    cities = [headline(*march, code) for code in ("131000", "130900")]
    assert content.period.signed == sum(city.signed for city in cities) == 3
    assert (
        content.year_to_date.funds_in_place
        == headline(D(2023, 1, 1), MARCH_END, "131000").funds_in_place
    )


def test_a_provinces_words_name_cities_not_counties(hebei):
    content = gather_content("month", MARCH_END, "130000")
    city = gather_content("month", MARCH_END, "371400")
    with translation.override("zh-hans"):
        assert units_heading(content) != units_heading(city)
        assert unit_label(content) != unit_label(city)


def test_a_province_supervisor_builds_the_provinces_bulletin(hebei, ledgers, province_task):
    hebei["tenant"].bulletin_issuer = "河北省推进京津冀协同发展工作领导小组办公室"
    hebei["tenant"].bulletin_number_prefix = "冀协办通"
    hebei["tenant"].save()
    supervisor = login("hebei-office", hebei["tenant"], OfficialReach.PROVINCE)
    bulletin = build_bulletin("month", MARCH_END, by=supervisor)
    assert bulletin.tenant_id == "130000" and bulletin.number == "冀协办通〔2023〕3号"
    assert "bulletin-130000-month-2023-03-" in bulletin.document.name
    text, tables = text_of(bulletin)
    assert text.startswith("河北省推进京津冀协同发展工作领导小组办公室")
    assert "廊坊市" in text and "沧州市" in text and "HB-2023-001" in text
    assert "陵城区" not in text and "德协办通" not in text
    assert len(tables) == 3  # the cities, the departments, the overdue tasks
    with bulletin.annex.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert len(book.worksheets) == 4  # headline, cities, departments, overdue tasks


def test_another_citys_blank_heading_names_that_city(hebei, ledgers, langfang_extras):
    supervisor = login("lf-office", hebei["131000"]["tenant"])
    bulletin = build_bulletin("month", MARCH_END, by=supervisor)
    assert bulletin.tenant_id == "131000" and bulletin.number == "〔2023〕3号"
    text, _tables = text_of(bulletin)
    assert "廊坊市" in text.splitlines()[0] and "德州" not in text
    assert "LEAK-LF 问题" in text
    dezhou = build_bulletin("month", MARCH_END)
    assert "LEAK-LF" not in text_of(dezhou)[0]
    assert dezhou.number == "德协办通〔2023〕3号"
    assert Bulletin.objects.count() == 2  # one per office for the same month


def test_a_supervisor_builds_only_their_own_offices(hebei, supervisor_user, region_user):
    with pytest.raises(PermissionDenied):
        build_bulletin("month", MARCH_END, by=supervisor_user, tenant="131000")
    region_user.official.is_supervisor = True
    region_user.official.save()
    with pytest.raises(PermissionDenied):
        build_bulletin("month", MARCH_END, by=region_user)


def test_the_admin_lists_a_citys_own_bulletins(client, hebei, supervisor_user):
    from django.urls import reverse

    build_bulletin("month", MARCH_END, tenant="131000")
    mine = build_bulletin("month", MARCH_END)
    client.force_login(supervisor_user)
    listing = client.get(reverse("admin:bulletins_bulletin_changelist"))
    assert list(listing.context["cl"].result_list) == [mine]


def test_each_office_mails_its_own_bulletin(hebei, ledgers, make_official):
    # 2023: 1-6 October were the National Day holiday, Saturday 7 October a working day.
    first_workday = D(2023, 10, 7)
    dezhou = make_official("dz-boss", is_supervisor=True)
    dezhou.email = "boss@dezhou.example"
    dezhou.save()
    langfang = login("lf-boss", hebei["131000"]["tenant"])
    langfang.email = "boss@langfang.example"
    langfang.save()
    services.run(plan_monthly, first_workday)
    sent = {d.recipient: d for d in Dispatch.objects.all()}
    assert set(sent) == {"boss@dezhou.example", "boss@langfang.example"}
    assert sent["boss@langfang.example"].tenant_id == "131000"
    built = {b.tenant_id: b for b in Bulletin.objects.all()}
    # Every city gets its bulletin; Hebei, with nobody to read it, gets none.
    assert set(built) == {"371400", "131000", "130900"}
    assert built["131000"].number in sent["boss@langfang.example"].subject
    assert f"/files/bulletins/{built['131000'].pk}/" in sent["boss@langfang.example"].body_text
    services.run(plan_monthly, first_workday)
    assert Dispatch.objects.count() == 2
