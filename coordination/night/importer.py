"""Reading a CSV file of night contacts (issue 7). The layout is documented in
docs/night_contacts_csv.md; this module only parses and checks each row's own fields. Whether the
patient is known and the contact new is decided by ``night_services.night_contact_record``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.validators import validate_national_id
from coordination.models import NightContact, NightService

HEADER = ["fodselsnummer", "tjeneste", "tidspunkt", "arsak", "utfall", "selvmordsfare"]
# A night's or a year's contacts fit easily; anything larger is a mistake or an export of
# something else, refused whole before anything is read.
MAX_BYTES = 1_000_000
MAX_ROWS = 5000
OSLO = ZoneInfo("Europe/Oslo")
ROW_NOT_FOUND = gettext_lazy("ukjent fødselsnummer, eller ingen aktørfellesskap i LKT")
_YES = {"ja", "j", "yes", "true", "1", "x"}
_NO = {"nei", "n", "no", "false", "0", ""}


@dataclass
class Row:
    line: int
    national_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _normalise(name: str) -> str:
    return name.strip().lower().replace("ø", "o").replace("å", "a").replace("æ", "ae").strip('"')


def _choices(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Value or Norwegian label, case-insensitively."""
    found: dict[str, str] = {}
    with translation.override("nb"):
        for value, label in choices:
            found[value.lower()] = value
            found[str(label).lower()] = value
    return found


def parse_time(text: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` in Norwegian time, or ISO 8601 (with or without offset)."""
    text = text.strip()
    try:
        moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")  # noqa: DTZ007 - made aware below
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _("ugyldig tidspunkt «%(value)s» (skriv for eksempel 2026-03-14 02:30)")
                % {"value": text[:40]}
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OSLO)
    return moment


def _row(line: int, record: list[str], services: dict[str, str], outcomes: dict[str, str]) -> Row:
    row = Row(line=line)
    if len(record) != len(HEADER):
        row.error = _("raden har %(found)s felt, ventet %(expected)s") % {
            "found": len(record),
            "expected": len(HEADER),
        }
        return row
    national_id, service, moment, reason, outcome, risk = (v.strip() for v in record)
    national_id = national_id.replace(" ", "")
    try:
        validate_national_id(national_id)
    except ValidationError:
        row.error = _("ugyldig fødselsnummer")
        return row
    row.national_id = national_id
    if service.lower() not in services:
        row.error = _("ukjent tjeneste «%(value)s»") % {"value": service[:40]}
        return row
    if outcome.lower() not in outcomes:
        row.error = _("ukjent utfall «%(value)s» (sendt hjem, innlagt eller overført)") % {
            "value": outcome[:40]
        }
        return row
    if risk.lower() not in _YES | _NO:
        row.error = _("selvmordsfare må være ja, nei eller tom, ikke «%(value)s»") % {
            "value": risk[:40]
        }
        return row
    try:
        occurred_at = parse_time(moment)
    except ValidationError as error:
        row.error = " ".join(error.messages)
        return row
    row.data = {
        "service": services[service.lower()],
        "occurred_at": occurred_at,
        "reason": reason,
        "outcome": outcomes[outcome.lower()],
        "suicide_risk": risk.lower() in _YES,
    }
    return row


def parse(content: bytes) -> list[Row]:
    """The file's rows, each parsed on its own. Raises ValidationError for the whole file when
    it is too large, not UTF-8 text, or lacks the header row."""
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("Filen er for stor (høyst 1 MB). Del den opp i flere filer og importer hver for seg.")
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Filen må være lagret som UTF-8 (i Excel: «CSV UTF-8»).")) from None
    if "\x00" in text:
        # PostgreSQL stores no NUL; in a text file it means UTF-16 ("Unicode-tekst") or not text.
        raise ValidationError(
            _(
                "Filen inneholder nulltegn (NUL) og er trolig ikke lagret som tekst. Lagre den "
                "som «CSV UTF-8» og prøv igjen."
            )
        )
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or [_normalise(h) for h in header] != HEADER:
        raise ValidationError(
            _("Første linje må være overskriftene: %(header)s") % {"header": ";".join(HEADER)}
        )
    services = _choices(NightService.choices)
    outcomes = _choices(NightContact.Outcome.choices)
    rows: list[Row] = []
    for record in reader:
        if not any(value.strip() for value in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("Filen har mer enn %(max)s rader. Del den opp og importer hver del for seg.")
                % {"max": MAX_ROWS}
            )
        rows.append(_row(reader.line_num, record, services, outcomes))
    if not rows:
        raise ValidationError(_("Filen har ingen rader under overskriftene."))
    return rows
