"""Every URL of the project × every role, with the status each must get.

The matrix must list every named URL: a new view without a row fails
``test_every_url_is_in_the_matrix``, so the matrix grows with every view.
404 means "you may not know this exists", 403 "you may see it but not do this".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actors.models import CommunicationLine, Role
from careplans.models import Challenge
from tests.conftest import Cast, client_for
from tests.coordination.meetings.test_services import (
    kari_meeting,
    kari_meeting_decision,
    kari_meeting_item,
    kari_task,
)
from tests.coordination.night.test_views import cecilie_import, kari_night_contact
from tests.coordination.reports.test_views import leif_period, leif_report_job
from tests.coordination.survey.test_services import kari_survey_round, kari_team_surveyed

ROLES = [
    "anonymous",
    "patient",
    "other_patient",
    "relative",
    "excluded_relative",
    "member",
    "outsider",
    "coordinator",
    "leader",
    "night",
]


@dataclass
class Row:
    method: str
    expected: dict[str, int]
    args: Callable[[Cast], list[Any]] = field(default=lambda cast: [])
    query: str = ""
    data: Callable[[Cast], dict[str, Any]] = field(default=lambda cast: {})
    content_type: str | None = None
    htmx: bool = False  # team sections answer htmx; a plain request is sent to the page


def statuses(default: int, **overrides: int) -> dict[str, int]:
    # Nils at the legevakt is staff in no team: everywhere but the crisis pages he gets what
    # Nina the outsider gets, unless a row says otherwise.
    night = overrides.get("night", overrides.get("outsider", default))
    return {role: overrides.get(role, default) for role in ROLES} | {"night": night}


def kari_team(cast: Cast) -> list[Any]:
    return [cast.team.pk]


def tor_membership(cast: Cast) -> list[Any]:
    return [cast.team.pk, cast.team.members.get(user=cast.member).pk]


def kari_consent(cast: Cast) -> list[Any]:
    return [cast.team.pk, cast.team.patient.consents.first().pk]  # type: ignore[union-attr]


def kari_line(cast: Cast) -> list[Any]:
    """An open communication line Tor → Cecilie in Kari's team."""
    members = cast.team.members
    line = CommunicationLine.objects.create(
        team=cast.team,
        from_member=members.get(user=cast.member),
        to_member=members.get(user=cast.coordinator),
        channel=CommunicationLine.Channel.PHONE,
        frequency=CommunicationLine.Frequency.WEEKLY,
        created_by=cast.coordinator,
    )
    return [cast.team.pk, line.pk]


def tor_perspective(cast: Cast) -> list[Any]:
    """Tor's perspective on one of Kari's challenges."""
    challenge = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    return [cast.team.pk, challenge.pk, cast.team.members.get(user=cast.member).pk]


def kari_patient(cast: Cast) -> list[Any]:
    return [cast.team.patient.pk]


def kari_plan_draft(cast: Cast) -> list[Any]:
    """A first draft of the plan for samarbeid of Kari's team, made by Cecilie."""
    from careplans.plan.services import plan_draft_open

    plan_draft_open(actor=cast.coordinator, team=cast.team)
    return [cast.team.pk]


def kari_plan_draft_version(cast: Cast) -> list[Any]:
    return [*kari_plan_draft(cast), 1]


def kari_phase_draft(cast: Cast) -> list[Any]:
    """A bare draft version of Kari's plan, for its phase plan and årshjul."""
    from careplans.models import CarePlan, CarePlanVersion

    plan, _ = CarePlan.objects.get_or_create(team=cast.team)
    version = CarePlanVersion.objects.create(plan=plan, number=1, created_by=cast.coordinator)
    return [version.pk]


def kari_phase_activity(cast: Cast) -> list[Any]:
    from careplans.models import AnnualActivity

    [version_pk] = kari_phase_draft(cast)
    activity = AnnualActivity.objects.create(
        version_id=version_pk, kind="other", title="Tur", recurrence="yearly", month=5
    )
    return [version_pk, activity.pk]


def kari_in_force_activity(cast: Cast) -> list[Any]:
    """An activity of the årshjul of Kari's plan in force, nobody responsible for it."""
    from careplans.models import AnnualActivity, CarePlan, CarePlanVersion

    plan, _ = CarePlan.objects.get_or_create(team=cast.team)
    version = CarePlanVersion.objects.create(
        plan=plan, number=1, status="in_force", created_by=cast.coordinator
    )
    activity = AnnualActivity.objects.create(
        version=version, kind="other", title="Tur", recurrence="yearly", month=5
    )
    return [version.pk, activity.pk]


def tor_calendar_token(cast: Cast) -> list[Any]:
    """Tor's personal calendar address (the token is the only key to it)."""
    from coordination.notifications.preference_services import calendar_feed_create

    return [calendar_feed_create(actor=cast.member).token]


def kari_thread(cast: Cast) -> list[Any]:
    """A thread of Kari's team with Kari in it, started by Tor, with a PDF attached."""
    from coordination.messages.services import thread_start
    from tests.files import upload

    thread = thread_start(
        actor=cast.member,
        team=cast.team,
        subject="Bolig",
        audience="with_patient",
        body="Søknaden er sendt.",
        upload=upload(),
    )
    return [thread.pk]


def kari_message(cast: Cast) -> list[Any]:
    from coordination.models import Message

    [thread_pk] = kari_thread(cast)
    return [Message.objects.get(thread_id=thread_pk).pk]


def kari_document(cast: Cast) -> list[Any]:
    """A document of Kari's team marked for her, uploaded by Cecilie."""
    from coordination.messages.document_services import document_upload
    from tests.files import upload

    document = document_upload(
        actor=cast.coordinator, team=cast.team, upload=upload("IOP.pdf"), for_patient=True
    )
    return [document.pk]


