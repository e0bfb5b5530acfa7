"""The access matrix's city axes: two cities, a province and a region in one tracker.

The matrix's world (test_access_matrix) is Dezhou's; a twin of it is built in Langfang
(Hebei), with a province user of Hebei and a regional user of the working group whose
region holds both cities. Every text of a city carries a marker saying who may read it:

- ``LEAK-XX``: leads, negotiations and everything else only the city reads;
- ``PROV-XX``: what the city's province reads (signed projects outside the region's
  chains, key tasks, work points, targets, bulletins, pairings);
- ``SHARE-XX``: a signed chain project (六链五群), which the region reads too;
- ``DEPT-XX``: departments and officials' names, read with what is shared.

Each role walks, once, every admin list and export, every admin and API page of every
city's objects, every API list (JSON, CSV, XLSX) and statistic, the admin's autocompletes,
the phone pages, the dashboard and the bulletins' files: no body (nor file name) may hold
a marker the role may not read, another city's object answers 404 on the API and a
redirect, 403 or 404 elsewhere, and a refused write changes nothing at all (the matrix's
whole-database snapshot).
"""

import io
import zipfile

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from config.tests import city_twin
from config.tests.test_access_matrix import (
    OWNED,
    admin_cases,
    api_models,
    api_patterns,
    api_url,
    api_write_body,
    changed_tables,
    classify_api,
    hostile_data,
    snapshot,
    url_for,
    world,  # noqa: F401 (a fixture this module's fixture builds on)
)
from core.tenancy import shared_stages

pytestmark = pytest.mark.django_db

DZ, LF, HB = "371400", "131000", "130000"
TAGS = {DZ: "DZ", LF: "LF", HB: "HB"}
KINDS = ("LEAK", "PROV", "SHARE", "DEPT")
# Who reads which markers, besides everything of their own city (or province).
ROLES = {
    "dz-official": (DZ, set()),
    "dz-supervisor": (DZ, set()),
    "lf-official": (LF, set()),
    "lf-supervisor": (LF, set()),
    "province": (HB, {"PROV-LF", "SHARE-LF", "DEPT-LF"}),
    "region": (HB, {"SHARE-LF", "DEPT-LF", "SHARE-DZ", "DEPT-DZ"}),
}
OBJECT_KINDS = {"change", "history", "delete", "report", "revert", "password"}


def markers_forbidden(role):
    home, extra = ROLES[role]
    every = {f"{kind}-{tag}" for tag in TAGS.values() for kind in KINDS}
    own = {f"{kind}-{TAGS[home]}" for kind in KINDS}
    return every - own - extra


@pytest.fixture
def cities(world):  # noqa: F811 (the matrix's fixture, imported above)
    """The matrix's world (Dezhou) and its Langfang twin, marked; the six roles' users."""
    return city_twin.build(world)


# --- what a role may read ---------------------------------------------------------------


def tenant_of(model, obj):
    if model is get_user_model():
        official = getattr(obj, "official", None)
        return official.tenant_id if official is not None else None
    path = getattr(model, "tenant_path", None)
    if path is None:
        return None
    value = obj
    for hop in path.split("__")[:-1]:
        value = getattr(value, hop)
    return value.tenant_id


def readable(role, model, obj):
    """The tenant rule, told as the issue tells it (core.tenancy implements it)."""
    tenant = tenant_of(model, obj)
    home = ROLES[role][0]
    if tenant is None and model is not get_user_model():
        return True  # reference data
    if tenant == home:
        return True
    if role not in ("province", "region") or tenant not in (LF, DZ):
        return False
    if role == "province" and tenant == LF and getattr(model, "province_reads_whole", False):
        return True
    share = getattr(model, "share_prefix", None)
    if share is None:
        return False
    project = obj if share == "" else obj.project
    if project.stage not in shared_stages():
        return False
    if role == "province":
        return tenant == LF
    chain = project.industry_chain
    return chain is not None and chain.group in ("hebei_six_chains", "hebei_five_clusters")


# --- reading bodies ---------------------------------------------------------------------


def body_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an .xlsx: the text is in its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            content = b" ".join(book.read(name) for name in book.namelist())
    # A file's name (a bulletin's number and title) is in its headers.
    return response.get("Content-Disposition", "") + content.decode("utf-8", "replace")


