"""Several files in one form or one multipart API request, each checked and named."""

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.evidence import CheckedUpload
from core.evidence_forms import MultipleEvidenceField
from core.evidence_rest import EvidenceUploadsField

from . import evidence_samples as samples


class AttachForm(forms.Form):
    files = MultipleEvidenceField(max_files=3)


class OptionalForm(forms.Form):
    files = MultipleEvidenceField(required=False)


def form_with(form_class, *uploads):
    return form_class(data={}, files=MultiValueDict({"files": list(uploads)}))


def test_the_form_field_answers_each_file_checked():
    form = form_with(
        AttachForm,
        samples.upload("合同.pdf", samples.pdf()),
        samples.upload("现场.jpg", samples.image("JPEG")),
    )

    assert form.is_valid(), form.errors
    checked = form.cleaned_data["files"]
    assert all(isinstance(item, CheckedUpload) for item in checked)
    assert [(item.name, item.content_type) for item in checked] == [
        ("合同.pdf", "application/pdf"),
        ("现场.jpg", "image/jpeg"),
    ]


def test_the_form_names_every_refused_file():
    form = form_with(
        AttachForm,
        samples.upload("ok.pdf", samples.pdf()),
        samples.upload("fake.pdf", samples.html()),
        samples.upload("empty.docx", b""),
    )

    assert not form.is_valid()
    errors = form.errors["files"]
    assert len(errors) == 2
    assert "“fake.pdf”" in errors[0] and "“empty.docx”" in errors[1]


def test_the_form_limits_the_number_of_files():
    form = form_with(AttachForm, *(samples.upload(f"{n}.pdf", samples.pdf()) for n in range(4)))

    assert not form.is_valid()
    assert form.errors["files"].as_data()[0].code == "too_many"


def test_a_required_field_wants_a_file_and_an_optional_one_answers_none():
    assert "files" in form_with(AttachForm).errors
    optional = form_with(OptionalForm)
    assert optional.is_valid() and optional.cleaned_data["files"] == []


def test_the_widget_lets_the_picker_choose_several_accepted_files():
    html = str(AttachForm()["files"])

    assert "multiple" in html
    assert 'accept=".pdf,.jpg,.jpeg,' in html and ".svg" not in html


class AttachSerializer(serializers.Serializer):
    files = EvidenceUploadsField()


def multipart(*uploads):
    request = APIRequestFactory().post("/api/v1/x/", {"files": list(uploads)}, format="multipart")
    return Request(request, parsers=[MultiPartParser()]).data


def test_the_api_field_reads_several_files_of_one_name():
    serializer = AttachSerializer(
        data=multipart(
            samples.upload("a.pdf", samples.pdf()),
            samples.upload("b.xlsx", samples.office("xl")),
        )
    )

    assert serializer.is_valid(), serializer.errors
    assert [item.extension for item in serializer.validated_data["files"]] == [".pdf", ".xlsx"]


def test_the_api_field_lists_one_sentence_per_refused_file():
    serializer = AttachSerializer(
        data=multipart(
            samples.upload("evil.jpg", samples.exe()),
            samples.upload("ok.png", samples.image("PNG")),
            samples.upload("drawing.svg", samples.svg()),
        )
    )

    assert not serializer.is_valid()
    errors = serializer.errors["files"]
    assert isinstance(errors, list) and len(errors) == 2
    assert "“evil.jpg”" in errors[0] and "“drawing.svg”" in errors[1]


@pytest.mark.parametrize("data", [{}, {"files": "not a file"}])
def test_the_api_field_wants_files(data):
    serializer = AttachSerializer(data=data)

    assert not serializer.is_valid()
    assert "files" in serializer.errors
