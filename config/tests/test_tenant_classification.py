"""Every model of ours says which city its rows belong to, or is named shared here.

A model added without ``tenant_path`` would be read by every city: this test makes the
author decide, as test_access_matrix makes them classify every admin URL and API route.
"""

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from config.tests.test_architecture import APPS

# Our apps with models (test_architecture's list, less the faces and the seed).
OUR_APPS = set(APPS) - {"mobile", "dashboard", "fixtures"}

# Read by every signed-in user of every city: public reference data and bookkeeping.
SHARED = {
    "regions.division",  # GB/T 2260, public
    "regions.park",  # development zones and platforms, public
    "regions.tenant",
    "regions.region",
    "projects.industrychain",  # the provinces' published chain lists
    "workdays.calendarexception",  # the State Council's holiday notice
    "notifications.heartbeat",  # the scheduler's own health row
    "core.tombstone",  # carries its own tenant_id column (core imports no app)
}

# Internal: every city's figures in one table, read only by code that applies the tenant
# rule itself (projects.tallies), or bookkeeping about them; never listed, exported or
# routed (asserted below).
INTERNAL = {
    "projects.projecttally",
    "tracker.tasktally",
    "projects.tallycheck",  # the tally check's outcomes, read by /healthz (projects.tally_health)
}


def our_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in OUR_APPS and not label.split(".")[1].startswith("historical"):
            yield model


@pytest.mark.parametrize("model", list(our_models()), ids=lambda m: m._meta.label_lower)
def test_every_model_is_a_citys_or_named_shared(model):
    label = model._meta.label_lower
    path = getattr(model, "tenant_path", None)
    if label in INTERNAL:
        return
    assert (path is None) == (label in SHARED), (
        f"{label}: give it tenant_path (a city's rows) or add it to SHARED with a reason"
    )
    if path is None:
        return
    # The path must lead to the Tenant model, hop by hop.
    current = model
    for hop in path.split("__"):
        try:
            field = current._meta.get_field(hop)
        except FieldDoesNotExist:
            pytest.fail(f"{label}.tenant_path {path!r}: no field {hop!r} on {current}")
        current = field.related_model
    assert current._meta.label_lower == "regions.tenant", f"{label}: {path} ends at {current}"


def test_internal_models_are_in_no_admin_and_no_api_route():
    from django.contrib import admin

    from config.api import router

    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not INTERNAL & registered
    routed = {
        viewset.queryset.model._meta.label_lower
        for _prefix, viewset, _name in router.registry
        if getattr(viewset, "queryset", None) is not None
    }
    assert routed and not INTERNAL & routed