def leaks(role, label, response):
    text = body_text(response)
    found = sorted(marker for marker in markers_forbidden(role) if marker in text)
    return [f"{role} {label}: {response.status_code} shows {found}"] if found else []


# --- the admin ------------------------------------------------------------------------


def export_response(client, url):
    """An admin export as a browser asks for it: the page's form, every field, as .xlsx."""
    page = client.get(url)
    form = (page.context or {}).get("form") if page.status_code == 200 else None
    if form is None:
        return page
    data = {}
    for field in form:
        if field.name == "format":
            choices = list(field.field.choices)
            data["format"] = next((str(v) for v, label in choices if "xlsx" in str(label)), "0")
        elif isinstance(field.field, forms.BooleanField):
            data[field.html_name] = "on"  # every column of the resource
        elif field.value() not in (None, ""):
            data[field.html_name] = str(field.value())
    return client.post(url, data)


def admin_walk(client, role, objects):
    failures = []
    for _route, pattern, kind, model in admin_cases():
        if kind in (None, "redirect", "loop", "logout", "public", "own-password"):
            continue
        if model is None:
            url = reverse(f"admin:{pattern.name}", kwargs=site_kwargs(pattern))
            response = client.get(url)
            failures += status_5xx(role, url, response) + leaks(role, url, response)
            continue
        if kind not in OBJECT_KINDS:
            url = url_for(pattern)
            response = export_response(client, url) if kind == "export" else client.get(url)
            failures += status_5xx(role, url, response) + leaks(role, url, response)
            continue
        for obj in objects.get(model, []):
            if kind == "revert" and not hasattr(obj, "history"):
                continue
            if kind == "revert" and not obj.history.exists():
                continue
            url = url_for(pattern, obj)
            response = client.get(url)
            failures += status_5xx(role, url, response) + leaks(role, url, response)
            if not readable(role, model, obj) and response.status_code not in (302, 403, 404):
                failures.append(
                    f"{role} {url}: another city's object answers {response.status_code}"
                )
    return failures + autocomplete_walk(client, role)


def site_kwargs(pattern):
    return {"app_label": "projects"} if pattern.name == "app_list" else {}


def autocomplete_walk(client, role):
    failures = []
    for model, model_admin in admin.site._registry.items():
        for field in getattr(model_admin, "autocomplete_fields", ()):
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
            }
            response = client.get(reverse("admin:autocomplete"), query)
            label = f"autocomplete {model._meta.label_lower}.{field}"
            failures += status_5xx(role, label, response) + leaks(role, label, response)
    return failures


def status_5xx(role, label, response):
    return [f"{role} {label}: {response.status_code}"] if response.status_code >= 500 else []


# --- the API ----------------------------------------------------------------------------


def api_walk(client, role, objects):
    failures = []
    for route, pattern in api_patterns():
        kind, basename = classify_api(route, pattern)
        if kind in ("public", "step", "blocker-step"):
            continue
        if kind in ("read", "list", "coordinators"):
            url = reverse(pattern.name)
            if pattern.name.startswith("stats-"):
                by_kind = pattern.name in ("stats-blockers", "stats-cooperation")
                url += "?group_by=" + ("kind" if by_kind else "month")
            formats = ("", "format=csv", "format=xlsx") if kind == "list" else ("",)
            for extra in formats:
                full = f"{url}{'&' if '?' in url else '?'}{extra}" if extra else url
                response = client.get(full)
                failures += status_5xx(role, full, response) + leaks(role, full, response)
            continue
        model = api_models()[basename]
        for obj in objects.get(model, []):
            url = api_url(pattern, obj)
            response = client.get(url)
            failures += status_5xx(role, url, response) + leaks(role, url, response)
            if not readable(role, model, obj) and response.status_code != 404:
                failures.append(
                    f"{role} {url}: another city's object answers {response.status_code}"
                )
    return failures


# --- the phone pages, the dashboard, the files ------------------------------------------

PAGES = ["/dashboard/", "/m/", "/m/tasks/", "/m/projects/"]
OBJECT_PAGES = {
    "tracker.keytask": [("mobile:task", ())],
    "projects.project": [("mobile:project", ())],
    "projects.blocker": [("mobile:blocker", ())],
    "bulletins.bulletin": [("bulletin_file", ("document",)), ("bulletin_file", ("annex",))],
}


