"""FHIR search parameters: parsed strictly, so a parameter LKT does not know or a value it
cannot read is a 400 OperationOutcome (never ignored, never a 500).

Supported: ``token`` (``identifier=[system|]value``), ``reference`` (``patient=Patient/1`` or
``patient=1``), ``date`` (``_lastUpdated=ge2026-01-01``, the prefixes eq, ne, gt, ge, lt, le,
sa, eb, at the precision given: a year, a month, a day or an instant), and the paging
parameters ``_count`` (0–100, 50 by default) and ``_offset``. A parameter given twice must
hold both times (AND); a comma (OR) is not supported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.http import QueryDict

DEFAULT_COUNT = 50
MAX_COUNT = 100
# Far beyond any result set, and within what PostgreSQL's OFFSET and Python's ints take.
MAX_OFFSET = 1_000_000
# The largest id a bigint column holds: a larger one is simply not there (404), never a 500.
MAX_ID = 2**63 - 1
# _format may say JSON in any of its names; LKT speaks no XML.
JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
PAGING = {"_count", "_offset", "_format"}


class SearchError(ValueError):
    """A search LKT cannot run: answered 400 with an OperationOutcome carrying the message."""


_DATE = re.compile(
    r"^(?P<prefix>eq|ne|gt|ge|lt|le|sa|eb)?"
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$",
    re.ASCII,
)
_INSTANT_MIN = dt.datetime.min.replace(tzinfo=dt.UTC)
_INSTANT_MAX = dt.datetime.max.replace(tzinfo=dt.UTC)


def _after(start: dt.datetime, precision: str) -> dt.datetime:
    """The first instant after the period of ``precision`` that begins at ``start``."""
    try:
        if precision == "year":
            return start.replace(year=start.year + 1)
        if precision == "month":
            if start.month == 12:
                return start.replace(year=start.year + 1, month=1)
            return start.replace(month=start.month + 1)
        step = {
            "day": dt.timedelta(days=1),
            "minute": dt.timedelta(minutes=1),
            "second": dt.timedelta(seconds=1),
        }.get(precision, dt.timedelta(microseconds=1))
        return start + step
    except (ValueError, OverflowError):
        return _INSTANT_MAX


def date_range(value: str) -> tuple[str, dt.datetime, dt.datetime]:
    """The prefix and the period [start, end) a FHIR date value names. A value without a
    time zone is read in Norwegian time, as LKT's users mean it."""
    match = _DATE.match(value)
    if match is None:
        raise SearchError(
            f"«{value[:40]}» er ikke en dato FHIR kan lese (for eksempel ge2026-01-01)."
        )
    parts = match.groupdict()
    tz = parts["tz"]
    zone: dt.tzinfo
    if tz is None:
        zone = ZoneInfo(settings.TIME_ZONE)
    elif tz == "Z":
        zone = dt.UTC
    else:
        sign = 1 if tz[0] == "+" else -1
        hours, minutes = int(tz[1:3]), int(tz[4:6])
        if hours > 14 or minutes > 59:
            raise SearchError(f"«{tz}» er ikke en tidssone.")
        zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    precision = next(
        (p for p in ("fraction", "second", "minute", "day", "month") if parts[p]), "year"
    )
    fraction = (parts["fraction"] or "0").ljust(6, "0")[:6]
    try:
        start = dt.datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError as exc:
        raise SearchError(f"«{value[:40]}» er ikke en gyldig dato.") from exc
    if tz is not None and precision in ("year", "month", "day"):
        raise SearchError("En tidssone hører til et klokkeslett.")
    return parts["prefix"] or "eq", start, _after(start, precision)


def date_condition(field_name: str, value: str) -> Q:
    prefix, start, end = date_range(value)
    at_least = Q(**{f"{field_name}__gte": start})
    before = Q(**{f"{field_name}__lt": end})
    match prefix:
        case "gt" | "sa":
            return Q(**{f"{field_name}__gte": end})
        case "ge":
            return at_least
        case "lt" | "eb":
            return Q(**{f"{field_name}__lt": start})
        case "le":
            return before
        case "ne":
            return ~(at_least & before)
    return at_least & before


def _number(raw: str, top: int) -> int | None:
    """A plain decimal number from 0 to ``top``, or None (a long string of digits is refused
    before ``int`` reads it: Python refuses over 4300 digits)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(top)):
        return None
    number = int(raw)
    return number if number <= top else None


def reference_id(value: str, resource_type: str) -> int:
    """``Patient/12``, ``12`` or an absolute URL ending so: the id, or a 400."""
    tail = value.rstrip("/").rsplit("/", 2)
    pk = tail[-1]
    if len(tail) > 1 and tail[-2] != resource_type:
        raise SearchError(f"«{value[:40]}» er ikke en referanse til {resource_type}.")
    number = _number(pk, MAX_ID)
    if not number:
        raise SearchError(f"«{value[:40]}» er ikke en {resource_type}-id.")
    return number


def token(value: str) -> tuple[str | None, str]:
    """``system|code`` or ``code``: (system or None, code)."""
    if "|" in value:
        system, _, code = value.partition("|")
        return system, code
    return None, value


def _bounded(query: QueryDict, name: str, default: int, top: int) -> int:
    values = query.getlist(name)
    if not values:
        return default
    number = _number(values[-1], top)
    if number is None:
        raise SearchError(f"{name} må være et heltall fra 0 til {top}.")
    return number


@dataclass
class Search:
    """A search as asked: its parameters (each with every value given), and the page."""

    params: dict[str, list[str]] = field(default_factory=dict)
    count: int = DEFAULT_COUNT
    offset: int = 0

    def values(self, name: str) -> list[str]:
        return self.params.get(name, [])


def parse(query: QueryDict, supported: set[str]) -> Search:
    unknown = sorted(set(query) - supported - PAGING)
    if unknown:
        names = ", ".join(n[:40] for n in unknown[:5])
        raise SearchError(
            f"Søkeparameteren støttes ikke: {names}. Se /fhir/R4/metadata for hva som støttes."
        )
    for fmt in query.getlist("_format"):
        if fmt not in JSON_FORMATS:
            raise SearchError("LKT svarer bare med FHIR JSON (_format=json).")
    params = {name: query.getlist(name) for name in supported if name in query}
    for name, values in params.items():
        for value in values:
            if value == "" or "," in value:
                raise SearchError(
                    f"{name}: oppgi én verdi (tom verdi og komma for «eller» støttes ikke)."
                )
            if "\x00" in value:
                raise SearchError(f"{name}: verdien har et tegn som ikke er lov.")
    return Search(
        params=params,
        count=_bounded(query, "_count", DEFAULT_COUNT, MAX_COUNT),
        offset=_bounded(query, "_offset", 0, MAX_OFFSET),
    )


def resource_id(value: str) -> int | None:
    """The id in a read's URL, or None when it cannot be one of LKT's (then: 404)."""
    return _number(value, MAX_ID) or None
