"""A Jinja2 template inside a Django one: ``{% load jinja %}{% jinja "<name>" key=value … %}``.

The team page's sections are Jinja2 (lkt.core.jinja2 says why); a piece they share with a
Django page (a meeting table, a task table) is written once, in Jinja2, and the Django page
renders it with this tag. It gets the values named in the tag and the request (its language,
its CSRF token), nothing else of the Django context."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, name: str, **values: Any) -> SafeString:
    html = engines["jinja2"].get_template(name).render(values, context.get("request"))
    return mark_safe(html)  # noqa: S308 (Jinja2 escapes what it puts in)
