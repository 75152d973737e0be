"""Every CSV the app writes goes through here, so no cell can run as a spreadsheet formula.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula (OWASP, "CSV Injection"): an organisation named
``=HYPERLINK(...)`` would become a link in the leader's spreadsheet. Such a cell gets a single
quote in front, which the spreadsheet shows as text and does not display. Numbers are not
text: a ``Figure`` (a number already formatted for the reader, "-3", "4,25", "45 %") and
``int``/``float`` are written as they are, so a negative figure stays a number.

defusedcsv does the same for = + - @ | %, but leaves tab and carriage return alone and decides
what is a number by looking at the text; here the caller says which cells are figures.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A figure as the app formats one: an optional minus, digits (with spaces between thousands),
# an optional decimal comma or point, and an optional unit (" %").
_FIGURE = re.compile(r"^-?\d[\d ]*(?:[,.]\d+)?(?: ?%)?$")

Cell = str | int | float


class Figure(str):
    """A number formatted for the reader; refused unless it looks like one, so no text can
    slip through as a figure."""

    __slots__ = ()

    def __new__(cls, text: str) -> Figure:
        if not _FIGURE.match(text):
            raise ValueError(f"not a figure: {text!r}")
        return super().__new__(cls, text)


def neutralised(cell: Cell) -> Cell:
    """The cell as written: a text that a spreadsheet would run as a formula gets a quote."""
    if isinstance(cell, Figure | int | float):
        return cell
    if cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """Semicolons and a byte order mark: what Excel with Norwegian settings opens as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """A CSV download, never cached: what it holds is for the one who asked."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
