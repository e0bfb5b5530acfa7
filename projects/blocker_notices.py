"""Telling people about a problem's steps (filled in with the notifications work)."""


def assigned(blocker, step):
    """The coordinating department is told, once, that a problem was handed to it."""
