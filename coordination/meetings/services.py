"""Writes for the team's meetings (element E): planning with the patient's wishes respected,
the agenda, the minutes written in place, decisions, and a decision made a task in one step.

Who may do what:
- planning, moving and the agenda: the coordinator (``Action.MANAGE_TEAM``);
- minutes, decisions and "held": the meeting's referent, its leader or the coordinator, who
  all must also share the patient's clinical picture (``Action.VIEW_CLINICAL``);
- the patient's meeting wishes: the patient herself, or the coordinator on her behalf.

Each function authorizes first (which writes the audit row), checks its input with clear
Norwegian messages per field, and saves in one transaction. Invitations go through
``coordination.notifications.notify`` in the same transaction; the occurrence carries the meeting's time,
so moving a meeting invites again and saving it unchanged does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from actors.access import Action, Standing, allows, authorize
from actors.models import Member, Patient, RelativeLink, Team, User
from careplans.models import Goal
from coordination.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingPreferences,
    Notification,
    StandingItem,
    Task,
)
from coordination.notifications.notify import notify
from coordination.tiltak.services import task_create


class MinutesStale(Exception):
    """Someone else saved the minutes after this editor opened them. ``meeting`` is the fresh
    row (with their text), so the view can show both texts side by side."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__("minutes changed since they were opened")
        self.meeting = meeting


def preferences_of(patient: Patient) -> MeetingPreferences | None:
    return MeetingPreferences.objects.filter(patient=patient).first()


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "j.n.Y \\k\\l. H:i")


def _check_member(team: Team, member: Member | None, field: str, errors: dict[str, str]) -> None:
    if member is None:
        return
    if member.team_id != team.pk:
        errors[field] = _("%(name)s hører ikke til dette aktørfellesskapet.") % {
            "name": member.display_name
        }
    elif member.left_on is not None:
        errors[field] = _("%(name)s har sluttet i aktørfellesskapet. Velg en aktiv aktør.") % {
            "name": member.display_name
        }


def _check_invitees(
    *,
    team: Team,
    invited: Sequence[Member],
    leader: Member | None,
    referent: Member | None,
    patient_invited: bool,
    relatives: Sequence[RelativeLink],
    preferences: MeetingPreferences | None,
) -> list[Member]:
    """The members to invite (the leader and the referent are always among them), or a
    ValidationError that names what is wrong, quoting the patient's own wish where that is
    the reason."""
    errors: dict[str, str] = {}
    for member in invited:
        _check_member(team, member, "invited", errors)
    _check_member(team, leader, "leader", errors)
    _check_member(team, referent, "referent", errors)
    if leader is None:
        errors["leader"] = _("Velg en møteleder.")
    if referent is None:
        errors["referent"] = _("Velg en referent.")
    for link in relatives:
        if link.patient_id != team.patient_id or link.excluded:
            errors["relatives"] = _("Pasienten har ikke gitt lov til å invitere denne pårørende.")
    members = {m.pk: m for m in invited}
    for chosen in (leader, referent):
        if chosen is not None:
            members.setdefault(chosen.pk, chosen)
    if preferences is not None:
        if relatives and preferences.without_relatives:
            errors["relatives"] = _(
                "Pasienten ønsker ikke pårørende i møtene nå («%(wish)s»). Fjern de pårørende, "
                "eller snakk med pasienten og endre ønsket først."
            ) % {"wish": preferences.wishes or _("ikke pårørende i møtene nå")}
        count = len(members) + (1 if patient_invited else 0) + len(relatives)
        limit = preferences.max_participants
        if limit is not None and count > limit:
            errors["invited"] = _(
                "Pasienten ønsker høyst %(limit)s deltakere i møtene, men %(count)s er "
                "invitert (medlemmer, møteleder og referent, pasienten og pårørende). "
                "Inviter færre, eller snakk med pasienten først."
            ) % {"limit": limit, "count": count}
            if preferences.wishes:
                errors["invited"] += " " + _("Pasientens ønske: «%(wish)s»") % {
                    "wish": preferences.wishes
                }
    if errors:
        raise ValidationError(errors)
    return list(members.values())


def _invite(meeting: Meeting, actor: User) -> None:
    """Tell every invited person with a login, once per meeting time."""
    occurrence = f"meeting:{meeting.pk}:{meeting.starts_at.isoformat()}"
    text = _("Du er invitert til %(kind)s %(when)s%(where)s.") % {
        "kind": meeting.get_kind_display().lower(),
        "when": _when(meeting.starts_at),
        "where": f", {meeting.place}" if meeting.place else "",
    }
    staff_url = reverse("coordination:meeting-detail", args=[meeting.pk])
    recipients: dict[int, tuple[User, str]] = {}
    for member in meeting.invited.select_related("user"):
        if member.user is not None:
            recipients[member.user.pk] = (member.user, staff_url)
    patient = meeting.team.patient
    if meeting.patient_invited and patient.user_id is not None and patient.user is not None:
        recipients[patient.user.pk] = (
            patient.user,
            reverse("coordination:portal-meetings", args=[patient.pk]),
        )
    for link in (
        meeting.relatives_invited.active().filter(may_communicate=True).select_related("relative")
    ):
        # A relative named by fødselsnummer who has not logged in yet has no inbox.
        if link.relative is not None:
            recipients[link.relative.pk] = (link.relative, reverse("actors:relative-home"))
    recipients.pop(actor.pk, None)
    for user, url in recipients.values():
        notify(
            recipient=user,
            kind=Notification.Kind.MEETING_INVITED,
            team=meeting.team,
            occurrence=occurrence,
            message=text,
            url=url,
        )


