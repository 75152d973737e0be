"""The demo data: every kind of user, the deliberate gaps, valid ids, and a safe second run."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actors.access import visible_patients
from actors.models import (
    Consent,
    Level,
    Member,
    Organisation,
    Patient,
    RelativeLink,
    Role,
    Team,
    User,
)
from actors.selectors import missing_roles
from actors.validators import validate_national_id, validate_org_number
from careplans.models import CarePlanVersion, PhasePlanEntry
from careplans.phase.selectors import current_phase
from lkt.demo.leaders import background_patients
from lkt.management.commands.seed_demo import DEMO_PASSWORD, LOGINS
from tests.conftest import Client, client_for

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return seed()


def counts() -> dict[str, int]:
    models = (Organisation, User, Patient, Team, Member, Consent, RelativeLink)
    return {model.__name__: model.objects.count() for model in models}


def test_organisations_two_kommuner_and_one_helseforetak(demo):
    assert Organisation.objects.filter(kind=Organisation.Kind.KOMMUNE).count() == 2
    hf = Organisation.objects.get(kind=Organisation.Kind.HELSEFORETAK)
    assert hf.level == Level.SPESIALIST
    assert {o.kind for o in hf.children.all()} >= {
        Organisation.Kind.DPS,
        Organisation.Kind.SYKEHUSAVDELING,
    }
    assert all(o.level == Level.SPESIALIST for o in hf.children.all())
    for kommune in Organisation.objects.filter(kind=Organisation.Kind.KOMMUNE):
        assert {o.kind for o in kommune.children.all()} == {
            Organisation.Kind.LEGEKONTOR,
            Organisation.Kind.HJEMMETJENESTE,
            Organisation.Kind.PSYKISK_HELSE_RUS,
            Organisation.Kind.KOORDINERENDE_ENHET,
            Organisation.Kind.NAV,
        }
    for org in Organisation.objects.all():
        validate_org_number(org.org_number)
        org.full_clean()


def test_at_least_three_teams_across_both_levels(demo):
    assert Team.objects.count() >= 3
    kommuner = set(
        Member.objects.filter(role=Role.COORDINATOR).values_list(
            "organisation__parent__name", flat=True
        )
    )
    assert kommuner == {"Fjordvik kommune", "Havbu kommune"}
    assert Member.objects.filter(user__isnull=False, organisation__level=Level.KOMMUNE).exists()
    assert Member.objects.filter(user__isnull=False, organisation__level=Level.SPESIALIST).exists()


def test_every_kind_of_user(demo):
    assert Member.objects.filter(role=Role.COORDINATOR, organisation__level=Level.KOMMUNE).exists()
    assert Member.objects.filter(
        role=Role.GP, organisation__kind=Organisation.Kind.LEGEKONTOR
    ).exists()
    for role in (Role.SPECIALIST_CONTACT, Role.INTERNAL_COORDINATOR):
        assert Member.objects.filter(role=role, organisation__kind=Organisation.Kind.DPS).exists()
    assert Patient.objects.filter(user__kind=User.Kind.PATIENT).count() >= 2, (
        "patients with portal users"
    )
    assert User.objects.filter(
        kind=User.Kind.STAFF, is_leader=True, organisation__kind=Organisation.Kind.KOMMUNE
    ).exists()
    assert User.objects.filter(
        kind=User.Kind.STAFF,
        memberships__isnull=True,
        is_leader=False,
        is_superuser=False,
        organisation__isnull=False,
    ).exists(), "a staff user in no team"
    admin = User.objects.get(is_superuser=True)
    assert admin.is_staff
    assert not User.objects.filter(is_staff=True).exclude(pk=admin.pk).exists()


def test_relatives_one_limited_one_excluded(demo):
    limited = RelativeLink.objects.filter(
        excluded=False, may_see_team=True, may_see_goals=True, may_see_plan=False
    )
    assert limited.count() == 1
    assert RelativeLink.objects.filter(excluded=True).count() == 1


def test_external_members_and_one_leaving_soon(demo):
    external = Member.objects.filter(user__isnull=True)
    assert external.exists()
    assert all(m.external_name and m.external_phone for m in external)
    today = timezone.localdate()
    assert Member.objects.filter(
        user__isnull=False,
        expected_leave_on__gte=today,
        expected_leave_on__lte=today + dt.timedelta(days=30),
    ).exists()


def test_minor_consent_given_by_guardian(demo):
    today = timezone.localdate()
    minors = [p for p in Patient.objects.all() if p.age_on(today) < 16]
    assert len(minors) == 1
    assert minors[0].age_on(today) == 15
    consents = Consent.objects.filter(patient=minors[0])
    assert consents.exists()
    assert all(c.given_by == Consent.GivenBy.GUARDIAN for c in consents)


def test_one_team_lacks_sharing_consent(demo):
    without = Team.objects.exclude(
        patient__consents__scope=Consent.Scope.TEAM_SHARING,
        patient__consents__withdrawn_at__isnull=True,
    )
    assert [t.patient.name for t in without] == ["Jonas Brekkestø"]


def test_exactly_the_incomplete_team_is_detected(demo):
    incomplete = {
        t.patient.name: missing_roles(t)
        for t in Team.objects.exclude(patient__in=background_patients())
        .select_related("patient")
        .prefetch_related("members")
        if missing_roles(t)
    }
    assert incomplete == {"Ola Havbakken": [Role.INTERNAL_COORDINATOR]}


def test_national_ids_are_synthetic_and_valid(demo):
    for patient in Patient.objects.all():
        validate_national_id(patient.national_id)
        assert int(patient.national_id[2:4]) > 80, "month + 80: never a real person"


def test_every_person_logs_in_with_the_demo_password(demo):
    assert len(DEMO_PASSWORD) >= 12
    # The background teams' staff (lkt.demo.leaders) are not logins.
    usernames = set(
        User.objects.exclude(username__startswith="bakgrunn-").values_list("username", flat=True)
    )
    assert usernames == {login.username for login in LOGINS}
    for username in usernames:
        assert Client().login(username=username, password=DEMO_PASSWORD), username


def test_login_table_is_printed(demo):
    assert DEMO_PASSWORD in demo
    for login in LOGINS:
        assert login.username in demo
    malene = Patient.objects.get(name="Malene Fjord")
    assert f"fødselsnummer {malene.national_id}" in demo


def test_access_of_relatives_and_leader(demo):
    users = {u.username: u for u in User.objects.all()}
    excluded = RelativeLink.objects.get(excluded=True).relative
    limited = RelativeLink.objects.get(may_see_team=True, may_see_plan=False).relative
    assert not visible_patients(excluded).exists()
    assert list(visible_patients(limited).values_list("name", flat=True)) == ["Kari Solstrand"]
    # Leaders in the kommune and the helseforetak see no patient.
    for leader in User.objects.filter(is_leader=True):
        assert not visible_patients(leader).exists()
    assert not visible_patients(users["nina"]).exists()
    # Without sharing consent only Jonas's coordinator sees him.
    assert "Jonas Brekkestø" in visible_patients(users["hanne"]).values_list("name", flat=True)
    assert "Jonas Brekkestø" not in visible_patients(users["gunnar"]).values_list("name", flat=True)


def test_second_run_is_idempotent(demo):
    before = counts()
    again = seed()
    assert "already" in again
    assert DEMO_PASSWORD in again
    assert counts() == before


def test_the_demo_has_a_plan_in_force_a_draft_and_a_team_in_yellow(demo):
    statuses = dict(
        CarePlanVersion.objects.exclude(plan__team__patient__in=background_patients()).values_list(
            "plan__team__patient__name", "status"
        )
    )
    assert statuses == {
        "Kari Solstrand": "in_force",
        "Emma Lid": "draft",
        "Malene Fjord": "in_force",
        "Ola Havbakken": "in_force",
    }
    red = PhasePlanEntry.objects.get(
        version__status="in_force", phase="red", version__plan__team__patient__name="Kari Solstrand"
    )
    assert "113" in red.call_night
    assert current_phase(Team.objects.get(patient__name="Ola Havbakken")) == "yellow"


def test_emmas_draft_is_open_for_corrections_and_has_one_from_the_fastlege(demo):
    draft = CarePlanVersion.objects.get(status="draft", plan__team__patient__name="Emma Lid")
    assert draft.corrections_until is not None and draft.corrections_until > timezone.now()
    [correction] = draft.corrections.select_related("author")
    assert correction.author.username == "fredrik"
    assert "blodprøvesvar" in correction.text


def test_malene_has_a_year_of_night_contacts_a_crisis_plan_and_this_mornings_digest(demo):
    from actors.access import is_night_service
    from coordination.models import NightContact, Notification, Observation

    malene = Patient.objects.get(name="Malene Fjord")
    assert malene.consents.filter(scope=Consent.Scope.CRISIS_PLAN).exists()
    red = PhasePlanEntry.objects.get(
        version__status="in_force", phase="red", version__plan__team__patient=malene
    )
    assert red.night_contact is not None and "113" in red.call_night and red.patient_wishes
    contacts = NightContact.objects.filter(patient=malene)
    now = timezone.now()
    assert contacts.count() >= 8
    assert contacts.filter(occurred_at__gte=now - dt.timedelta(days=7)).count() == 2
    assert contacts.filter(outcome=NightContact.Outcome.ADMITTED).count() == 1
    assert {c.service for c in contacts} >= {"legevakt", "amk", "politi"}
    # The two contacts this week made the default rule propose gul; Cecilie decides.
    [waiting] = Observation.objects.filter(team__patient=malene, status="open")
    assert waiting.proposed_phase == "yellow"
    digest = Notification.objects.get(
        kind=Notification.Kind.NIGHT_DIGEST, recipient__username="cecilie"
    )
    assert "Legevakt" in digest.message and "Malene" not in digest.message
    lars = User.objects.get(username="lars")
    assert is_night_service(lars)
    assert not visible_patients(lars).exists()


def test_relatives_are_named_by_valid_national_ids_and_emmas_parents_represent_her(demo):
    from actors.models import Representation, StaffInvitation
    from careplans.plan.selectors import required_approvals

    for link in RelativeLink.objects.all():
        validate_national_id(link.national_id)
        link.full_clean()
    emma = Patient.objects.get(name="Emma Lid")
    assert emma.age_on(timezone.localdate()) == 15
    parents = Representation.objects.in_effect().filter(patient=emma)
    assert {r.basis for r in parents} == {Representation.Basis.PARENTAL_RESPONSIBILITY}
    assert sorted(r.relative_link.display_name for r in parents) == ["Jon Lid", "Marte Lid"]
    assert parents.filter(relative_link__relative__isnull=True).count() == 1  # Jon: no login
    draft = CarePlanVersion.objects.get(plan__team__patient=emma)
    [need] = [r for r in required_approvals(draft) if r.capacity == "representative"]
    assert [u.username for u in need.eligible] == ["marte"]
    invitation = StaffInvitation.objects.open().get()
    assert invitation.invited_by.username == "leif" and invitation.hpr_number


def test_staff_have_professions_and_only_clinical_staff_are_offered_for_teams(demo):
    from actors.staff_eligibility import team_eligible

    users = {u.username: u for u in User.objects.all()}
    assert users["kristin"].get_profession_display() == "Psykolog"
    assert [o.name for o in users["fredrik"].organisations.all()] == ["Legevakten i Fjordvik"]
    offered = set(team_eligible().values_list("username", flat=True))
    assert {"cecilie", "fredrik", "tor", "kristin", "nina"} <= offered
    assert not offered & {"leif", "hilde", "lars", "admin"}
    assert users["nina"].last_login is None and users["tor"].last_login is not None


# Issue 16, item 18: the demo can show every journey in both kommuner.


def test_the_seed_runs_on_an_empty_database():
    assert not User.objects.exists() and not Organisation.objects.exists()
    out = seed()
    assert "Demodata lastet inn." in out
    assert Team.objects.exists()


def _plan_in_force(team: Team) -> bool:
    return CarePlanVersion.objects.filter(
        plan__team=team, status=CarePlanVersion.Status.IN_FORCE
    ).exists()


def test_each_kommune_has_a_leader_and_a_team_of_its_own_with_a_plan_in_force(demo):
    background = background_patients()
    for kommune in Organisation.objects.filter(kind=Organisation.Kind.KOMMUNE):
        leader = User.objects.get(is_leader=True, organisation=kommune)
        assert Client().login(username=leader.username, password=DEMO_PASSWORD)
        led_here = Team.objects.filter(
            members__role=Role.COORDINATOR,
            members__left_on__isnull=True,
            members__organisation__parent=kommune,
        ).exclude(patient__in=background)
        assert any(_plan_in_force(team) for team in led_here), kommune.name
        # The kommune's leader was among those who approved it.
        assert CarePlanVersion.objects.filter(
            plan__team__in=led_here, status="in_force", approvals__approver=leader
        ).exists(), kommune.name


def test_an_elderly_patient_who_logs_in_has_a_plan_in_force(demo):
    today = timezone.localdate()
    elderly = [
        p
        for p in Patient.objects.filter(user__isnull=False).select_related("user")
        if p.age_on(today) >= 67
    ]
    assert any(_plan_in_force(team) for p in elderly for team in p.teams.all())
    ola = Patient.objects.get(name="Ola Havbakken")
    assert ola.age_on(today) >= 80 and _plan_in_force(ola.teams.get())
    # His crisis card: a plan in force without consent to crisis sharing (break-glass only).
    assert not ola.consents.filter(scope=Consent.Scope.CRISIS_PLAN).exists()
    assert PhasePlanEntry.objects.filter(version__plan__team__patient=ola, phase="red").exists()


def test_no_picker_offers_a_user_who_cannot_log_in(demo):
    from actors.staff_eligibility import team_eligible

    offered = list(team_eligible())
    assert offered
    for user in offered:
        assert not user.username.startswith("bakgrunn-"), user.username
        assert Client().login(username=user.username, password=DEMO_PASSWORD), user.username
    # The page: the member form of Kari's team offers exactly those.
    cecilie = User.objects.get(username="cecilie")
    kari = Team.objects.get(patient__name="Kari Solstrand")
    page = client_for(cecilie).get(reverse("actors:member-add", args=[kari.pk]))
    html = page.content.decode()
    picker = html[html.index('name="user"') :]
    picker = picker[: picker.index("</select>")]
    options = {int(pk) for pk in re.findall(r'<option value="(\d+)"', picker)}
    assert options == {user.pk for user in offered}
    background = User.objects.filter(username__startswith="bakgrunn-")
    assert background.exists() and not options & set(background.values_list("pk", flat=True))
