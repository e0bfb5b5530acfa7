"""The phone's one-screen forms. They gather input only; the services decide (the same
rules and messages as the admin and the API), and their ValidationErrors come back onto
the forms field by field (``add_service_errors``)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.evidence_forms import MultipleEvidenceField
from core.ownership import is_supervisor
from projects.blockers import NOTE_MAX_LENGTH as BLOCKER_NOTE_MAX_LENGTH
from projects.choices import BlockerKind, Stage
from projects.models import MONEY, ProjectUpdate
from projects.models.blockers import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH
from tracker.choices import OPEN_TASK_STATUSES, TaskStatus
from tracker.loop import NOTE_MAX_LENGTH


class PhotoInput(forms.FileInput):
    """``<input type="file" accept="image/*" capture="environment" multiple>``: the phone
    offers its camera (and its photos); the server still checks every file's content."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


def photos_field():
    return MultipleEvidenceField(
        label=_("Photos"), required=False, widget=PhotoInput(), max_files=10
    )


NOTE_LABEL = _("note")


def note_field(*, required, max_length=NOTE_MAX_LENGTH, label=NOTE_LABEL):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("status"))
    progress = forms.IntegerField(
        label=_("progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = note_field(required=False, max_length=4000)
    files = photos_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # An official reports work; the office ends tasks (the service says so too).
        statuses = TaskStatus.choices
        if not is_supervisor(user):
            statuses = [(v, label) for v, label in statuses if v in OPEN_TASK_STATUSES]
        self.fields["status"].choices = statuses


class ProjectProgressForm(forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    funds_in_place = forms.DecimalField(
        label=_("funds in place (10,000 yuan)"),
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    # The same fields as the admin's report form; the service checks the rules on them.
    is_correction = ProjectUpdate._meta.get_field("is_correction").formfield(required=False)
    capital_increase = ProjectUpdate._meta.get_field("capital_increase").formfield(
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    note = note_field(required=False, max_length=4000)
    files = photos_field()

    def clean_capital_increase(self):
        # An empty box is no increase.
        return self.cleaned_data["capital_increase"] or Decimal("0")


class ReceiveForm(forms.Form):
    note = note_field(required=False)


class CompletionForm(forms.Form):
    note = note_field(required=True, label=_("What was done"))
    files = photos_field()


class ProblemNoteForm(forms.Form):
    note = note_field(required=True, max_length=BLOCKER_NOTE_MAX_LENGTH)
    files = photos_field()


class RaiseProblemForm(forms.Form):
    title = forms.CharField(label=_("problem"), max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("kind"), choices=BlockerKind.choices)
    description = note_field(
        required=True, max_length=DESCRIPTION_MAX_LENGTH, label=_("description")
    )
    files = photos_field()


def add_service_errors(form, error):
    """Put a service's ValidationError on the form: each message under its field when the
    form has that field, the others above the form."""
    if not isinstance(error, ValidationError):
        raise TypeError(error)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