@transaction.atomic
def meeting_save(
    *,
    actor: User,
    team: Team,
    meeting: Meeting | None = None,
    kind: str,
    starts_at: dt.datetime | None,
    duration_minutes: int,
    place: str = "",
    video_url: str = "",
    invited: Sequence[Member] = (),
    patient_invited: bool = True,
    relatives: Sequence[RelativeLink] = (),
    leader: Member | None = None,
    referent: Member | None = None,
    standing_items: Iterable[str] = (),
    extra_items: Iterable[str] = (),
) -> Meeting:
    """Plan a meeting (``meeting`` None) or change a planned one. The patient's recorded wishes
    for meetings are respected: too many invited, or relatives while she wants none, is
    refused with her wish quoted. A new meeting gets its agenda: the standing items chosen and
    the extra items, in that order. Everyone invited is told; a moved meeting tells them
    again."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=meeting or team)
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    if meeting is not None:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, team=team)
        if meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED):
            raise ValidationError(_("Møtet er gjennomført eller avlyst og kan ikke endres."))
    _check_when_and_where(meeting, kind=kind, starts_at=starts_at, place=place, video_url=video_url)
    members = _check_invitees(
        team=team,
        invited=invited,
        leader=leader,
        referent=referent,
        patient_invited=patient_invited,
        relatives=relatives,
        preferences=preferences_of(team.patient),
    )
    creating = meeting is None
    if meeting is None:
        meeting = Meeting(team=team, created_by=actor, status=Meeting.Status.PLANNED)
    elif meeting.status == Meeting.Status.PROPOSED:
        # The coordinator confirming a proposed (evaluation) meeting plans it.
        meeting.status = Meeting.Status.PLANNED
    meeting.kind = kind
    meeting.starts_at = starts_at  # type: ignore[assignment]
    meeting.duration_minutes = duration_minutes
    meeting.place = place.strip()
    meeting.video_url = video_url.strip()
    meeting.patient_invited = patient_invited
    meeting.leader = leader
    meeting.referent = referent
    meeting.full_clean()
    meeting.save()
    meeting.invited.set(members)
    meeting.relatives_invited.set(relatives)
    if creating:
        _agenda_create(meeting, standing_items=standing_items, extra_items=extra_items)
    _invite(meeting, actor)
    return meeting


def _check_when_and_where(
    meeting: Meeting | None,
    *,
    kind: str,
    starts_at: dt.datetime | None,
    place: str,
    video_url: str,
) -> None:
    errors: dict[str, str] = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = _("Velg hva slags møte det er.")
    if starts_at is None:
        errors["starts_at"] = _("Velg når møtet er.")
    elif starts_at < timezone.now() and (meeting is None or starts_at != meeting.starts_at):
        errors["starts_at"] = _("Tidspunktet har allerede vært. Velg et tidspunkt fram i tid.")
    if not place.strip() and not video_url.strip():
        errors["place"] = _("Skriv hvor møtet er, eller legg inn en lenke til videomøtet.")
    if errors:
        raise ValidationError(errors)


def _agenda_create(
    meeting: Meeting, *, standing_items: Iterable[str], extra_items: Iterable[str]
) -> None:
    """A new meeting's agenda: the standing items chosen, then the extra items, in that order."""
    titles = dict(StandingItem.choices)
    chosen = set(standing_items)
    items = [
        AgendaItem(meeting=meeting, title=str(titles[value]), standing=value)
        for value in StandingItem.values
        if value in chosen
    ]
    items += [
        AgendaItem(meeting=meeting, title=title.strip()[:200], standing="")
        for title in extra_items
        if title.strip()
    ]
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_create(items)


@transaction.atomic
def meeting_preferences_save(
    *,
    actor: User,
    patient: Patient,
    max_participants: int | None,
    without_relatives: bool,
    wishes: str = "",
) -> MeetingPreferences:
    """The patient's wishes for meetings, recorded by her or by the coordinator for her.
    ``Action.MANAGE_RELATIVES`` is exactly that pair (the patient herself, or the one who
    manages her team), so it guards this too."""
    authorize(actor, Action.MANAGE_RELATIVES, patient)
    preferences = MeetingPreferences.objects.select_for_update().filter(
        patient=patient
    ).first() or MeetingPreferences(patient=patient)
    preferences.max_participants = max_participants
    preferences.without_relatives = without_relatives
    preferences.wishes = wishes.strip()
    preferences.updated_by = actor
    preferences.full_clean()
    preferences.save()
    return preferences