def kari_team_closed(cast: Cast) -> list[Any]:
    """Kari's team, closed by Cecilie (issue 19, retention)."""
    from actors.services import team_close

    team_close(actor=cast.coordinator, team=cast.team, reason="Målene er nådd.")
    return [cast.team.pk]


# Seeing Kari's Min gode dag: herself, Per (allowed to see her goals), staff in her team.
GOALS_VIEW = statuses(404, anonymous=302, patient=200, relative=200, member=200, coordinator=200)
# Seeing Kari's team: herself, her allowed relative, and staff in her team.
TEAM_VIEW = statuses(404, anonymous=302, patient=200, relative=200, member=200, coordinator=200)
# Changing Kari's team: only the coordinator; those who may see her get 403.
TEAM_MANAGE = statuses(404, anonymous=302, patient=403, relative=403, member=403)
LOGGED_IN_ONLY = statuses(200, anonymous=302)
STAFF_ONLY = statuses(403, anonymous=302, member=200, outsider=200, coordinator=200, leader=200)
API_LOGGED_IN = statuses(200, anonymous=403)
ADMIN_ONLY = statuses(302)  # nobody in the cast is an administrator: on to the admin login
# Kari's clinical sections: herself and staff in her team; her relative sees the team, not these.
CLINICAL_SECTION = statuses(
    404, anonymous=302, patient=200, relative=403, member=200, coordinator=200
)
# Kari's plan for samarbeid: herself, staff in her team, and Leif, who leads the kommune her
# team's members work in (he sees its structure only, to approve it). Per sees her team but not
# her plan: to him it is not there (404).
PLAN_VIEW = statuses(404, anonymous=302, patient=200, member=200, coordinator=200, leader=200)
# Making and correcting drafts: the coordinator; those who see the plan get 403.
PLAN_MANAGE = {**PLAN_VIEW, "patient": 403, "member": 403, "leader": 403}
# Editing the network (lines, perspectives, scenarios): active members with consent. An empty
# form comes back with its messages (200); Kari and her relative see the team but get 403.
NETWORK_EDIT = statuses(404, anonymous=302, patient=403, relative=403, member=200, coordinator=200)

# Kari's portal: herself and her allowed relative; staff who know her get 403, strangers 404.
PORTAL_VIEW = statuses(404, anonymous=302, patient=200, relative=200, member=403, coordinator=403)
# Kari's own decisions and her access log: only Kari.
PORTAL_OWN = {**PORTAL_VIEW, "relative": 403}


# Element E, plan periods and evaluation: staff in Kari's team read it; only Cecilie manages.
EVALUATION_VIEW = statuses(
    404, anonymous=302, patient=403, relative=403, member=200, coordinator=200
)
EVALUATION_MANAGE = {**EVALUATION_VIEW, "member": 403}


def kari_period(cast: Cast) -> list[Any]:
    """A plan period of Kari's team, set by Cecilie."""
    import datetime as dt

    from coordination.models import PlanPeriod

    period = PlanPeriod.objects.create(
        team=cast.team,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 3, 12),
        created_by=cast.coordinator,
    )
    return [period.pk]


def kari_period_goal(cast: Cast) -> list[Any]:
    from careplans.models import Goal

    goal = Goal.objects.create(patient=cast.team.patient, text="Sove bedre", wish="Orke mer")
    return [*kari_period(cast), goal.pk]


def kari_evaluation(cast: Cast) -> list[Any]:
    """The period with its evaluation started (a draft)."""
    from coordination.models import Evaluation

    [period_pk] = kari_period(cast)
    Evaluation.objects.create(period_id=period_pk, created_by=cast.coordinator)
    return [period_pk]


def kari_period_meeting(cast: Cast) -> list[Any]:
    """The evaluation meeting LKT proposed for the period."""
    import datetime as dt

    from coordination.evaluation.services import evaluation_meeting_propose
    from coordination.models import PlanPeriod

    [period_pk] = kari_period(cast)
    period = PlanPeriod.objects.get(pk=period_pk)
    meeting = evaluation_meeting_propose(period=period, today=dt.date(2027, 3, 1))
    assert meeting is not None
    return [period_pk, meeting.pk]


def per_link(cast: Cast) -> list[Any]:
    link = cast.team.patient.relative_links.get(relative=cast.relative)
    return [cast.team.patient.pk, link.pk]


def per_team_link(cast: Cast) -> list[Any]:
    link = cast.team.patient.relative_links.get(relative=cast.relative)
    return [cast.team.pk, link.pk]


def kari_representation(cast: Cast) -> list[Any]:
    """Kari's friend Frida holds her fullmakt, through a link that sees everything."""
    from actors.models import RelativeLink, Representation

    link = RelativeLink.objects.create(
        patient=cast.team.patient,
        name="Frida Fullmakt",
        national_id=_frida_national_id(),
        relation=RelativeLink.Relation.FRIEND,
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=True,
        created_by=cast.patient,
    )
    representation = Representation.objects.create(
        patient=cast.team.patient,
        relative_link=link,
        basis=Representation.Basis.POWER_OF_ATTORNEY,
        valid_from=link.created_at.date(),
        recorded_by=cast.coordinator,
    )
    return [cast.team.pk, representation.pk]


def _frida_national_id() -> str:
    import datetime as dt

    from actors.validators import synthetic_national_id

    return synthetic_national_id(dt.date(1990, 3, 12), 7)


def leif_invitation(cast: Cast) -> list[Any]:
    """An open invitation to Fjordvik kommune, from Leif."""
    from actors.models import Profession, StaffInvitation

    invitation = StaffInvitation.objects.create(
        organisation=cast.kommune,
        name="Hanne Hansen",
        hpr_number="7654321",
        profession=Profession.VERNEPLEIER,
        invited_by=cast.leader,
    )
    return [invitation.pk]


