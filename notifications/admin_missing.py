"""The admin's "未按期填报" page: each department's missing reports and overdue receipts for
a date, read-only, for supervisors and officials alike (officials read everything of their
city here; the department rule is about writes), never another city's departments. Served
under the dispatch log's URLs (``DispatchAdmin.get_urls``), as the digest preview is."""

from collections import defaultdict

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.ownership import is_supervisor, official_of
from core.tenancy import reach_of
from tracker.models import Department
from workdays.calendar import calendar as workday_calendar

from .owed import owed_items, run_moment
from .recipients import departments_by_id
from .sources import OWED_RECEIPT, missing_lists


def own_departments(user):
    """The departments of ``user``'s own city, by name (a superuser: every city's; no user:
    none)."""
    departments = Department.objects.order_by("name")
    reach = reach_of(user)
    return departments if reach.everything else departments.for_tenants(reach.own)


class MissingReportsForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("as of"), required=False, widget=AdminDateWidget)
    department = forms.ModelChoiceField(
        label=gettext_lazy("department"),
        queryset=own_departments(None),
        required=False,
        empty_label=gettext_lazy("All departments"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = own_departments(user)


def may_read(user):
    return is_supervisor(user) or official_of(user) is not None


def groups_of(items, department_ids=None):
    """[{department, reports, receipts, lists}] by department name; with
    ``department_ids``, of those departments only."""
    by_department = defaultdict(lambda: {"reports": [], "receipts": []})
    for item in items:
        if department_ids is not None and item.department_id not in department_ids:
            continue
        entry = by_department[item.department_id]
        entry["receipts" if item.what == OWED_RECEIPT else "reports"].append(item)
    names = departments_by_id(by_department)
    return [
        {"department": names[pk], "lists": missing_lists(pk), **entry}
        for pk, entry in sorted(by_department.items(), key=lambda pair: names[pair[0]].name)
        if pk in names
    ]


def missing_reports_view(model_admin, request):
    if not may_read(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = MissingReportsForm(request.GET or None, initial={"date": today}, user=request.user)
    valid = not form.is_bound or form.is_valid()
    day, department = today, None
    if form.is_bound and valid:
        day = form.cleaned_data["date"] or today
        department = form.cleaned_data["department"]
    groups = []
    if valid:
        items = owed_items(
            run_moment(day), workday_calendar(), department.pk if department else None
        )
        # The items are computed city-wide; the page keeps the user's own city's.
        own = set(form.fields["department"].queryset.values_list("pk", flat=True))
        groups = groups_of(items, own)
    return TemplateResponse(
        request,
        "admin/notifications/dispatch/missing_reports.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Reports and receipts owed"),
            "form": form,
            "valid": valid,
            "day": day,
            "groups": groups,
            "count": sum(len(group["reports"]) + len(group["receipts"]) for group in groups),
        },
    )
