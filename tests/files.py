"""Small real files for the document tests: a PDF, PNG and JPEG images, office documents, and
their hostile twins (a program renamed, a PDF with JavaScript, a Word file with macros)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def pdf_bytes(extra: bytes = b"") -> bytes:
    """A one-page PDF, ``extra`` added to its catalogue (e.g. an /OpenAction with a script)."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R "
        + extra
        + b" >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def image_bytes(kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format=kind)
    return buffer.getvalue()


def office_bytes(kind: str = "docx", *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
            if macros:
                archive.writestr("Basic/Standard/Module1.xml", "<script/>")
            return _done(archive, buffer)
        content_type = "application/vnd.ms-word.document.macroEnabled.main+xml" if macros else ""
        archive.writestr("[Content_Types].xml", f"<Types>{content_type}</Types>")
        part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        archive.writestr(part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return buffer.getvalue()


def _done(archive: zipfile.ZipFile, buffer: io.BytesIO) -> bytes:
    archive.close()
    return buffer.getvalue()


def upload(name: str = "epikrise.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)


# A Windows program's first bytes: what a renamed .exe starts with.
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