def per_need_report(cast: Cast) -> list[Any]:
    """A need report Per sent to Fjordvik kommune about Kari (nobody in the cast works at its
    koordinerende enhet, so only Per may open it)."""
    from coordination.models import NeedReport

    report = NeedReport.objects.create(
        kommune=cast.kommune,
        patient_name="Kari Nordvik",
        need="Trenger hjelp til å samordne",
        reported_by=cast.relative,
        relation=NeedReport.Relation.RELATIVE,
        patient_knows=True,
        patient_agrees=True,
    )
    return [report.pk]


def tor_appointment(cast: Cast, *, approved: bool = False) -> Any:
    from coordination.models import CoordinatorAppointment

    return CoordinatorAppointment.objects.create(
        team=cast.team,
        candidate=cast.member,
        proposed_by=cast.coordinator,
        status=CoordinatorAppointment.Status.APPROVED
        if approved
        else CoordinatorAppointment.Status.PROPOSED,
    )


def kari_mandate(cast: Cast) -> list[Any]:
    """Cecilie's mandate for Kari's team, without a deputy yet."""
    from coordination.models import Mandate

    mandate = Mandate.objects.create(
        team=cast.team,
        task_description="Lede teamet",
        authority="Kalle inn til møter",
        hours_per_month=8,
        updated_by=cast.coordinator,
    )
    return [mandate.pk]


def tor_observation(cast: Cast) -> list[Any]:
    """Tor proposes rød for Kari's team."""
    from coordination.models import Observation

    observation = Observation.objects.create(
        team=cast.team, reported_by=cast.member, text="Sover ikke", proposed_phase="red"
    )
    return [cast.team.pk, observation.pk]


def cecilie_alert(cast: Cast) -> list[Any]:
    """An urgent phase alert to Cecilie."""
    from coordination.models import Notification

    notification = Notification.objects.create(
        recipient=cast.coordinator,
        kind=Notification.Kind.PHASE_ALERT,
        team=cast.team,
        occurrence="phase_change:1",
        message="Rød fase",
        urgent=True,
    )
    return [notification.pk]


def nils_lookup_token(cast: Cast) -> list[Any]:
    """The signed step Nils gets when he looks Kari up by fødselsnummer."""
    from coordination.night.crisis_services import lookup_token

    return [lookup_token(cast.night, cast.team.patient.pk)]


def nils_card_token(cast: Cast) -> list[Any]:
    """The signed card link Nils gets once he has stated his reason (break-glass: Kari has
    not consented to crisis sharing in the cast)."""
    from tests.coordination.crisis_helpers import card_token

    return [card_token(cast)]


def kari_plan_in_force(cast: Cast) -> list[Any]:
    """An approved version of Kari's plan, in force."""
    from django.utils import timezone

    from careplans.models import CarePlan, CarePlanVersion

    plan, _ = CarePlan.objects.get_or_create(team=cast.team)
    version = CarePlanVersion.objects.create(
        plan=plan,
        number=1,
        status="in_force",
        in_force_at=timezone.now(),
        created_by=cast.coordinator,
    )
    return [version.pk]


def kari_goal(cast: Cast) -> list[Any]:
    from tests.coordination.tiltak.test_services import goal_for

    return [goal_for(cast).pk]


def kari_team_consent(cast: Cast) -> list[Any]:
    return [cast.team.patient.consents.get(scope="team_sharing").pk]


# FHIR (issue 18): the same policy as the pages, in FHIR's words: no login is 401 (a bearer
# token is asked for), a patient the reader may not know is 404, a read the role may not do 403.
FHIR_LOGGED_IN = statuses(200, anonymous=401)
FHIR_IDENTITY = statuses(404, anonymous=401, patient=200, relative=200, member=200, coordinator=200)
FHIR_TEAM = FHIR_IDENTITY
FHIR_GOALS = FHIR_IDENTITY
# The plan, consents, tasks and meetings: Kari and staff in her team; Per knows her (403).
FHIR_CLINICAL = {**FHIR_IDENTITY, "relative": 403}
FHIR_NOWHERE = statuses(404)

# Things only the kommune's koordinerende enhet does: nobody in the cast works there.
UNIT_ONLY = statuses(403, anonymous=302)
# Things only a line leader does (Leif leads the kommune that Cecilie and Tor work in).
LEADER_ONLY = statuses(403, anonymous=302, leader=200)

