"""Evidence files in the API: a multipart field of several files, each checked by
core.evidence.validate_upload."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .evidence import MAX_FILES_PER_UPLOAD, validate_upload


class EvidenceUploadField(serializers.FileField):
    """One uploaded file, answered as a :class:`core.evidence.CheckedUpload`."""

    def __init__(self, **kwargs):
        # An empty file is refused by validate_upload, with its name in the message.
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        try:
            return validate_upload(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.messages, code=getattr(error, "code", None)
            ) from error


class EvidenceUploadsField(serializers.ListField):
    """Several files under one multipart name (``files=@a.jpg files=@b.pdf``): a list of
    CheckedUpload for ``core.evidence.store_evidence``. Errors are one flat list, a sentence
    per refused file naming it, rather than DRF's ``{index: [...]}``; a name says more to
    an official than a position."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", EvidenceUploadField())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_FILES_PER_UPLOAD)
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)

    def run_child_validation(self, data):
        checked, errors = [], []
        for item in data:
            try:
                checked.append(self.child.run_validation(item))
            except serializers.ValidationError as error:
                errors.extend(flatten(error.detail))
        if errors:
            raise serializers.ValidationError(errors)
        return checked


def flatten(detail):
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in flatten(value)]
    return [detail]
