"""A form field for attaching several evidence files at once (Django's documented
``MultipleFileField`` recipe), each checked by core.evidence.validate_upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .evidence import MAX_FILES_PER_UPLOAD, validate_upload
from .evidence_types import accepted_extensions


class MultipleEvidenceInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleEvidenceField(forms.FileField):
    """A list of :class:`core.evidence.CheckedUpload`, one per file chosen; ``[]`` when none
    is chosen and the field is optional. Every refused file is named in the errors, so the
    official fixes all of them in one go. Pass the result to ``store_evidence``."""

    default_error_messages = {
        "too_many": _("Attach at most %(count)s files at a time."),
    }

    def __init__(self, *, max_files=MAX_FILES_PER_UPLOAD, **kwargs):
        self.max_files = max_files
        # The file picker offers the accepted types first; the server still checks content.
        kwargs.setdefault(
            "widget", MultipleEvidenceInput(attrs={"accept": ",".join(accepted_extensions())})
        )
        # An empty file is refused by validate_upload, with its name in the message.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in self.as_list(data) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"count": self.max_files}
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(validate_upload(self.to_python(upload)))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return checked

    @staticmethod
    def as_list(data):
        if isinstance(data, (list, tuple)):
            return list(data)
        return [data]
