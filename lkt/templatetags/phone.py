"""``{% load phone %}``: every phone number on a page or in a PDF through one rule
(``lkt.phones``): ``{{ number|phone }}``, ``{{ text|phone_text }}`` for the numbers inside a free
text, and ``href="tel:{{ number|tel }}"``."""

from __future__ import annotations

from django import template

from lkt import phones

register = template.Library()


@register.filter(name="phone")
def phone(number: object) -> str:
    return phones.display(str(number or ""))


@register.filter(name="phone_text", is_safe=True)
def phone_text(text: object) -> str:
    # is_safe: only digits and spaces change, so an escaped text stays escaped.
    return phones.in_text(str(text or ""))


@register.filter(name="tel")
def tel(number: object) -> str:
    return phones.tel(str(number or ""))
