"""A name holding what XML cannot (U+FFFF, a lone surrogate, a control character) never
stops a bulletin: the one-line rule refuses such names now, and the writers drop the
character from a name stored before it did."""

import io
import zipfile

import pytest

from bulletins.annex import xlsx_annex
from bulletins.content import RankingTable
from bulletins.document import docx_bytes
from bulletins.tests.sample import line, sample_content

BAD = "陵城区\uffff\ud800\x01"


def test_the_document_and_the_annex_are_written_without_the_bad_characters():
    content = sample_content(counties=RankingTable("county", (line(1, BAD, "98.50"),)))
    document = docx_bytes(content)
    annex = xlsx_annex(content)
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        body = package.read("word/document.xml").decode()
    assert "陵城区" in body and "\uffff" not in body
    with zipfile.ZipFile(io.BytesIO(annex)) as package:
        assert all(
            "\uffff" not in package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith(".xml")
        )


@pytest.mark.django_db
def test_an_official_cannot_store_such_a_name(api_client_for, official_user, project):
    response = api_client_for(official_user).patch(
        f"/api/v1/projects/{project.pk}/",
        {"name": project.name + "\uffff", "version": project.version},
        format="json",
    )
    assert response.status_code == 400 and "name" in response.json()
