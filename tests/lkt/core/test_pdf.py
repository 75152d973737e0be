"""The PDF frame every document uses: A4, the header and the confidentiality line with page
numbers on every page, the text readable back, and nothing fetched from outside."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from lkt.core.pdf import RefusedFetch, pdf_response, render_pdf

A4_POINTS = (595, 842)
DOCUMENT = """{% extends "lkt/pdf_base.html" %}
{% block title %}Prøve{% endblock %}
{% block header %}Prøvedokument for {{ name }}{% endblock %}
{% block content %}{% for n in rows %}<p>Linje {{ n }}</p>{% endfor %}{{ extra|safe }}{% endblock %}"""


def _templates() -> list[dict[str, Any]]:
    """The project's engine with ``doc.html`` in front of its own templates."""
    engine: dict[str, Any] = {**settings.TEMPLATES[0]}
    engine.pop("APP_DIRS", None)
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {"doc.html": DOCUMENT}),
            "django.template.loaders.filesystem.Loader",
        ],
    }
    return [engine]


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_is_a4_with_header_confidentiality_and_its_number():
    with override_settings(TEMPLATES=_templates()):
        pdf = render_pdf("doc.html", {"name": "Team 7", "rows": range(150), "extra": ""})
    reader = PdfReader(io.BytesIO(pdf))
    texts = pages(pdf)
    assert len(texts) > 1
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        assert tuple(round(x) for x in page.mediabox[2:]) == A4_POINTS
        assert "Prøvedokument for Team 7" in text
        assert "Taushetsbelagt — unntatt offentlighet, jf. offentleglova § 13" in text
        assert f"Side {number} av {len(texts)}" in text
    assert "Linje 149" in texts[-1]


def test_a_document_cannot_make_the_server_fetch_anything():
    with override_settings(TEMPLATES=_templates()), pytest.raises(RefusedFetch):
        render_pdf(
            "doc.html",
            {"name": "x", "rows": [], "extra": '<img src="http://169.254.169.254/latest">'},
        )


def test_the_download_is_not_kept_by_any_cache():
    response = pdf_response(b"%PDF-1.7", "status.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="status.pdf"'
    assert response["Cache-Control"] == "no-store, private"
