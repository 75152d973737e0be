"""Django's ``|date`` for every Django template (a builtin, settings.TEMPLATES) and behind
Jinja2's (lkt.core.jinja2), the formats of numbers only written out (lkt.core.dates.written):
the lists of meetings, tasks and patients write a few dates a row. Any other format, or value,
is Django's own filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template import defaultfilters

from lkt.core.dates import written

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if arg and isinstance(value, dt.date):
        done = written(value, arg)
        if done is not None:
            return done
    return defaultfilters.date(value, arg)
