"""The words of the cooperation panel (京津冀合作台账), in the request's language, for the
script. The kinds and provinces are named by the statistics API itself (each group's
``label``); the panel names only its columns, its views and its states."""

from django.utils.translation import gettext as _

# The panel's two views: group_by values of GET /api/v1/stats/cooperation/.
GROUPINGS = ("kind", "counterpart_province")


def cooperation_labels():
    return {
        "groupings": list(GROUPINGS),
        "kind": _("Kind of cooperation"),
        "counterpart_province": _("Counterpart province"),
        "items": _("Items"),
        "achieved": _("Achieved"),
        "investment": _("Investment (100 million yuan)"),
        "people": _("People"),
        "landedProjects": _("Landed as projects"),
        "landedInvestment": _("Their investment (100 million yuan)"),
        "total": _("Total"),
        "notLocated": _("Counterpart not located"),
        "loading": _("Loading…"),
        "empty": _("No cooperation items for these filters."),
        "year": _("ledger of %(year)s"),
        "openItems": _("The items of this kind in the admin"),
        "provinceNote": _(
            "An item working with partners in two provinces counts in both; the total counts "
            "it once."
        ),
    }
