"""PDF documents (WeasyPrint): one way to turn a template into an A4 PDF.

Every PDF extends ``lkt/pdf_base.html``: a running header (who and what the document is about,
generated when and by whom), page numbers and a footer line on every page. The PDF is drawn from
our own HTML only: the fetcher refuses every URL but ``data:``, so nothing in a document can make
the server fetch anything (no network, no local files).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

PDF_CONTENT_TYPE = "application/pdf"
# Raised when a document refers to anything outside itself.
RefusedFetch = FatalURLFetchingError


# Only data: URLs, and a refused one stops the document rather than leaving a hole in it.
_FETCHER = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)


# PDF/A-2b for what goes to an archive (the closed team's archive copy): self-contained (fonts
# embedded, no transparency groups left to the reader, XMP metadata), the level Arkivverket
# takes for deposits (PDF/A-1 or -2); -3 would allow embedded files, which an archive copy has no
# use for.
ARCHIVE_VARIANT = "pdf/a-2b"


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    request: HttpRequest | None = None,
    *,
    variant: str | None = None,
) -> bytes:
    """The template rendered (with the request's language and context processors) to PDF;
    ``variant`` a WeasyPrint ``pdf_variant`` (ARCHIVE_VARIANT for PDF/A)."""
    html = render_to_string(template_name, context, request=request)
    options: dict[str, Any] = {"pdf_variant": variant} if variant else {}
    pdf = HTML(string=html, url_fetcher=_FETCHER).write_pdf(**options)
    if pdf is None:  # only when writing to a target, never here
        raise RuntimeError("WeasyPrint returned no document")
    return pdf


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF download that no cache keeps (the documents are confidential)."""
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
