"""The shared team page: sections that the whole aktørfellesskap sees, each rendered on the page
and also served alone as an htmx partial, so they load and save in place.

A section is registered once here with the access action that guards it; the page shows the
sections the viewer may see, and ``lkt.workspace.team_views.team_section`` serves each one by its key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from actors.access import Action, allows
from actors.network import views as network_views
from actors.network.aktorkart import build_aktorkart
from actors.relatives.selectors import relatives_section
from actors.selectors import TeamPage
from careplans.good_day import perspective_views
from careplans.good_day.rating_views import good_day_rating_section
from careplans.good_day.selectors import good_day_for_team
from careplans.phase.views import phase_plan_section, phase_section
from careplans.plan.selectors import plan_for_team
from coordination.evaluation.selectors import evaluation_section
from coordination.meetings.selectors import meetings_section
from coordination.messages.selectors import threads_section
from coordination.night.views import night_section
from coordination.observations.views import observation_section
from coordination.referral.selectors import coordinator_section
from coordination.survey.views import survey_section
from coordination.tiltak.selectors import tasks_section
from lkt.workspace import section_cache

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


@dataclass(frozen=True)
class Section:
    key: str  # the anchor, the partial's URL segment and the URL name "actors:team-<key>"
    title: StrOrPromise
    # A Jinja2 template under templates/jinja2/ (lkt/core/jinja2.py says why); a form it shows
    # stays Django's, rendered inside it with django().
    template: str
    action: Action
    # What the partial needs beyond the TeamPage itself (the members section needs nothing more).
    build: Callable[[TeamPage], dict[str, Any]] | None
    # Other sections whose changes this one shows too, so it reloads with them.
    follows: tuple[str, ...] = ()
    # Rendered in the page's first response (issue 17). The others come as a placeholder that
    # loads the section from its own URL when it scrolls into view, so the first response
    # stays near a bare view; keep this to the few a coordinator acts on first.
    eager: bool = False

    def data(self, page: TeamPage) -> dict[str, Any]:
        return self.build(page) if self.build else {}

    def render(
        self, request: HttpRequest, page: TeamPage, *, following: bool = False
    ) -> SafeString:
        """The section's HTML, for the page, its partial and its own page alike, kept for the
        viewer while the team is unchanged (``section_cache``). After a change elsewhere
        (``following``) it shows no message: that belongs to the section the change is in,
        whichever reload arrives first. One that shows a message is rendered afresh."""
        messages = () if following else get_messages(request)
        if messages:
            html = self._render(request, page, messages)
        else:
            html = section_cache.kept(request, page, self.key, lambda: self._render(request, page))
        return mark_safe(html)  # noqa: S308 (rendered by Jinja2, which escapes what it puts in)

    def _render(self, request: HttpRequest, page: TeamPage, messages: Any = ()) -> str:
        context = {
            "page": page,
            "team": page.team,
            "data": self.data(page),
            "section": self,
            "messages": messages,
        }
        # Asked of its own engine: Django's loader asks Django's first, whose miss cost 18 µs a
        # section. Jinja2 escapes what it puts in; its answer is a plain str all the same.
        return render_to_string(self.template, context, request, using="jinja2")

    @property
    def reload_events(self) -> str:
        """The hx-trigger that reloads the section in place after its own change: the reload
        shows the change's message ("Fasen er endret …")."""
        return f"{self.key}-changed from:body"

    @property
    def follow_events(self) -> str:
        """The hx-trigger that reloads it after a change in a section it follows: that reload
        leaves the message to the section the change belongs to (``FOLLOWING``)."""
        return ", ".join(f"{key}-changed from:body" for key in self.follows)


# The query parameter of a reload after another section's change (lkt.workspace.team_views.team_section).
FOLLOWING = "following"


