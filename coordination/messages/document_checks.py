"""What a file is, read from its content, never from its name (issue 19).

LKT takes PDF, PNG and JPEG images, and Word, Excel and OpenDocument text files; nothing that
runs. The type is read from the first bytes (the magic numbers), then the file is opened as that
type: an image must decode (Pillow, which WeasyPrint already brings), an office file must be a
zip with the parts of its kind and no macros or ActiveX, a PDF must carry no JavaScript, launch
or embedded-file actions. A file whose name promises another type than its content is refused,
so a renamed program never passes as a PDF.

Each check raises ``ValidationError`` with a Norwegian message the uploader can act on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from coordination.models import Document

Kind = Document.Kind

# The file name's ending for each kind (what the uploader's name must say).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    Kind.PDF: (".pdf",),
    Kind.PNG: (".png",),
    Kind.JPEG: (".jpg", ".jpeg"),
    Kind.DOCX: (".docx",),
    Kind.XLSX: (".xlsx",),
    Kind.ODT: (".odt",),
}
NAME_LENGTH = 200
# An office file unpacks to at most this much, and at most this many parts: a zip bomb stops here.
UNPACKED_LIMIT = 200 * 1024 * 1024
PARTS_LIMIT = 2000
# Names in a PDF that make it act rather than show: scripts, launching programs, files inside
# it, forms that send data, multimedia players. A plain /OpenAction that only opens a page is
# allowed (many office programs write one); one that runs a script names /JavaScript too.
_PDF_ACTIVE = {
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"AA",
}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
# Parts of an Office Open XML file that hold macros or ActiveX controls.
_OOXML_ACTIVE = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
_ODF_ACTIVE = re.compile(r"^(Basic|Scripts)/", re.IGNORECASE)
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def not_allowed() -> ValidationError:
    return ValidationError(
        _(
            "Filtypen er ikke tillatt. Last opp en PDF, et bilde (PNG eller JPEG) eller et "
            "dokument fra Word, Excel eller OpenDocument (docx, xlsx, odt)."
        ),
        code="type",
    )


def clean_name(name: str) -> str:
    """The uploader's file name, refused with a message when it holds a path or control
    characters (it is only shown and offered again on download, never used as a path)."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or name in {".", ".."}:
        raise ValidationError(_("Filen må ha et navn."), code="name")
    if "/" in name or "\\" in name:
        raise ValidationError(
            _("Filnavnet kan ikke inneholde / eller \\. Gi filen et vanlig navn og prøv igjen."),
            code="name",
        )
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name):
        raise ValidationError(
            _("Filnavnet inneholder usynlige tegn eller kontrolltegn. Gi filen et nytt navn."),
            code="name",
        )
    if len(name) > NAME_LENGTH:
        raise ValidationError(
            _("Filnavnet er for langt (høyst %(n)s tegn).") % {"n": NAME_LENGTH}, code="name"
        )
    return name


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _pdf_names(data: bytes) -> set[bytes]:
    return {_PDF_HEX.sub(lambda m: bytes([int(m[1], 16)]), n) for n in _PDF_NAME.findall(data)}


def _check_pdf(data: bytes) -> None:
    names = _pdf_names(data)
    # Objects may hide in compressed object streams: look inside each stream that inflates.
    for stream in _PDF_STREAM.findall(data):
        try:
            names |= _pdf_names(zlib.decompressobj().decompress(stream, UNPACKED_LIMIT))
        except zlib.error:
            continue
    if names & _PDF_ACTIVE:
        raise ValidationError(
            _(
                "PDF-en inneholder skript, innebygde filer eller handlinger som starter noe. "
                "Lagre den som en vanlig PDF (for eksempel «Skriv ut til PDF») og prøv igjen."
            ),
            code="active",
        )
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("PDF-en er ufullstendig eller skadet."), code="broken")


def _check_image(file: IO[bytes], kind: str) -> None:
    file.seek(0)
    try:
        with Image.open(file) as image:
            expected = "PNG" if kind == Kind.PNG else "JPEG"
            if image.format != expected:
                raise not_allowed()
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("Bildet er skadet og kan ikke åpnes."), code="broken") from error
    except Image.DecompressionBombError as error:
        raise ValidationError(_("Bildet er for stort."), code="size") from error


def _office_kind(archive: zipfile.ZipFile) -> str:
    infos = archive.infolist()
    if len(infos) > PARTS_LIMIT or sum(i.file_size for i in infos) > UNPACKED_LIMIT:
        raise ValidationError(_("Dokumentet pakker seg ut til noe altfor stort."), code="size")
    names = [i.filename for i in infos]
    if any(i.flag_bits & 0x1 for i in infos):
        raise ValidationError(
            _("Dokumentet er passordbeskyttet. Fjern passordet og prøv igjen."), code="encrypted"
        )
    if any(n.startswith("/") or ".." in n.split("/") for n in names):
        raise not_allowed()
    if names and names[0] == "mimetype" and archive.read("mimetype").strip() == _ODT_MIMETYPE:
        if any(_ODF_ACTIVE.match(n) for n in names):
            raise _macros()
        if "content.xml" not in names:
            raise not_allowed()
        return Kind.ODT
    if "[Content_Types].xml" not in names:
        raise not_allowed()
    types = archive.read("[Content_Types].xml")
    if any(_OOXML_ACTIVE.search(n) for n in names) or b"macroEnabled" in types:
        raise _macros()
    if "word/document.xml" in names:
        return Kind.DOCX
    if "xl/workbook.xml" in names:
        return Kind.XLSX
    raise not_allowed()


def _macros() -> ValidationError:
    return ValidationError(
        _(
            "Dokumentet inneholder makroer eller aktivt innhold, som LKT ikke tar imot. Lagre "
            "det som vanlig docx, xlsx eller odt uten makroer og prøv igjen."
        ),
        code="active",
    )


def _check_office(file: IO[bytes]) -> str:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return _office_kind(archive)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
        raise ValidationError(
            _("Dokumentet er skadet og kan ikke åpnes."), code="broken"
        ) from error


def check_file(file: IO[bytes], *, name: str, size: int, max_bytes: int) -> CheckedFile:
    """The checked facts of an uploaded file, or a ValidationError saying what is wrong."""
    clean = clean_name(name)
    if size <= 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("Filen er for stor: %(size)s MB. Største tillatte er %(max)s MB.")
            % {"size": f"{size / 1_048_576:.1f}".replace(".", ","), "max": max_bytes // 1_048_576},
            code="size",
        )
    file.seek(0)
    kind = _sniff(file.read(16))
    if kind is None:
        raise not_allowed()
    if kind == "zip":
        kind = _check_office(file)
    elif kind in (Kind.PNG, Kind.JPEG):
        _check_image(file, kind)
    if not clean.lower().endswith(EXTENSIONS[kind]):
        raise ValidationError(
            _(
                "Filnavnet passer ikke med innholdet: filen er en %(kind)s, men heter "
                "«%(name)s». Gi den riktig endelse (%(ending)s) og prøv igjen."
            )
            % {"kind": Kind(kind).label, "name": clean, "ending": EXTENSIONS[kind][0]},
            code="mismatch",
        )
    file.seek(0)
    digest = hashlib.sha256()
    data = b""
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
        if kind == Kind.PDF:
            data += chunk
    if kind == Kind.PDF:
        _check_pdf(data)
    file.seek(0)
    return CheckedFile(name=clean, content_type=kind, size=size, sha256=digest.hexdigest())
