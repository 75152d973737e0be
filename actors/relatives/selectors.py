"""Reads of a patient's relatives and representatives: the team page section "Pårørende og
representasjon", the coordinator's edit page and the patient's own list on Min side. Only the
patient's own relatives, never a list of relative users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from actors.access import Action, authorize
from actors.models import Patient, RelativeLink, Representation, Team
from actors.selectors import portal_patient
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser
    from actors.selectors import TeamPage


@dataclass(frozen=True)
class RelativeRow:
    """One relative as the team page shows them: what they may see, until when, whether they
    have logged in, and on what basis they represent the patient."""

    link: RelativeLink
    access: list[StrOrPromise]
    active: bool
    logged_in: bool
    representations: list[Representation]

    @property
    def waiting_for_first_login(self) -> bool:
        return self.link.relative_id is None


# The access a relative may be given, in the order the forms ask for it.
ACCESS_FIELDS = (
    "may_see_team",
    "may_see_goals",
    "may_edit_goals",
    "may_see_plan",
    "may_communicate",
)


def access_labels(link: RelativeLink) -> list[StrOrPromise]:
    """What the relative may, in the words of the link's fields ("Kan se planen …")."""
    return [
        capfirst(getattr(RelativeLink._meta.get_field(name), "verbose_name", name))
        for name in ACCESS_FIELDS
        if getattr(link, name)
    ]


def patient_relative_links(patient: Patient) -> list[RelativeLink]:
    """The patient's relatives with their users and open representations (two queries; one
    when there are none): each link's ``open_representations``, by pk, as a prefetch set them."""
    links = _LINKS.all(patient=patient.pk)
    if not links:
        return links
    by_pk = {link.pk: link for link in links}
    for link in links:
        link.open_representations = []  # type: ignore[attr-defined]
    for representation in _OPEN_REPRESENTATIONS.all(patient=patient.pk):
        # A link added between the two reads is not in ``links``: its representations neither.
        if (owner := by_pk.get(representation.relative_link_id)) is not None:
            representation.relative_link = owner
            owner.open_representations.append(representation)  # type: ignore[attr-defined]
    return links


# The links and their open representations, compiled once (a prefetch cannot be): compiling
# them took longer than running them, on every request of the team page (issue 17,
# lkt.core.compiled_query).
_LINKS = CompiledQuery(
    lambda patient: (
        RelativeLink.objects.filter(patient_id=patient)
        .select_related("relative")
        .order_by("name", "pk")
    ),
    "patient",
)
_OPEN_REPRESENTATIONS = CompiledQuery(
    lambda patient: (
        Representation.objects.open().filter(relative_link__patient_id=patient).order_by("pk")
    ),
    "patient",
)


def relative_rows(links: list[RelativeLink]) -> list[RelativeRow]:
    today = timezone.localdate()
    return [
        RelativeRow(
            link=link,
            access=access_labels(link),
            active=link.is_active_on(today),
            logged_in=link.relative is not None and link.relative.last_login is not None,
            representations=list(getattr(link, "open_representations", [])),
        )
        for link in links
    ]


def relatives_section(page: TeamPage) -> dict[str, Any]:
    """The team page section: every relative of the patient with their access and any
    representation. Queries (fixed): 1 the links with their users, 2 open representations."""
    rows = relative_rows(patient_relative_links(page.team.patient))
    return {
        "rows": rows,
        "may_record_representation": page.standing.manages,
        "eligible_representatives": [r for r in rows if r.active and r.link.has_full_access],
    }


def relative_link_for_team(team: Team, link_pk: int) -> RelativeLink:
    """One relative of the team's patient (404 for any other)."""
    link = (
        RelativeLink.objects.filter(pk=link_pk, patient_id=team.patient_id)
        .select_related("relative", "patient")
        .first()
    )
    if link is None:
        raise Http404
    return link


def representation_for_team(team: Team, pk: int) -> Representation:
    representation = (
        Representation.objects.filter(pk=pk, patient_id=team.patient_id)
        .select_related("relative_link", "patient")
        .first()
    )
    if representation is None:
        raise Http404
    return representation


def relative_links_for_patient(user: AnyUser, pk: int) -> tuple[Patient, list[RelativeLink]]:
    """The patient's relatives and what each may see, for the patient to change (audited).
    Queries: patient, standing, audit row, the links with their users, their open
    representations."""
    patient, standing = portal_patient(user, pk)
    authorize(user, Action.MANAGE_RELATIVES, patient)
    return patient, patient_relative_links(patient)
