"""Every write of the Felles plan for samarbeid (element D). One function per use case.

A plan is a chain of versions. The coordinator (or the team's creator) opens a draft; the draft
freezes who the patient is and the challenges (from the current Min gode dag) and the roles
(from the aktørkart), and copies the rest from the newest version. A plan has one open draft
at a time (a partial unique key holds it in the database too): opening a draft again opens that
one. The coordinator corrects it until the approvals start; then it is fixed, and a change needs
a new draft, which supersedes the fixed one. When the last required approver has approved, the
draft is in force and the version that was in force is superseded. Nothing is ever deleted.

``CarePlan.version`` is the optimistic lock: it changes on every change of content or status
(a new draft, an edit, a version put in force), never on an approval that leaves the draft a
draft, so approvers of the same draft do not trip over each other. Every write locks the
``CarePlan`` row first, so two approvals at the same time are counted one after the other
against the same, newest version: an approval of a version that is no longer the newest, or
of a page that has changed since the approver read it, is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize, check
from actors.models import MANDATORY_ROLES, Member, Team, User
from careplans.annual.rules import add_months, default_activities
from careplans.annual.schedule import version_put_in_force
from careplans.models import (
    CORRECTION_TEXT,
    TOO_LONG,
    AnnualActivity,
    CarePlan,
    CarePlanVersion,
    GoodDayVersion,
    PersonalApproval,
    PhasePlanEntry,
    PlanApproval,
    PlanCorrection,
)
from careplans.plan.selectors import (
    RequiredApproval,
    corrections_open,
    deadline_label,
    plan_viewer,
    required_approvals,
)
from lkt.core import audit

Status = CarePlanVersion.Status
# The plan period by default: a year, then it is evaluated and renewed.
PERIOD_MONTHS = 12
# Members correct the draft for a week before the approvals are expected.
CORRECTION_DAYS = 7
# What the coordinator writes in a draft; the rest is frozen from element A and B.
SECTION_FIELDS = (
    "roles_note",
    "communication",
    "information_sharing",
    "preparedness",
    "documentation",
    "evaluation_plan",
    "period_start",
    "period_end",
    "revision_on",
)


class StalePlan(Exception):
    """The plan changed since the user opened it; nothing was saved."""

    def __init__(self, latest: CarePlanVersion | None) -> None:
        super().__init__("The plan was changed by someone else")
        self.latest = latest


def _role_snapshot(members: list[Member]) -> list[dict[str, Any]]:
    return [
        {
            "name": m.display_name,
            "role": m.role,
            "organisation": m.organisation.name if m.organisation else "",
            "level": m.level,
            "involvement": m.involvement,
            # Whether the actor is staff with a login: a leader reads the name of staff only
            # (actors.access.named_to_leaders).
            "staff": m.user_id is not None,
        }
        for m in members
    ]


# Everything a phase entry says is carried into the next draft (the named night contact too: it
# was once left behind); only its row and version are the draft's own.
_ENTRY_CONTENT = [
    f.attname for f in PhasePlanEntry._meta.concrete_fields if f.name not in ("id", "version")
]


@transaction.atomic
def plan_draft_open(*, actor: User, team: Team) -> tuple[CarePlanVersion, bool]:
    """The team's open draft of the plan, or a new one; and whether it is new.

    One draft is open at a time, so a second click on "Lag et nytt utkast" (or two at once, or
    two coordinators) opens the draft that is there instead of leaving another one behind. The
    plan row is locked first: two at once go one after the other, and the second finds the
    first's draft. A draft that someone has approved is fixed (``plan_draft_update`` refuses to
    change it), so for it a new draft is the way to change the plan: the fixed one is superseded
    and kept, with its approvals, and the new one starts from it.

    Frozen into a new draft: the newest saved (not draft) Min gode dag (who the patient is, the
    challenges and goals) and the roles of the active members with the mandatory roles that
    are missing. Copied from the newest version, if any: the written sections, the phase plan
    and the årshjul (the newest, so work in an unfinished draft is not lost); the first draft
    gets the årshjul's minimum package. Period: today and a year on.
    """
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet. Planen kan ikke endres."))
    plan, _created = CarePlan.objects.select_for_update().get_or_create(team=team)
    draft = plan.versions.filter(status=Status.DRAFT).first()
    if draft is not None:
        if not draft.approvals.exists():
            draft.plan = plan
            return draft, False
        # Superseded before the new draft is written: the database allows one open draft.
        draft.status = Status.SUPERSEDED
        draft.save(update_fields=["status"])
    return _draft_new(actor, team, plan), True


def _draft_new(actor: User, team: Team, plan: CarePlan) -> CarePlanVersion:
    """A new draft from the newest version; the plan is locked and has no open draft."""
    source = (
        plan.versions.prefetch_related("phase_entries", "annual_activities")
        .order_by("-number")
        .first()
    )
    good_day = (
        GoodDayVersion.objects.filter(document__patient=team.patient, is_draft=False)
        .order_by("-number")
        .first()
    )
    members = list(
        Member.objects.active()
        .filter(team=team)
        .select_related("user", "organisation")
        .order_by("role", "joined_on")
    )
    held = {m.role for m in members}
    missing = [r.value for r in MANDATORY_ROLES if r not in held]
    today = timezone.localdate()
    version = CarePlanVersion(
        plan=plan,
        number=(source.number if source else 0) + 1,
        status=Status.DRAFT,
        good_day_version=good_day,
        patient_summary=good_day.good_day if good_day else "",
        challenges=good_day.challenges if good_day else [],
        goals=good_day.goals if good_day else [],
        roles=_role_snapshot(members),
        missing_roles=missing,
        period_start=today,
        period_end=add_months(today, PERIOD_MONTHS),
        corrections_until=timezone.now() + dt.timedelta(days=CORRECTION_DAYS),
        created_by=actor,
    )
    if source is not None:
        for name in SECTION_FIELDS:
            if name.startswith("period_") or name == "revision_on":
                continue
            setattr(version, name, getattr(source, name))
    version.revision_on = version.period_end
    version.full_clean(exclude=["challenges", "goals", "roles", "missing_roles"])
    version.save()
    if source is not None:
        PhasePlanEntry.objects.bulk_create(
            PhasePlanEntry(version=version, **{name: getattr(e, name) for name in _ENTRY_CONTENT})
            for e in source.phase_entries.all()
        )
        activities = [
            AnnualActivity(
                version=version,
                kind=a.kind,
                title=a.title,
                recurrence=a.recurrence,
                interval_months=a.interval_months,
                month=a.month,
                first_on=a.first_on,
                responsible_id=a.responsible_id,
                mandatory=a.mandatory,
            )
            for a in source.annual_activities.all()
        ]
    else:
        activities = []
    if not activities:
        activities = default_activities(version)
    AnnualActivity.objects.bulk_create(activities)
    plan.version += 1
    plan.save(update_fields=["version"])
    return version


def _locked(version: CarePlanVersion) -> tuple[CarePlan, CarePlanVersion, CarePlanVersion]:
    """Lock the plan; return it, the version as it is now, and the newest version."""
    plan = (
        CarePlan.objects.select_for_update(of=("self",))
        .select_related("team__patient__user")
        .get(pk=version.plan_id)
    )
    fresh = CarePlanVersion.objects.get(pk=version.pk)
    newest = plan.versions.order_by("-number").first() or fresh
    fresh.plan = plan
    return plan, fresh, newest


@transaction.atomic
def plan_draft_update(
    *, actor: User, version: CarePlanVersion, base_version: int, **sections: Any
) -> CarePlanVersion:
    """Save the coordinator's corrections to the newest draft.

    Raises StalePlan when the plan changed since ``base_version`` (nothing saved), and
    ValidationError when the version is no longer an editable draft or a field is wrong.
    """
    unknown = set(sections) - set(SECTION_FIELDS)
    if unknown:
        raise TypeError(f"not plan sections: {sorted(unknown)}")
    plan, fresh, newest = _locked(version)
    authorize(actor, Action.MANAGE_TEAM, plan.team.patient, obj=fresh)
    if base_version != plan.version:
        raise StalePlan(newest)
    if fresh.status != Status.DRAFT:
        raise ValidationError(
            _("Bare utkast kan endres. Lag et nytt utkast for å endre planen som gjelder.")
        )
    if newest.pk != fresh.pk:
        raise ValidationError(_("Dette utkastet er erstattet av et nyere utkast."))
    if fresh.approvals.exists():
        raise ValidationError(
            _(
                "Noen har allerede godkjent dette utkastet, så det kan ikke endres. "
                "Lag et nytt utkast hvis planen må endres."
            )
        )
    for name, value in sections.items():
        setattr(fresh, name, value.strip() if isinstance(value, str) else value)
    fresh.full_clean(exclude=["challenges", "goals", "roles", "missing_roles"])
    fresh.save()
    plan.version += 1
    plan.save(update_fields=["version"])
    return fresh


def _audit_approval(actor: User, fresh: CarePlanVersion, given: list[RequiredApproval]) -> None:
    """One CHANGE row naming the capacities: leaders and representatives are not team members,
    so ``authorize`` alone would not describe why they touched the plan."""
    capacities = ", ".join(sorted({str(r.capacity) for r in given}))
    reason = (
        audit.LEADER_PLAN_REASON
        if PlanApproval.Capacity.LEADER in {r.capacity for r in given}
        else ""
    )
    audit.record(
        user=actor,
        patient=fresh.plan.team.patient,
        action=audit.CHANGE,
        obj=fresh,
        reason=reason or f"Godkjenning av plan for samarbeid ({capacities})",
    )


@transaction.atomic
def plan_approve(*, actor: User, version: CarePlanVersion, base_version: int) -> list[PlanApproval]:
    """Approve ``version`` in every capacity the actor holds and has not yet given.

    The version must still be the newest and a draft, and the plan unchanged since the actor
    read it (``base_version``); else StalePlan, and nothing counts. Someone who is not a
    required approver gets a ValidationError (after the access check: 404 for those who may
    not see the plan). The last required approval puts the version in force and supersedes
    the one that was in force.
    """
    plan, fresh, newest = _locked(version)
    team = plan.team
    # 404 for those who may not see the plan; the access itself is audited there.
    plan_viewer(actor, team, obj=fresh)
    if fresh.status != Status.DRAFT:
        raise ValidationError(
            _("Denne versjonen er ikke et utkast lenger, og kan ikke godkjennes på nytt.")
        )
    if newest.pk != fresh.pk or base_version != plan.version:
        raise StalePlan(newest)
    if corrections_open(fresh):
        raise ValidationError(
            _(
                "Utkastet kan godkjennes fra %(when)s, når fristen for innspill er ute, "
                "eller når koordinatoren lukker den."
            )
            % {"when": deadline_label(fresh)}
        )
    required = required_approvals(fresh, team=team)
    mine = [r for r in required if r.may_give(actor)]
    if not mine:
        raise ValidationError(_("Du er ikke en av dem som skal godkjenne denne planen."))
    open_ = [r for r in mine if not r.done]
    if not open_:
        raise ValidationError(_("Du har allerede godkjent denne versjonen."))
    _audit_approval(actor, fresh, open_)
    given = []
    for need in open_:
        approval = PlanApproval(
            version=fresh,
            approver=actor,
            capacity=need.capacity_for(actor),
            organisation=need.organisation,
        )
        approval.full_clean()
        approval.save()
        need.approval = approval
        given.append(approval)
    if all(r.done for r in required):
        _put_in_force(plan, fresh)
    return given


def _patients_need(required: list[RequiredApproval]) -> RequiredApproval | None:
    return next((r for r in required if r.capacity == PlanApproval.Capacity.PATIENT), None)


PERSONAL_APPROVAL_REASON = "Pasientens godkjenning gitt personlig, registrert av koordinatoren"


@transaction.atomic
def plan_personal_approval_record(
    *,
    actor: User,
    version: CarePlanVersion,
    base_version: int,
    given_on: dt.date,
    how: str,
    witness_member: Member | None = None,
    witness_name: str = "",
) -> PersonalApproval:
    """The coordinator records the patient's own approval of the draft, given in person (in a
    meeting, or signed on paper): when, how and who witnessed it. It is the patient's approval
    (``PlanApproval`` in the capacity of the patient, approver the coordinator who recorded
    it), so the last one missing puts the plan in force. Audited with its reason; the patient
    sees it on Min side.

    From 16 only: for a child the parents or guardian approve (``required_approvals``). The
    same rules as a digital approval hold: the newest draft, unchanged since the coordinator
    read it, after the window for corrections.
    """
    plan, fresh, newest = _locked(version)
    team = plan.team
    standing = check(actor, Action.MANAGE_TEAM, team.patient)
    if not standing.manages:  # pragma: no cover - MANAGE_TEAM is managing
        raise ValidationError(_("Bare koordinatoren kan registrere dette."))
    if fresh.status != Status.DRAFT:
        raise ValidationError(
            _("Denne versjonen er ikke et utkast lenger, og kan ikke godkjennes på nytt.")
        )
    if newest.pk != fresh.pk or base_version != plan.version:
        raise StalePlan(newest)
    if corrections_open(fresh):
        raise ValidationError(
            _(
                "Utkastet kan godkjennes fra %(when)s, når fristen for innspill er ute. Lukk "
                "fristen først hvis alle har lest det."
            )
            % {"when": deadline_label(fresh)}
        )
    required = required_approvals(fresh, team=team)
    need = _patients_need(required)
    if need is None:
        raise ValidationError(
            _(
                "Pasienten er under 16 år: foreldrene med foreldreansvar eller vergen "
                "godkjenner planen for barnet."
            )
        )
    if need.done:
        raise ValidationError(_("Pasientens godkjenning av dette utkastet er allerede registrert."))
    today = timezone.localdate()
    drafted = timezone.localtime(fresh.created_at).date()
    if given_on > today or given_on < drafted:
        raise ValidationError(
            {
                "given_on": _("Datoen må være mellom %(drafted)s, da utkastet ble laget, og i dag.")
                % {"drafted": formats.date_format(drafted, "SHORT_DATE_FORMAT")}
            }
        )
    if witness_member is not None and (
        witness_member.team_id != team.pk or witness_member.left_on is not None
    ):
        raise ValidationError({"witness_member": _("Vitnet må være et aktivt medlem av teamet.")})
    if witness_member is None and not witness_name.strip():
        raise ValidationError(
            {"witness_name": _("Oppgi hvem som var vitne: et medlem av teamet eller et navn.")}
        )
    approval = PlanApproval(version=fresh, approver=actor, capacity=PlanApproval.Capacity.PATIENT)
    approval.full_clean()
    approval.save()
    personal = PersonalApproval(
        version=fresh,
        approval=approval,
        given_on=given_on,
        how=how,
        witness_member=witness_member,
        witness_name="" if witness_member else witness_name.strip(),
        recorded_by=actor,
    )
    personal.full_clean()
    personal.save()
    authorize(
        actor, Action.MANAGE_TEAM, team.patient, obj=personal, reason=PERSONAL_APPROVAL_REASON
    )
    need.approval = approval
    # As a digital approval: only the last one changes the plan's lock (others approve on).
    if all(r.done for r in required):
        _put_in_force(plan, fresh)
    return personal


@transaction.atomic
def plan_correction_add(*, actor: User, version: CarePlanVersion, text: str) -> PlanCorrection:
    """A member's correction to the newest draft, while its window for corrections is open.

    Only active members of the team with access to its clinical content (``authorize`` decides
    404/403 and audits); the coordinator reads the corrections and takes them into the draft.
    """
    plan, fresh, newest = _locked(version)
    team = plan.team
    authorize(actor, Action.VIEW_CLINICAL, team.patient, obj=fresh)
    if not Member.objects.active().filter(team=team, user=actor).exists():
        raise ValidationError(_("Bare medlemmer av aktørfellesskapet kan komme med innspill."))
    if fresh.status != Status.DRAFT or newest.pk != fresh.pk:
        raise ValidationError(_("Innspill kan bare gis til det nyeste utkastet."))
    if not corrections_open(fresh):
        raise ValidationError(_("Fristen for innspill er ute."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Skriv innspillet ditt.")})
    if len(text) > CORRECTION_TEXT:
        raise ValidationError(
            {"text": TOO_LONG % {"show_value": len(text), "limit_value": CORRECTION_TEXT}}
        )
    correction = PlanCorrection(version=fresh, author=actor, text=text)
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def plan_corrections_close(*, actor: User, version: CarePlanVersion) -> CarePlanVersion:
    """The coordinator closes the window for corrections early, for instance when everyone has
    read the draft, so the approvals can start now."""
    plan, fresh, newest = _locked(version)
    authorize(actor, Action.MANAGE_TEAM, plan.team.patient, obj=fresh)
    if fresh.status != Status.DRAFT or newest.pk != fresh.pk:
        raise ValidationError(_("Bare fristen for det nyeste utkastet kan lukkes."))
    if not corrections_open(fresh):
        raise ValidationError(_("Fristen for innspill er allerede ute."))
    fresh.corrections_until = timezone.now()
    fresh.save(update_fields=["corrections_until"])
    # The page changes (approvals may start): a page read before this is stale.
    plan.version += 1
    plan.save(update_fields=["version"])
    return fresh


def _put_in_force(plan: CarePlan, version: CarePlanVersion) -> None:
    now = timezone.now()
    # Supersede first: the database allows one version in force per plan.
    superseded = list(plan.versions.filter(status=Status.IN_FORCE).values_list("pk", flat=True))
    plan.versions.filter(pk__in=superseded).update(status=Status.SUPERSEDED)
    version.status = Status.IN_FORCE
    version.in_force_at = now
    version.save(update_fields=["status", "in_force_at"])
    # The årshjul's due dates follow the version in force (the reminder sweep reads them).
    version_put_in_force(version, superseded)
    plan.version += 1
    plan.save(update_fields=["version"])
