"""Admin changelists that stay fast at 100,000 rows."""

from core.paginator import IdsFirstPaginator
from core.search import search_lookup


class LargeListAdmin:
    """A ModelAdmin mixin: pages read ids first, and search uses LIKE or ILIKE, which
    trigram indexes serve (see core.search)."""

    paginator = IdsFirstPaginator

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        terms = request.GET.get("q", "").split()
        if not terms:
            return fields
        lookup = search_lookup(terms)
        return [field if field[0] in "^=@" else f"{field}__{lookup}" for field in fields]
