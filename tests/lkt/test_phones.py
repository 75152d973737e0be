"""One way of writing a phone number (lkt.phones, the ``phone`` template filter)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from lkt import phones


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("+4790011222", "900 11 222"),
        ("90011222", "900 11 222"),
        ("900 11 222", "900 11 222"),
        ("0047 22 33 44 55", "22 33 44 55"),
        ("22334455", "22 33 44 55"),
        ("116117", "116 117"),
        ("113", "113"),
        ("+46 70 123 45 67", "+46 70 123 45 67"),
        ("", ""),
    ],
)
def test_a_number_is_shown_as_a_norwegian_reads_it(typed: str, shown: str):
    assert phones.display(typed) == shown


def test_numbers_in_a_free_text_are_written_the_same_way():
    assert phones.in_text("Tor 90011222, legevakt 116117. AMK 113.") == (
        "Tor 900 11 222, legevakt 116 117. AMK 113."
    )


def test_full_width_digits_make_no_tel_link():
    assert phones.numbers_in("Legevakt １１６ １１７") == []


def test_the_template_filters_route_through_the_one_rule():
    html = Template(
        "{% load phone %}<a href='tel:{{ n|tel }}'>{{ n|phone }}</a> {{ t|phone_text }}"
    ).render(Context({"n": "+47 900 11 222", "t": "Ring 90011222 <b>"}))
    assert html == "<a href='tel:+4790011222'>900 11 222</a> Ring 900 11 222 &lt;b&gt;"
