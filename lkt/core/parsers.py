"""The API's JSON parser. Its own module: lkt.core.api imports DRF's views, whose APIView reads the
parser setting when it is defined, so the parser cannot live there."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(_("tallet %(number)s er for stort") % {"number": text[:20]})
    return value


class JSONParser(parsers.JSONParser):
    """DRF's parser, refusing with 400 also what Python's json module reads but no field should
    get (issue 13): a number beyond a float (``1e400`` is infinity, which a primary key field
    turned into an OverflowError) and nesting deeper than the interpreter's recursion limit
    (a RecursionError). Both were 500s."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            return json.loads(stream.read().decode(encoding), parse_float=_finite_float)
        except LookupError:  # a charset that is no text encoding (charset=base64)
            raise ParseError(_("Ugyldig tegnsett: %(charset)s.") % {"charset": encoding}) from None
        except (ValueError, RecursionError) as error:
            detail = str(error) if isinstance(error, ValueError) else _("nøstet for dypt")
            raise ParseError(_("Ugyldig JSON: %(error)s.") % {"error": detail}) from None
