"""The overview dashboard: served to signed-in users only, with ECharts from this project,
and, in headless Chromium, showing exactly what the stats API says."""

import hashlib
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from config.tests.browser import CHROMIUM, chromium, serial_live_server
from fixtures import demo

ECHARTS = Path(__file__).resolve().parents[1] / "static" / "dashboard" / "vendor" / "echarts-6.1.0"
ECHARTS_SHA256 = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"


@pytest.mark.django_db
def test_the_dashboard_needs_a_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/dashboard/")


@pytest.mark.django_db
def test_the_page_loads_pinned_echarts_from_this_project_only(admin_client):
    page = admin_client.get("/dashboard/").content.decode()
    assert "/static/dashboard/vendor/echarts-6.1.0/echarts.min.js" in page
    assert "https://" not in page.replace("https://127.0.0.1", "")  # nothing from another host
    assert hashlib.sha256((ECHARTS / "echarts.min.js").read_bytes()).hexdigest() == ECHARTS_SHA256
    assert "Apache License" in (ECHARTS / "LICENSE").read_text()
    assert "数据总览" in page  # Chinese by default


@pytest.mark.django_db
def test_stats_by_month_of_signing_and_open_tasks_filter(admin_client):
    call_command("seed", "--demo", verbosity=0)
    months = admin_client.get("/api/v1/stats/projects/", {"group_by": "month", "year": 2023})
    body = months.json()
    keys = [group["key"] for group in body["groups"]]
    assert all(key is None or (len(key) == 7 and key[4] == "-") for key in keys)
    assert sum(group["projects"] for group in body["groups"]) == body["total"]["projects"]
    by_stage = admin_client.get("/api/v1/stats/projects/", {"group_by": "stage", "year": 2023})
    assert body["total"] == by_stage.json()["total"]
    open_tasks = admin_client.get(
        "/api/v1/tasks/", {"open": "true", "page_size": 500, "year": 2023}
    ).json()
    assert open_tasks["results"]
    assert {task["status"] for task in open_tasks["results"]} <= {"not_started", "in_progress"}
    closed = admin_client.get(
        "/api/v1/tasks/", {"open": "false", "page_size": 500, "year": 2023}
    ).json()
    assert open_tasks["count"] + closed["count"] == 150


@pytest.fixture
def live_url(transactional_db):
    with serial_live_server() as url:
        yield url


@pytest.fixture
def browser(live_url):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as launched:
        yield launched


def stats(user, path, **params):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.json()


def kpis(page):
    return {
        name: page.inner_text(f"#kpi-{name}")
        for name in ("projects", "investment", "funds", "tasks-done", "tasks-overdue")
    }


def expected_kpis(user, **filters):
    projects = stats(user, "/api/v1/stats/projects/", group_by="stage", **filters)["total"]
    task_filters = {"year": filters.get("year")}
    tasks = stats(user, "/api/v1/stats/tasks/", group_by="department", **task_filters)["total"]
    return {
        "projects": str(projects["projects"]),
        "investment": f"{Decimal(projects['total_investment']) / 10000:.2f}",
        "funds": f"{Decimal(projects['funds_in_place']) / 10000:.2f}",
        "tasks-done": f"{tasks['done']} / {tasks['tasks']}",
        "tasks-overdue": str(tasks["overdue"]),
    }