def _registry() -> list[Section]:
    return [
        # Element A: the patient's own words, first: the mandate for the whole team.
        Section(
            "min-gode-dag",
            _("Min gode dag"),
            "careplans/team_good_day.html",
            Action.VIEW_GOALS,
            good_day_for_team,
            # Eager: first on the page, always in view, and small (one read); lazy it cost a
            # request of its own right after the page (issue 17).
            eager=True,
        ),
        # Element D: the plan for samarbeid, its status and approvals (careplans.plan.views).
        Section(
            "samarbeidsplan",
            _("Plan for samarbeid"),
            "careplans/team_plan.html",
            Action.VIEW_PLAN,
            plan_for_team,
            follows=("medlemmer",),
            # Eager: the plan's status and approvals are what the team works from.
            eager=True,
        ),
        # Element D: the team's current phase with its history.
        Section(
            "fase",
            _("Fase"),
            "careplans/team_phase.html",
            Action.VIEW_PLAN,
            phase_section,
            # Eager: the current phase decides what everyone should do now.
            eager=True,
        ),
        # Element D: who does what in each phase, the crisis plan in red. Lazy, right below
        # the phase: it took half the first response's time (issue 17).
        Section(
            "faseplan",
            _("Faseplan og kriseplan"),
            "careplans/team_phase_plan.html",
            Action.VIEW_PLAN,
            phase_plan_section,
            # Its "gjelder nå" mark follows the phase.
            follows=("fase",),
        ),
        # Element B: the map of every actor around the patient (actors.network.aktorkart).
        Section(
            "aktorkart",
            _("Aktørkart"),
            "actors/team_map.html",
            Action.VIEW_TEAM,
            build_aktorkart,
            follows=("medlemmer", "kommunikasjon"),
        ),
        Section(
            "medlemmer",
            _("Medlemmer"),
            "actors/team_members.html",
            Action.VIEW_TEAM,
            None,
        ),
        # Element B: communication lines, perspectives and scenarios (actors.network.views).
        Section(
            "kommunikasjon",
            _("Kommunikasjon"),
            "actors/team_communication_section.html",
            Action.VIEW_CLINICAL,
            network_views.communication_section,
            follows=("medlemmer",),
        ),
        Section(
            "perspektiver",
            _("Perspektiver"),
            "careplans/team_perspectives_section.html",
            Action.VIEW_CLINICAL,
            perspective_views.perspectives_section,
            follows=("medlemmer", "min-gode-dag"),
        ),
        Section(
            "scenarier",
            _("Scenarier og overganger"),
            "actors/team_scenarios_section.html",
            Action.VIEW_CLINICAL,
            network_views.scenarios_section,
            follows=("medlemmer",),
        ),
        # The patient's relatives: what each may see and until when, whether they have logged
        # in, and who represents the patient on what basis (actors.relatives.selectors). For
        # those who manage relatives with the patient: the patient and the coordinator.
        Section(
            "parorende",
            _("Pårørende og representasjon"),
            "actors/team_relatives.html",
            Action.MANAGE_RELATIVES,
            relatives_section,
        ),
        # Element C: the coordinator, their mandate and deputy (coordination.referral.selectors).
        Section(
            "koordinator",
            _("Koordinator og mandat"),
            "coordination/team_coordinator_section.html",
            Action.VIEW_TEAM,
            coordinator_section,
            follows=("medlemmer",),
        ),
        # --- element E: meetings and tasks ---
        # Element E: the team's meetings and the patient's wishes for them; the tasks (tiltak)
        # with what is overdue. Clinical: see coordination.meetings.selectors for why.
        Section(
            "moter",
            _("Møter"),
            "coordination/team_meetings_section.html",
            Action.VIEW_CLINICAL,
            meetings_section,
        ),
        Section(
            "tiltak",
            _("Tiltak"),
            "coordination/team_tasks_section.html",
            Action.VIEW_CLINICAL,
            tasks_section,
            follows=("moter", "medlemmer"),
        ),
        # --- issue 19: messages ---
        # The team's threads with what is unread; each viewer sees the threads whose audience
        # includes them (actors.access.reads_thread), a relative only if she may communicate.
        Section(
            "meldinger",
            _("Meldinger"),
            "coordination/team_threads_section.html",
            Action.VIEW_THREADS,
            threads_section,
        ),
        # --- element E: plan periods and evaluation ---
        # Element E: the stage in the improvement cycle, the plan period and its evaluation
        # against the patient's goals (coordination.evaluation.selectors). Clinical: the
        # evaluation quotes the patient; relatives do not see it.
        Section(
            "evaluering",
            _("Planperiode og evaluering"),
            "coordination/team_evaluation_section.html",
            Action.VIEW_CLINICAL,
            evaluation_section,
            follows=("moter", "samarbeidsplan"),
        ),
        # --- element E: observations ---
        # --- issue 7: night contacts ---
        # Issue 7: night contacts and phase changes on one timeline, with contacts per service
        # over 3, 6 and 12 months (coordination.night.views); clinical, like observations.
        Section(
            "natt",
            _("Kontakter utenom kontortid"),
            "coordination/team_night_section.html",
            Action.VIEW_CLINICAL,
            night_section,
            follows=("fase", "observasjoner"),
        ),
        # Element E: "noe har endret seg" and proposals of a new phase, answered by the
        # coordinator (coordination.observations.views), whose answer returns the section.
        Section(
            "observasjoner",
            _("Observasjoner"),
            "coordination/team_observations_section.html",
            Action.VIEW_CLINICAL,
            observation_section,
        ),
        # --- issue 8: survey ---
        # Issue 8: the relational coordination survey, its open round and the results per
        # dimension and round (coordination.survey.views); answers are anonymous.
        Section(
            "koordinering",
            _("Relasjonell koordinering"),
            "coordination/team_survey_section.html",
            Action.VIEW_CLINICAL,
            survey_section,
            follows=("medlemmer",),
        ),
        # --- issue 8: good days ---
        # Issue 8: the patient's own count of good days the last week, as a trend; recorded
        # with the coordinator by staff who may write goals (careplans.good_day.rating_views).
        Section(
            "gode-dager",
            _("Gode dager"),
            "careplans/team_good_days_section.html",
            Action.VIEW_GOALS,
            good_day_rating_section,
        ),
        # The patient's consents with their history, who may withdraw them: the rule FHIR's
        # Consent keeps (VIEW_CONSENT). Reads the page's consents (TeamPage.consents).
        Section(
            "samtykker",
            _("Samtykker"),
            "actors/team_consents.html",
            Action.VIEW_CONSENT,
            None,
        ),
    ]


