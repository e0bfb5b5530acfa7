"""The words of the ranking and county panels, in the request's language, for the script.

The measure keys are the rankings API's (performance.counting.Measure values); the panels
name them themselves, in the words of the bulletin's tables, instead of importing the
performance app: the dashboard reads only the REST API.
"""

from django.utils.translation import gettext as _

# The order of the columns in the ranking table and of the rows in a county's detail.
MEASURES = ("signed", "started", "producing", "funds_in_place", "jjj_projects")


def ranking_labels():
    return {
        "measures": {
            "signed": _("Signed"),
            "started": _("Started"),
            "producing": _("Put into operation"),
            "funds_in_place": _("Funds in place"),
            "jjj_projects": _("Beijing-Tianjin-Hebei projects"),
        },
        "measureOrder": list(MEASURES),
        "rank": _("Rank"),
        "change": _("Rank change"),
        "county": _("County or district"),
        "city": _("City"),
        "department": _("Department"),
        "score": _("Score"),
        "onTime": _("Reports on time"),
        "overdueTasks": _("Overdue key tasks"),
        "list": _("Red or black list"),
        "badDate": _("Choose a valid date."),
        "loading": _("Loading…"),
        "noRanking": _("No units to rank for this period."),
        "redList": _("Red list"),
        "blackList": _("Black list"),
        "up": _("Up %(places)s places since the previous period"),
        "down": _("Down %(places)s places since the previous period"),
        "same": _("Same rank as in the previous period"),
        "noPrevious": _("Not ranked in the previous period"),
        "noTarget": _("No target"),
        "rateOf": _("%(actual)s of %(target)s"),
        "rankOf": _("Rank %(rank)s of %(count)s"),
        "yearToDate": _("Year to date"),
        "target": _("Annual target"),
        "rate": _("Completion rate"),
        "inPeriod": _("In this period"),
        "fundsUnit": _("Funds in place (100 million yuan)"),
        "adminProjects": _("Its projects in the admin"),
        "apiProjects": _("Its projects in the API"),
        "noData": _("No figures for this county in this period."),
        "legend": _("Brighter is higher:"),
        "untiled": _("Not on the map:"),
        "detailHint": _("Choose a county on the map for its figures."),
    }