MATRIX: dict[str, Row] = {
    "home": Row("get", statuses(302)),
    "login": Row("get", statuses(302, anonymous=200)),
    "logout": Row("post", statuses(302)),
    # ID-porten and HelseID: not there while no provider is configured (the cast's settings);
    # test_login_urls_with_the_providers_configured walks them against the test provider.
    "oidc-login": Row("get", statuses(404), args=lambda cast: ["idporten"]),
    "oidc-callback": Row("get", statuses(404), args=lambda cast: ["idporten"]),
    "oidc-frontchannel-logout": Row("get", statuses(404), args=lambda cast: ["helseid"]),
    "set_language": Row("post", statuses(302), data=lambda cast: {"language": "en"}),
    "health": Row("get", statuses(200)),
    # --- issue 18: FHIR R4 ---
    "fhir:metadata": Row("get", statuses(200)),
    **{
        f"fhir:{kind}-search": Row("get", FHIR_LOGGED_IN)
        for kind in (
            "patient",
            "practitioner",
            "organization",
            "careteam",
            "careplan",
            "goal",
            "consent",
            "task",
            "appointment",
        )
    },
    "fhir:patient-read": Row("get", FHIR_IDENTITY, args=kari_patient),
    # Tor, as Kari's team page shows him to those who see it (and to himself).
    "fhir:practitioner-read": Row("get", FHIR_TEAM, args=lambda cast: [cast.member.pk]),
    "fhir:organization-read": Row("get", FHIR_LOGGED_IN, args=lambda cast: [cast.kommune.pk]),
    "fhir:careteam-read": Row("get", FHIR_TEAM, args=kari_team),
    "fhir:careplan-read": Row("get", FHIR_CLINICAL, args=kari_plan_in_force),
    "fhir:goal-read": Row("get", FHIR_GOALS, args=kari_goal),
    "fhir:consent-read": Row("get", FHIR_CLINICAL, args=kari_team_consent),
    "fhir:task-read": Row("get", FHIR_CLINICAL, args=kari_task),
    "fhir:appointment-read": Row("get", FHIR_CLINICAL, args=kari_meeting),
    "fhir:unknown-type": Row("get", FHIR_NOWHERE, args=lambda cast: ["Observation"]),
    "fhir:unknown-path": Row("get", FHIR_NOWHERE, args=lambda cast: ["Observation", "1"]),
    # The API's schema and docs page hold no data: anyone reads them.
    "api-schema": Row("get", statuses(200)),
    "api-docs": Row("get", statuses(200)),
    "api-schema-fhir": Row("get", statuses(200)),
    "api-docs-fhir": Row("get", statuses(200)),
    "workspace:team-list": Row("get", STAFF_ONLY),
    "workspace:team-detail": Row("get", TEAM_VIEW, args=kari_team),
    # A batch of sections with a clinical one: as that one alone.
    "workspace:team-sections": Row(
        "get", CLINICAL_SECTION, args=kari_team, query="s=medlemmer&s=moter", htmx=True
    ),
    "workspace:team-medlemmer": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    "workspace:team-aktorkart": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    "workspace:team-min-gode-dag": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    # Element D: the phase (seen with the plan: Kari and her team; Per is not allowed to see
    # her plan, 403), the phase plan and årshjul of a draft (written by the coordinator).
    "workspace:team-fase": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "workspace:team-faseplan": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "workspace:team-samtykker": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "careplans:phase-change": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "careplans:phase-entry-edit": Row(
        "get",
        {**TEAM_MANAGE, "coordinator": 200},
        args=lambda cast: [*kari_phase_draft(cast), "red"],
    ),
    "careplans:annual": Row("get", CLINICAL_SECTION, args=kari_phase_draft),
    "careplans:annual-activity-add": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_phase_draft
    ),
    "careplans:annual-defaults": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_phase_draft
    ),
    "careplans:annual-activity-edit": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_phase_activity
    ),
    "careplans:annual-activity-remove": Row(
        "post", {**TEAM_MANAGE, "coordinator": 302}, args=kari_phase_activity
    ),
    # Min gode dag: Kari, Per (she lets him see her goals) and staff in her team read it.
    "careplans:good-day": Row("get", GOALS_VIEW, args=kari_patient),
    "careplans:good-day-history": Row("get", GOALS_VIEW, args=kari_patient),
    "careplans:good-day-diff": Row("get", GOALS_VIEW, args=kari_patient),
    # Kari writes; the coordinator may write the first version with her; an empty form comes
    # back with its messages (200). Per may read but not write, Tor is no co-writer: 403.
    "careplans:good-day-save": Row(
        "post", {**GOALS_VIEW, "relative": 403, "member": 403}, args=kari_patient
    ),
    "actors:member-add": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:member-edit": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=tor_membership),
    "actors:member-end": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=tor_membership),
    "actors:team-activate": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    # Kari is an adult: she gives and withdraws her own consent (pbrl. § 4-3), as the coordinator
    # records consent given to him.
    "actors:consent-record": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200, "patient": 200}, args=kari_team
    ),
    "actors:consent-withdraw": Row(
        "post", {**TEAM_MANAGE, "coordinator": 302, "patient": 302}, args=kari_consent
    ),
    # The patient decides about her relatives herself; the coordinator acts for her, with her
    # agreement. The section shows them to those two only: Tor and Per see the team (403).
    "actors:relative-create": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200, "patient": 200}, args=kari_team
    ),
    "actors:relative-edit": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200, "patient": 200}, args=per_team_link
    ),
    "actors:relative-end": Row(
        "post", {**TEAM_MANAGE, "coordinator": 302, "patient": 302}, args=per_team_link
    ),
    "workspace:team-parorende": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200, "patient": 200}, args=kari_team, htmx=True
    ),
    # Who represents Kari, on what basis: recorded and ended by the coordinator only.
    "actors:representation-add": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:representation-end": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_representation
    ),
    "actors:patient-search": Row("get", LOGGED_IN_ONLY, query="q=Kari"),
    "actors:patient-register": Row("get", STAFF_ONLY),
    "actors:incomplete-teams": Row("get", statuses(403, anonymous=302, leader=200)),
    # Inviting staff: Leif leads Fjordvik kommune, Cecilie coordinates there; anyone else may
    # invite no one (403), and to them an invitation is not there (404).
    "actors:staff-invitations": Row(
        "get", statuses(403, anonymous=302, coordinator=200, leader=200)
    ),
    "actors:staff-invitation-revoke": Row(
        "post", statuses(404, anonymous=302, coordinator=302, leader=302), args=leif_invitation
    ),
    "workspace:team-kommunikasjon": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "workspace:team-perspektiver": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "workspace:team-scenarier": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    # Element D: the plan for samarbeid (careplans.plan.views). On the team page, Per sees the
    # team but the plan section is forbidden (403); the plan itself is not there for him (404).
    "workspace:team-samarbeidsplan": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "careplans:plan": Row("get", PLAN_VIEW, args=kari_team),
    "careplans:plan-diff": Row("get", PLAN_VIEW, args=kari_team),
    "careplans:plan-draft-create": Row("post", {**PLAN_MANAGE, "coordinator": 302}, args=kari_team),
    "careplans:plan-draft-edit": Row("get", PLAN_MANAGE, args=kari_plan_draft),
    # An empty approval is refused with a message on the plan page (302) for those who see it.
    "careplans:plan-approve": Row(
        "post",
        {**PLAN_VIEW, "patient": 302, "member": 302, "coordinator": 302, "leader": 302},
        args=kari_plan_draft_version,
    ),
    # Corrections to the draft: the members (an empty one comes back with its message, 200);
    # Kari and Leif read the plan but approve it (403). Closing the window: the coordinator.
    "careplans:plan-correction-add": Row(
        "post", {**PLAN_VIEW, "patient": 403, "leader": 403}, args=kari_plan_draft_version
    ),
    "careplans:plan-corrections-close": Row(
        "post", {**PLAN_MANAGE, "coordinator": 302}, args=kari_plan_draft_version
    ),
    "careplans:plan-approvals-for-leader": Row("get", statuses(403, anonymous=302, leader=200)),
    # The patient's approval given in person: recorded by the coordinator only; those who see
    # the plan get 403 (the draft's window for corrections may be open: the form says so).
    "careplans:plan-personal-approval": Row("get", PLAN_MANAGE, args=kari_plan_draft_version),
    "actors:communication-line-add": Row("post", NETWORK_EDIT, args=kari_team),
    "actors:communication-line-end": Row(
        "post", {**NETWORK_EDIT, "member": 302, "coordinator": 302}, args=kari_line
    ),
    # Tor writes his own perspective; the coordinator writes only for actors without login.
    "careplans:perspective-save": Row(
        "post", {**NETWORK_EDIT, "coordinator": 403}, args=tor_perspective
    ),
    "actors:scenario-add": Row("post", NETWORK_EDIT, args=kari_team),
    "actors:scenario-prepare": Row(
        "post", NETWORK_EDIT, args=lambda cast: [cast.team.pk, "turning_18"]
    ),
    "actors:relative-home": Row(
        "get", statuses(403, anonymous=302, relative=200, excluded_relative=200)
    ),
    # The patient and relative portal. Staff use the team page: 403 where they know Kari.
    "workspace:portal-home": Row(
        "get",
        statuses(
            403, anonymous=302, patient=200, other_patient=200, relative=302, excluded_relative=302
        ),
    ),
    "workspace:portal-overview": Row("get", PORTAL_VIEW, args=kari_patient),
    "workspace:portal-team": Row("get", PORTAL_VIEW, args=kari_patient),
    # Per may see Kari's team and goals, not her plan: the plan page does not exist for him.
    "workspace:portal-plan": Row("get", {**PORTAL_VIEW, "relative": 404}, args=kari_patient),
    "workspace:portal-consent": Row("get", PORTAL_OWN, args=kari_patient),
    "workspace:portal-relatives": Row("get", PORTAL_OWN, args=kari_patient),
    "workspace:portal-relative-update": Row("post", {**PORTAL_OWN, "patient": 302}, args=per_link),
    # An empty form comes back with its messages (200) for Kari; ending Per's access: 302.
    "workspace:portal-relative-add": Row("post", PORTAL_OWN, args=kari_patient),
    "workspace:portal-relative-end": Row("post", {**PORTAL_OWN, "patient": 302}, args=per_link),
    "workspace:portal-access-log": Row("get", PORTAL_OWN, args=kari_patient),
    # From need to team and element C (coordination). Per's report: only he may open it; he may
    # not handle it (403); the unit of another kommune and everyone else get 404.
    "coordination:need-report-create": Row("get", LOGGED_IN_ONLY),
    "coordination:need-report-mine": Row("get", LOGGED_IN_ONLY),
    "coordination:need-report-worklist": Row("get", UNIT_ONLY),
    "coordination:need-report-detail": Row(
        "get", statuses(404, anonymous=302, relative=200), args=per_need_report
    ),
    "coordination:need-report-status": Row(
        "post", statuses(404, anonymous=302, relative=403), args=per_need_report
    ),
    "coordination:need-report-establish": Row(
        "post", statuses(404, anonymous=302, relative=403), args=per_need_report
    ),
    "workspace:team-koordinator": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    "coordination:appointment-propose": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team
    ),
    # Registering is for the koordinerende enhet: Cecilie manages the team but is not there.
    "coordination:appointment-register": Row(
        "post",
        {**TEAM_MANAGE, "coordinator": 403},
        args=lambda cast: [cast.team.pk, tor_appointment(cast, approved=True).pk],
    ),
    "coordination:mandate-edit": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "coordination:leader-approvals": Row("get", LEADER_ONLY),
    # An empty decision comes back with its messages (200) for Tor's leader.
    "coordination:appointment-decide": Row(
        "post", LEADER_ONLY, args=lambda cast: [tor_appointment(cast).pk]
    ),
    # Without a deputy the approval is refused with a message on the approvals page (302).
    "coordination:mandate-approve": Row("post", {**LEADER_ONLY, "leader": 302}, args=kari_mandate),
    "coordination:notification-list": Row("get", LOGGED_IN_ONLY),
    "api:organisation-list": Row("get", API_LOGGED_IN),
    "api:patient-list": Row("get", API_LOGGED_IN, query="q=Kari"),
    "api:team-list": Row(
        "get", statuses(403, member=200, outsider=200, coordinator=200, leader=200)
    ),
    "api:team-detail": Row("get", {**TEAM_VIEW, "anonymous": 403}, args=kari_team),
    "api:member-create": Row(
        "post",
        {**TEAM_MANAGE, "anonymous": 403, "coordinator": 201},
        args=kari_team,
        data=lambda cast: {"external_name": "Nabo Nils", "role": Role.OTHER.value},
        content_type="application/json",
    ),
    # «Merk som utført» on the årshjul in force: Cecilie (or the responsible member; nobody is
    # here); others who see the årshjul, and Per who knows the team, get 403.
    "careplans:annual-activity-done": Row(
        "post",
        {**CLINICAL_SECTION, "coordinator": 302, "patient": 403, "member": 403},
        args=kari_in_force_activity,
    ),
    # --- element E: meetings and tasks ---
    # Meetings and tasks are clinical: Kari and staff in her team; Per, who sees her team, is
    # refused (403). Kari sees the meetings she is invited to (this one), never writes in them.
    "workspace:team-moter": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "workspace:team-tiltak": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "coordination:team-meetings": Row("get", CLINICAL_SECTION, args=kari_team),
    "coordination:meeting-detail": Row("get", CLINICAL_SECTION, args=kari_meeting),
    # Planning, moving and the agenda: the coordinator (an empty item comes back, 200).
    "coordination:meeting-create": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "coordination:meeting-edit": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_meeting),
    "coordination:meeting-preferences": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team
    ),
    "coordination:agenda-item-add": Row(
        "post", {**TEAM_MANAGE, "coordinator": 200}, args=kari_meeting
    ),
    # The item has a decision: removing it is refused with a message on the meeting (302).
    "coordination:agenda-item-remove": Row(
        "post", {**TEAM_MANAGE, "coordinator": 302}, args=kari_meeting_item
    ),
    # The minutes and decisions: Tor (the referent) and Cecilie (the coordinator); Kari reads.
    "coordination:meeting-minutes": Row(
        "get", {**CLINICAL_SECTION, "patient": 403}, args=kari_meeting
    ),
    "coordination:decision-add": Row(
        "post", {**CLINICAL_SECTION, "patient": 403}, args=kari_meeting
    ),
    # The meeting is next week: "held" is refused with a message on the meeting (302).
    "coordination:meeting-held": Row(
        "post",
        {**CLINICAL_SECTION, "patient": 403, "member": 302, "coordinator": 302},
        args=kari_meeting,
    ),
    # Tasks: every member with the sharing consent makes them (an empty form comes back, 200);
    # the status is changed by the owner or the coordinator (an empty one: a message, 302).
    "coordination:team-tasks": Row("get", CLINICAL_SECTION, args=kari_team),
    "coordination:task-create": Row("get", NETWORK_EDIT, args=kari_team),
    "coordination:decision-task": Row("get", NETWORK_EDIT, args=kari_meeting_decision),
    "coordination:task-update": Row(
        "post", {**NETWORK_EDIT, "member": 302, "coordinator": 302}, args=kari_task
    ),
    # Kari's own meetings page and her wishes for meetings: only Kari.
    "coordination:portal-meetings": Row("get", PORTAL_OWN, args=kari_patient),
    # --- issue 19: messages and documents ---
    # Threads: staff in Kari's team, Kari, and Per (she lets him communicate); Lise, strangers
    # and Leif see nothing (404). This thread has Kari in it; a staff-only one is 404 to Kari
    # and Per (tests/coordination/messages/test_views.py). An empty new thread or answer comes
    # back with its messages (200); a message that is posted goes to the thread (302).
    "workspace:team-meldinger": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    "coordination:team-threads": Row("get", TEAM_VIEW, args=kari_team),
    "coordination:thread-create": Row("post", TEAM_VIEW, args=kari_team),
    "coordination:thread-detail": Row("get", TEAM_VIEW, args=kari_thread),
    "coordination:message-post": Row(
        "post",
        {**TEAM_VIEW, "patient": 302, "relative": 302, "member": 302, "coordinator": 302},
        args=kari_thread,
        data=lambda cast: {"body": "Takk!"},
    ),
    # A message made a task: the members (NETWORK_EDIT); on the next meeting's agenda: only
    # Cecilie, who is sent back to the thread with "no planned meeting" (302).
    "coordination:message-task": Row("post", NETWORK_EDIT, args=kari_message),
    "coordination:message-agenda": Row(
        "post",
        {**TEAM_VIEW, "patient": 403, "relative": 403, "member": 403, "coordinator": 302},
        args=kari_message,
    ),
    "coordination:portal-threads": Row("get", PORTAL_VIEW, args=kari_patient),
    # What teams ask the koordinerende enhet: its staff only (nobody in the cast works there).
    "coordination:unit-threads": Row("get", UNIT_ONLY),
    # The unit writes to a team it is responsible for (tests/coordination/messages/test_views.py):
    # nobody in the cast works there; those who know Kari's team get 403, strangers 404.
    "coordination:unit-thread-create": Row(
        "post",
        statuses(404, anonymous=302, patient=403, relative=403, member=403, coordinator=403),
        args=kari_team,
    ),
    # Documents: staff in the team, and Kari those marked for her (this one is); Per sees
    # files only in the threads he reads (404 here: to him it is not there).
    # Uploading: the members; Kari reads the page but may not add to it (403).
    "coordination:team-documents": Row(
        "post", {**CLINICAL_SECTION, "patient": 403}, args=kari_team
    ),
    "coordination:document-download": Row(
        "get",
        statuses(404, anonymous=302, patient=200, member=200, coordinator=200),
        args=kari_document,
    ),
    "coordination:portal-documents": Row("get", PORTAL_OWN, args=kari_patient),
    # Closing Kari's team: Cecilie, and Leif, who leads a core member's organisation; an empty
    # reason comes back with its message (200). Tor, Kari and Per know the team (403).
    "actors:team-close": Row(
        "post",
        {**TEAM_MANAGE, "coordinator": 200, "leader": 200},
        args=kari_team,
        data=lambda cast: {"confirm": "on"},
    ),
    # The closed team's archive copy: Cecilie in full, Leif the structure; Kari and Per know
    # the team (403); Tor, in no open team around her, and strangers: 404.
    # The closed teams whose archive copy one takes: staff (each sees their own).
    "coordination:archive-list": Row("get", STAFF_ONLY),
    "coordination:team-archive": Row(
        "get",
        statuses(404, anonymous=302, patient=403, relative=403, coordinator=200, leader=200),
        args=kari_team_closed,
    ),
    "coordination:team-archive-pdf": Row(
        "get",
        statuses(404, anonymous=302, patient=403, relative=403, coordinator=200, leader=200),
        args=kari_team_closed,
    ),
    # --- element E: plan periods and evaluation ---
    # The evaluation is the team's working document: staff in Kari's team read it (she herself
    # and Per get 403: they know the team; the sent summary reaches Kari as a notification);
    # only Cecilie records results, writes the summary, sends and closes. Refused actions
    # (sending an empty draft, closing a draft, an empty meeting time) answer 200 with the reason.
    "workspace:team-evaluering": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "coordination:plan-period-create": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team
    ),
    "coordination:evaluation-detail": Row("get", EVALUATION_VIEW, args=kari_period),
    "coordination:goal-evaluation-edit": Row("get", EVALUATION_MANAGE, args=kari_period_goal),
    "coordination:evaluation-summary": Row("get", EVALUATION_MANAGE, args=kari_period),
    "coordination:evaluation-send": Row("post", EVALUATION_MANAGE, args=kari_period),
    "coordination:evaluation-correction": Row("get", EVALUATION_VIEW, args=kari_evaluation),
    "coordination:evaluation-close": Row("post", EVALUATION_MANAGE, args=kari_evaluation),
    "coordination:evaluation-meeting-confirm": Row(
        "post", EVALUATION_MANAGE, args=kari_period_meeting
    ),
    # The sent summaries in Kari's own words, in her portal: only Kari.
    "coordination:portal-evaluations": Row("get", PORTAL_OWN, args=kari_patient),
    # --- element E: observations and phase alerts ---
    # Observations: Kari and the staff in her team report and read them; Per sees her team but
    # not this (403). Only the coordinator answers. In the portal, only Kari sees her reports.
    "workspace:team-observasjoner": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "coordination:observation-create": Row("get", CLINICAL_SECTION, args=kari_team),
    "coordination:observation-decide": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=tor_observation
    ),
    "coordination:observation-portal": Row("get", PORTAL_OWN, args=kari_patient),
    # Only the recipient acknowledges an alert; to everyone else it is not there (404).
    "coordination:notification-acknowledge": Row(
        "post", statuses(404, anonymous=302, coordinator=302), args=cecilie_alert
    ),
    # --- notifications: inbox, preferences, calendar ---
    # --- issue 7: night contacts ---
    # The contact form: night-service users (Nils) and staff in a team; others 403.
    "coordination:night-contact-create": Row(
        "get", statuses(403, anonymous=302, member=200, coordinator=200, night=200)
    ),
    # The file import: night-service users and coordinators.
    "coordination:night-contact-import": Row(
        "get", statuses(403, anonymous=302, coordinator=200, night=200)
    ),
    # An import's result: only the one who uploaded it (Cecilie here); others 404.
    "coordination:night-import-detail": Row(
        "get", statuses(404, anonymous=302, coordinator=200), args=cecilie_import
    ),
    "coordination:team-night": Row("get", CLINICAL_SECTION, args=kari_team),
    "workspace:team-natt": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "coordination:phase-rules-edit": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team
    ),
    # The API: Nils and Kari's team record for her (201); other staff and non-staff 403.
    # An address under /api/v1/ that names nothing: the API's JSON 404, for everyone.
    "api:unknown": Row("get", statuses(404), args=lambda cast: ["aktorfellesskap/kari/"]),
    "api:night-contact-create": Row(
        "post",
        statuses(403, member=201, coordinator=201, night=201),
        data=kari_night_contact,
        content_type="application/json",
    ),
    # --- issue 7: crisis card ---
    # Only night services (Nils at the legevakt) look up by fødselsnummer; other staff and
    # everyone else are refused (403). The signed steps are bound to Nils: to anyone else the
    # link is not there (404). Kari has not consented to crisis sharing: Nils gets the
    # break-glass form. From the team page, staff in her team open the card; no one else.
    "coordination:crisis-lookup": Row("get", statuses(403, anonymous=302, night=200)),
    "coordination:crisis-access": Row(
        "get", statuses(404, anonymous=302, night=200), args=nils_lookup_token
    ),
    "coordination:crisis-card": Row(
        "get", statuses(404, anonymous=302, night=200), args=nils_card_token
    ),
    "coordination:crisis-card-team": Row(
        "get", statuses(404, anonymous=302, member=200, coordinator=200), args=kari_team
    ),
    # --- issue 7: morning digest ---
    # Each person's own inbox and settings: every logged-in user, never anyone else's.
    "coordination:notification-mark-all-read": Row("post", statuses(302)),
    "coordination:notification-badge": Row("get", LOGGED_IN_ONLY),
    "coordination:notification-preferences": Row("get", LOGGED_IN_ONLY),
    "coordination:calendar-feed-manage": Row(
        "post", statuses(302), data=lambda cast: {"action": "create"}
    ),
    # The feed has no login (calendar programs cannot log in): the secret token is the key, so
    # Tor's address answers whoever holds it, logged in or not. An unknown or revoked token is
    # 404 for everyone (tests/coordination/notifications/test_calendar_feed.py).
    "coordination:calendar-feed": Row("get", statuses(200), args=tor_calendar_token),
    # --- issue 8: status reports ---
    # The team's status report (PDF): the full report for staff in Kari's team with her consent
    # (Cecilie, Tor); the structure-only version for Leif, who leads Fjordvik kommune where her
    # team's core members work (is_team_leader). Kari and Per have their own portal; to them
    # and everyone else the report is not there (404).
    "coordination:status-report": Row(
        "get", statuses(404, anonymous=302, member=200, coordinator=200, leader=200), args=kari_team
    ),
    # --- issue 8: indicators ---
    # Leaders only (Leif leads Fjordvik kommune): everyone else is refused (403), also from a
    # leader's report job, which to another leader is not there (404, test_indicator_views).
    # The PDF order and the caseload limit redirect to the job and back to the page (302).
    "coordination:indicators": Row("get", LEADER_ONLY),
    "coordination:indicators-csv": Row("get", LEADER_ONLY),
    "coordination:indicators-pdf": Row("post", {**LEADER_ONLY, "leader": 302}, data=leif_period),
    "coordination:caseload-limit": Row("post", {**LEADER_ONLY, "leader": 302}, data=leif_period),
    "coordination:report-job": Row("get", LEADER_ONLY, args=leif_report_job),
    "coordination:report-job-download": Row("get", LEADER_ONLY, args=leif_report_job),
    # --- issue 8: survey ---
    # The survey section is clinical like the others: Kari sees her team's results, Per does
    # not. Only staff in her team answer (Kari and Per see her team: 403); only Cecilie opens
    # (an empty form comes back, 200) and closes (back to the team page, 302) rounds.
    "workspace:team-koordinering": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "coordination:survey-answer": Row(
        "get",
        statuses(404, anonymous=302, patient=403, relative=403, member=200, coordinator=200),
        args=kari_team_surveyed,
    ),
    "coordination:survey-round-open": Row(
        "post", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team
    ),
    "coordination:survey-round-close": Row(
        "post", {**TEAM_MANAGE, "coordinator": 302}, args=kari_survey_round
    ),
    # --- issue 8: portal (plan PDF, good days) ---
    # Kari's plan as a PDF: as her plan page in the portal. Per sees her team, not her plan (404).
    "workspace:portal-plan-pdf": Row("get", {**PORTAL_VIEW, "relative": 404}, args=kari_patient),
    # Good days: Kari answers in her own portal (others as on her other own pages). The team
    # section is for those who see her goals; recording is for Kari and staff in her team: an
    # empty form comes back with its messages (200); Per sees the section but gets 403.
    "careplans:portal-good-days": Row("get", PORTAL_OWN, args=kari_patient),
    "workspace:team-gode-dager": Row("get", GOALS_VIEW, args=kari_team, htmx=True),
    "careplans:team-good-days-record": Row("post", {**GOALS_VIEW, "relative": 403}, args=kari_team),
}

