"""Admin changelists that stay fast at 100,000 rows (and at a million, with a tally)."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

from core.paginator import CappedCountPaginator, IdsFirstPaginator
from core.search import search_lookup, with_grams


class LargeListAdmin:
    """A ModelAdmin mixin: pages read ids first, and search uses LIKE or ILIKE, which
    trigram indexes serve (see core.search); with ``search_grams`` (the fields of a grams
    index, projects migration 0016), PostgreSQL also narrows by the grams, which serve
    one- and two-character terms.

    With ``capped_count = True`` the list is counted once, up to TRACKER_COUNT_CAP rows
    ("10,000+" beyond), or by ``list_count(request, queryset)`` when that answers, and
    ``show_full_result_count`` should be False (Django would count the whole table again).
    """

    paginator = IdsFirstPaginator
    search_grams = ()
    # Facet counts (?_facets=1) are a COUNT per filter choice over the whole list.
    show_facets = admin.ShowFacets.NEVER
    capped_count = False

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        terms = request.GET.get("q", "").split()
        if not terms:
            return fields
        lookup = search_lookup(terms)
        return [field if field[0] in "^=@" else f"{field}__{lookup}" for field in fields]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        terms = admin_search_terms(search_term)
        if self.search_grams and terms:
            queryset = with_grams(queryset, self.search_grams, terms)
        return queryset, may_have_duplicates

    def action_checkbox(self, obj):
        """Django's row checkbox, the same HTML without rendering a form widget's two
        templates a row (a tenth of a page's rendering)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if not self.capped_count:
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        paginator = CappedCountPaginator(queryset, per_page, orphans, allow_empty_first_page)
        paginator.counted = lambda: self.list_count(request, queryset)
        return paginator

    def list_count(self, request, queryset):
        """The list's exact count from elsewhere than its rows (a tally), or None."""
        return None


def admin_search_terms(search_term):
    """The terms Django's admin search matches each field against (ModelAdmin.
    get_search_results): quoted phrases are one term, without their quotes."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        terms.append(bit)
    return terms
