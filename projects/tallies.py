"""Project statistics answered from ProjectTally (issue 20). Stubs until the tally lands:
each returns None, meaning "not covered: answer from the rows"."""


def tally_groups(user, params, group_by):
    """The groups of ``group_by`` for ``params`` (a QueryDict of the stats filters), as
    ``[{"key": ..., "projects": int, "total_investment": Decimal, "funds_in_place": Decimal}]``,
    or None when the filters are not covered by the tally."""
    return None


def tally_count(user, params):
    """The number of projects the list would hold for ``params`` (the list's filters) as the
    user sees them, or None when not covered."""
    return None


def tally_years(user):
    """The ledger years the user's visible projects have, newest first, or None."""
    return None
