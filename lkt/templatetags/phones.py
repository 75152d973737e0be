"""Phone numbers in templates (lkt.core.phones): ``{% load phones %}``, then
``{{ number|phone }}`` for "400 00 007" (``|phone:"international"`` for "+47 400 00 007"),
``{{ number|tel }}`` for the ``tel:`` address, ``{{ number|phone_link }}`` for a stored number as a
``tel:`` link (text that is no valid number as it is, without a link) and
``{{ text|phone_links }}`` for a free text with its numbers linked (escaped first, line breaks
kept). The Jinja2 templates have the same filters (lkt.core.jinja2)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
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
def phone_link(value: str | None) -> SafeString:
    address = tel(value)
    if not address:
        return format_html("{}", value or "")
    return format_html('<a class="ds-link" href="{}">{}</a>', address, phone(value))


@register.filter(is_safe=True)
def phone_links(value: str | None) -> SafeString:
    return phones.link_numbers(value or "")