# The admin has many URLs; they all sit behind the admin login, so a sample of them is walked.
ADMIN_NAMESPACE = "admin"
ADMIN_SAMPLE = [
    "admin:index",
    "admin:actors_organisation_changelist",
    "admin:actors_user_changelist",
]


def _url_names(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _url_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}" if pattern.name else f"{prefix}<unnamed {pattern}>"


def test_every_url_is_in_the_matrix():
    names = set(_url_names(get_resolver().url_patterns))
    unlisted = sorted(
        n for n in names if n not in MATRIX and not n.startswith(f"{ADMIN_NAMESPACE}:")
    )
    assert unlisted == [], f"add these URLs to the access matrix: {unlisted}"
    assert set(MATRIX) <= names, f"matrix lists URLs that no longer exist: {set(MATRIX) - names}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(cast: Cast, name: str, role: str):
    row = MATRIX[name]
    url = reverse(name, args=row.args(cast))
    if row.query:
        url = f"{url}?{row.query}"
    client = client_for(cast.user(role))
    kwargs: dict[str, Any] = {"data": row.data(cast)} if row.method == "post" else {}
    if row.content_type:
        kwargs["content_type"] = row.content_type
    if row.htmx:
        kwargs["headers"] = {"HX-Request": "true"}
    response = getattr(client, row.method)(url, **kwargs)
    assert response.status_code == row.expected[role], (
        f"{role} {row.method.upper()} {url}: {response.status_code}, expected {row.expected[role]}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADMIN_SAMPLE)
def test_admin_is_for_administrators_only(cast: Cast, name: str, role: str):
    response = client_for(cast.user(role)).get(reverse(name))
    assert response.status_code == ADMIN_ONLY[role]
    assert "/admin/login/" in response["Location"]


# With ID-porten and HelseID configured (the test provider), the same for everyone, logged in
# or not: the login starts at the provider, a callback that LKT did not start is refused with
# its message (400), and a front-channel logout without the provider's sid does nothing (400).
# An unknown provider is not there (404).
OIDC_ROWS = {
    ("oidc-login", "idporten"): 302,
    ("oidc-login", "helseid"): 302,
    ("oidc-login", "ukjent"): 404,
    ("oidc-callback", "idporten"): 400,
    ("oidc-callback", "helseid"): 400,
    ("oidc-frontchannel-logout", "idporten"): 400,
    ("oidc-frontchannel-logout", "helseid"): 400,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "provider"), sorted(OIDC_ROWS))
def test_login_urls_with_the_providers_configured(
    cast: Cast, oidc_provider, name: str, provider: str, role: str
):
    response = client_for(cast.user(role)).get(reverse(name, args=[provider]))
    assert response.status_code == OIDC_ROWS[name, provider], f"{role} {name} {provider}"
