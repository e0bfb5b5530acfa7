"""store_evidence on a concrete model (tracker's TaskEvidence): a random name on disk, the
facts in the row, and nothing left behind when the row cannot be saved."""

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import DatabaseError

from core.evidence import evidence_atomic, store_evidence
from tracker.models import TaskEvidence

from . import evidence_samples as samples

STORED_NAME = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]+")


@pytest.fixture
def storage_dir(evidence_storage):
    return evidence_storage


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


class OnTask:
    """Evidence of one key task: ``store`` as the services call it, ``objects`` to look."""

    objects = TaskEvidence.objects

    def __init__(self, task):
        self.task = task

    def store(self, upload, *, by, **fields):
        return store_evidence(TaskEvidence, upload, by=by, **{"task": self.task, **fields})


@pytest.fixture
def models_(storage_dir, task):
    return OnTask(task), None


@pytest.fixture
def official(db):
    return get_user_model().objects.create_user("wang.fang", password="x")


def test_a_stored_file_has_a_random_name_and_its_row_the_facts(models_, official, storage_dir):
    site_photo, _ = models_
    content = samples.pdf()

    evidence = site_photo.store(samples.upload("../../etc/passwd.pdf", content), by=official)

    evidence = site_photo.objects.get(pk=evidence.pk)
    assert STORED_NAME.fullmatch(evidence.file.name)
    assert evidence.file.name.endswith(".pdf") and "passwd" not in evidence.file.name
    assert evidence.name == "passwd.pdf"
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(content))
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.uploaded_by, evidence.task) == (official, site_photo.task)
    assert evidence.uploaded_at is not None and not evidence.is_image
    assert stored_files(storage_dir) == [evidence.file.name]
    with default_storage.open(evidence.file.name) as stored:
        assert stored.read() == content


def test_the_extension_on_disk_is_the_one_of_the_real_type(models_, official):
    site_photo, _ = models_

    evidence = site_photo.store(samples.upload("photo.png", samples.image("JPEG")), by=None)

    assert evidence.file.name.endswith(".jpg")
    assert evidence.is_image and evidence.uploaded_by is None


def test_a_large_upload_kept_in_a_temporary_file_is_stored_whole(models_, official):
    # Django keeps uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) in a temporary file,
    # which the file system storage moves rather than copies.
    site_photo, _ = models_
    content = samples.pdf() + b"%" * (3 * 1024 * 1024)
    upload = TemporaryUploadedFile("scan.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)

    evidence = site_photo.store(upload, by=official)
    upload.close()  # as the request's end does; the temporary file was moved, not copied

    assert evidence.size == len(content)
    with default_storage.open(evidence.file.name) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256


def test_two_uploads_of_the_same_name_never_share_a_file(models_, official):
    site_photo, _ = models_

    first = site_photo.store(samples.upload("a.pdf", samples.pdf()), by=official)
    second = site_photo.store(samples.upload("a.pdf", samples.pdf()), by=official)

    assert first.file.name != second.file.name
    assert first.sha256 == second.sha256


def test_a_failed_insert_leaves_no_file(models_, official, storage_dir, monkeypatch):
    site_photo, _ = models_

    def insert_fails(*args, **kwargs):
        raise DatabaseError("the database refused the row")

    # The file is stored first; the database then fails (a fault injected at the save).
    monkeypatch.setattr(TaskEvidence, "save", insert_fails)
    with pytest.raises(DatabaseError):
        site_photo.store(samples.upload("contract.pdf", samples.pdf()), by=official)

    assert stored_files(storage_dir) == []


def test_an_invalid_row_is_refused_before_anything_is_stored(models_, official, storage_dir):
    site_photo, _ = models_

    with pytest.raises(ValidationError) as refused:
        site_photo.store(samples.upload("a.pdf", samples.pdf()), by=official, task=None)

    assert "task" in refused.value.message_dict
    assert stored_files(storage_dir) == [] and not site_photo.objects.exists()


def test_a_refused_upload_stores_nothing(models_, official, storage_dir):
    site_photo, _ = models_

    with pytest.raises(ValidationError):
        site_photo.store(samples.upload("a.pdf", samples.html()), by=official)

    assert stored_files(storage_dir) == [] and not site_photo.objects.exists()


def test_a_failing_service_takes_back_every_file_it_stored(models_, official, storage_dir):
    site_photo, _ = models_

    with pytest.raises(RuntimeError), evidence_atomic():
        site_photo.store(samples.upload("a.pdf", samples.pdf()), by=official)
        with evidence_atomic():  # a nested block that succeeds hands its files outwards
            site_photo.store(samples.upload("b.png", samples.image("PNG")), by=official)
        assert len(stored_files(storage_dir)) == 2
        raise RuntimeError("the report could not be recorded")

    assert stored_files(storage_dir) == [] and not site_photo.objects.exists()


def test_a_service_that_succeeds_keeps_its_files(models_, official, storage_dir):
    site_photo, _ = models_

    with evidence_atomic():
        site_photo.store(samples.upload("a.pdf", samples.pdf()), by=official)
        site_photo.store(samples.upload("b.gif", samples.image("GIF")), by=official)

    assert len(stored_files(storage_dir)) == 2 and site_photo.objects.count() == 2
