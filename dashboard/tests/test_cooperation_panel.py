"""The cooperation panel (京津冀合作台账): it shows what GET /api/v1/stats/cooperation/ says
for the page's year, by kind and by counterpart province, on the demo in a Chinese Chromium;
names made of markup stay text; and its loading, empty and error states."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from config.tests.browser import RECORD_CSP_VIOLATIONS, csp_violations
from fixtures import demo

from .test_dashboard import ARTIFACTS, browser, live_url, stats
from .test_rankings_panel import login
from .test_rankings_states import PAYLOAD, hold

__all__ = ["browser", "live_url"]  # fixtures

COLUMNS = ("items", "achieved", "investment", "people", "landed_projects", "landed_investment")
MONEY = {"investment", "landed_investment"}


def shown(name, value):
    """A figure as the panel prints it: money in 亿元 with two decimals."""
    return f"{Decimal(value) / 10000:.2f}" if name in MONEY else str(value)


def expected(answer, not_located=None):
    rows = []
    for group in answer["groups"]:
        label = not_located if group["key"] is None and not_located else group["label"]
        rows.append([label, *(shown(name, group[name]) for name in COLUMNS)])
    return rows


def shown_table(page):
    rows = page.eval_on_selector_all(
        "#cooperation-rows tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    total = page.eval_on_selector_all(
        "#cooperation-total tr th, #cooperation-total tr td", "cells => cells.map(c => c.innerText)"
    )
    return rows, total


def kpis(page):
    ids = ("items", "achieved", "investment", "people", "landed", "landed-investment")
    return [page.inner_text(f"#coop-{name}") for name in ids]


@pytest.mark.django_db
def test_the_page_has_the_panel_and_groups_the_api_knows(admin_client):
    from cooperation.stats import GROUPINGS

    page = admin_client.get("/dashboard/")
    text = page.content.decode()
    assert 'id="panel-cooperation"' in text and "dashboard/cooperation.js" in text
    labels = page.context["labels"]["cooperation"]
    assert set(labels["groupings"]) <= set(GROUPINGS)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_panel_shows_the_ledger_of_the_year(live_url, browser):
    from django.contrib.auth import get_user_model

    from regions.models import Division

    call_command("seed", "--demo", verbosity=0)
    supervisor = get_user_model().objects.get(username="demo-supervisor")
    by_kind = stats(supervisor, "/api/v1/stats/cooperation/", group_by="kind", year=2023)
    items = {group["key"]: group["items"] for group in by_kind["groups"]}
    # The documents' figures of 2023 (seed-facts.json, "aggregates").
    assert (items["platform"], items["achievement"], items["firm_cooperation"]) == (36, 33, 78)

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, f"{live_url}/dashboard/?year=2023", "demo-supervisor", demo.DEMO_PASSWORD)
    page.wait_for_selector("#panel-cooperation[data-state=ready]")
    labels = json.loads(page.inner_text("#dashboard-labels"))["cooperation"]
    rows, total = shown_table(page)
    assert rows == expected(by_kind)
    assert total == [labels["total"], *(shown(n, by_kind["total"][n]) for n in COLUMNS)]
    assert kpis(page) == [shown(n, by_kind["total"][n]) for n in COLUMNS]
    assert page.inner_text("#cooperation-year") == labels["year"].replace("%(year)s", "2023")
    link = page.locator("#cooperation-rows tr[data-key=platform] a")
    assert link.get_attribute("href") == (
        "/admin/cooperation/cooperationitem/?kind__exact=platform&year__exact=2023"
    )
    page.locator("#panel-cooperation").scroll_into_view_if_needed()
    page.locator("#panel-cooperation").screenshot(
        path=str(ARTIFACTS / "14-cooperation-by-kind.png")
    )

    # By counterpart province: the provinces of Beijing, Tianjin and Hebei.
    page.check("#cooperation-controls input[value=counterpart_province]")
    page.wait_for_function(
        "() => document.querySelector('#cooperation-head th').innerText === "
        f"{json.dumps(labels['counterpart_province'])}"
    )
    page.wait_for_selector("#panel-cooperation[data-state=ready]")
    by_province = stats(
        supervisor, "/api/v1/stats/cooperation/", group_by="counterpart_province", year=2023
    )
    rows, _total = shown_table(page)
    assert rows == expected(by_province, labels["notLocated"])
    assert {"北京市", "天津市"} <= {row[0] for row in rows}
    assert "cooperation_by=counterpart_province" in page.url
    page.locator("#panel-cooperation").screenshot(
        path=str(ARTIFACTS / "15-cooperation-by-province.png")
    )

    # The page's county filter narrows the panel to the items of that county.
    page.check("#cooperation-controls input[value=kind]")
    county = Division.objects.get(name="陵城区")
    page.select_option("#f-county", str(county.pk))
    narrowed = stats(
        supervisor, "/api/v1/stats/cooperation/", group_by="kind", year=2023, division=county.pk
    )
    page.wait_for_function(
        "n => document.querySelector('#coop-items').innerText === n",
        arg=str(narrowed["total"]["items"]),
    )
    page.wait_for_selector("#panel-cooperation:is([data-state=ready], [data-state=empty])")
    assert shown_table(page)[0] == expected(narrowed)
    assert 0 < narrowed["total"]["items"] < by_kind["total"]["items"]
    assert csp_violations(page) == []
    page.wait_for_selector("body[data-state=ready]")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#panel-cooperation").screenshot(path=str(ARTIFACTS / "16-cooperation-phone.png"))
    # A kind's name opens the admin's list of those items, filtered as the panel is.
    first = narrowed["groups"][0]
    link = page.locator(f"#cooperation-rows tr[data-key={first['key']}] a")
    assert f"division__id__exact={county.pk}" in link.get_attribute("href")
    link.click()
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == first["items"]
    context.close()


def fulfil(page, body, status=200):
    page.route(
        "**/api/v1/stats/cooperation/**",
        lambda route: route.fulfill(
            status=status, content_type="application/json", body=json.dumps(body)
        ),
    )


def answer(groups, group_by="kind"):
    zero = dict.fromkeys(COLUMNS, 0)
    total = {n: sum(Decimal(str(g[n])) for g in groups) for n in COLUMNS} if groups else zero
    total = {n: str(v) if n in MONEY else int(v) for n, v in total.items()}
    return {
        "group_by": group_by,
        "unit": "万元",
        "groups": groups,
        "total": {"key": None, "label": "合计", **total},
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_markup_is_text_and_the_states_are_told(live_url, browser, make_official):
    make_official("coop-supervisor", is_supervisor=True)
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    held = hold(page, "**/api/v1/stats/cooperation/**")
    login(page, f"{live_url}/dashboard/", "coop-supervisor", "secret-password")
    page.wait_for_selector("#panel-cooperation[data-state=loading]")
    page.wait_for_function("() => document.querySelector('#cooperation-status').innerText")
    labels = json.loads(page.inner_text("#dashboard-labels"))
    assert page.inner_text("#cooperation-status") == labels["cooperation"]["loading"]
    page.wait_for_function("n => n > 0", arg=len(held))
    marked = {
        "key": "platform",
        "label": PAYLOAD,
        "items": 3,
        "achieved": 1,
        "investment": "14690.00",
        "people": 0,
        "landed_projects": 1,
        "landed_investment": "146900.00",
    }
    for route in held:
        route.fulfill(
            status=200, content_type="application/json", body=json.dumps(answer([marked]))
        )
    page.unroute("**/api/v1/stats/cooperation/**")
    page.wait_for_selector("#panel-cooperation[data-state=ready]")
    rows, _total = shown_table(page)
    assert rows == [[PAYLOAD, "3", "1", "1.47", "0", "1", "14.69"]]
    assert page.locator("#panel-cooperation img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"

    # Empty: nothing recorded for the filters.
    fulfil(page, answer([]))
    page.check("#cooperation-controls input[value=counterpart_province]")
    page.wait_for_selector("#panel-cooperation[data-state=empty]")
    assert page.inner_text("#cooperation-status") == labels["cooperation"]["empty"]
    assert page.locator("#cooperation-rows tr").count() == 0
    assert page.inner_text("#coop-items") == "0"

    # The API fails, then refuses a parameter in its own words.
    page.unroute("**/api/v1/stats/cooperation/**")
    fulfil(page, {}, status=500)
    page.check("#cooperation-controls input[value=kind]")
    page.wait_for_selector("#panel-cooperation[data-state=error]")
    assert "HTTP 500" in page.inner_text("#cooperation-status")
    assert page.inner_text("#coop-items") == "–"
    page.locator("#panel-cooperation").screenshot(
        path=str(ARTIFACTS / "17-cooperation-api-failure.png")
    )
    page.unroute("**/api/v1/stats/cooperation/**")
    fulfil(page, {"year": ["请输入一个有效的年份。"]}, status=400)
    page.check("#cooperation-controls input[value=counterpart_province]")
    page.wait_for_function(
        "() => document.querySelector('#cooperation-status').innerText.includes('HTTP 400')"
    )
    assert "请输入一个有效的年份。" in page.inner_text("#cooperation-status")
    context.close()
