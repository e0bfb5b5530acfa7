"""The sentences of a bulletin, in the site's language (English sources, Chinese in the
catalogue), built from its content: the figures and how each changed."""

import datetime

from django.utils.translation import gettext as _

from .content import cooperation_total, long_date, period_name, wan, yi

LIST_SEPARATOR = "、"


def count_change(delta, cumulative=False):
    """How a count changed: against the previous period, or (``cumulative``) since its end."""
    if cumulative:
        if delta > 0:
            return _("%(count)s more since the end of the previous period") % {"count": delta}
        if delta < 0:
            return _("%(count)s fewer since the end of the previous period") % {"count": -delta}
        return _("unchanged since the end of the previous period")
    if delta > 0:
        return _("%(count)s more than in the previous period") % {"count": delta}
    if delta < 0:
        return _("%(count)s fewer than in the previous period") % {"count": -delta}
    return _("as many as in the previous period")


def funds_change(delta, cumulative=False):
    """How an amount in 万元 changed (see ``count_change``)."""
    amount = wan(abs(delta))
    if cumulative:
        if delta > 0:
            return _("%(amount)s ten thousand yuan more since the end of the previous period") % {
                "amount": amount
            }
        if delta < 0:
            return _("%(amount)s ten thousand yuan less since the end of the previous period") % {
                "amount": amount
            }
        return _("unchanged since the end of the previous period")
    if delta > 0:
        return _("%(amount)s ten thousand yuan more than in the previous period") % {
            "amount": amount
        }
    if delta < 0:
        return _("%(amount)s ten thousand yuan less than in the previous period") % {
            "amount": amount
        }
    return _("the same as in the previous period")


def salutation(content):
    if content.of_province:
        return _("The people's governments of the cities and the provincial departments concerned:")
    return _(
        "The people's governments of the counties (cities, districts) and the municipal "
        "departments concerned:"
    )


def introduction(content):
    period = {"period": period_name(content.kind, content.start, content.end)}
    if content.of_province:
        return (
            _(
                "To keep the provincial leadership informed of the cities' progress of "
                "investment attraction and of the key work of Beijing-Tianjin-Hebei "
                "coordinated development, the situation in %(period)s is reported as follows:"
            )
            % period
        )
    return (
        _(
            "To keep the city leadership informed of the progress of investment attraction and "
            "of the key work of Beijing-Tianjin-Hebei coordinated development, the situation in "
            "%(period)s is reported as follows:"
        )
        % period
    )


# --- a city's or a province's words: a province ranks cities (市), not counties ---------


def units_heading(content):
    if content.of_province:
        return _("(1) Cities")
    return _("(1) Counties, cities and districts")


def unit_label(content):
    """The ranked unit's column: 市 for a province's bulletin, 县（市、区） for a city's."""
    return _("City") if content.of_province else _("County/district")


def units_sheet(content):
    return _("Cities") if content.of_province else _("Counties")


def departments_sheet(content):
    return _("Provincial departments") if content.of_province else _("Departments")


def departments_heading(content):
    if content.of_province:
        return _("(2) Provincial departments")
    return _("(2) Municipal departments")


def overdue_heading(content):
    # A province's bulletin has no ledger and no problems sections (3 and 5 of a city's).
    return _("3. Key tasks overdue") if content.of_province else _("4. Key tasks overdue")


def next_steps_heading(content):
    return _("4. Next steps") if content.of_province else _("6. Next steps")


def period_paragraph(content):
    now, before = content.period, content.previous
    return _(
        "In %(period)s, %(signed)s projects were signed (%(signed_change)s), %(started)s "
        "projects started (%(started_change)s), %(producing)s projects went into operation "
        "(%(producing_change)s), and funds of %(funds)s ten thousand yuan arrived "
        "(%(funds_yi)s hundred million yuan; %(funds_change)s)."
    ) % {
        "period": period_name(content.kind, content.start, content.end),
        "signed": now.signed,
        "signed_change": count_change(now.signed - before.signed),
        "started": now.started,
        "started_change": count_change(now.started - before.started),
        "producing": now.producing,
        "producing_change": count_change(now.producing - before.producing),
        "funds": wan(now.funds_in_place),
        "funds_yi": yi(now.funds_in_place),
        "funds_change": funds_change(now.funds_in_place - before.funds_in_place),
    }


def cumulative_changes(content):
    """Each year-to-date figure's change since the previous period's end; in the year's
    first period there is nothing of the same year to compare with."""
    now, before = content.year_to_date, content.previous_year_to_date
    previous_end = content.start - datetime.timedelta(days=1)
    if previous_end.year != content.end.year:
        first_period = _("the year's first period")
        return dict.fromkeys(("signed", "started", "producing", "funds", "jjj"), first_period)
    return {
        "signed": count_change(now.signed - before.signed, cumulative=True),
        "started": count_change(now.started - before.started, cumulative=True),
        "producing": count_change(now.producing - before.producing, cumulative=True),
        "funds": funds_change(now.funds_in_place - before.funds_in_place, cumulative=True),
        "jjj": count_change(now.jjj_started - before.jjj_started, cumulative=True),
    }


