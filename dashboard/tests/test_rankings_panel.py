"""The ranking panel and the county map: they show what GET /api/v1/rankings/ answers, on
the demo data, in headless Chromium with a Chinese browser; and the tile map places every
county-level division of Dezhou."""

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from config.tests.browser import RECORD_CSP_VIOLATIONS, csp_violations
from fixtures import demo

from .test_dashboard import ARTIFACTS, browser, live_url, stats

__all__ = ["browser", "live_url"]  # fixtures

STATIC = Path(__file__).resolve().parents[1] / "static" / "dashboard"
REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "divisions.json"


def tile_layout():
    return json.loads((STATIC / "county-tiles.json").read_text())


def test_every_county_of_dezhou_has_its_own_tile():
    layout = tile_layout()
    divisions = json.loads(REFERENCE.read_text())["divisions"]
    counties = [d for d in divisions if d["parent"] == "德州市"]
    assert len(counties) == 12  # 11 counties and districts, and Tianqu New Area
    places = []
    for county in counties:
        place = layout["tiles"].get(county["code"]) or layout["without_code"].get(county["name"])
        assert place, county["name"]
        assert county["name"].startswith(place["short"])
        assert 1 <= place["row"] <= layout["rows"] and 1 <= place["column"] <= layout["columns"]
        places.append((place["row"], place["column"]))
    assert len(set(places)) == len(places), "two tiles on one cell"
    # North up: Qingyun, Laoling and Ningjin on the top row, Qihe at the bottom.
    tiles = layout["tiles"]
    assert {tiles[code]["row"] for code in ("371423", "371481", "371422")} == {1}
    assert tiles["371425"]["row"] == layout["rows"]


@pytest.mark.django_db
def test_the_page_has_both_panels_and_names_the_contract_measures(admin_client):
    from performance.counting import TARGET_FIELDS

    response = admin_client.get("/dashboard/")
    page = response.content.decode()
    for part in ('id="panel-ranking"', 'id="panel-counties"', 'id="county-tiles"'):
        assert part in page
    assert "dashboard/rankings.js" in page and "dashboard/counties.js" in page
    assert response.context["config"]["countyTiles"] == "/static/dashboard/county-tiles.json"
    labels = response.context["labels"]["rankings"]
    assert labels["measureOrder"] == [str(measure) for measure in TARGET_FIELDS]
    assert set(labels["measures"]) == set(labels["measureOrder"])