def pages_walk(client, role, objects):
    failures = []
    for url in PAGES:
        response = client.get(url)
        failures += status_5xx(role, url, response) + leaks(role, url, response)
    for model, rows in objects.items():
        for name, extra in OBJECT_PAGES.get(model._meta.label_lower, []):
            for obj in rows:
                url = reverse(name, args=[obj.pk, *extra])
                response = client.get(url)
                failures += status_5xx(role, url, response) + leaks(role, url, response)
                if not readable(role, model, obj) and response.status_code not in (302, 403, 404):
                    failures.append(f"{role} {url}: another city's object: {response.status_code}")
    return failures


# --- refused writes ---------------------------------------------------------------------


def write_targets(role, cities):
    """Another city's own-department records, and what the role reads but does not own."""
    home = ROLES[role][0]
    found = []
    for code, city in cities["cities"].items():
        if code == home:
            continue
        for label in sorted(OWNED):
            found.append((code, city["own"][label]))
        found.append((code, city["shared"]))
    return found


def refused_writes(role, user, cities):
    failures = []
    api = APIClient()
    api.force_authenticate(user)
    browser = Client()
    browser.force_login(user)
    for code, obj in write_targets(role, cities):
        model = type(obj)
        opts = model._meta
        city = cities["cities"][code]
        basename = opts.model_name
        # Handed to the attacker's own department (a supervisor's: their city's first).
        home = cities["cities"].get(ROLES[role][0])
        attacker = {
            "department": user.official.department or home["department"],
            "own": city["own"],  # api_write_body reads an agreement of the target's city
        }
        data = hostile_data(city["supervisor_client"], model, obj, attacker)
        body = api_write_body(basename, attacker)
        attempts = [
            ("admin POST", browser.post, url_change(opts, obj), data, {}),
            ("API PATCH", api.patch, api_detail(basename, obj), body, {"format": "json"}),
        ]
        for how, method, url, payload, options in attempts:
            before = snapshot()
            response = method(url, payload, **options)
            tag = f"{role} {how} {url} ({opts.label_lower} of {code})"
            if changed := changed_tables(before, snapshot()):
                failures.append(f"{tag}: changed {changed}")
            if response.status_code >= 500:
                failures.append(f"{tag}: {response.status_code}")
    return failures


def url_change(opts, obj):
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def api_detail(basename, obj):
    return reverse(f"{basename}-detail", kwargs={"pk": obj.pk})


# --- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(ROLES))
def test_city_walk(cities, role):
    """One pass per role over every list, export and object page of both cities."""
    user = cities["users"][role]
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    failures = admin_walk(client, role, cities["objects"])
    failures += api_walk(api, role, cities["objects"])
    failures += pages_walk(client, role, cities["objects"])
    failures += refused_writes(role, user, cities)
    assert not failures, "\n".join(failures)


def project_names(user):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get("/api/v1/projects/", {"page_size": 500})
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["name"].split(" ")[0] for row in rows}


def test_province_reads_signed_projects_of_its_cities_and_no_lead(cities):
    assert project_names(cities["users"]["province"]) == {"SHARE-LF", "PROV-LF"}


def test_region_reads_the_chain_projects_of_both_cities_only(cities):
    assert project_names(cities["users"]["region"]) == {"SHARE-LF", "SHARE-DZ"}


def test_each_city_reads_its_own_projects_only(cities):
    for role, tag in (("lf-official", "LF"), ("dz-supervisor", "DZ")):
        names = project_names(cities["users"][role])
        assert names == {f"LEAK-{tag}", f"PROV-{tag}", f"SHARE-{tag}"}, role


def test_markers_reach_every_marked_text(cities):
    """The twin is marked: a marker missing would make the walk pass for nothing."""
    from projects.models import Project

    for code, tag in ((DZ, "DZ"), (LF, "LF")):
        names = set(Project.objects.for_tenants([code]).values_list("name", flat=True))
        assert all(name.split(" ")[0] in {f"{k}-{tag}" for k in KINDS} for name in names)
    assert get_user_model().objects.filter(first_name__startswith="DEPT-HB").count() == 2
