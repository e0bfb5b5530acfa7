"""A filter with many choices (a province's parks and departments) is a drop-down in a GET
form, not a link per choice: it lists only the user's own rows, keeps the other filters and
the search, escapes names, and its "All" is no filter."""

import html
import re

import pytest
from django.test import Client

from core.admin_filters import VisibleRelatedFilter
from tracker.models import Department

from .test_admin_scale import URL, add_projects, langfang  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

HOSTILE = '<b onmouseover="x">=HYPERLINK("http://evil")</b>'
SELECT = re.compile(r'<select name="responsible_department__id__exact"[^>]*>(.*?)</select>', re.S)


@pytest.fixture
def many_departments(department, dezhou):
    made = Department.objects.bulk_create(
        Department(name=f"部门{n}", short_name=f"{HOSTILE}{n}", division=dezhou)
        for n in range(VisibleRelatedFilter.links_up_to)
    )
    return [department, *made]


@pytest.fixture
def office(make_official, department, many_departments, project):
    client = Client()
    client.force_login(make_official("dz-office", department, is_supervisor=True))
    return client


def options(response):
    found = SELECT.search(response.content.decode())
    assert found, "no drop-down for the departments"
    return dict(re.findall(r'<option value="(\d*)"( selected)?>', found.group(1)))


def test_many_choices_are_a_drop_down_of_the_users_own_rows(
    office,
    many_departments,
    langfang,  # noqa: F811 (the fixture imported above)
):
    _county, langfang_department = langfang
    response = office.get(URL)
    listed = options(response)
    assert set(listed) == {"", *(str(d.pk) for d in many_departments)}
    assert str(langfang_department.pk) not in listed  # another city's department
    page = response.content.decode()
    assert HOSTILE not in page and html.escape(HOSTILE) in page  # the label, escaped
    # No link per department: the sidebar holds "All" and no query string per choice.
    assert "responsible_department__id__exact=" not in page


def test_the_form_keeps_the_other_filters_and_the_search(office, department):
    response = office.get(URL, {"q": "项目", "stage__exact": "signed", "p": "1"})
    form = re.search(
        r'<form method="get" class="filter-select">(.*?)</form>', response.content.decode(), re.S
    )
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
    )
    assert hidden == {"q": "项目", "stage__exact": "signed"}  # not the page, not itself


def test_choosing_filters_and_all_is_no_filter(office, many_departments, lingcheng):
    chosen_department = many_departments[1]
    add_projects(range(5), "371400", lingcheng, chosen_department)
    chosen = office.get(URL, {"responsible_department__id__exact": chosen_department.pk})
    assert options(chosen)[str(chosen_department.pk)] == " selected"
    rows = chosen.context["cl"].result_list
    assert len(rows) == 5 and {row.responsible_department_id for row in rows} == {
        chosen_department.pk
    }
    everything = office.get(URL, {"responsible_department__id__exact": ""})
    assert everything.status_code == 200  # not the admin's "?e=1" redirect
    assert len(everything.context["cl"].result_list) == 6  # the fixture's project too
    assert options(everything)[""] == " selected"


def test_few_choices_stay_links(office, many_departments):
    Department.objects.filter(pk__in=[d.pk for d in many_departments[2:]]).delete()
    page = office.get(URL).content.decode()
    assert not SELECT.search(page)
    assert f"responsible_department__id__exact={many_departments[1].pk}" in page


def test_the_row_checkbox_is_djangos_own_html(project):
    from django.contrib import admin

    from projects.admin import ProjectAdmin

    project.name = HOSTILE
    model_admin = admin.site.get_model_admin(type(project))
    assert isinstance(model_admin, ProjectAdmin)
    ours = model_admin.action_checkbox(project)
    djangos = admin.ModelAdmin.action_checkbox(model_admin, project)
    assert ours == djangos and HOSTILE not in ours


def test_choice_labels_read_as_values_are_what_str_shows(department, dezhou, project):
    from django.apps import apps

    from core.admin_filters import labelled_choices

    Department.objects.create(name="无简称的部门", short_name="", division=dezhou)
    declared = [m for m in apps.get_models() if getattr(m, "choice_label_fields", None)]
    assert {m._meta.label for m in declared} >= {
        "regions.Park",
        "regions.Division",
        "tracker.Department",
        "projects.IndustryChain",
    }
    for model in declared:
        rows = model._default_manager.all()
        assert labelled_choices(rows) == [(row.pk, str(row)) for row in rows], model
