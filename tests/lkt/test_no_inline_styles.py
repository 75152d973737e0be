"""No inline styles anywhere a browser reads them (issue 16, item 16): the Content-Security-Policy
says ``style-src 'self'`` (lkt.core.middleware), so a ``style`` attribute, a ``<style>`` element, or
a style set by a script is refused by the browser and logged as an error. Styles live in
static/css. The PDFs are exempt: WeasyPrint draws them on the server, where no policy applies
(templates/lkt/pdf_base.html includes its print CSS).

The browser journeys check the same in chromium: any console message about the policy on a
page they visit fails them (tests/browser/conftest.py, ``PageLog``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A style attribute (also in SVG), or a <style> element.
INLINE_STYLE = re.compile(r"""(<style[\s>])|(\sstyle\s*=\s*["'{])""", re.IGNORECASE)
# Styles set by a script: el.style.x = …, el.style = …, cssText, setAttribute("style", …).
SCRIPT_STYLE = re.compile(
    r"""(\.style\.\w+\s*=)|(\.style\s*=)|(cssText)|(setAttribute\(\s*["']style["'])"""
)


# Template comments say why there is no style; they reach no browser.
COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def _is_pdf(path: Path) -> bool:
    return path.name.endswith(("_pdf.html", "pdf_base.html", ".css")) or "pdf" in path.parts


def _templates() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and p.suffix in {".html", ".svg", ".txt"} and not _is_pdf(p)
    )


def _python_html() -> list[Path]:
    """Python modules that build HTML themselves (format_html, mark_safe, SVG strings)."""
    found = []
    for folder in ("actors", "careplans", "coordination", "lkt"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or path.name == "pdf.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "format_html" in text or "mark_safe" in text or "<svg" in text:
                found.append(path)
    return sorted(found)


def _scripts() -> list[Path]:
    static = ROOT / "static"
    return sorted(p for p in static.rglob("*.js") if "vendor" not in p.parts)


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_style(path: Path):
    text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
    found = [m.group(0).strip() for m in INLINE_STYLE.finditer(text)]
    assert not found, f"{path.relative_to(ROOT)}: {found} (move it to static/css/lkt.css)"


def test_no_module_writes_an_inline_style_into_html():
    offenders = {
        str(path.relative_to(ROOT)): INLINE_STYLE.findall(path.read_text(encoding="utf-8"))
        for path in _python_html()
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_no_script_of_ours_sets_a_style():
    offenders = {
        str(path.relative_to(ROOT)): SCRIPT_STYLE.findall(path.read_text(encoding="utf-8"))
        for path in _scripts()
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_htmx_is_told_not_to_inject_its_own_style_element():
    # Every page's head: base.html and lkt/page.html render this piece.
    head = (ROOT / "templates" / "jinja2" / "lkt" / "page_head.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in head


def test_the_check_finds_an_inline_style():
    assert INLINE_STYLE.search('<p class="x" style="color: red">')
    assert INLINE_STYLE.search("<style>p { color: red }</style>")
    assert not INLINE_STYLE.search('<link rel="stylesheet" href="/static/css/lkt.css">')
    assert not INLINE_STYLE.search("{% for style, label in data.legend %}")
    assert SCRIPT_STYLE.search('el.style.display = "none"')
