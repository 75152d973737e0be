"""Jinja2, for what must answer fastest: the crisis card (issue 7: within 2× the time of the
login page, scripts/bench/crisis.py) and the team page's sections (issue 17: each partial near
a bare view). Django's template engine spent about as long rendering the crisis card as the
database spent finding it, and the sections' rendering was most of their partials; Jinja2
compiles a template to Python and renders it in a third to a quarter of the time. Every other
page stays a Django template; a piece a section shares with one is written once, in Jinja2, and
the Django page renders it with ``{% jinja %}`` (lkt.templatetags.jinja). So do every page's
head, header (the menu), messages and footer, which base.html renders with ``{% jinja %}`` and
the team page, written in Jinja2, with ``lkt/page.html``.

A form a section shows stays Django's (its widgets are Django templates), rendered inside the
section with ``django()``, and only when shown: forms render when opened (issue 17).

Templates live in ``templates/jinja2/``; they translate with the ``_`` function, whose calls
``makemessages`` extracts like ``{% translate %}``, so both engines share one catalogue. A
plural is made in Python with ``ngettext`` (makemessages does not read it in a template here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.template import engines
from django.template.defaultfilters import linebreaksbr, truncatechars, truncatewords
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation.trans_real import DjangoTranslation, translation
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from lkt.templatetags import dates, phones


def _url(name: str, *args: Any) -> str:
    """Django's ``reverse``, remembered: a page's header and sections reverse a score of URLs,
    at 17 µs each, while a URL's path only changes with the URL configuration (a test's
    ``ROOT_URLCONF``, a request's ``urlconf``) and the script prefix, which are in the key."""
    return _reverse(name, args, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)


@lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple[Any, ...], prefix: str, urlconf: Any, root: str) -> str:
    return reverse(name, args=args)


def _date(value: dt.date | None, format_string: str) -> str:
    """Django templates' ``|date`` (lkt.templatetags.dates, the formats of numbers written out):
    nothing for no date, and a time of day in Norway's time (the database's is UTC), which
    Django's engine converts to before it calls the filter."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dates.date(value, format_string)


def _format_html(message: str, **values: Any) -> Markup:
    """A translated message that holds markup of our own (``<strong>``), with its values
    escaped: ``{{ _(message)|format_html(phase=…) }}``, where ``|format`` would escape the
    message's markup too."""
    return Markup(message) % values  # noqa: S704 (the message is ours; the values are escaped)


@pass_context
def _django(context: Context, name: str, **values: Any) -> Markup:
    """A Django template inside a Jinja2 one, with the page's request: a form a section shows
    (its widgets and field pieces are Django's), ``{{ django("<name>", form=…) }}``. The
    reverse of ``{% jinja %}`` (lkt.templatetags.jinja)."""
    html = engines["django"].get_template(name).render(values, context.get("request"))
    return Markup(html)  # noqa: S704 (rendered by Django's engine, which escapes what it puts in)


def _linebreaksbr(value: str) -> SafeString:
    return linebreaksbr(value, autoescape=True)


def environment(**options: Any) -> Environment:
    env = Environment(**options)  # noqa: S701 (Django's backend turns autoescape on)
    # A static file's URL is fixed for the life of a deployment (the manifest is read at start).
    env.globals.update(static=cache(static), url=_url, page_messages=get_messages, django=_django)
    env.filters.update(
        date=_date,
        format_html=_format_html,
        linebreaksbr=_linebreaksbr,
        number=localize,
        truncatechars=truncatechars,
        truncatewords=truncatewords,
        phone=phones.phone,
        tel=phones.tel,
        phone_link=phones.phone_link,
        phone_links=phones.phone_links,
    )
    return env


def i18n(request: HttpRequest) -> dict[str, Any]:
    """``_`` bound to the request's language once per page, each string's lookup remembered
    (``_catalogue``), where Django's ``gettext`` looks the language up again for every one."""
    language = get_language()
    return {"_": _catalogue(translation(language)), "LANGUAGE_CODE": language}


@lru_cache(maxsize=16)
def _catalogue(found: DjangoTranslation) -> Callable[[str], str]:
    """A language's lookups remembered. Django looks each string up through a chain of
    catalogues (every app's, then the default language's), a microsecond a string and most for
    a bokmål string, which no catalogue holds; a batch of the team page's sections looks up
    five hundred (issue 17). Keyed by the catalogue itself, so a reloaded one starts afresh;
    only the templates' own strings come here, a bounded set."""
    return lru_cache(maxsize=4096)(found.gettext)
