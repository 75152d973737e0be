"""Phone numbers (issue 16, item 14): stored in E.164, shown the Norwegian way, tel: links, and
the numbers typed in a free text linked without letting any of the text through unescaped."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template, engines
from django.template.loader import get_template

from lkt.core import phones


@pytest.mark.parametrize(
    "typed",
    [
        "40000007",
        "400 00 007",
        "+47 400 00 007",
        "0047 40 00 00 07",
        "400-00-007",
        " 400\u00a000\u00a0007 ",
    ],
)
def test_a_norwegian_number_is_stored_in_e164_however_it_is_typed(typed):
    assert phones.normalize(typed) == "+4740000007"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+46 70 123 45 67", "+46701234567"),  # a relative in Sweden
        ("0046 70 123 45 67", "+46701234567"),  # the same, dialled from Norway
        ("+1 (202) 555-0143", "+12025550143"),
    ],
)
def test_a_number_abroad_is_accepted_with_its_country_code(typed, stored):
    assert phones.normalize(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12345", "12345678", "+4412345", "ring meg", "９１２ ３４ ５６７", "", "+47"]
)
def test_a_number_that_is_none_is_refused_in_norwegian(typed):
    with pytest.raises(ValidationError) as refused:
        phones.normalize(typed)
    assert "Telefonnummeret er ikke gyldig" in refused.value.messages[0]
    assert "+46 70 123 45 67" in refused.value.messages[0]  # says how to write one abroad


@pytest.mark.parametrize(
    ("stored", "shown", "international"),
    [
        ("+4740000007", "400 00 007", "+47 400 00 007"),  # mobile: 3-2-3
        ("+4791234567", "912 34 567", "+47 912 34 567"),
        ("+4722334455", "22 33 44 55", "+47 22 33 44 55"),  # landline: 2-2-2-2
        ("+4780012345", "800 12 345", "+47 800 12 345"),
        ("+46701234567", "+46 70 123 45 67", "+46 70 123 45 67"),  # abroad: always +country
    ],
)
def test_numbers_are_shown_the_norwegian_way(stored, shown, international):
    assert phones.display(stored) == shown
    assert phones.display(stored, international=True) == international
    assert phones.tel_uri(stored) == "tel:" + stored


def test_a_stored_text_that_is_no_number_is_shown_as_it_is_and_not_linked():
    assert phones.display("ring sentralbordet") == "ring sentralbordet"
    assert phones.tel_uri("ring sentralbordet") == ""
    html = get_template("lkt/phone-link.html").render({"number": "ring sentralbordet"})
    assert html == "ring sentralbordet"


def test_the_template_filters_show_and_link_a_number():
    html = get_template("lkt/phone-link.html").render({"number": "+4740000007"})
    assert html == '<a class="ds-link" href="tel:+4740000007">400 00 007</a>'
    rendered = Template(
        '{% load phones %}{{ n|phone }}|{{ n|phone:"international" }}|{{ n|tel }}'
    ).render(Context({"n": "+4740000007"}))
    assert rendered == "400 00 007|+47 400 00 007|tel:+4740000007"


def test_the_jinja2_templates_link_a_number_as_the_django_ones_do():
    """The team page's Jinja2 sections (lkt.core.jinja2) show a member's or a relative's
    number with the same filter; a text that is no number is escaped, not linked."""
    template = engines["jinja2"].from_string("{{ n|phone_link }}")
    assert template.render({"n": "+4740000007"}) == get_template("lkt/phone-link.html").render(
        {"number": "+4740000007"}
    )
    assert template.render({"n": "<b>ring</b>"}) == "&lt;b&gt;ring&lt;/b&gt;"


def test_numbers_in_a_free_text_become_tel_links_and_the_rest_stays_as_typed():
    text = "Legevakt 116 117, AMK 113.\nSøster Lise i Sverige: +46 70 123 45 67, mor 22 33 44 55"
    assert phones.link_numbers(text) == (
        'Legevakt <a class="ds-link" href="tel:116117">116 117</a>, '
        'AMK <a class="ds-link" href="tel:113">113</a>.<br>'
        'Søster Lise i Sverige: <a class="ds-link" href="tel:+46701234567">+46 70 123 45 67</a>, '
        'mor <a class="ds-link" href="tel:+4722334455">22 33 44 55</a>'
    )


def test_dates_years_and_fodselsnummer_in_a_free_text_are_not_phone_numbers():
    text = "Innlagt 12.03.2026 kl. 14.30, rom 2026, fnr 01017012345, 4 ganger"
    assert "<a" not in phones.link_numbers(text)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script> 400 00 007",
        '400 00 007"><img src=x onerror=alert(1)>',
        "'22 33 44 55' onmouseover='alert(1)'",
        '<a href="javascript:alert(1)">113</a>',
        "&#x27;400 00 007&quot;",
    ],
)
def test_a_free_text_is_escaped_before_its_numbers_are_linked(hostile):
    html = str(phones.link_numbers(hostile))
    # Take away our own links (to "tel:" and digits): what is left holds no markup at all.
    rest = html.replace("</a>", "")
    for number in phones.numbers_in(hostile):
        assert number.tel[4:].lstrip("+").isdigit()
        rest = rest.replace(f'<a class="ds-link" href="{number.tel}">', "", 1)
    assert not set("<>\"'") & set(rest), rest