def spread_targets(supervisor):
    """Targets for 2023 that put the counties' completion rates far apart: the first third
    over their targets (the red list), the last third far under them (the black list)."""
    from performance.models import Target

    answer = stats(supervisor, "/api/v1/rankings/", period="year", date="2023-12-31", unit="county")
    counties = sorted(answer["results"], key=lambda result: result["code"] or result["name"])
    factors = [Decimal("0.8"), Decimal("1.25"), Decimal("3")]
    for index, county in enumerate(counties):
        factor = factors[index * len(factors) // len(counties)]
        ytd = county["year_to_date"]
        Target.objects.update_or_create(
            year=2023,
            division_id=county["id"],
            defaults={
                "signed_projects": max(1, int(ytd["signed"] * factor)),
                "started_projects": max(1, int(ytd["started"] * factor)),
                "producing_projects": None,
                "funds_in_place": max(Decimal(1), Decimal(ytd["funds_in_place"]) * factor),
                "jjj_projects": max(1, int(ytd["jjj_projects"] * factor)),
            },
        )


def percent(rate):
    """A rate as the page shows it: a percentage with one decimal, rounded half up."""
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def expected_change(result):
    change = result["rank_change"]
    if change is None or change == 0:
        return "—"
    return f"▲{change}" if change > 0 else f"▼{-change}"


def shown_rows(page):
    return page.eval_on_selector_all(
        "#ranking-rows tr",
        """rows => rows.map(row => ({
            id: Number(row.dataset.id),
            cells: [...row.cells].map(cell => cell.innerText.trim()),
        }))""",
    )


def check_table(page, answer, labels):
    rows = shown_rows(page)
    assert len(rows) == len(answer["results"]) > 0
    marks = {"red": "★ " + labels["redList"], "black": "✕ " + labels["blackList"], "": ""}
    for row, result in zip(rows, answer["results"], strict=True):
        cells = row["cells"]
        assert row["id"] == result["id"]
        assert cells[:4] == [
            str(result["rank"]),
            expected_change(result),
            result["name"],
            result["score"],
        ]
        rates = [result["rate"][measure] for measure in labels["measureOrder"]]
        assert cells[4:9] == ["—" if rate is None else percent(rate) for rate in rates]
        assert cells[-1] == marks[result["list"]]


def login(page, url, username, password):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_panels_show_the_rankings_and_open_a_county(live_url, browser):
    from django.contrib.auth import get_user_model

    from projects.models import Project
    from regions.models import Division

    call_command("seed", "--demo", verbosity=0)
    supervisor = get_user_model().objects.get(username="demo-supervisor")
    spread_targets(supervisor)
    lingcheng = Division.objects.get(name="陵城区")
    decheng = Division.objects.get(name="德城区")
    counties = stats(
        supervisor, "/api/v1/rankings/", period="month", date="2023-12-31", unit="county"
    )
    assert {result["list"] for result in counties["results"]} >= {"red", "black"}

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, f"{live_url}/dashboard/?year=2023", "demo-supervisor", demo.DEMO_PASSWORD)
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    labels = json.loads(page.inner_text("#dashboard-labels"))["rankings"]
    # December 2023, the counties, as the API ranks them.
    assert page.input_value("#ranking-date") == "2023-12-31"
    assert page.inner_text("#ranking-period") == counties["period"]["label"]
    check_table(page, counties, labels)
    page.wait_for_selector("#panel-counties[data-state=ready]")
    page.screenshot(path=str(ARTIFACTS / "09-ranking-counties.png"))

    # A tile per county, with its score; a click shows its detail.
    tiles = page.locator("#county-tiles button.tile")
    assert tiles.count() == len(counties["results"]) == 12
    by_id = {result["id"]: result for result in counties["results"]}
    tile = page.locator(f"#county-tiles .tile[data-id='{lingcheng.pk}']")
    assert tile.locator(".name").inner_text() == "陵城"
    assert tile.locator(".value").inner_text() == by_id[lingcheng.pk]["score"]
    flags = page.locator("#county-tiles .flag").evaluate_all("flags => flags.map(f => f.title)")
    listed = [result["list"] for result in counties["results"] if result["list"]]
    assert sorted(flags) == sorted(labels[f"{name}List"] for name in listed)
    tile.click()
    detail = page.locator("#county-detail")
    assert detail.get_attribute("data-id") == str(lingcheng.pk)
    assert tile.get_attribute("aria-pressed") == "true"
    check_detail(page, by_id[lingcheng.pk], len(counties["results"]))
    admin = detail.locator("a").nth(0).get_attribute("href")
    api = detail.locator("a").nth(1).get_attribute("href")
    assert admin == f"/admin/projects/project/?host_division__id__exact={lingcheng.pk}&year=2023"
    assert api == f"/api/v1/projects/?host_division={lingcheng.pk}&year=2023"
    listed = page.request.get(f"{live_url}{api}", headers={"Accept": "application/json"}).json()
    assert listed["count"] == Project.objects.filter(host_division=lingcheng, year=2023).count() > 0
    page.screenshot(path=str(ARTIFACTS / "10-county-detail.png"))

    # By keyboard: Tab reaches the tiles, Enter opens one.
    page.focus(f"#county-tiles .tile[data-id='{decheng.pk}']")
    page.keyboard.press("Enter")
    assert detail.get_attribute("data-id") == str(decheng.pk)
    assert "ranking_county=" + str(decheng.pk) in page.url

    # Another measure on the map: each tile prints that completion rate.
    page.select_option("#county-measure", "funds_in_place")
    rate = by_id[decheng.pk]["rate"]["funds_in_place"]
    shown = page.inner_text(f"#county-tiles .tile[data-id='{decheng.pk}'] .value")
    assert shown == percent(rate)
    assert page.locator("#county-legend .band").count() >= 2

    switch_unit_and_period(page, supervisor, labels)
    page.screenshot(path=str(ARTIFACTS / "11-ranking-departments.png"), full_page=True)

    # A county's name in the ranking table opens its detail on the map.
    page.check("input[name=unit][value=county]")
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    page.click(f"#ranking-rows button[data-county='{lingcheng.pk}']")
    assert detail.get_attribute("data-id") == str(lingcheng.pk)

    assert csp_violations(page) == []  # the tiles are placed without inline styles
    page.click("#county-detail a >> nth=0")
    page.wait_for_url(f"**/admin/projects/project/?host_division__id__exact={lingcheng.pk}*")
    context.close()


def check_detail(page, result, count):
    detail = page.inner_text("#county-detail")
    assert result["name"] in detail and f"{result['score']}" in detail
    assert page.locator("#county-detail .rank").inner_text().count(str(result["rank"])) >= 1
    assert str(count) in page.locator("#county-detail .rank").inner_text()
    signed = page.locator("#county-detail tr[data-measure=signed] td").all_inner_texts()
    target = result["target"]["signed"]
    assert signed[:2] == [str(result["year_to_date"]["signed"]), str(target)]
    funds = page.locator("#county-detail tr[data-measure=funds_in_place] td").all_inner_texts()
    assert funds[0] == f"{Decimal(result['year_to_date']['funds_in_place']) / 10000:.2f}"


def switch_unit_and_period(page, supervisor, labels):
    page.check("input[name=unit][value=department]")
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    departments = stats(
        supervisor, "/api/v1/rankings/", period="month", date="2023-12-31", unit="department"
    )
    check_table(page, departments, labels)
    head = page.locator("#ranking-head th").all_inner_texts()
    assert labels["onTime"] in head and labels["overdueTasks"] in head
    page.check("input[name=period][value=year]")
    page.wait_for_function(
        "label => document.querySelector('#ranking-period').innerText === label",
        arg=stats(supervisor, "/api/v1/rankings/", period="year", date="2023-12-31")["period"][
            "label"
        ],
    )
    page.wait_for_selector("#panel-ranking[data-state=ready]")
    year = stats(
        supervisor, "/api/v1/rankings/", period="year", date="2023-12-31", unit="department"
    )
    check_table(page, year, labels)
    assert "ranking_period=year" in page.url and "ranking_unit=department" in page.url
