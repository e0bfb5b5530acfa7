from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.admin_filters import VisibleRelatedFilter, YearFilter, YesNoFilter, labelled_choices
from core.tenancy import reach_of
from regions.models import Division

from . import tallies
from .models import Blocker, Project


class OriginProvinceFilter(admin.SimpleListFilter):
    title = _("origin province")
    parameter_name = "origin_province"

    def lookups(self, request, model_admin):
        return [(str(p.pk), p.name) for p in Division.objects.provinces().order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.from_province(Division(pk=int(self.value())))
        return queryset


class HostDivisionFilter(VisibleRelatedFilter):
    """Host counties and districts: the divisions of the user's cities, down two levels
    (a city's districts, a province's cities and their counties), not every division of
    the country that investors come from, and not a DISTINCT over the list."""

    def field_choices(self, field, request, model_admin):
        reach = reach_of(request.user)
        if reach.everything:
            from regions.models import Tenant

            codes = list(Tenant.objects.values_list("code", flat=True))
        else:
            codes = [*reach.own, *reach.cities, *reach.region_cities]
        divisions = Division.objects.filter(
            Q(code__in=codes) | Q(parent__code__in=codes) | Q(parent__parent__code__in=codes)
        )
        return labelled_choices(divisions.order_by("code", "name"))


class LedgerYearFilter(YearFilter):
    """The ledger year, newest first: the years of the user's tally cells
    (projects.tallies.tally_years), else every year between the first and the last."""

    title = _("ledger year")
    parameter_name = "year"
    model = Project

    def tally_years(self, user):
        return tallies.tally_years(user)

    def of_year(self, queryset, year):
        return queryset.of_year(year)


class MilestoneOverdueFilter(YesNoFilter):
    title = _("milestone overdue")
    parameter_name = "milestone_overdue"

    def filter_yes(self, queryset, today):
        return queryset.milestone_overdue(today)


class BlockerOverdueFilter(YesNoFilter):
    """Problems being chased (coordinated or escalated) past their deadline."""

    title = _("overdue")
    parameter_name = "overdue"

    def filter_yes(self, queryset, today):
        return queryset.chased().filter(deadline__lt=today)


class BlockerUnsolvedFilter(YesNoFilter):
    title = _("unsolved")
    parameter_name = "unsolved"

    def filter_yes(self, queryset, today):
        return queryset.unsolved()


class HasOpenProblemsFilter(YesNoFilter):
    """Projects with at least one unsolved problem the user reads (an EXISTS, not a join):
    a province user learns nothing of its cities' problems from it."""

    title = _("has unsolved problems")
    parameter_name = "has_open_problems"

    def queryset(self, request, queryset):
        self.user = request.user  # a filter is made for each request
        return super().queryset(request, queryset)

    def filter_yes(self, queryset, today):
        return queryset.filter(Exists(unsolved_problems_of_project(self.user)))


def unsolved_problems_of_project(user=None):
    """The unsolved problems of the outer query's project (for EXISTS and counts); with
    ``user``, only those they read."""
    problems = Blocker.objects.visible_to(user) if user is not None else Blocker.objects.all()
    return problems.unsolved().filter(project=OuterRef("pk"))
