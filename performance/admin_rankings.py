"""The ranking settings (one row per city or province, changed by its supervisors) and the
rankings page (排名), which every signed-in official may read: the admin's face on
performance.rankings. Each office reads its own ranking: a city its counties and
departments, a province its cities and departments; a regional working group none."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import RecordHistoryAdmin
from core.ownership import is_supervisor, official_of
from core.tenancy import tenant_id_of
from core.validators import FIRST_YEAR, LAST_YEAR

from .counting import Measure, Unit
from .models import RankingSettings
from .periods import PeriodKind, period_of
from .rankings import BLACK, RED, ranking, ranking_tenant, units_of


class RankingsForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("period"), choices=PeriodKind.choices, initial=PeriodKind.MONTH
    )
    date = forms.DateField(
        label=gettext_lazy("date"),
        widget=AdminDateWidget,
        validators=[
            MinValueValidator(datetime.date(FIRST_YEAR, 1, 1)),
            MaxValueValidator(datetime.date(LAST_YEAR, 12, 31)),
        ],
    )
    unit = forms.ChoiceField(label=gettext_lazy("rank"), choices=Unit.choices, initial=Unit.COUNTY)

    def __init__(self, *args, units=(Unit.COUNTY, Unit.DEPARTMENT), **kwargs):
        super().__init__(*args, **kwargs)
        # Only the units the office ranks: a province its cities, a city its counties.
        self.fields["unit"].choices = [(unit.value, unit.label) for unit in units]


def percent(rate):
    return "-" if rate is None else f"{rate * 100:.1f}%"


def change_mark(change):
    """▲2, ▼1, or – (same place); empty when the unit was not ranked before."""
    if change is None:
        return ""
    if change > 0:
        return f"▲{change}"
    return f"▼{-change}" if change < 0 else "–"


LIST_LABELS = {RED: gettext_lazy("Red list"), BLACK: gettext_lazy("Black list")}


def shown_rows(result):
    """The ranking's rows as the page shows them (escaped by the template)."""
    return [
        {
            "rank": row.rank,
            "change": change_mark(row.rank_change),
            "name": row.unit.name,
            "code": row.unit.code,
            "score": row.score,
            "rates": [percent(row.rate[measure.value]) for measure in Measure],
            "on_time_rate": percent(row.on_time_rate),
            "overdue_tasks": "-" if row.overdue_tasks is None else row.overdue_tasks,
            "listed": row.listed,
            "list_label": LIST_LABELS.get(row.listed, ""),
        }
        for row in result.rows
    ]


@admin.register(RankingSettings)
class RankingSettingsAdmin(RecordHistoryAdmin):
    """One row per city (or province): the list leads to the user's own; its supervisors
    change it, nobody adds a second row or deletes it. Every change is kept
    (simple-history), so that a ranking of a past period is scored with the settings of
    its time."""

    fieldsets = [
        (
            gettext_lazy("Weights of the measures"),
            {
                "fields": [
                    "weight_signed",
                    "weight_started",
                    "weight_producing",
                    "weight_funds",
                    "weight_jjj",
                ]
            },
        ),
        (
            gettext_lazy("Score"),
            {"fields": ["weight_targets", "weight_discipline", "overdue_task_penalty", "rate_cap"]},
        ),
        (
            gettext_lazy("Red and black lists"),
            {
                "fields": [
                    "red_list_size",
                    "red_list_min_score",
                    "black_list_size",
                    "black_list_max_score",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # The home city's row is made by migration 0003, any other city's by
        # RankingSettings.current(); asking the table here would cost a query on every
        # admin page's sidebar.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # The user's own office's row (an operator's: the home city's), made when missing.
        settings = RankingSettings.current(tenant_id_of(request.user))
        return redirect("admin:performance_rankingsettings_change", settings.pk)

    def get_urls(self):
        return [
            path(
                "rankings/",
                self.admin_site.admin_view(self.rankings_view),
                name="performance_rankingsettings_rankings",
            ),
            *super().get_urls(),
        ]

    def rankings_view(self, request):
        """The ranking for a period, read-only, for supervisors and officials alike."""
        if not (is_supervisor(request.user) or official_of(request.user) is not None):
            raise PermissionDenied
        tenant = ranking_tenant(request.user)  # a regional working group: refused
        units = units_of(tenant)
        initial = {"period": PeriodKind.MONTH, "date": timezone.localdate(), "unit": units[0]}
        form = RankingsForm(request.GET or initial, units=units)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            result = ranking(period_of(data["period"], data["date"]), data["unit"], tenant)
        return TemplateResponse(
            request,
            "admin/performance/rankingsettings/rankings.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Rankings"),
                "opts": self.opts,
                "form": form,
                "result": result,
                "rows": shown_rows(result) if result else [],
                "measures": [measure.label for measure in Measure],
                "is_departments": result is not None and result.unit == Unit.DEPARTMENT,
                "is_cities": result is not None and result.unit == Unit.CITY,
                "settings_url": reverse("admin:performance_rankingsettings_changelist"),
            },
        )
