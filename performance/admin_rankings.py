"""The ranking settings (one row, changed by supervisors) and the rankings page (排名), which
every signed-in official may read: the admin's face on performance.rankings."""

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
from core.validators import FIRST_YEAR, LAST_YEAR

from .counting import Measure, Unit
from .models import RankingSettings
from .periods import PeriodKind, period_of
from .rankings import BLACK, RED, ranking

SINGLE_ROW = 1  # the settings' one row (the model's constraint)


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
    """One row: the list leads to it; supervisors change it (reference data), nobody adds a
    second row or deletes it. Every change is kept (simple-history), so that a ranking of
    a past period is scored with the settings of its time."""

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
        # The one row is made by migration 0003 (and by RankingSettings.current()); asking
        # the table here would cost a query on every admin page's sidebar.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = SINGLE_ROW  # the one row, whatever the table's sequence says
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        if RankingSettings.objects.filter(pk=SINGLE_ROW).exists():
            return redirect("admin:performance_rankingsettings_change", SINGLE_ROW)
        return super().changelist_view(request, extra_context)

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
        initial = {"period": PeriodKind.MONTH, "date": timezone.localdate(), "unit": Unit.COUNTY}
        form = RankingsForm(request.GET or initial)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            result = ranking(period_of(data["period"], data["date"]), data["unit"])
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
                "settings_url": reverse("admin:performance_rankingsettings_changelist"),
            },
        )