def year_to_date_paragraph(content):
    now = content.year_to_date
    changes = cumulative_changes(content)
    return _(
        "From 1 January to %(date)s, %(signed)s projects were signed (%(signed_change)s), "
        "%(started)s started (%(started_change)s) and %(producing)s went into operation "
        "(%(producing_change)s); funds in place reached %(funds)s ten thousand yuan "
        "(%(funds_yi)s hundred million yuan; %(funds_change)s)."
    ) % {
        "date": long_date(content.end),
        "signed": now.signed,
        "signed_change": changes["signed"],
        "started": now.started,
        "started_change": changes["started"],
        "producing": now.producing,
        "producing_change": changes["producing"],
        "funds": wan(now.funds_in_place),
        "funds_yi": yi(now.funds_in_place),
        "funds_change": changes["funds"],
    }


def jjj_paragraph(content):
    now = content.year_to_date
    return _(
        "Of them, %(jjj)s projects of over 100 million yuan from Beijing, Tianjin and Hebei "
        "started construction (%(jjj_change)s), with %(jjj_yi)s hundred million yuan of "
        "funds in place."
    ) % {
        "jjj": now.jjj_started,
        "jjj_change": cumulative_changes(content)["jjj"],
        "jjj_yi": yi(now.jjj_started_funds),
    }


def review_paragraph(content):
    if not content.year_to_date.under_review:
        return _("None of the projects counted this year is under review as a possible duplicate.")
    return _(
        "%(count)s of the projects counted this year are possible duplicates (the same "
        "investor with a similarly named project in another county or year) under review; "
        "they stay counted until a supervisor decides."
    ) % {"count": content.year_to_date.under_review}


def lists_paragraph(table):
    red = LIST_SEPARATOR.join(table.listed("red")) or _("none")
    black = LIST_SEPARATOR.join(table.listed("black")) or _("none")
    return _("Red list: %(red)s. Black list: %(black)s.") % {"red": red, "black": black}


def cooperation_paragraph(content):
    """The cooperation ledger in one sentence: the ledger year's items, what started and
    was achieved in the period, and what landed as projects."""
    year = content.end.year
    total = cooperation_total(content.cooperation)
    if not total.items and not total.started and not total.achieved:
        return _(
            "No cooperation item with Beijing, Tianjin and Hebei is recorded in the ledger "
            "of %(year)d."
        ) % {"year": year}
    values = {
        "year": year,
        "items": total.items,
        "period": period_name(content.kind, content.start, content.end),
        "started": total.started,
        "achieved": total.achieved,
        "landed": total.landed_projects,
        "landed_yi": yi(total.landed_investment),
    }
    if not total.landed_projects:
        return (
            _(
                "The ledger of %(year)d records %(items)s cooperation items with Beijing, "
                "Tianjin and Hebei; in %(period)s, %(started)s items started and %(achieved)s "
                "were achieved. By kind:"
            )
            % values
        )
    return (
        _(
            "The ledger of %(year)d records %(items)s cooperation items with Beijing, Tianjin "
            "and Hebei, %(landed)s of which have landed as investment projects with a total "
            "investment of %(landed_yi)s hundred million yuan; in %(period)s, %(started)s "
            "items started and %(achieved)s were achieved. By kind:"
        )
        % values
    )


def overdue_paragraph(content):
    date = long_date(content.end)
    if not content.overdue_tasks:
        return _("At %(date)s, no key task was overdue.") % {"date": date}
    return _("At %(date)s, %(count)s key tasks were past their deadline and not completed:") % {
        "date": date,
        "count": len(content.overdue_tasks),
    }


def problems_paragraph(content):
    date = long_date(content.end)
    if not content.open_problems:
        return _("At %(date)s, no problem raised was left unsolved.") % {"date": date}
    return _("At %(date)s, %(count)s problems raised by projects and key tasks were unsolved:") % {
        "date": date,
        "count": len(content.open_problems),
    }


def next_steps(content):
    if content.of_province:
        return _(
            "The cities and departments on the black list, and those with overdue key tasks, "
            "are to analyse the causes, set out measures and deadlines, and report their "
            "progress in the next period's reports."
        )
    return _(
        "The counties and departments on the black list, and those with overdue key tasks "
        "or unsolved problems, are to analyse the causes, set out measures and deadlines, "
        "and report their progress in the next period's reports."
    )