# ---------------------------------------------------------------------------------------------
# During and after the meeting


def may_write_minutes(standing: Standing, meeting: Meeting, user: User) -> bool:
    """The referent, the meeting leader or the coordinator (no query: leader and referent
    are read with the meeting)."""
    if not allows(standing, Action.VIEW_CLINICAL) or standing.is_self:
        return False
    writers = {m.user_id for m in (meeting.leader, meeting.referent) if m is not None}
    return standing.manages or user.pk in writers


def _writer(actor: User, meeting: Meeting) -> Standing:
    standing = authorize(actor, Action.VIEW_CLINICAL, meeting.team.patient, obj=meeting)
    if not may_write_minutes(standing, meeting, actor):
        raise PermissionDenied
    return standing


@transaction.atomic
def agenda_item_add(*, actor: User, meeting: Meeting, title: str) -> AgendaItem:
    """Add an item to the agenda of a meeting not yet held."""
    authorize(actor, Action.MANAGE_TEAM, meeting.team.patient, obj=meeting)
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED):
        raise ValidationError(_("Møtet er gjennomført eller avlyst; dagsordenen er låst."))
    if not title.strip():
        raise ValidationError({"title": _("Skriv hva saken gjelder.")})
    last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem(meeting=meeting, title=title.strip(), position=(last or 0) + 1)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_remove(*, actor: User, meeting: Meeting, item: AgendaItem) -> None:
    """Take an item off the agenda before the meeting, unless decisions were made on it."""
    authorize(actor, Action.MANAGE_TEAM, meeting.team.patient, obj=meeting)
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED):
        raise ValidationError(_("Møtet er gjennomført eller avlyst; dagsordenen er låst."))
    if item.meeting_id != meeting.pk:
        raise ValidationError(_("Saken hører til et annet møte."))
    if item.notes.strip() or item.decisions.exists():
        raise ValidationError(
            _("Saken «%(title)s» har referat eller beslutninger og kan ikke fjernes.")
            % {"title": item.title}
        )
    item.delete()


@transaction.atomic
def minutes_save(
    *,
    actor: User,
    meeting: Meeting,
    minutes: str,
    notes: Mapping[int, str],
    base_version: int,
) -> Meeting:
    """Save the minutes and the notes per agenda item, written in place. Optimistic locking:
    if someone saved after ``base_version`` was read, nothing is written and MinutesStale
    carries their text, so the writer can merge instead of overwrite."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("team__patient", "leader", "referent", "minutes_updated_by")
        .get(pk=meeting.pk)
    )
    _writer(actor, locked)
    if locked.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Møtet er avlyst."))
    if locked.minutes_version != base_version:
        raise MinutesStale(locked)
    items = {item.pk: item for item in locked.agenda_items.all()}
    changed = []
    for pk, text in notes.items():
        item = items.get(pk)
        if item is not None and item.notes != text.strip():
            item.notes = text.strip()
            item.full_clean()
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["notes"])
    locked.minutes = minutes.strip()
    locked.minutes_version += 1
    locked.minutes_updated_by = actor
    locked.minutes_updated_at = timezone.now()
    locked.full_clean()
    locked.save(
        update_fields=["minutes", "minutes_version", "minutes_updated_by", "minutes_updated_at"]
    )
    return locked


@transaction.atomic
def meeting_mark_held(*, actor: User, meeting: Meeting) -> Meeting:
    """Record that the meeting took place (not before it has started)."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("team__patient", "leader", "referent")
        .get(pk=meeting.pk)
    )
    _writer(actor, locked)
    if locked.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Bare et planlagt møte kan markeres som gjennomført."))
    if locked.starts_at > timezone.now():
        raise ValidationError(_("Møtet har ikke begynt ennå."))
    locked.status = Meeting.Status.HELD
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def decision_add(
    *, actor: User, meeting: Meeting, text: str, agenda_item: AgendaItem | None = None
) -> Decision:
    """A decision in the minutes, on an agenda item or on the meeting as a whole."""
    _writer(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Møtet er avlyst."))
    if not text.strip():
        raise ValidationError({"text": _("Skriv hva som ble besluttet.")})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Saken hører til et annet møte.")})
    decision = Decision(
        meeting=meeting, agenda_item=agenda_item, text=text.strip(), created_by=actor
    )
    decision.full_clean()
    decision.save()
    return decision


def decision_to_task(
    *,
    actor: User,
    decision: Decision,
    goal: Goal | None,
    owner: Member | None,
    due_on: dt.date | None,
    title: str = "",
    description: str = "",
) -> Task:
    """ "Gjør til tiltak": the decision becomes a task in one step, with the decision's text as
    its title unless another is given. The rules are the task's own (``task_create``)."""
    return task_create(
        actor=actor,
        team=decision.meeting.team,
        goal=goal,
        title=title.strip() or decision.text[:200],
        owner=owner,
        due_on=due_on,
        description=description,
        decision=decision,
    )