def series_data(page, chart_id):
    return page.evaluate(
        """id => echarts.getInstanceByDom(document.getElementById(id))
                   .getOption().series.map(s => s.data.map(d => d.value ?? d))""",
        chart_id,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_shows_the_api_figures_and_follows_its_filters(live_url, browser):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from projects.models import IndustryChain, Project
    from regions.models import Division

    call_command("seed", "--demo", verbosity=0)
    supervisor = get_user_model().objects.get(username="demo-supervisor")
    lingcheng = Division.objects.get(name="陵城区")
    hosts = set()

    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page.set_default_timeout(20000)
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(f"{live_url}/dashboard/")
    page.fill("#id_username", "demo-supervisor")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("body[data-state=ready]")
    # The current year by default, with the figures of the stats API.
    this_year = timezone.localdate().year
    assert page.input_value("#f-year") == str(this_year)
    assert kpis(page) == expected_kpis(supervisor, year=this_year)
    # The loop's panel draws the reporting API's counts, department by department.
    loop = stats(supervisor, "/api/v1/reporting/departments/")
    drawn = series_data(page, "chart-supervision")
    awaiting = sum(d["awaiting_receipt"] for d in loop["results"])
    assert awaiting > 0 and sum(drawn[0]) == awaiting
    assert sum(drawn[1]) == sum(d["missing_reports"] for d in loop["results"])
    assert len(drawn) == 2 + len(loop["rungs"])
    page.screenshot(path=str(ARTIFACTS / "01-this-year.png"), full_page=True)

    # Filters that match nothing: the page says so instead of drawing empty axes.
    unused = IndustryChain.objects.exclude(projects__year=2023).first()
    page.goto(f"{live_url}/dashboard/?year=2023&industry_chain={unused.pk}")
    page.wait_for_selector("body[data-state=ready]")
    assert page.inner_text("#kpi-projects") == "0"
    assert page.get_attribute("#chart-county", "data-empty") == "true"
    assert "暂无数据" in page.inner_text("#deadlines") or page.locator("#deadlines tr").count()
    page.screenshot(path=str(ARTIFACTS / "02-no-data.png"), full_page=True)
    page.select_option("#f-chain", "")
    page.select_option("#f-year", "2023")
    page.wait_for_selector("body[data-state=ready]")
    shown = kpis(page)
    assert shown == expected_kpis(supervisor, year=2023)
    assert int(shown["projects"]) >= 169
    pipeline = series_data(page, "chart-pipeline")[0]
    assert 0 < sum(pipeline) <= int(shown["projects"])  # dropped projects are not in it
    counties_before = series_data(page, "chart-county")[0]
    assert len(counties_before) > 1
    assert page.locator("#deadlines tr").count() == 10
    page.screenshot(path=str(ARTIFACTS / "03-wall-1920x1080.png"))
    page.screenshot(path=str(ARTIFACTS / "04-wall-1920x1080-full.png"), full_page=True)

    page.select_option("#f-county", str(lingcheng.pk))
    page.wait_for_function(
        "text => document.querySelector('#kpi-projects').innerText !== text", arg=shown["projects"]
    )
    page.wait_for_selector("body[data-state=ready]")
    filtered = kpis(page)
    assert filtered == expected_kpis(supervisor, year=2023, host_division=lingcheng.pk)
    assert filtered != shown
    assert len(series_data(page, "chart-county")[0]) == 1
    assert series_data(page, "chart-origin") != [counties_before]
    assert f"host_division={lingcheng.pk}" in page.url  # the view can be bookmarked

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "05-phone-390x844.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"

    # When the API fails, the page says so.
    page.route("**/api/v1/stats/**", lambda route: route.fulfill(status=500, body="{}"))
    page.select_option("#f-county", "")
    page.wait_for_selector("body[data-state=error]")
    assert "无法加载数据" in page.inner_text("#error") and "HTTP 500" in page.inner_text("#error")
    page.screenshot(path=str(ARTIFACTS / "06-api-failure.png"), full_page=True)
    assert hosts == {urlsplit(live_url).netloc}, hosts

    # A click on a county's bar opens the admin's project list filtered to it.
    page.unroute("**/api/v1/stats/**")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.select_option("#f-county", str(lingcheng.pk))
    page.wait_for_selector("body[data-state=ready]")
    page.evaluate(
        """key => echarts.getInstanceByDom(document.getElementById('chart-county'))
                 .trigger('click', {data: {key: key}})""",
        lingcheng.pk,
    )
    page.wait_for_url(f"**/admin/projects/project/?host_division__id__exact={lingcheng.pk}*")
    listed = Project.objects.filter(year=2023, host_division=lingcheng).count()
    assert filtered["projects"] == str(listed)
    assert str(listed) in page.inner_text("#changelist")


PAYLOAD = '<img src=x onerror="window.__xss=1">'

SHOW_TOOLTIP_AT = """([id, point]) => {
    const element = document.getElementById(id);
    const chart = echarts.getInstanceByDom(element);
    const [x, y] = chart.convertToPixel({seriesIndex: 0}, point);
    const box = element.getBoundingClientRect();
    return [box.left + x, box.top + y];
}"""


def hover(page, chart_id, point):
    """Move the mouse onto a chart's bar, as a person would, until its tooltip shows; the
    tooltip's text, and how many elements in the chart came from the name's markup."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    # A chart still drawing its bars (its entry animation) may not answer the first move:
    # move off and onto the bar again, as a person would, until the tooltip shows.
    for _attempt in range(10):
        x, y = page.evaluate(SHOW_TOOLTIP_AT, [chart_id, point])
        page.mouse.move(1, 1)
        page.mouse.move(x, y)
        try:
            # The canvas has no text: whatever text the chart shows is its tooltip.
            page.wait_for_function(
                "id => document.getElementById(id).innerText.trim()", arg=chart_id, timeout=2000
            )
            break
        except PlaywrightTimeout:
            continue
    return page.inner_text(f"#{chart_id}"), page.locator(f"#{chart_id} img").count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_names_from_the_database_are_shown_as_text_never_run_as_html(
    live_url, browser, beijing, dezhou, work_point, make_official
):
    """Names that carry markup show literally in tooltips, menus and the table.

    The page runs with its Content-Security-Policy bypassed, so that this checks the
    escaping on its own: were a tooltip written with the name as HTML, the image's onerror
    would run and set window.__xss.
    """
    import datetime

    from django.utils import timezone

    from projects.models import IndustryChain, Project
    from regions.choices import DivisionLevel
    from regions.models import Division
    from tracker.models import Department, KeyTask

    today = timezone.localdate()
    county = Division.objects.create(
        code="371499", name=PAYLOAD, level=DivisionLevel.COUNTY, parent=dezhou
    )
    chain = IndustryChain.objects.create(name=PAYLOAD, group="local")
    department = Department.objects.create(name=PAYLOAD, short_name=PAYLOAD, division=dezhou)
    Project.objects.create(
        code="DZ-XSS-1",
        name=PAYLOAD,
        investor=PAYLOAD,
        origin=beijing,
        host_division=county,
        industry_chain=chain,
        responsible_department=department,
        year=today.year,
        total_investment=Decimal("80000"),
        funds_in_place=Decimal("40000"),
        signed_on=today,
    )
    KeyTask.objects.create(
        code="KT-XSS-1",
        year=today.year,
        title=PAYLOAD,
        work_point=work_point,
        lead_department=department,
        deadline=today - datetime.timedelta(days=3),
    )
    make_official("xss-supervisor", is_supervisor=True)

    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_url}/dashboard/")
    page.fill("#id_username", "xss-supervisor")
    page.fill("#id_password", "secret-password")
    page.click("input[type=submit]")
    page.wait_for_selector("body[data-state=ready]")

    # Bars of 4 亿元: hover the middle of the county's, the chain's and the department's bar.
    county_tip, county_images = hover(page, "chart-county", [2, 0])
    chain_tip, chain_images = hover(page, "chart-chain", [2, 0])
    department_tip, department_images = hover(page, "chart-departments", [0.5, 0])
    page.screenshot(path=str(ARTIFACTS / "07-markup-in-names.png"), full_page=True)
    (ARTIFACTS.parent / "browser").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS.parent / "browser" / "dashboard-markup-in-names.png"))

    assert PAYLOAD in county_tip and "4.00" in county_tip  # 40,000 万元 is 4 亿元
    assert PAYLOAD in chain_tip and PAYLOAD in department_tip
    assert county_images == chain_images == department_images == 0
    assert PAYLOAD in page.inner_text("#deadlines")  # the task's title and its department
    assert page.inner_text("#deadlines").count(PAYLOAD) == 2
    for menu in ("#f-county", "#f-chain", "#f-department"):
        assert PAYLOAD in page.locator(f"{menu} option").all_inner_texts()
    # Not one element was made from a name, and nothing ran.
    assert page.locator("main img, #filters img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    context.close()