SECTIONS: list[Section] = _registry()
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def visible_sections(page: TeamPage) -> list[Section]:
    """The sections the viewer may see."""
    return [section for section in SECTIONS if allows(page.standing, section.action)]


# The query parameter that names the sections of a batch (lkt.workspace.team_views.team_sections).
BATCH = "s"


@dataclass(frozen=True)
class Placed:
    """A section as the page places it: its HTML when eager (None for a placeholder), its URL
    and its title in the page's language, translated once for the contents and the placeholder."""

    section: Section
    html: SafeString | None
    url: str
    title: str = ""


@dataclass(frozen=True)
class Run:
    """One eager section, or a batch of consecutive lazy ones with the URL that loads them all."""

    placed: list[Placed]
    url: str | None = None


def runs(placed: list[Placed], page_url: str) -> list[Run]:
    """The page in order, each run of consecutive lazy sections gathered into one batch: a batch
    loads in one request when any of it comes into view, with one access read and one audit row
    for all its sections instead of one each (issue 17)."""
    groups: list[list[Placed]] = []
    for item in placed:
        if not item.section.eager and groups and not groups[-1][-1].section.eager:
            groups[-1].append(item)
        else:
            groups.append([item])
    # The batch's URL is the page's followed by "seksjoner/" (lkt.workspace.urls).
    return [
        Run(group)
        if group[0].section.eager
        else Run(
            group,
            f"{page_url}seksjoner/?" + urlencode([(BATCH, item.section.key) for item in group]),
        )
        for group in groups
    ]


def batch_urls(page: TeamPage, page_url: str) -> list[str]:
    """The URLs of the batches the page places for its viewer, no section rendered: what a
    benchmark requests after the page, as a browser does."""
    placed = [Placed(section, None, "") for section in visible_sections(page)]
    return [run.url for run in runs(placed, page_url) if run.url]


def render_sections(request: HttpRequest, page: TeamPage, page_url: str) -> SafeString:
    """The team page's table of contents and the sections the viewer may see: the eager ones
    rendered, the others placeholders that load in batches (``runs``).

    A section's URL is the team page's followed by its key (``lkt.workspace.urls``), joined here
    rather than reversed: reversing each section's took 0.6 ms of the first response (issue 17).
    Kept for the viewer as a section is (``section_cache``), unless an eager section has a
    message to show.
    """
    if get_messages(request):
        return mark_safe(_render_sections(request, page, page_url))  # noqa: S308 (as below)
    html = section_cache.kept(
        request, page, "team-page", lambda: _render_sections(request, page, page_url)
    )
    return mark_safe(html)  # noqa: S308 (rendered by Jinja2, which escapes what it puts in)


def _render_sections(request: HttpRequest, page: TeamPage, page_url: str) -> str:
    placed = [
        Placed(
            section,
            section.render(request, page) if section.eager else None,
            f"{page_url}{section.key}/",
            str(section.title),
        )
        for section in visible_sections(page)
    ]
    context = {"placed": placed, "runs": runs(placed, page_url)}
    return render_to_string("workspace/team_sections.html", context, request, using="jinja2")


def render_batch(request: HttpRequest, page: TeamPage, sections: list[Section]) -> SafeString:
    """Sections for the placeholders of a batch, each swapped out of band into its own. They
    show no message (``following``): a batch is the page's own load, whose messages the page
    showed."""
    rendered = [(section, section.render(request, page, following=True)) for section in sections]
    html = render_to_string(
        "workspace/team_section_batch.html", {"rendered": rendered}, request, using="jinja2"
    )
    return mark_safe(html)  # noqa: S308 (rendered by Jinja2, which escapes what it puts in)
