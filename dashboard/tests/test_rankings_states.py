"""The ranking and county panels with names full of markup (shown as text, never run), a
county the tile map does not know (listed below the map), and their loading, empty and
error states."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from .test_dashboard import ARTIFACTS, browser, live_url
from .test_rankings_panel import login

__all__ = ["browser", "live_url"]  # fixtures

PAYLOAD = '<img src=x onerror="window.__xss=1">'


def world(dezhou, lingcheng, department):
    """Two counties of Dezhou (one unknown to the map, named with markup) and two
    departments (one named with markup), each with this year's targets."""
    from performance.models import Target
    from regions.choices import DivisionLevel
    from regions.models import Division
    from tracker.models import Department

    year = timezone.localdate().year
    marked = Division.objects.create(
        code="371499", name=PAYLOAD, level=DivisionLevel.COUNTY, parent=dezhou
    )
    marked_department = Department.objects.create(name=PAYLOAD, short_name=PAYLOAD, division=dezhou)
    for unit in ({"division": marked}, {"division": lingcheng}, {"department": department}):
        Target.objects.create(year=year, signed_projects=2, funds_in_place=Decimal("100"), **unit)
    Target.objects.create(year=year, department=marked_department, signed_projects=3)
    return marked, marked_department


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_names_with_markup_are_text_and_unknown_counties_are_listed(
    live_url, browser, dezhou, lingcheng, department, make_official
):
    marked, _marked_department = world(dezhou, lingcheng, department)
    make_official("rank-supervisor", is_supervisor=True)
    # The policy bypassed, so that this checks the panels' own escaping: a name written as
    # HTML would run the image's onerror.
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, f"{live_url}/dashboard/", "rank-supervisor", "secret-password")
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    page.wait_for_selector("#panel-counties[data-state=ready]")

    assert PAYLOAD in page.locator("#ranking-rows").inner_text()
    # Not on the map (its code has no tile): listed below it, as a button like the tiles.
    untiled = page.locator(f"#county-untiled .tile[data-id='{marked.pk}']")
    assert page.locator("#county-untiled").is_visible()
    assert untiled.locator(".name").inner_text() == PAYLOAD
    untiled.click()
    assert page.locator("#county-detail h3").inner_text() == PAYLOAD
    # Lingcheng keeps its place on the map; the other counties of the layout stay blank.
    assert page.locator(f"#county-tiles button.tile[data-id='{lingcheng.pk}']").count() == 1
    assert page.locator("#county-tiles .tile.blank").count() == 11
    page.screenshot(path=str(ARTIFACTS / "12-markup-in-ranking.png"), full_page=True)

    page.check("input[name=unit][value=department]")
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    names = page.locator("#ranking-rows td.name").all_inner_texts()
    assert PAYLOAD in names and department.name in names
    assert page.locator("#panel-ranking img, #panel-counties img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    context.close()


def hold(page, pattern):
    """Requests to ``pattern`` wait until the test lets them go: the routes held."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    return held


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loading_empty_and_error_states(
    live_url, browser, dezhou, lingcheng, department, make_official
):
    world(dezhou, lingcheng, department)
    make_official("rank-supervisor", is_supervisor=True)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    held = hold(page, "**/api/v1/rankings/**")
    login(page, f"{live_url}/dashboard/", "rank-supervisor", "secret-password")
    # Loading: the panel says so while the API has not answered.
    page.wait_for_selector("#panel-ranking[data-state=loading]")
    page.wait_for_function("() => document.querySelector('#ranking-status').innerText !== ''")
    labels = json.loads(page.inner_text("#dashboard-labels"))
    assert page.inner_text("#ranking-status") == labels["rankings"]["loading"]
    assert page.inner_text("#counties-status") == labels["rankings"]["loading"]
    assert held, "the panel asked the rankings API"
    for route in held:
        route.continue_()
    page.unroute("**/api/v1/rankings/**")
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    assert page.locator("#ranking-rows tr").count() == 2

    # Empty: a period with no unit to rank.
    empty = {
        "period": {"kind": "month", "start": "", "end": "", "label": ""},
        "unit": "county",
        "weights": {},
        "results": [],
    }
    page.route(
        "**/api/v1/rankings/**",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(empty)
        ),
    )
    page.fill("#ranking-date", "2024-01-15")
    page.dispatch_event("#ranking-date", "change")
    page.wait_for_selector("#panel-ranking[data-state=empty]")
    page.wait_for_selector("#panel-counties[data-state=empty]")
    assert page.inner_text("#ranking-status") == labels["rankings"]["noRanking"]
    assert page.locator("#ranking-rows tr").count() == 0

    # The API fails: the panels say so, with the status.
    page.unroute("**/api/v1/rankings/**")
    page.route("**/api/v1/rankings/**", lambda route: route.fulfill(status=500, body="{}"))
    page.fill("#ranking-date", "2024-02-15")
    page.dispatch_event("#ranking-date", "change")
    page.wait_for_selector("#panel-ranking[data-state=error]")
    page.wait_for_selector("#panel-counties[data-state=error]")
    assert "HTTP 500" in page.inner_text("#ranking-status")
    assert "HTTP 500" in page.inner_text("#counties-status")
    page.screenshot(path=str(ARTIFACTS / "13-ranking-api-failure.png"))

    # A refused parameter: the API's own words for it.
    page.unroute("**/api/v1/rankings/**")
    page.fill("#ranking-date", "1999-12-31")
    page.dispatch_event("#ranking-date", "change")
    page.wait_for_function(
        "() => document.querySelector('#ranking-status').innerText.includes('HTTP 400')"
    )
    assert "2000" in page.inner_text("#ranking-status")  # "Choose a date from 2000 to 2100."
    context.close()
