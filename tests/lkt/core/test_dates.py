"""One way of writing a date (issue 16, item 17): "2.12.2026", never "02.12.2026" nor
"2. desember 2026" beside it. The settings (lkt/formats), every ``|date`` in the templates and
PDFs, and every date Python writes (lkt.core.dates) keep to it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template, defaultfilters, engines
from django.utils import timezone, translation
from django.utils.formats import date_format

from lkt.core import dates
from tests.clock import OSLO

ROOT = Path(__file__).resolve().parents[3]
DAY = dt.date(2026, 12, 2)
MOMENT = dt.datetime(2026, 12, 2, 9, 5, tzinfo=OSLO)

# What a template may write with |date: the date as "2.12.2026" (with a weekday or a time), the
# formats of the settings (which say the same), a month ("desember 2026"), a day of a month in
# the årshjul's strip ("2."), a week number.
SHOWN = {
    "j.n.Y",
    "j.n.Y H:i",
    r"j.n.Y \k\l. H:i",
    "l j.n.Y",
    r"l j.n.Y \k\l. H:i",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "F Y",
    "j.",
    "W",
}
# For machines, not people: a form field's value, a <time datetime>, a query parameter.
MACHINE = {"Y-m", "Y-m-d", r"Y-m-d\TH:i", "c"}
DATE_FILTER = re.compile(r"""\|date(?:\s*:\s*|\()(["'])(.*?)\1""")
IN_ATTRIBUTE = re.compile(r"""(value|datetime)="[^"]*$|(?:[?&]|&amp;)\w+=\{\{[^}]*$""")


JINJA_ROOT = ROOT / "templates" / "jinja2"


def _templates() -> list[Path]:
    return sorted(p for p in (ROOT / "templates").rglob("*.html") if p.is_file())


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_writes_a_date_one_way(path: Path):
    text = path.read_text(encoding="utf-8")
    wrong = []
    jinja = JINJA_ROOT in path.parents
    for match in DATE_FILTER.finditer(text):
        # A Jinja2 string is written with its backslashes escaped ("\\k\\l." for "kl.").
        fmt = match.group(2).replace("\\\\", "\\") if jinja else match.group(2)
        if fmt in SHOWN:
            continue
        if fmt in MACHINE and IN_ATTRIBUTE.search(
            text[max(0, match.start() - 200) : match.start()]
        ):
            continue
        line = text.count("\n", 0, match.start()) + 1
        wrong.append(f"line {line}: |date:{fmt!r}")
    assert not wrong, f"{path.relative_to(ROOT)}: {wrong}"


# strftime or an f-string writing a day first with a leading zero, the way "02.12.2026" is
# written (ISO dates for machines, %Y-%m-%d, are another matter).
PADDED = re.compile(r"""(strftime\(\s*["'][^"']*%d\.)|(\{[\w.()]+:[^}]*%d\.[^}]*\})""")


def _modules() -> list[Path]:
    return sorted(
        p
        for folder in ("actors", "careplans", "coordination", "lkt")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts
    )


def test_no_module_writes_a_date_with_a_leading_zero():
    offenders = {}
    for path in _modules():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PADDED.search(line):
                offenders[f"{path.relative_to(ROOT)}:{number}"] = line.strip()
    assert not offenders, offenders


def test_the_check_finds_the_other_formats():
    assert PADDED.search('day.strftime("%d.%m.%Y")')
    assert PADDED.search('f"{born:%d.%m.%Y}"')
    assert not PADDED.search('input_formats=["%d.%m.%Y %H:%M"]')  # reading a typed date
    assert not PADDED.search('f"{start:%Y-%m}"')  # a query parameter
    django_style = DATE_FILTER.search('{{ day|date:"d.m.Y" }}')
    jinja_style = DATE_FILTER.search("{{ card.birth_date|date('j.n.Y') }}")
    assert django_style and django_style.group(2) == "d.m.Y"
    assert jinja_style and jinja_style.group(2) == "j.n.Y"


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_settings_write_the_one_format_in_both_languages(language: str):
    with translation.override(language):
        for name in ("SHORT_DATE_FORMAT", "DATE_FORMAT"):
            assert date_format(DAY, name) == "2.12.2026", name
        assert Template("{{ day|date }}").render(Context({"day": DAY})) == "2.12.2026"
        assert dates.short_date(DAY) == "2.12.2026"
        assert dates.short_datetime(MOMENT).startswith("2.12.2026")
        assert dates.day_month(MOMENT) == "2.12."


def test_python_writes_the_time_as_the_pages_do():
    with translation.override("nb"):
        assert dates.short_datetime(MOMENT) == "2.12.2026 kl. 09:05"
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "2.12.2026 kl. 09:05"


_DAYS = [dt.date(2026, 1, 5), dt.date(987, 12, 31)]
_TIMES = [
    dt.datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=dt.UTC),  # summer time begins
    dt.datetime(2026, 10, 25, 1, 5, tzinfo=dt.UTC),  # and ends
    dt.datetime(2026, 7, 1, 9, 3),  # noqa: DTZ001 (naive, as Django leaves it)
]
_DAY_FORMATS = ["j.n.Y", "Y-m-d", "c", "j. F Y"]
_TIME_FORMATS = [*_DAY_FORMATS, "j.n.Y H:i", "D j.n.Y \\k\\l. H:i"]


@pytest.mark.parametrize(
    ("value", "format_string"),
    [(d, f) for d in _DAYS for f in _DAY_FORMATS] + [(t, f) for t in _TIMES for f in _TIME_FORMATS],
)
def test_both_engines_write_a_date_as_djangos_own_filter_writes_it(value, format_string):
    """The formats of numbers only written out (lkt.core.dates.written), the others Django's
    own, in Norwegian, by the |date of either engine."""
    aware = isinstance(value, dt.datetime) and timezone.is_aware(value)
    django_own = defaultfilters.date(timezone.localtime(value) if aware else value, format_string)
    shown = {"v": value, "f": format_string}
    assert Template("{{ v|date:f }}").render(Context(shown)) == django_own
    assert engines["jinja2"].from_string("{{ v|date(f) }}").render(shown) == django_own
