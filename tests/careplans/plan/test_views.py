"""The plan pages through HTTP: full page and htmx fragment, drafting, correcting, approving,
the diff, the leader's list and the team page section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import Member, RelativeLink
from careplans.models import CarePlan, CarePlanVersion, Phase
from careplans.plan.services import plan_approve, plan_draft_update
from lkt.models import AccessLog
from tests.careplans.helpers import karis_first_version, ready_draft
from tests.careplans.phase_helpers import entry_for
from tests.conftest import client_for
from tests.factories import StaffFactory
from tests.private_circle import karis_private_circle

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _base(cast) -> int:
    return CarePlan.objects.get(team=cast.team).version


def _draft(cast, **sections) -> CarePlanVersion:
    karis_first_version(cast)
    draft = ready_draft(cast.coordinator, cast.team)
    if sections:
        draft = plan_draft_update(
            actor=cast.coordinator, version=draft, base_version=_base(cast), **sections
        )
    return draft


def _form(draft: CarePlanVersion, base: int, **changes) -> dict[str, str]:
    assert draft.period_start is not None and draft.period_end is not None
    data = {
        "base_version": str(base),
        "roles_note": "",
        "communication": draft.communication,
        "information_sharing": "",
        "preparedness": "",
        "documentation": "",
        "evaluation_plan": "",
        "period_start": draft.period_start.isoformat(),
        "period_end": draft.period_end.isoformat(),
        "revision_on": "",
    }
    data.update(changes)
    return data


def test_the_coordinator_makes_the_first_draft_and_lands_on_its_form(cast):
    karis_first_version(cast)
    client = client_for(cast.coordinator)
    response = client.post(reverse("careplans:plan-draft-create", args=[cast.team.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("careplans:plan-draft-edit", args=[cast.team.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'name="preparedness"' in page
    assert "Lagre utkastet" in page


def test_a_second_click_on_new_draft_opens_the_open_draft_with_a_message(cast):
    draft = _draft(cast, communication="Ukentlig telefonmøte.")
    client = client_for(cast.coordinator)
    url = reverse("careplans:plan-draft-create", args=[cast.team.pk])

    response = client.post(url, follow=True)

    assert response.redirect_chain == [
        (reverse("careplans:plan-draft-edit", args=[cast.team.pk]), 302)
    ]
    body = response.content.decode()
    assert f"Planen har allerede et utkast (versjon {draft.number})." in body
    assert "Ukentlig telefonmøte." in body
    assert list(CarePlanVersion.objects.filter(plan__team=cast.team)) == [draft]


def test_the_plan_page_offers_a_new_draft_only_when_the_open_one_cannot_change(cast):
    draft = _draft(cast)
    client = client_for(cast.coordinator)
    url = reverse("careplans:plan", args=[cast.team.pk])
    page = client.get(url).content.decode()
    assert "Rett i utkastet" in page
    assert "Lag et nytt utkast" not in page

    plan_approve(actor=cast.patient, version=draft, base_version=_base(cast))
    assert "Lag et nytt utkast" in client.get(url).content.decode()


def test_the_plan_page_shows_the_draft_and_who_must_approve_full_and_as_fragment(cast):
    _draft(cast, preparedness="Ved innleggelse ringer DPS koordinator.")
    client = client_for(cast.patient)
    url = reverse("careplans:plan", args=[cast.team.pk])

    page = client.get(url).content.decode()
    assert "<html" in page
    assert "Ved innleggelse ringer DPS koordinator." in page
    assert "Jeg går tur med hunden." in page
    assert "Jeg godkjenner utkast 1" in page  # Kari is one who must approve
    assert "Leder for Fjordvik kommune" in page

    fragment = client.get(url, headers=HTMX)
    body = fragment.content.decode()
    assert "<html" not in body
    assert "Ved innleggelse ringer DPS koordinator." in body
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_the_coordinator_corrects_the_draft_in_place(cast):
    draft = _draft(cast)
    client = client_for(cast.coordinator)
    url = reverse("careplans:plan-draft-edit", args=[cast.team.pk])
    response = client.post(
        url, _form(draft, _base(cast), communication="Ukentlig telefonmøte."), headers=HTMX
    )
    assert response.status_code == 200
    assert "samarbeidsplan-changed" in response["HX-Trigger"]
    assert "Utkastet er lagret." in response.content.decode()
    draft.refresh_from_db()
    assert draft.communication == "Ukentlig telefonmøte."


def test_a_bad_period_comes_back_in_the_fragment_and_nothing_is_saved(cast):
    draft = _draft(cast)
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("careplans:plan-draft-edit", args=[cast.team.pk]),
        _form(
            draft,
            _base(cast),
            communication="Ny tekst",
            period_end=(timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Planperioden må slutte etter at den starter." in body
    assert "<html" not in body
    draft.refresh_from_db()
    assert draft.communication == ""


def test_a_stale_edit_keeps_the_users_text_and_saves_nothing(cast):
    draft = _draft(cast)
    opened = _base(cast)
    plan_draft_update(
        actor=cast.coordinator,
        version=draft,
        base_version=opened,
        communication="Fra en annen fane",
    )
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("careplans:plan-draft-edit", args=[cast.team.pk]),
        _form(draft, opened, communication="Min egen tekst"),
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Planen er endret av noen andre" in body
    assert "Min egen tekst" in body
    assert "Fra en annen fane" in body
    assert f'name="base_version" value="{_base(cast)}"' in body
    draft.refresh_from_db()
    assert draft.communication == "Fra en annen fane"


def test_a_non_htmx_correction_returns_to_the_plan(cast):
    draft = _draft(cast)
    response = client_for(cast.coordinator).post(
        reverse("careplans:plan-draft-edit", args=[cast.team.pk]),
        _form(draft, _base(cast), evaluation_plan="Hver sjette måned."),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("careplans:plan", args=[cast.team.pk])


def test_approving_in_place_shows_the_approval_and_reloads_the_section(cast):
    draft = _draft(cast)
    response = client_for(cast.patient).post(
        reverse("careplans:plan-approve", args=[cast.team.pk, draft.number]),
        {"base_version": _base(cast)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "samarbeidsplan-changed" in response["HX-Trigger"]
    body = response.content.decode()
    assert "Godkjenningen din er registrert" in body
    assert "Jeg godkjenner utkast" not in body  # Kari has given hers
    assert draft.approvals.get().approver == cast.patient


def test_a_member_who_need_not_approve_gets_a_clear_message(cast):
    draft = _draft(cast)
    response = client_for(cast.member).post(
        reverse("careplans:plan-approve", args=[cast.team.pk, draft.number]),
        {"base_version": _base(cast)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Du er ikke en av dem som skal godkjenne" in response.content.decode()
    assert not draft.approvals.exists()


def test_a_stale_approval_is_refused_with_a_message(cast):
    draft = _draft(cast)
    read = _base(cast)
    plan_draft_update(actor=cast.coordinator, version=draft, base_version=read, documentation="X")
    response = client_for(cast.patient).post(
        reverse("careplans:plan-approve", args=[cast.team.pk, draft.number]),
        {"base_version": read},
        headers=HTMX,
    )
    body = response.content.decode()
    assert "Godkjenningen din er ikke registrert." in body
    assert not draft.approvals.exists()


def test_a_leader_sees_the_structure_but_never_the_patients_words(cast):
    draft = _draft(cast, preparedness="Hemmelig beredskap")
    # Kari has approved: the leader learns that the patient did, not who she is.
    plan_approve(actor=cast.patient, version=draft, base_version=_base(cast))
    client = client_for(cast.leader)
    body = client.get(reverse("careplans:plan", args=[cast.team.pk])).content.decode()
    assert "Årshjul" in body
    assert "Leder for Fjordvik kommune" in body
    assert "Jeg godkjenner utkast 1" in body
    for clinical in ("Jeg går tur med hunden.", "Jeg sover dårlig", "Hemmelig beredskap", "Kari"):
        assert clinical not in body


def test_a_leader_reads_the_roles_of_karis_circle_in_the_plan_and_its_diff_never_names(cast):
    circle = karis_private_circle(cast)
    first = _draft(cast)
    first.annual_activities.update(responsible=circle.stottekontakt)
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(actor=user, version=first, base_version=_base(cast))
    # The next version has the mother no more: the diff shows the roles that changed.
    Member.objects.filter(pk=circle.mother.pk).update(left_on=timezone.localdate())
    ready_draft(cast.coordinator, cast.team)
    leader = client_for(cast.leader)
    pages = [
        leader.get(reverse("careplans:plan", args=[cast.team.pk])).content.decode(),
        leader.get(
            reverse("careplans:plan-diff", args=[cast.team.pk]), {"fra": 1, "til": 2}
        ).content.decode(),
    ]
    for body in pages:
        for name in circle.names:
            assert name not in body, name
    plan, diff = pages
    assert "Familie" in plan and "NAV-veileder" in plan
    assert "Cecilie Testesen, koordinator" in plan  # the services' staff by name
    assert "ansvarlig: Annen rolle" in plan  # the støttekontakt answers for the årshjul
    assert "Familie" in diff and "Torborg" not in diff
    # The team reads them all.
    team = client_for(cast.coordinator).get(reverse("careplans:plan", args=[cast.team.pk]))
    for name in circle.names[:2]:
        assert name in team.content.decode()


def test_the_leaders_list_shows_waiting_plans_until_the_leader_has_approved(cast):
    draft = _draft(cast)
    client = client_for(cast.leader)
    url = reverse("careplans:plan-approvals-for-leader")
    body = client.get(url).content.decode()
    assert f"Nr. {cast.team.pk}" in body
    assert "Fjordvik kommune" in body
    assert "Kari" not in body
    plan_approve(actor=cast.leader, version=draft, base_version=_base(cast))
    assert "Ingen planer venter på din godkjenning." in client.get(url).content.decode()


def test_a_relative_allowed_to_see_the_plan_reads_it_and_one_without_gets_404(cast):
    _draft(cast, preparedness="Ring Per hvis Kari ikke svarer.")
    url = reverse("careplans:plan", args=[cast.team.pk])
    assert client_for(cast.relative).get(url).status_code == 404
    RelativeLink.objects.filter(relative=cast.relative).update(may_see_plan=True)
    response = client_for(cast.relative).get(url)
    assert response.status_code == 200
    assert "Ring Per hvis Kari ikke svarer." in response.content.decode()
    assert "Jeg godkjenner" not in response.content.decode()  # Kari approves herself


def test_the_diff_shows_what_changed_section_by_section(cast):
    first = _draft(cast, preparedness="Ring koordinator.")
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(actor=user, version=first, base_version=_base(cast))
    second = ready_draft(cast.coordinator, cast.team)
    plan_draft_update(
        actor=cast.coordinator,
        version=second,
        base_version=_base(cast),
        preparedness="Ring koordinator eller stedfortreder.",
    )
    url = reverse("careplans:plan-diff", args=[cast.team.pk])
    body = client_for(cast.member).get(url, {"fra": 1, "til": 2}).content.decode()
    assert "Fra versjon 1 til versjon 2" in body
    assert "Hvem gjør hva hvis" in body
    assert "stedfortreder" in body

    fragment = client_for(cast.member).get(url, {"til": 2}, headers=HTMX).content.decode()
    assert "<html" not in fragment and "stedfortreder" in fragment

    leaders = client_for(cast.leader).get(url, {"fra": 1, "til": 2}).content.decode()
    assert "stedfortreder" not in leaders


@pytest.mark.parametrize("number", ["²", "١", "-1", "99999999999999999999"])
def test_a_version_number_that_is_not_0_to_9_shows_the_newest_versions(cast, number):
    first = _draft(cast, preparedness="Ring koordinator.")
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(actor=user, version=first, base_version=_base(cast))
    ready_draft(cast.coordinator, cast.team)
    url = reverse("careplans:plan-diff", args=[cast.team.pk])
    response = client_for(cast.member).get(url, {"fra": number, "til": number})
    assert response.status_code == 200
    assert "Fra versjon 1 til versjon 2" in response.content.decode()


def test_the_team_page_section_shows_the_status_of_the_plan(cast):
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-samarbeidsplan", args=[cast.team.pk])
    assert "Det er ikke laget noen plan" in client.get(url, headers=HTMX).content.decode()
    draft = _draft(cast)
    body = client.get(url, headers=HTMX).content.decode()
    assert 'id="samarbeidsplan-heading"' in body
    assert "Utkast 1 venter på 3 godkjenninger." in body
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(actor=user, version=draft, base_version=_base(cast))
    body = client.get(url, headers=HTMX).content.decode()
    assert "Versjon 1 gjelder fra" in body
    page = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    assert "Plan for samarbeid" in page


def test_reading_the_plan_is_audited_and_a_leaders_read_says_why(cast):
    _draft(cast)
    url = reverse("careplans:plan", args=[cast.team.pk])
    client_for(cast.member).get(url)
    client_for(cast.leader).get(url)
    member_row = AccessLog.objects.filter(user=cast.member, object_type="actors.team").get()
    assert member_row.patient == cast.team.patient
    assert member_row.action == AccessLog.Action.VIEW
    leader_row = AccessLog.objects.filter(user=cast.leader).get()
    assert "bare struktur" in leader_row.reason


def test_the_draft_form_loads_as_a_fragment_for_htmx(cast):
    _draft(cast)
    response = client_for(cast.coordinator).get(
        reverse("careplans:plan-draft-edit", args=[cast.team.pk]), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="plan-draft-form"' in body


def test_a_leader_of_another_organisation_does_not_find_the_plan(cast):
    _draft(cast)
    stranger = StaffFactory.create(organisation=cast.other_kommune, is_leader=True)
    response = client_for(stranger).get(reverse("careplans:plan", args=[cast.team.pk]))
    assert response.status_code == 404
    listing = client_for(stranger).get(reverse("careplans:plan-approvals-for-leader"))
    assert "Ingen planer venter på din godkjenning." in listing.content.decode()


def test_the_plan_lists_the_phases_green_yellow_red_and_links_the_phase_plan(cast):
    draft = _draft(cast)
    # Written in the order a team might: red first, then green, then yellow.
    for phase in (Phase.RED, Phase.GREEN, Phase.YELLOW):
        entry_for(draft, phase)
    body = client_for(cast.coordinator).get(reverse("careplans:plan", args=[cast.team.pk]))
    text = body.content.decode()
    section = text[text.index("Hva vi gjør når det går bra") :]
    green, yellow, red = (section.index(f"Tegn i {p}") for p in ("green", "yellow", "red"))
    assert green < yellow < red
    link = reverse("workspace:team-detail", args=[cast.team.pk]) + "#faseplan"
    assert f'<a class="ds-link" href="{link}">se faseplanen</a>' in section


def test_the_draft_form_has_no_english_label_and_links_the_phase_plan(cast):
    _draft(cast)
    body = (
        client_for(cast.coordinator)
        .get(reverse("careplans:plan-draft-edit", args=[cast.team.pk]))
        .content.decode()
    )
    assert "Base version" not in body
    assert 'type="hidden" name="base_version"' in body
    assert reverse("workspace:team-detail", args=[cast.team.pk]) + "#faseplan" in body


def _in_force_with_documents(cast) -> CarePlanVersion:
    """Kari's plan in force with two documents attached: the IOP marked for her, the
    fagplan from DPS for the staff only."""
    from coordination.messages.document_services import document_upload
    from tests.files import upload

    plan = CarePlan.objects.create(team=cast.team, version=1)
    version = CarePlanVersion.objects.create(
        plan=plan,
        number=1,
        status="in_force",
        in_force_at=timezone.now(),
        created_by=cast.coordinator,
    )
    for name, for_patient in (("IOP.pdf", True), ("Fagplan DPS.pdf", False)):
        document_upload(
            actor=cast.coordinator,
            team=cast.team,
            upload=upload(name),
            for_plan=True,
            for_patient=for_patient,
        )
    return version


def test_the_plan_page_lists_its_documents_and_kari_sees_those_marked_for_her(cast):
    version = _in_force_with_documents(cast)
    url = reverse("careplans:plan", args=[cast.team.pk])
    documents = {d.name: d for d in version.documents.all()}

    staff = client_for(cast.member).get(url).content.decode()
    kari = client_for(cast.patient).get(url).content.decode()
    leif = client_for(cast.leader).get(url).content.decode()

    for document in documents.values():
        assert reverse("coordination:document-download", args=[document.pk]) in staff
    assert "IOP.pdf" in kari and "Fagplan DPS.pdf" not in kari
    # The leader reads the plan's structure only: no file name.
    assert "IOP.pdf" not in leif and "Fagplan" not in leif
    download = client_for(cast.patient).get(
        reverse("coordination:document-download", args=[documents["IOP.pdf"].pk])
    )
    assert download.status_code == 200


def test_documents_of_the_plan_in_force_stay_with_it_and_a_new_draft_starts_without_them(cast):
    from careplans.plan.services import plan_draft_open

    _in_force_with_documents(cast)
    draft, _new = plan_draft_open(actor=cast.coordinator, team=cast.team)

    body = client_for(cast.coordinator).get(reverse("careplans:plan", args=[cast.team.pk]))
    text = body.content.decode()
    draft_part = text.split('id="draft-heading"')[1]
    in_force_part = text.split('id="in-force-heading"')[1].split('id="draft-heading"')[0]
    assert "IOP.pdf" in in_force_part and "Fagplan DPS.pdf" in in_force_part
    assert "IOP.pdf" not in draft_part
    assert "Ingen dokumenter hører til denne versjonen." in draft_part
    assert not draft.documents.exists()


def test_kari_finds_the_documents_marked_for_her_in_her_own_plan_in_min_side(cast):
    _in_force_with_documents(cast)
    url = reverse("workspace:portal-plan", args=[cast.team.patient.pk])

    kari = client_for(cast.patient).get(url).content.decode()
    per = client_for(cast.relative).get(url).content.decode()

    assert "IOP.pdf" in kari and "Fagplan DPS.pdf" not in kari
    assert "IOP.pdf" not in per
