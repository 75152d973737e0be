"""Reads by key keep their plans inside ``keyed_plans`` (lkt.core.keyed_plans), and nothing
else does: the setting goes back with the block, after a failure too, and after every team
page request (the next page on the same connection plans afresh, as settings ask). A block that
reads nothing sends nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from psycopg.pq import TransactionStatus

from lkt.core.keyed_plans import keyed_plans
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_the_block_keeps_plans_and_the_connection_plans_afresh_after_it():
    assert _mode() == "force_custom_plan"  # lkt.settings: the app's connections
    with keyed_plans():
        assert _mode() == "force_generic_plan"
    assert _mode() == "force_custom_plan"


def _statements(block) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        block()
    return [q["sql"] for q in queries.captured_queries]


def _reads_one() -> None:
    with keyed_plans() as cursor:
        cursor.execute("SELECT 1")


def _reads_nothing() -> None:
    with keyed_plans():
        pass


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_goes_with_the_first_statement_and_only_then():
    """As a team view runs it. Django logs a BEGIN for any block, so what reached the server
    is psycopg's to tell: no transaction began in a block that read nothing."""
    connection.ensure_connection()
    with keyed_plans():
        assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert _statements(_reads_one) == [
        "BEGIN",
        "SET LOCAL plan_cache_mode = force_generic_plan",
        "SELECT 1",
        "COMMIT",
    ]
    assert _mode() == "force_custom_plan"


def test_inside_a_transaction_a_block_that_reads_nothing_leaves_the_setting_alone():
    statements = _statements(_reads_nothing)
    assert [s.split()[0] for s in statements] == ["SAVEPOINT", "RELEASE"]
    assert _mode() == "force_custom_plan"


def test_a_failed_block_takes_the_setting_back_with_it():
    with pytest.raises(ZeroDivisionError), keyed_plans():
        assert _mode() == "force_generic_plan"
        _ = 1 / 0
    assert _mode() == "force_custom_plan"


@pytest.mark.parametrize("url_name", ["workspace:team-detail", "workspace:team-moter"])
def test_a_team_page_request_leaves_the_connection_as_it_found_it(cast: Cast, url_name: str):
    client = client_for(cast.coordinator)
    response = client.get(reverse(url_name, args=[cast.team.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert _mode() == "force_custom_plan"
    # A refused section leaves it so too.
    refused = client_for(cast.relative).get(
        reverse("workspace:team-moter", args=[cast.team.pk]), headers={"HX-Request": "true"}
    )
    assert refused.status_code in (403, 404)
    assert _mode() == "force_custom_plan"
