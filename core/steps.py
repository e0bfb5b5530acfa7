"""What a workflow of steps shares (a key task's loop, a problem's coordination): a row of
the table of steps, and the note a step carries, checked the same way everywhere."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A step's note (a reason, what was done): a paragraph, not a document; files carry those.
NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Step:
    """The states a step starts from, the state it leads to (None: the state stays), who
    takes it (a role name of the workflow) and whether it needs a note."""

    sources: frozenset
    target: str | None
    taken_by: str
    needs_note: bool = False


def step_text(text, *, required, missing, field="note", max_length=NOTE_MAX_LENGTH):
    """``text`` stripped; refused on ``field`` with ``missing`` when required and empty, or
    when longer than ``max_length``."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: missing})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("Keep the note under %(count)d characters; attach files for more.")
                % {"count": max_length}
            }
        )
    return text
