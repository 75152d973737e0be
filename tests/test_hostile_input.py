"""Every URL of the access matrix, as every role, fed a fixed corpus of hostile values: no answer
may be a server error (5xx). Refusals (400, 403, 404, 405, 429) and forms that come back with
their messages are what we want.

For each URL, a role that gets in (by the matrix) is sent the whole corpus, rotated over the keys
so each key meets each value once:
- a GET URL: every query key a view reads, and the row's own, set to corpus values;
- a POST URL: the form's fields (the row's data and those the page itself shows) as a form, or as
  JSON plus broken JSON for the API.
A role the matrix refuses gets one request (refusal comes before any parsing), and the first
role that gets in also asks for the URL with each integer argument negative and huge. The 1 MB
text goes in bodies only: gunicorn refuses a request line over 4 KB before Django sees it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast
from tests.test_access_matrix import MATRIX, ROLES, Row

pytestmark = pytest.mark.hostile

SMALL_CORPUS: tuple[str, ...] = (
    "a\x00b",  # NUL: PostgreSQL refuses it in text
    "y" * 2000,  # as long as a request line may carry
    "０１０１８０１２３４５",  # full-width digits (an 11-digit "fødselsnummer")
    "٠١٠١٨٠١٢٣٤٥",  # Arabic-Indic digits
    "0001-01-01",  # year 1
    "0001-01-01T00:00",
    "9999-12-31T23:59:59Z",  # year 9999
    "-1",
    "99999999999999999999",  # beyond any integer column
    '{"a": [1, 2',  # broken JSON
    "<script>alert(1)</script>",
)
BODY_CORPUS = (*SMALL_CORPUS, "x" * 1_000_000)  # 1 MB of text
BROKEN_JSON = '{"national_id": "1", "occurred_at": '
# Every key a view reads from the query string (grep "GET.get" and "query_params"), and the
# indicator filter's fields, so the walk reaches each parser.
QUERY_KEYS = (
    "q",
    "side",
    "fra",
    "til",
    "n",
    "following",
    "s",  # the sections of a team page batch (getlist)
    "organisation",
    "start",
    "end",
    "limit",
    # The FHIR searches' parameters (lkt.fhir.routes): each parser meets the corpus too.
    "identifier",
    "patient",
    "_lastUpdated",
    "_count",
    "_offset",
)
BAD_IDS = ("-1", "99999999999999999999")
_MARKER_ID = 987654321  # no row has it: it shows where the integer arguments sit in a path
_FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"")
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
JSON = "application/json"


def _client(cast: Cast, role: str) -> Client:
    client = Client(raise_request_exception=False)
    user = cast.user(role)
    if user is not None:
        client.force_login(user)
    return client


def _rotation(keys: list[str], corpus: tuple[str, ...], shift: int) -> dict[str, str]:
    return {key: corpus[(i + shift) % len(corpus)] for i, key in enumerate(keys)}


def _bad_paths(name: str, args: list[Any]) -> list[str]:
    """The URL with every integer argument negative, then huge (none if it takes no integer)."""
    if not any(isinstance(a, int) for a in args):
        return []
    # Reverse with a marker, since the int converter would refuse a negative id.
    marked = reverse(name, args=[_MARKER_ID if isinstance(a, int) else a for a in args])
    return [marked.replace(str(_MARKER_ID), bad) for bad in BAD_IDS]


def _short(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    return value[:30] + "…" if isinstance(value, str) and len(value) > 30 else value


class Walk:
    """Sends one URL's requests and keeps every 5xx with what caused it."""

    def __init__(self, name: str, row: Row, cast: Cast, args: list[Any]) -> None:
        self.row, self.path = row, reverse(name, args=args)
        self.own = list(row.data(cast))
        self.headers = {"HX-Request": "true"} if row.htmx else {}
        own_keys = [k for k in re.findall(r"(\w+)=", row.query) if k not in QUERY_KEYS]
        self.query_keys = [*QUERY_KEYS, *own_keys]
        self.requests = 0
        self.failures: list[str] = []

    def send(self, client: Client, role: str, path: str, method: str, **kwargs: Any) -> str:
        response = getattr(client, method)(path, **kwargs)
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{role} {method.upper()} {path}: {response.status_code} {_short(kwargs)}"
            )
        return response.content.decode(errors="replace") if response.status_code == 200 else ""

    def one(self, client: Client, role: str, path: str, shift: int, fields: list[str]) -> None:
        if self.row.method != "post":
            data = _rotation(self.query_keys, SMALL_CORPUS, shift)
            self.send(client, role, path, "get", data=data, headers=self.headers)
        elif self.row.content_type == JSON:
            data = _rotation(fields, BODY_CORPUS, shift)
            self.send(client, role, path, "post", data=json.dumps(data), content_type=JSON)
        else:
            data = _rotation(fields, BODY_CORPUS, shift)
            self.send(client, role, path, "post", data=data, headers=self.headers)

    def fields(self, client: Client, role: str) -> list[str]:
        """What a POST may carry: the row's own data and the fields the page shows."""
        page = self.send(client, role, self.path, "get", headers=self.headers)
        return sorted({*self.own, *_FIELD_NAME.findall(page)} - SKIPPED_FIELDS) or ["value"]

    def role(
        self, client: Client, role: str, *, gets_in: bool, first: bool, bad: list[str]
    ) -> None:
        if not gets_in:
            self.one(client, role, self.path, 0, self.own or ["value"])
            return
        fields = self.fields(client, role) if self.row.method == "post" else []
        corpus = BODY_CORPUS if self.row.method == "post" else SMALL_CORPUS
        for shift in range(len(corpus)):
            self.one(client, role, self.path, shift, fields)
        if self.row.content_type == JSON:
            self.send(client, role, self.path, "post", data=BROKEN_JSON, content_type=JSON)
        for path in bad if first else []:
            self.one(client, role, path, 0, fields)


@pytest.fixture(scope="module")
def walked(request: pytest.FixtureRequest) -> Iterator[list[tuple[int, float]]]:
    """Each URL's request count and seconds; their sum is printed once the module is done."""
    counts: list[tuple[int, float]] = []
    yield counts
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None and counts:
        with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
            reporter.write_line(
                f"\nhostile input: {sum(n for n, _ in counts)} requests over {len(counts)} URLs "
                f"in {sum(t for _, t in counts):.1f} s"
            )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_hostile_input_gets_a_server_error(cast: Cast, name: str, walked):
    row = MATRIX[name]
    args = row.args(cast)
    walk = Walk(name, row, cast, args)
    bad = _bad_paths(name, args)
    started = time.perf_counter()
    first = True
    for role in ROLES:
        gets_in = role != "anonymous" and row.expected[role] < 400
        walk.role(_client(cast, role), role, gets_in=gets_in, first=first and gets_in, bad=bad)
        first = first and not gets_in
    walked.append((walk.requests, time.perf_counter() - started))
    assert walk.failures == [], "\n".join(walk.failures)
