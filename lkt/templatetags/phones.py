"""Phone numbers in templates (lkt.core.phones): ``{% load phones %}``, then
``{{ number|phone }}`` for "400 00 007" (``|phone:"international"`` for "+47 400 00 007"),
``{{ number|tel }}`` for the ``tel:`` address and ``{{ text|phone_links }}`` for a free text
with its numbers linked (escaped first, line breaks kept)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from lkt.core import phones

register = template.Library()


@register.filter
def phone(value: str | None, style: str = "") -> str:
    return phones.display(value or "", international=style == "international")


@register.filter
def tel(value: str | None) -> str:
    return phones.tel_uri(value or "")


@register.filter(is_safe=True)
def phone_links(value: str | None) -> SafeString:
    return phones.link_numbers(value or "")
