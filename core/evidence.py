"""Evidence files (site photos, signed contracts, meeting minutes) attached to any record.

An app declares its own concrete model, ``class TaskEvidence(EvidenceFile)`` with the links
to what the file proves, and records uploads with :func:`store_evidence`. Every upload is
checked first (:func:`validate_upload`): a size limit, and a type read from the content
(core.evidence_types). On disk a file has a random name; the uploaded name is kept only as
data. Files are served through :func:`serve_evidence` (core.evidence_serving), never from a
public URL. docs/evidence.md explains the rules.
"""

import contextlib
import contextvars
import hashlib
import logging
import os
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .evidence_images import downscale_image
from .evidence_serving import serve_evidence, thumbnail_html
from .evidence_types import (
    ImageProblem,
    accepted_extensions,
    image_problem,
    is_image_type,
    sniff,
)

__all__ = [
    "MAX_FILES_PER_UPLOAD",
    "CheckedUpload",
    "EvidenceFile",
    "clean_name",
    "evidence_atomic",
    "evidence_path",
    "serve_evidence",
    "sniff",
    "store_evidence",
    "thumbnail_html",
    "validate_upload",
]

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 200
# One form or API request attaches at most this many files (Django's own cap is 100).
MAX_FILES_PER_UPLOAD = 20
MB = 1024 * 1024
# Unicode categories stripped from an uploaded name: controls (line breaks, NUL), format
# characters (the right-to-left override that shows "gpj.exe" as "exe.jpg"), separators.
STRIPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def evidence_path(instance, filename):
    """``evidence/<year>/<month>/<random hex><extension>``: no trace of the uploaded name,
    so no name can climb out of the folder, collide with another, or say anything."""
    extension = os.path.splitext(filename)[1].lower()
    if extension not in accepted_extensions():
        extension = ""
    return f"evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"


class EvidenceFile(models.Model):
    """A checked file. Concrete models add the links to what it is evidence of."""

    file = models.FileField(gettext_lazy("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(gettext_lazy("file name"), max_length=NAME_MAX_LENGTH)
    content_type = models.CharField(gettext_lazy("file type"), max_length=100)
    size = models.PositiveBigIntegerField(gettext_lazy("size in bytes"))
    sha256 = models.CharField(gettext_lazy("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_uploads",
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return is_image_type(self.content_type)


def clean_name(name):
    """The uploaded name as data: its last path part, one line, at most 200 characters.

    Browsers send a bare name, but old ones (and scripts) send ``C:\\Users\\..\\a.pdf`` or
    ``../../etc/passwd.pdf``. The extension survives shortening.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in STRIPPED_CATEGORIES)
    name = name.strip().strip(".").strip()
    if not name:
        return "file"
    if len(name) > NAME_MAX_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: NAME_MAX_LENGTH - len(extension)] + extension
    return name


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed :func:`validate_upload`, with what was learnt about it."""

    file: UploadedFile
    name: str
    content_type: str
    extension: str
    size: int
    sha256: str


def megabytes(size):
    """A size in MB as people write it: 20, 2.5, 0.001."""
    value = size / MB
    if value < 1:
        return f"{value:.2g}"
    return f"{value:.1f}".removesuffix(".0")


def refused_type(name):
    return ValidationError(
        _(
            "“%(name)s” is not a file type that can be attached. Accepted: %(types)s. "
            "The type is read from the file's content, not from its name."
        )
        % {"name": name, "types": ", ".join(accepted_extensions())},
        code="file_type",
    )


def check_size(name, size):
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    limit = settings.TRACKER_EVIDENCE_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; a file may be at most %(limit)s MB.")
            % {"name": name, "size": megabytes(size), "limit": megabytes(limit)},
            code="too_large",
        )


def check_image(name, fileobj, content_type):
    problem = image_problem(fileobj, content_type)
    if problem == ImageProblem.TOO_MANY_PIXELS:
        raise ValidationError(
            _(
                "“%(name)s” has too many pixels to be shown; make the picture smaller and "
                "upload it again."
            )
            % {"name": name},
            code="too_many_pixels",
        )
    if problem is not None:
        raise ValidationError(
            _("“%(name)s” is damaged or not really an image; it cannot be opened.")
            % {"name": name},
            code="damaged_image",
        )


def digest(fileobj):
    """The SHA-256 and length of the bytes actually received."""
    sha256, size = hashlib.sha256(), 0
    for chunk in fileobj.chunks():
        sha256.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return sha256.hexdigest(), size


def validate_upload(uploaded_file):
    """Check one uploaded file; a :class:`CheckedUpload`, or a ValidationError naming it."""
    name = clean_name(uploaded_file.name)
    # The declared size first, so that an oversize file is refused before it is read.
    check_size(name, uploaded_file.size)
    kind = sniff(uploaded_file, name=name)
    if kind is None:
        raise refused_type(name)
    if is_image_type(kind.content_type):
        check_image(name, uploaded_file, kind.content_type)
        # A photo larger than needed is stored smaller (core.evidence_images): the checksum
        # and size below are those of the bytes stored.
        uploaded_file = downscale_image(uploaded_file, kind.content_type)
    sha256, size = digest(uploaded_file)
    check_size(name, size)
    return CheckedUpload(uploaded_file, name, kind.content_type, kind.extension, size, sha256)


# The files stored in the current evidence_atomic() block, to delete if it fails.
_stored_files = contextvars.ContextVar("evidence_stored_files", default=None)


@contextlib.contextmanager
def evidence_atomic(using=None):
    """``transaction.atomic()`` that also deletes the files stored inside it if it fails.

    A database rolls back; a file storage does not. Use it as the outermost transaction of
    a service that stores evidence (a report with its photos): if anything fails, neither
    the rows nor the files remain. Nested blocks hand their files to the enclosing one.
    """
    enclosing = _stored_files.get()
    mine = []
    token = _stored_files.set(mine)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        delete_files(mine)
        raise
    finally:
        _stored_files.reset(token)
    if enclosing is not None:
        enclosing.extend(mine)


def delete_files(stored):
    for storage, name in stored:
        try:
            storage.delete(name)
        except Exception:
            # The failure that brought us here matters more; an orphan is only disk space.
            logger.exception("Could not delete the evidence file %s after a failure", name)


def remember_stored(storage, name):
    stored = _stored_files.get()
    if stored is not None:
        stored.append((storage, name))


def store_evidence(model_class, uploaded_file, *, by, **fields):
    """Check ``uploaded_file`` (or take a :class:`CheckedUpload`), store it and add its row.

    ``fields`` are the concrete model's own (the task, the report). One transaction: if
    the row cannot be saved, the stored file is deleted again. Returns the saved row.
    """
    checked = uploaded_file
    if not isinstance(checked, CheckedUpload):
        checked = validate_upload(uploaded_file)
    with evidence_atomic():
        evidence = model_class(
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
            **fields,
        )
        evidence.full_clean(exclude=["file"])
        evidence.file.save(f"upload{checked.extension}", checked.file, save=False)
        remember_stored(evidence.file.storage, evidence.file.name)
        evidence.save(force_insert=True)
    return evidence
