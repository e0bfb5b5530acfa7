"""The dashboard's problems panel (困难问题): the stats API's figures per kind and per
coordinating department, the problems waiting longest, names shown as text, and each
bar and row a link into the admin's problem register."""

import datetime

import pytest
from django.utils import timezone

from .test_dashboard import ARTIFACTS, browser, live_url, series_data, stats

__all__ = ["browser", "live_url"]  # fixtures

PAYLOAD = '<img src=x onerror="window.__xss=1">'


@pytest.mark.django_db
def test_the_page_has_the_panel_and_the_registers_address(admin_client):
    response = admin_client.get("/dashboard/")
    page = response.content.decode()
    assert 'id="chart-blocker-kinds"' in page and 'id="chart-blocker-departments"' in page
    assert 'id="blockers"' in page
    assert response.context["config"]["admin"]["blockers"] == "/admin/projects/blocker/"


def make_problems(project, other_project, task, official, other_official, supervisor):
    from projects import blockers as services

    raise_ = services.raise_blocker
    today = timezone.localdate()
    land = raise_(by=official, project=project, title=PAYLOAD, description="d", kind="land")
    late = raise_(
        by=other_official, project=other_project, title="电力", description="d", kind="energy"
    )
    services.assign_blocker(
        late,
        by=supervisor,
        coordinating_department=project.responsible_department,
        deadline=today,
    )
    from projects.models import Blocker

    Blocker.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=2))
    raise_(by=official, task=task, title="任务受阻", description="d", kind="energy")
    solved = raise_(by=official, project=project, title="已解决", description="d", kind="labour")
    services.solve_blocker(solved, by=supervisor, resolution="好了")
    return land, late


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_panel_draws_the_api_figures_and_links_into_the_admin(
    live_url, browser, project, other_project, task, make_official
):
    official = make_official("panel-official", project.responsible_department)
    other = make_official("panel-other", other_project.responsible_department)
    supervisor = make_official("panel-supervisor", is_supervisor=True)
    land, _late = make_problems(project, other_project, task, official, other, supervisor)

    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_url}/dashboard/")
    page.fill("#id_username", "panel-supervisor")
    page.fill("#id_password", "secret-password")
    page.click("input[type=submit]")
    page.wait_for_selector("body[data-state=ready]")

    kinds = stats(supervisor, "/api/v1/stats/blockers/", group_by="kind")
    overdue, on_time = series_data(page, "chart-blocker-kinds")
    # Drawn oldest on top: the API's order reversed. Solved problems are not counted.
    assert overdue == [g["overdue"] for g in reversed(kinds["groups"])] == [1, 0]
    assert on_time == [g["blockers"] - g["overdue"] for g in reversed(kinds["groups"])] == [1, 1]
    departments = series_data(page, "chart-blocker-departments")
    assert sum(departments[0]) + sum(departments[1]) == 3

    rows = page.locator("#blockers tr")
    assert rows.count() == 3  # unsolved only, oldest first
    assert rows.nth(0).inner_text().startswith(PAYLOAD)
    assert page.locator("#blockers img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    href = page.locator("#blockers tr a").first.get_attribute("href")
    assert href == f"/admin/projects/blocker/{land.pk}/change/"
    assert "red" in rows.nth(1).locator("td").nth(4).get_attribute("class")
    page.screenshot(path=str(ARTIFACTS / "08-problems.png"), full_page=True)

    page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById('chart-blocker-kinds'))
                 .trigger('click', {data: {key: 'energy'}})"""
    )
    page.wait_for_url("**/admin/projects/blocker/?unsolved=yes&kind__exact=energy")
    page.go_back()
    page.wait_for_selector("body[data-state=ready]")
    department = project.responsible_department_id
    page.evaluate(
        """key => echarts.getInstanceByDom(document.getElementById('chart-blocker-departments'))
                 .trigger('click', {data: {key: key}})""",
        department,
    )
    page.wait_for_url(
        f"**/admin/projects/blocker/?unsolved=yes&coordinating_department__id__exact={department}"
    )
    context.close()
