"""Turning 16, in the daily sweep (``coordination.reminders.reminders_sweep``).

From 16 the patient consents alone (pasient- og brukerrettighetsloven § 4-3). On the birthday
the parents' foreldreansvar no longer makes them the patient's representatives, their access
ends unless the patient chose it herself, the consents they gave are due for renewal by the
patient, and the coordinators are told, once, through ``notify``.

Who is looked at: patients whose 16th birthday was today or in the last ``CATCH_UP_DAYS`` (a
missed run is caught up), through the index ``patients_by_birth_date``; and, whatever their
birthday, any patient of 16 or older with a foreldreansvar still open (the index
``one_open_representation_per_basis``, over open rows). Each patient is done in one transaction (``actors.relatives.services
.parental_authority_end_at_16``) and is idempotent, and the notification's occurrence key keeps
a rerun from telling twice. 29 February: the birthday is 1 March in a common year, as
``Patient.age_on`` counts; the window reads birth dates, not birthdays, so none is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from actors.models import (
    AGE_OF_HEALTH_CONSENT,
    Member,
    Patient,
    Representation,
    Role,
    Team,
    User,
    birth_date_cutoff,
)
from actors.relatives.services import TurnedSixteen, parental_authority_end_at_16
from coordination.models import Notification
from coordination.notifications.notify import notify
from lkt.core.dates import short_date

# As the reminders: a run missed for up to a week is caught up.
CATCH_UP_DAYS = 7


def turned_16_query(today: dt.date) -> QuerySet[Patient]:
    # Index patients_by_birth_date: born so that they turned 16 in the last CATCH_UP_DAYS.
    latest = birth_date_cutoff(today, AGE_OF_HEALTH_CONSENT)
    earliest = birth_date_cutoff(today - dt.timedelta(days=CATCH_UP_DAYS), AGE_OF_HEALTH_CONSENT)
    return Patient.objects.filter(birth_date__gt=earliest, birth_date__lte=latest).order_by("pk")


def outgrown_parental_responsibility_query(today: dt.date) -> QuerySet[Representation]:
    # Index one_open_representation_per_basis (open rows only): open foreldreansvar, of
    # patients who are 16 or older.
    return Representation.objects.filter(
        ended_at__isnull=True,
        basis=Representation.Basis.PARENTAL_RESPONSIBILITY,
        patient__birth_date__lte=birth_date_cutoff(today, AGE_OF_HEALTH_CONSENT),
    ).order_by("patient_id")


def _message(done: TurnedSixteen, team: Team) -> str:
    parts = [
        _("Pasienten i aktørfellesskap nr. %(team)s fylte 16 år %(day)s og samtykker nå selv.")
        % {"team": team.pk, "day": short_date(done.birthday)}
    ]
    if done.representations_ended:
        parts.append(_("Foreldrene er ikke lenger pasientens representanter."))
    if done.access_ended:
        parts.append(
            _("Tilgangen til %(names)s er avsluttet; pasienten kan gi den på nytt.")
            % {"names": ", ".join(done.access_ended)}
        )
    if done.access_kept:
        parts.append(
            _("%(names)s beholder tilgangen pasienten selv har valgt.")
            % {"names": ", ".join(done.access_kept)}
        )
    if done.consents_to_renew:
        parts.append(_("Samtykker foreldrene ga, må fornyes av pasienten."))
    return " ".join(parts)


def _coordinator_users(team_ids: set[int]) -> dict[int, list[User]]:
    """The active coordinators with a login of the teams (one query for all)."""
    found: dict[int, list[User]] = defaultdict(list)
    for member in (
        Member.objects.active()
        .filter(team_id__in=team_ids, role=Role.COORDINATOR, user__isnull=False)
        .select_related("user")
        .order_by("joined_on", "pk")
    ):
        if member.user is not None and member.user.is_active:
            found[member.team_id].append(member.user)
    return found


def turning_16_sweep(today: dt.date) -> int:
    """End the parents' authority of every patient who has turned 16 and tell the
    coordinators; returns how many were told now (0 on a rerun, which changes nothing)."""
    ids = set(turned_16_query(today).values_list("pk", flat=True))
    ids |= set(outgrown_parental_responsibility_query(today).values_list("patient_id", flat=True))
    if not ids:
        return 0
    teams = {team.patient_id: team for team in Team.objects.filter(patient_id__in=ids).open()}
    coordinators = _coordinator_users({team.pk for team in teams.values()})
    told = 0
    for patient in Patient.objects.filter(pk__in=ids).order_by("pk"):
        with transaction.atomic():
            done = parental_authority_end_at_16(patient=patient, today=today)
            team = teams.get(patient.pk)
            if team is None:
                continue
            url = reverse("workspace:team-detail", args=[team.pk]) + "#parorende"
            for user in coordinators.get(team.pk, []):
                created = notify(
                    recipient=user,
                    kind=Notification.Kind.TURNING_16,
                    team=team,
                    occurrence=f"turning-16:{patient.pk}",
                    message=_message(done, team),
                    url=url,
                )
                told += created is not None
    return told
