"""The English catalogue is complete, compiled, covers the code's strings and is served.

Source strings are Norwegian bokmål; ``locale/en/LC_MESSAGES/django.po`` holds the English.
None of these tests need GNU gettext: the .po and .mo are read with polib, and the coverage
check scans the sources with a regex instead of running ``makemessages``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PYTHON_PACKAGES = ("lkt", "actors", "careplans", "coordination")

HOW_TO_UPDATE = (
    "Update the catalogue with `.venv/bin/python manage.py makemessages -l en --ignore=.venv "
    "--ignore=node_modules --ignore=staticfiles --ignore=static --ignore=tests` (needs GNU "
    "gettext), translate the new entries in locale/en/LC_MESSAGES/django.po, then recompile."
)
HOW_TO_RECOMPILE = (
    "Recompile with `.venv/bin/python scripts/compile_messages.py` (polib, no gettext needed) "
    "and commit locale/en/LC_MESSAGES/django.mo."
)

# %(name)s style (with optional flags, width and precision), bare %s/%d, and {name} braces.
# A literal "%%" is matched first so it never counts as a placeholder.
PLACEHOLDER = re.compile(r"%%|%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}")

# {% translate "..." %} / {% trans '...' %}: the literal right after the tag name.
TEMPLATE_LITERAL = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)')"""
)
# _("...") / gettext("...") / gettext_lazy("...") with one complete literal on one line.
PYTHON_LITERAL = re.compile(
    r"""(?<![\w.])(?:_|gettext|gettext_lazy)\([ \t]*"""
    r"""(?:"(?P<dq>[^"\\\n]*)"|'(?P<sq>[^'\\\n]*)')[ \t]*[,)]"""
)


def placeholders(text: str) -> set[str]:
    return {match for match in PLACEHOLDER.findall(text) if match != "%%"}


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} (line {entry.linenum})"


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(ROOT)} is missing. {HOW_TO_UPDATE}"
    return polib.pofile(str(PO_PATH))


@pytest.fixture(scope="module")
def entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def test_header_declares_english_with_two_plural_forms(po: polib.POFile) -> None:
    assert po.metadata.get("Language") == "en"
    assert po.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert not po.metadata_is_fuzzy, "Remove the fuzzy flag from the .po header."


def test_every_entry_is_translated_and_none_is_fuzzy(entries: list[polib.POEntry]) -> None:
    assert entries, "The English catalogue has no entries."
    untranslated = [label(entry) for entry in entries if not entry.translated()]
    fuzzy = [label(entry) for entry in entries if "fuzzy" in entry.flags]
    assert not (untranslated or fuzzy), (
        "Untranslated entries:\n"
        + "\n".join(untranslated or ["(none)"])
        + "\nFuzzy entries (check them and remove the flag):\n"
        + "\n".join(fuzzy or ["(none)"])
        + f"\n{HOW_TO_RECOMPILE}"
    )


def test_placeholders_are_kept_exactly(entries: list[polib.POEntry]) -> None:
    problems: list[str] = []
    for entry in entries:
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if index == 0 else entry.msgid_plural, text)
                for index, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translation in pairs:
            expected, found = placeholders(source), placeholders(translation)
            if expected != found:
                problems.append(
                    f"{label(entry)}: expected {sorted(expected)}, found {sorted(found)} "
                    f"in {translation!r}"
                )
    assert not problems, "Placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def catalogue_map(
    catalogue: polib.POFile | polib.MOFile,
) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """(msgctxt, msgid) -> msgstr, or the plural forms in order, for every translated entry."""
    result: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for entry in catalogue.translated_entries():
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid)
        if entry.msgid_plural:
            result[key] = tuple(text for _, text in sorted(entry.msgstr_plural.items()))
        else:
            result[key] = entry.msgstr
    return result


def test_committed_mo_matches_the_po(po: polib.POFile) -> None:
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(ROOT)} is missing. {HOW_TO_RECOMPILE}"
    expected = catalogue_map(po)
    compiled = catalogue_map(polib.mofile(str(MO_PATH)))
    stale = sorted(
        repr(key[1])
        for key in expected.keys() | compiled.keys()
        if expected.get(key) != compiled.get(key)
    )
    assert not stale, (
        f"{MO_PATH.relative_to(ROOT)} does not match the .po ({len(stale)} entries differ, "
        f"e.g. {', '.join(stale[:5])}). {HOW_TO_RECOMPILE}"
    )


def python_sources() -> Iterator[Path]:
    for package in PYTHON_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def literals(pattern: re.Pattern[str], paths: Iterator[Path]) -> dict[str, str]:
    """literal -> the first file:line it appears on."""
    found: dict[str, str] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            literal = match.group("dq") if match.group("dq") is not None else match.group("sq")
            if literal:
                line = text.count("\n", 0, match.start()) + 1
                found.setdefault(literal, f"{path.relative_to(ROOT)}:{line}")
    return found


def test_po_covers_every_translatable_literal_in_the_code(entries: list[polib.POEntry]) -> None:
    msgids = {entry.msgid for entry in entries}
    in_templates = literals(TEMPLATE_LITERAL, iter(sorted((ROOT / "templates").rglob("*.html"))))
    in_python = literals(PYTHON_LITERAL, python_sources())
    # Jinja2 templates (lkt/core/jinja2.py) translate with _("…"), as Python does.
    in_jinja = literals(
        PYTHON_LITERAL, iter(sorted((ROOT / "templates" / "jinja2").rglob("*.html")))
    )
    assert in_templates, "The template scan found no {% translate %} literal: check the regex."
    assert in_python, "The Python scan found no _() literal: check the regex."
    assert in_jinja, "The Jinja2 scan found no _() literal: check the regex."
    missing = sorted(
        f"{where}: {literal!r}"
        for literal, where in {**in_python, **in_templates, **in_jinja}.items()
        # makemessages escapes a bare % in a template literal as %%.
        if literal not in msgids and literal.replace("%", "%%") not in msgids
    )
    assert not missing, (
        "Translatable strings missing from the English catalogue:\n"
        + "\n".join(missing)
        + f"\n{HOW_TO_UPDATE} {HOW_TO_RECOMPILE}"
    )


LOGIN_URL = "/konto/logg-inn/"


@pytest.mark.django_db
def test_login_page_is_norwegian_by_default(client: Client) -> None:
    assert reverse("login") == LOGIN_URL
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Logg inn i LKT" in html
    assert "Log in to LKT" not in html


@pytest.mark.django_db
def test_language_switch_serves_the_login_page_in_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get(LOGIN_URL).content.decode()
    assert '<html lang="en"' in html
    assert "Log in to LKT" in html
    assert "Logg inn i LKT" not in html
    # The switch now offers the way back to Norwegian.
    assert 'name="language" value="nb"' in html
