"""factory_boy factories. Every person is invented; national ids are synthetic (month + 80)."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.utils import timezone

from actors.models import (
    Consent,
    Level,
    Member,
    Organisation,
    Patient,
    RelativeLink,
    Representation,
    Role,
    Team,
    User,
)
from actors.validators import org_number_with_check_digit, synthetic_national_id
from careplans.models import Goal
from coordination.models import Task

PASSWORD = "riktig-hest-batteri-stift"  # noqa: S105 – test and demo password


def valid_org_number(n: int) -> str:
    """The first valid organisation number from eight digits ``n`` upwards."""
    while not (number := org_number_with_check_digit(f"{n:08d}")):
        n += 1
    return number


_org_counter = itertools.count(91000000, 7)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    org_number = factory.LazyFunction(lambda: valid_org_number(next(_org_counter)))
    kind = Organisation.Kind.KOMMUNE
    level = Level.KOMMUNE


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = factory.Sequence(lambda n: f"Fornavn{n}")
    last_name = "Testesen"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    kind = User.Kind.STAFF
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    organisation = factory.SubFactory(OrganisationFactory)


class PatientFactory(factory.django.DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    name = factory.Sequence(lambda n: f"Pasient Nummer{n}")
    birth_date = factory.Sequence(
        lambda n: dt.date(1950, 1, 1) + dt.timedelta(days=(n * 97) % 20000)
    )
    national_id = factory.LazyAttributeSequence(lambda p, n: synthetic_national_id(p.birth_date, n))


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    patient = factory.SubFactory(PatientFactory)
    created_by = factory.SubFactory(StaffFactory)
    established_on = factory.LazyFunction(timezone.localdate)


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(StaffFactory)
    organisation = factory.LazyAttribute(lambda m: m.user.organisation if m.user else None)
    level = factory.LazyAttribute(lambda m: m.organisation.level if m.organisation else "privat")
    role = Role.NURSE
    joined_on = factory.LazyFunction(timezone.localdate)


class ConsentFactory(factory.django.DjangoModelFactory[Consent]):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    scope = Consent.Scope.TEAM_SHARING
    method = Consent.Method.WRITTEN
    given_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(StaffFactory)


class RelativeLinkFactory(factory.django.DjangoModelFactory[RelativeLink]):
    class Meta:
        model = RelativeLink

    patient = factory.SubFactory(PatientFactory)
    relative = factory.SubFactory(UserFactory, kind=User.Kind.RELATIVE)
    name = factory.LazyAttribute(lambda link: str(link.relative) if link.relative else "Navn")
    relation = RelativeLink.Relation.PARENT
    created_by = factory.SelfAttribute("relative")


class RepresentationFactory(factory.django.DjangoModelFactory[Representation]):
    """A relative who acts for the patient; the link gets the full access a representative
    needs unless the test gives one (``relative_link``)."""

    class Meta:
        model = Representation

    relative_link = factory.SubFactory(
        RelativeLinkFactory, may_see_team=True, may_see_goals=True, may_see_plan=True
    )
    patient = factory.SelfAttribute("relative_link.patient")
    basis = Representation.Basis.PARENTAL_RESPONSIBILITY
    valid_from = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(StaffFactory)


class TaskFactory(factory.django.DjangoModelFactory[Task]):
    """A task for a new goal of the team's patient, owned and made by the team's first member."""

    class Meta:
        model = Task

    team = factory.SubFactory(TeamFactory)
    goal = factory.LazyAttribute(
        lambda t: Goal.objects.create(patient=t.team.patient, text="Sove bedre", wish="Orke mer")
    )
    owner = factory.LazyAttribute(lambda t: t.team.members.order_by("pk").first())
    created_by = factory.LazyAttribute(lambda t: t.owner.user)
    title = "Ringe"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
