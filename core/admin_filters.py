"""Generic admin list filters, and the tenant rule on filters by a related record."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class YearFilter(admin.SimpleListFilter):
    """A year filter, newest first, whose choices read no list row: the years the user's
    tally cells hold (``tally_years(user)``, None when the tally does not cover the user),
    else every year between the first and the last of what the user reads (two index
    probes), where a DISTINCT would read every row. Subclasses name ``model`` and may
    narrow the list by the year otherwise (``of_year``)."""

    model = None

    def tally_years(self, user):
        return None

    def of_year(self, queryset, year):
        return queryset.filter(year=year)

    def lookups(self, request, model_admin):
        years = self.tally_years(request.user)
        if years is None:
            rows = self.model._default_manager.visible_to(request.user)
            ends = rows.aggregate(first=Min("year"), last=Max("year"))
            if ends["first"] is None:
                return []
            years = range(ends["last"], ends["first"] - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) <= 4:
            return self.of_year(queryset, int(value))
        if value:
            return queryset.none()
        return queryset


class YesNoFilter(admin.SimpleListFilter):
    """A filter with two answers; subclasses implement ``filter_yes``, and "no" is every
    other row (as a subquery on ids, which the database plans as an anti-join)."""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return self.filter_yes(queryset, today)
        if self.value() == "no":
            return self.filter_no(queryset, today)
        return queryset

    def filter_no(self, queryset, today):
        return queryset.exclude(pk__in=self.filter_yes(queryset, today).values("pk"))


class VisibleRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a related record that lists only the records the user reads: Django's
    own lists every row of the related model (another city's departments, work points).

    Beyond ``links_up_to`` choices it is a drop-down list in a small GET form (the other
    filters and the search kept as hidden fields) instead of a link per choice: a
    province's 600 parks as links are a sidebar nobody reads, and building and rendering
    a query string per link was most of the admin project list's time (docs/benchmarks.md).
    """

    links_up_to = 30

    def __init__(self, field, request, params, model, model_admin, field_path):
        lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        if params.get(lookup_kwarg) in ([""], ""):
            params.pop(lookup_kwarg)  # the drop-down's "All": no filter, not an error
        super().__init__(field, request, params, model, model_admin, field_path)
        self.as_drop_down = len(self.lookup_choices) > self.links_up_to
        if self.as_drop_down:
            self.template = "admin/filter_select.html"

    def choices(self, changelist):
        if not self.as_drop_down:
            yield from super().choices(changelist)
            return
        # "All" and "(None)" stay links; the choices become the drop-down's options (with
        # no facet counts: a count per option is the query over the list this avoids).
        yield {
            "selected": self.lookup_val is None and not self.lookup_val_isnull,
            "query_string": changelist.get_query_string(
                remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
            ),
            "display": _("All"),
        }
        if self.include_empty_choice:
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": self.empty_value_display,
            }
        self.form_html = self.drop_down(changelist)

    def drop_down(self, changelist):
        """The form's hidden fields (every other parameter of the list) and options."""
        own = {self.lookup_kwarg, self.lookup_kwarg_isnull, PAGE_VAR, ERROR_FLAG}
        kept = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in own
            for value in (values if isinstance(values, list) else [values])
        ]
        selected = set(self.lookup_val or ())
        # Joined by hand: format_html per option was a third of the sidebar's time.
        options = mark_safe(  # each value is escaped here
            "".join(
                f'<option value="{escape(pk)}"{" selected" if str(pk) in selected else ""}>'
                f"{escape(label)}</option>"
                for pk, label in self.lookup_choices
            )
        )
        return format_html(
            '{}<select name="{}" aria-label="{}"><option value=""{}>{}</option>{}</select>',
            format_html_join("", '<input type="hidden" name="{}" value="{}">', kept),
            self.lookup_kwarg,
            self.title,
            "" if selected else " selected",
            _("All"),
            options,
        )

    def field_choices(self, field, request, model_admin):
        related = field.related_model._default_manager.all()
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = {}
        if hasattr(related, "visible_to"):
            limit = {"pk__in": related.visible_to(request.user).values("pk")}
        if getattr(field.related_model, "choice_label_fields", None):
            return labelled_choices(related.filter(**limit).order_by(*ordering))
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


def labelled_choices(queryset):
    """(pk, label) of each row, the label being what ``str()`` of the row would show: the
    first non-empty of the model's ``choice_label_fields``, read as values (a province's
    600 parks built as objects only to be named were a tenth of the admin list's time)."""
    fields = queryset.model.choice_label_fields
    return [
        (pk, next((label for label in labels if label), labels[-1]))
        for pk, *labels in queryset.values_list("pk", *fields)
    ]


def visible_related_filters(model, filters):
    """``filters`` (a ModelAdmin's ``list_filter``) with each filter by a related record
    made a ``VisibleRelatedFilter``; ``RelatedOnlyFieldListFilter`` (which lists what the
    scoped list holds), custom and plain-field filters are kept as they are."""
    return [visible_related_filter(model, item) for item in filters]


def visible_related_filter(model, item):
    if isinstance(item, str):
        path, filter_class = item, None
    elif isinstance(item, (list, tuple)) and isinstance(item[0], str):
        path, filter_class = item
    else:
        return item  # a SimpleListFilter: its own lookups decide
    if filter_class is not None and filter_class is not admin.RelatedFieldListFilter:
        return item
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, AttributeError):
        return item
    if not getattr(field, "is_relation", False) or getattr(field, "related_model", None) is None:
        return item
    return (path, VisibleRelatedFilter)
