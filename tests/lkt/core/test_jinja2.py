"""The Jinja2 environment (lkt.core.jinja2) shows what the Django templates show: times in
Norway's time, messages with our own markup and escaped values, and each template is found
by the one engine meant for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateDoesNotExist, engines
from django.test.utils import override_settings
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from django.utils import translation

JINJA = engines["jinja2"]


def test_a_time_is_shown_in_norways_time_as_djangos_date_filter_shows_it():
    # 23:30 UTC on New Year's Eve is 00:30 on New Year's Day in Oslo.
    at = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    shown = JINJA.from_string('{{ at|date("j.n.Y H:i") }}').render({"at": at})
    assert shown == "1.1.2026 00:30"
    assert shown == Template('{{ at|date:"j.n.Y H:i" }}').render(Context({"at": at}))
    day = JINJA.from_string('{{ d|date("j.n.Y") }}')
    assert day.render({"d": dt.date(2026, 2, 28)}) == "28.2.2026"
    # No date is nothing, as Django shows it (a plan without a correction deadline).
    assert day.render({"d": None}) == "" == Template('{{ d|date:"j.n.Y" }}').render(Context({}))


def test_a_message_keeps_its_own_markup_and_escapes_its_values():
    template = JINJA.from_string('{{ "Nå i <strong>%(phase)s</strong>."|format_html(phase=p) }}')
    assert template.render({"p": "<rød>"}) == "Nå i <strong>&lt;rød&gt;</strong>."


def test_no_jinja2_template_shares_its_name_with_a_django_template():
    """Django's engine is asked first: a Django template of the same name would be rendered
    in place of the Jinja2 one (a team page section, lkt.workspace.team_page)."""
    jinja_root = Path(settings.BASE_DIR) / "templates" / "jinja2"
    names = [str(path.relative_to(jinja_root)) for path in jinja_root.rglob("*.html")]
    assert names
    shadowed = []
    for name in names:
        try:
            engines["django"].get_template(name)
        except TemplateDoesNotExist:
            continue
        shadowed.append(name)
    assert not shadowed


def test_a_django_template_renders_a_shared_jinja2_piece_with_the_values_named(rf):
    """``{% jinja %}`` (lkt/templatetags/jinja.py): a meeting page shows the patient's wishes
    from the same Jinja2 template as the team page's section, in the request's language."""
    request = rf.get("/")
    page = Template('{% load jinja %}{% jinja "coordination/meeting_wishes.html" preferences=p %}')
    with translation.override("en"):
        html = page.render(Context({"p": None, "request": request}))
    assert "The patient has not recorded any wishes for meetings." in html
    with translation.override("nb"):
        html = page.render(Context({"p": None, "request": request}))
    assert "Pasienten har ikke registrert ønsker for møter." in html


def test_a_string_is_remembered_per_language_and_a_reloaded_catalogue_is_read_afresh(rf, tmp_path):
    """The ``_`` of a Jinja2 template remembers what it looked up (lkt.core.jinja2.i18n), for
    one language's catalogue as Django loaded it."""
    import polib

    request = rf.get("/")
    template = JINJA.from_string('{{ _("Gode dager") }}')
    seen = (("en", "Good days"), ("nb", "Gode dager"), ("en", "Good days"), ("nn", "Gode dager"))
    for language, shown in seen:
        with translation.override(language):
            assert template.render({}, request) == shown
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Gode dager", msgstr="Gode dagar"))
    (tmp_path / "nn" / "LC_MESSAGES").mkdir(parents=True)
    po.save_as_mofile(str(tmp_path / "nn" / "LC_MESSAGES" / "django.mo"))
    # A changed LOCALE_PATHS makes Django load its catalogues again (as a restart would).
    with override_settings(LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]):
        with translation.override("nn"):
            assert template.render({}, request) == "Gode dagar"
        with translation.override("en"):
            assert template.render({}, request) == "Good days"


def test_url_is_reverse_remembered_per_script_prefix_and_url_configuration():
    template = JINJA.from_string("{{ url('workspace:team-detail', 7) }}")
    assert template.render({}) == reverse("workspace:team-detail", args=[7])
    prefix = get_script_prefix()
    set_script_prefix("/lkt/")
    try:
        assert template.render({}).startswith("/lkt/aktorfellesskap/7/")
    finally:
        set_script_prefix(prefix)
    assert template.render({}) == reverse("workspace:team-detail", args=[7])
    # Another URL configuration (a test's, a request's urlconf) is another key.
    with override_settings(ROOT_URLCONF="tests.lkt.core.one_url"):
        assert JINJA.from_string("{{ url('only') }}").render({}) == "/bare/"
        with pytest.raises(NoReverseMatch):
            template.render({})
