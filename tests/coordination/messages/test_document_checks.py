"""The type of a file is read from its content, and what runs is refused (issue 19)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from coordination.messages.document_checks import check_file, clean_name
from coordination.models import Document
from tests.files import EXE, image_bytes, office_bytes, pdf_bytes

MB = 1024 * 1024


def checked(name: str, content: bytes, max_bytes: int = 10 * MB):
    return check_file(io.BytesIO(content), name=name, size=len(content), max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("epikrise.pdf", pdf_bytes(), Document.Kind.PDF),
        ("bilde.png", image_bytes("PNG"), Document.Kind.PNG),
        ("bilde.JPG", image_bytes("JPEG"), Document.Kind.JPEG),
        ("fagplan.docx", office_bytes("docx"), Document.Kind.DOCX),
        ("timer.xlsx", office_bytes("xlsx"), Document.Kind.XLSX),
        ("iop.odt", office_bytes("odt"), Document.Kind.ODT),
    ],
)
def test_each_allowed_type_is_recognised_from_its_content(name, content, kind):
    result = checked(name, content)

    assert result.content_type == kind
    assert result.size == len(content) and len(result.sha256) == 64


def test_a_pdf_opening_on_a_page_is_allowed_but_one_that_runs_a_script_is_not():
    checked("plan.pdf", pdf_bytes(b"/OpenAction [3 0 R /Fit]"))

    with pytest.raises(ValidationError, match="skript"):
        checked("plan.pdf", pdf_bytes(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"))
    # A name written with #-escapes is the same name.
    with pytest.raises(ValidationError, match="skript"):
        checked("plan.pdf", pdf_bytes(b"/OpenAction << /S /J#61vaScript >>"))
    with pytest.raises(ValidationError, match="skript"):
        checked("plan.pdf", pdf_bytes(b"/OpenAction << /S /Launch /F (cmd.exe) >>"))


def test_a_script_hidden_in_a_compressed_stream_is_found():
    import zlib

    hidden = zlib.compress(b"<< /S /JavaScript /JS (x) >>")
    content = (
        pdf_bytes(b"/Extra 4 0 R")
        + b"4 0 obj << /Filter /FlateDecode >> stream\n"
        + hidden
        + b"endstream endobj\n%%EOF"
    )

    with pytest.raises(ValidationError, match="skript"):
        checked("plan.pdf", content)


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_office_files_with_macros_are_refused(kind):
    with pytest.raises(ValidationError, match="makroer"):
        checked(f"fagplan.{kind}", office_bytes(kind, macros=True))


def test_a_program_renamed_to_pdf_is_refused():
    with pytest.raises(ValidationError, match="Filtypen er ikke tillatt"):
        checked("epikrise.pdf", EXE)


def test_an_image_named_as_a_pdf_is_refused_with_the_right_ending():
    with pytest.raises(ValidationError, match=r"PNG.*\.png"):
        checked("epikrise.pdf", image_bytes("PNG"))


def test_a_broken_image_and_a_broken_zip_are_refused():
    with pytest.raises(ValidationError, match="skadet"):
        checked("bilde.png", image_bytes("PNG")[:40])
    with pytest.raises(ValidationError, match="skadet"):
        checked("fagplan.docx", b"PK\x03\x04" + b"\x00" * 40)


def test_an_empty_and_an_oversized_file_are_refused():
    with pytest.raises(ValidationError, match="tom"):
        checked("tom.pdf", b"")
    with pytest.raises(ValidationError, match="for stor: 2,0 MB. Største tillatte er 1 MB"):
        check_file(io.BytesIO(pdf_bytes()), name="stor.pdf", size=2 * MB, max_bytes=MB)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\boot.pdf", "a\x00b.pdf", "rapport\u202eexe.pdf", "", ".."]
)
def test_file_names_with_paths_or_control_characters_are_refused(name):
    with pytest.raises(ValidationError):
        clean_name(name)


def test_a_plain_norwegian_file_name_is_kept():
    assert clean_name(" Epikrise fra DPS – 2026 (1).pdf ") == "Epikrise fra DPS – 2026 (1).pdf"
