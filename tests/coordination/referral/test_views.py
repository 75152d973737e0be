"""From need to team and element C through the views: full pages, htmx fragments, bad input
with clear Norwegian messages (status 200 for htmx forms), and who may see what."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actors import services as actor_services
from actors.models import Organisation, Role, User
from actors.validators import synthetic_national_id
from coordination.models import CoordinatorAppointment, Mandate, NeedReport, Notification
from coordination.models.referral import report_handled
from coordination.referral import services
from tests.conftest import Cast, Client, client_for, team_section_html
from tests.coordination.referral.test_services import monas_team, register
from tests.factories import PASSWORD, OrganisationFactory, StaffFactory
from tests.private_circle import karis_private_circle

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NEW_ID = synthetic_national_id(dt.date(1988, 2, 11), 5)


def per_report(cast: Cast, **overrides) -> NeedReport:
    return services.need_report_create(
        **{
            "actor": cast.relative,
            "kommune": cast.kommune,
            "patient_name": "Kari Nordvik",
            "need": "Ingen samordner tjenestene",
            "relation": NeedReport.Relation.RELATIVE,
            "patient_knows": True,
            "patient_agrees": True,
            **overrides,
        }
    )


# --- Need reports --------------------------------------------------------------------------


def test_the_report_form_asks_whether_the_patient_knows_and_agrees(cast: Cast):
    response = client_for(cast.patient).get(reverse("coordination:need-report-create"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<legend" in body and "Vet pasienten om meldingen?" in body
    assert "Er pasienten enig" in body
    assert "ingen tjenester settes i gang uten at pasienten er spurt" in body.lower()


def test_an_empty_report_comes_back_as_a_fragment_with_norwegian_messages(cast: Cast):
    response = client_for(cast.relative).post(
        reverse("coordination:need-report-create"), {"national_id": "123"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Velg kommunen der pasienten bor." in body
    assert "Svar ja eller nei." in body
    assert "Beskriv behovet." in body
    assert not NeedReport.objects.exists()


def test_a_sent_report_takes_the_reporter_to_its_status(cast: Cast):
    data = {
        "kommune": cast.kommune.pk,
        "patient_name": "Kari Nordvik",
        "need": "Trenger en koordinator",
        "relation": NeedReport.Relation.SELF,
        "patient_knows": "yes",
        "patient_agrees": "yes",
    }
    client = client_for(cast.patient)
    response = client.post(reverse("coordination:need-report-create"), data, headers=HTMX)
    report = NeedReport.objects.get()
    assert response["HX-Redirect"] == reverse("coordination:need-report-detail", args=[report.pk])
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Mottatt" in page
    mine = client.get(reverse("coordination:need-report-mine")).content.decode()
    assert "Kari Nordvik" in mine


def test_a_report_the_patient_does_not_know_about_says_what_that_means(cast: Cast):
    report = per_report(cast, patient_knows=False, patient_agrees=False)
    body = (
        client_for(cast.relative)
        .get(reverse("coordination:need-report-detail", args=[report.pk]))
        .content.decode()
    )
    assert "Pasienten vet ikke om meldingen" in body


def test_a_reporter_sees_only_their_own_reports(cast: Cast):
    report = per_report(cast)
    url = reverse("coordination:need-report-detail", args=[report.pk])
    assert client_for(cast.patient).get(url).status_code == 404
    mine = client_for(cast.patient).get(reverse("coordination:need-report-mine"))
    assert "Ingen samordner" not in mine.content.decode()


def test_the_unit_of_another_kommune_gets_404(cast: Cast, other_unit_staff: User):
    report = per_report(cast)
    client = client_for(other_unit_staff)
    assert (
        client.get(reverse("coordination:need-report-detail", args=[report.pk])).status_code == 404
    )
    status = client.post(
        reverse("coordination:need-report-status", args=[report.pk]), {"status": "assessing"}
    )
    assert status.status_code == 404
    worklist = client.get(reverse("coordination:need-report-worklist")).content.decode()
    assert "Kari Nordvik" not in worklist


def test_the_unit_sees_the_report_in_its_worklist_and_handles_it(cast: Cast, unit_staff: User):
    report = per_report(cast)
    client = client_for(unit_staff)
    worklist = client.get(reverse("coordination:need-report-worklist")).content.decode()
    assert "Kari Nordvik" in worklist
    url = reverse("coordination:need-report-status", args=[report.pk])
    refused = client.post(url, {"status": "declined", "reason": ""}, headers=HTMX)
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "<html" not in body and 'id="status-form"' in body
    assert "Skriv hvorfor meldingen avslås" in body
    report.refresh_from_db()
    assert report.status == NeedReport.Status.RECEIVED
    response = client.post(url, {"status": "assessing"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == NeedReport.Status.ASSESSING


def reports_to_kommune(cast: Cast, count: int, *, open_every: int) -> list[NeedReport]:
    """``count`` reports to the cast's kommune an hour apart, newest first by number; one in
    ``open_every`` still open, the others declined."""
    now = timezone.now()
    reports = NeedReport.objects.bulk_create(
        NeedReport(
            kommune=cast.kommune,
            patient_name=f"Melding {n:03}",
            need="Behov",
            reported_by=cast.relative,
            relation=NeedReport.Relation.RELATIVE,
            patient_knows=True,
            patient_agrees=True,
            status=NeedReport.Status.RECEIVED if n % open_every == 0 else "declined",
            decline_reason="" if n % open_every == 0 else "Ikke behov",
        )
        for n in range(count)
    )
    for n, report in enumerate(reports):
        NeedReport.objects.filter(pk=report.pk).update(created_at=now - dt.timedelta(hours=n))
        report.created_at = now - dt.timedelta(hours=n)
    return reports


def _shown(body: str) -> list[str]:
    return re.findall(r"Melding \d{3}", body)


def test_the_worklist_shows_fifty_reports_a_page_open_ones_first(cast: Cast, unit_staff: User):
    reports = reports_to_kommune(cast, 60, open_every=7)
    expected = [
        r.patient_name
        for r in sorted(reports, key=lambda r: (not r.is_open, -r.created_at.timestamp()))
    ]
    client = client_for(unit_staff)
    url = reverse("coordination:need-report-worklist")
    first = client.get(url).content.decode()
    second = client.get(url, {"side": 2}).content.decode()
    assert _shown(first) == expected[:50]
    assert _shown(second) == expected[50:]
    assert 'href="?side=2"' in first and "?side=0" not in first
    assert 'href="?side=1"' in second and "?side=3" not in second
    # Past the last page: nothing, and the way back; a page that is no number is the first.
    past = client.get(url, {"side": 3}).content.decode()
    assert _shown(past) == [] and "Ingen flere meldinger." in past and 'href="?side=2"' in past
    assert _shown(client.get(url, {"side": "to"}).content.decode()) == expected[:50]


def test_the_worklists_open_reports_are_those_the_model_calls_open(cast: Cast):
    report = per_report(cast)
    for status in NeedReport.Status:
        NeedReport.objects.filter(pk=report.pk).update(
            status=status, team=cast.team, decline_reason="Ikke behov"
        )
        handled = NeedReport.objects.annotate(h=report_handled()).get(pk=report.pk).h
        assert handled is not NeedReport(status=status).is_open


def test_the_unit_establishes_the_team_from_the_report(cast: Cast, unit_staff: User):
    report = per_report(cast, patient_name="Mona Fjell")
    url = reverse("coordination:need-report-establish", args=[report.pk])
    client = client_for(unit_staff)
    bad = client.post(url, {"name": "Mona Fjell", "national_id": "1"}, headers=HTMX)
    assert bad.status_code == 200 and 'id="establish-form"' in bad.content.decode()
    response = client.post(url, {"name": "Mona Fjell", "national_id": NEW_ID})
    report.refresh_from_db()
    assert report.status == NeedReport.Status.TEAM_ESTABLISHED
    assert response["Location"] == reverse("workspace:team-detail", args=[report.team_id])
    # Per sees the status, not the team.
    body = (
        client_for(cast.relative)
        .get(reverse("coordination:need-report-detail", args=[report.pk]))
        .content.decode()
    )
    assert "Team etablert" in body
    assert reverse("workspace:team-detail", args=[report.team_id]) not in body


def fastlege(cast: Cast) -> User:
    """Frida, fastlege at Fjordvik legekontor: in no team, she reports a need."""
    office = OrganisationFactory(
        name="Fjordvik legekontor", kind=Organisation.Kind.LEGEKONTOR, parent=cast.kommune
    )
    return StaffFactory(username="frida", first_name="Frida", organisation=office)


def test_a_fastlege_is_asked_who_she_is_with_fastlege_chosen(cast: Cast):
    body = (
        client_for(fastlege(cast)).get(reverse("coordination:need-report-create")).content.decode()
    )
    assert '<option value="fastlege" selected>' in body
    assert '<option value="self" selected>' not in body


@pytest.mark.parametrize(
    ("who", "relation"),
    [("patient", "self"), ("relative", "relative"), ("member", "other_staff")],
)
def test_the_question_who_you_are_starts_from_who_is_logged_in(cast: Cast, who: str, relation: str):
    body = (
        client_for(cast.user(who)).get(reverse("coordination:need-report-create")).content.decode()
    )
    assert f'<option value="{relation}" selected>' in body


def test_a_new_report_reaches_the_kommunes_unit_with_a_link_and_no_name(
    cast: Cast, unit_staff: User, other_unit_staff: User
):
    data = {
        "kommune": cast.kommune.pk,
        "patient_name": "Mona Fjell",
        "need": "Mange tjenester, ingen som samordner",
        "relation": NeedReport.Relation.GP,
        "patient_knows": "yes",
        "patient_agrees": "yes",
    }
    client_for(fastlege(cast)).post(reverse("coordination:need-report-create"), data)
    report = NeedReport.objects.get()
    notice = Notification.objects.get()
    assert notice.recipient == unit_staff
    assert notice.kind == Notification.Kind.NEED_REPORT
    assert notice.url == reverse("coordination:need-report-detail", args=[report.pk])
    assert "fastlegen" in notice.message and "Fjordvik kommune" in notice.message
    assert "Mona" not in notice.message  # it may go out by e-mail
    inbox = client_for(unit_staff).get(reverse("coordination:notification-list"))
    assert notice.url in inbox.content.decode()


def test_the_menu_of_the_unit_links_its_worklist(cast: Cast, unit_staff: User):
    worklist = reverse("coordination:need-report-worklist")
    client = Client()
    assert client.login(username="una", password=PASSWORD)
    home = client.get(reverse("workspace:team-list")).content.decode()
    assert f'href="{worklist}"' in home
    assert "Meldinger om behov" in home
    for who in (cast.coordinator, fastlege(cast)):
        other = client_for(who).get(reverse("workspace:team-list")).content.decode()
        assert f'href="{worklist}"' not in other


def test_the_reporter_may_not_handle_their_report(cast: Cast):
    report = per_report(cast)
    response = client_for(cast.relative).post(
        reverse("coordination:need-report-status", args=[report.pk]), {"status": "assessing"}
    )
    assert response.status_code == 403


# --- The coordinator section, appointment and mandate -------------------------------------


def test_the_team_page_shows_the_coordinator_section(cast: Cast):
    page = client_for(cast.coordinator).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    assert 'id="koordinator-heading"' in page.content.decode()
    body = team_section_html(client_for(cast.coordinator), cast.team.pk, "koordinator")
    assert "Koordinatoren har ikke skrevet et mandat ennå." in body


def test_the_section_reloads_alone_as_a_fragment(cast: Cast):
    response = client_for(cast.patient).get(
        reverse("workspace:team-koordinator", args=[cast.team.pk]), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<h2") and "Cecilie" in body
    assert "Foreslå koordinator" not in body  # Kari sees, Cecilie manages


def test_proposing_a_coordinator_in_place_reloads_the_section(cast: Cast):
    url = reverse("coordination:appointment-propose", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    form = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form and 'hx-target="#coordinator-panel"' in form
    empty = client.post(url, {}, headers=HTMX)
    assert empty.status_code == 200
    assert "Velg hvem som foreslås som koordinator." in empty.content.decode()
    response = client.post(url, {"candidate": cast.member.pk, "patient_wish": "Tor"}, headers=HTMX)
    assert set(json.loads(response["HX-Trigger"])) == {"koordinator-changed"}
    assert CoordinatorAppointment.objects.get().candidate == cast.member


def monas_team_with_tor_approved(cast: Cast, unit_staff: User):
    """Una opened Mona's team from Per's report and proposed Tor; Leif approved him."""
    report = per_report(cast, patient_name="Mona Fjell")
    team = services.need_report_establish_team(
        actor=unit_staff, report=report, name="Mona Fjell", national_id=NEW_ID
    )
    appointment = services.appointment_propose(actor=unit_staff, team=team, candidate=cast.member)
    client_for(cast.leader).post(
        reverse("coordination:appointment-decide", args=[appointment.pk]), {"decision": "approve"}
    )
    return report, team, appointment


def test_the_proposer_is_told_that_the_leader_approved(cast: Cast):
    appointment = services.appointment_propose(
        actor=cast.coordinator, team=cast.team, candidate=cast.member
    )
    client_for(cast.leader).post(
        reverse("coordination:appointment-decide", args=[appointment.pk]), {"decision": "approve"}
    )
    told = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_DECIDED)
    assert told.recipient == cast.coordinator
    assert "Lederen har godkjent" in told.message and str(cast.member) in told.message
    assert told.url == reverse("workspace:team-detail", args=[cast.team.pk]) + "#koordinator"
    inbox = client_for(cast.coordinator).get(reverse("coordination:notification-list"))
    assert "Lederen har godkjent" in inbox.content.decode()


def test_the_proposer_is_told_why_the_leader_rejected(cast: Cast):
    appointment = services.appointment_propose(
        actor=cast.coordinator, team=cast.team, candidate=cast.member
    )
    client_for(cast.leader).post(
        reverse("coordination:appointment-decide", args=[appointment.pk]),
        {"decision": "reject", "note": "Tor har ikke tid dette halvåret"},
    )
    told = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_DECIDED)
    assert told.recipient == cast.coordinator
    assert "avvist" in told.message and "Tor har ikke tid dette halvåret" in told.message


def test_an_approval_tells_the_unit_once_where_to_register(cast: Cast, unit_staff: User):
    colleague = StaffFactory(organisation=unit_staff.organisation)
    report, _team, _appointment = monas_team_with_tor_approved(cast, unit_staff)
    told = Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_DECIDED)
    # Una proposed and is at the unit: one notice, the unit's.
    assert {n.recipient for n in told} == {unit_staff, colleague}
    assert {n.url for n in told} == {reverse("coordination:need-report-detail", args=[report.pk])}
    assert all("venter på at dere registrerer" in n.message for n in told)


def test_the_unit_registers_on_the_team_page_where_it_says_the_coordinator_waits(
    cast: Cast, unit_staff: User
):
    _report, team, appointment = monas_team_with_tor_approved(cast, unit_staff)
    register = reverse("coordination:appointment-register", args=[team.pk, appointment.pk])
    client = client_for(unit_staff)
    section = team_section_html(client, team.pk, "koordinator")
    assert "venter på registrering hos den koordinerende enheten" in section
    assert f'action="{register}"' in section
    response = client.post(register, {"from": "team"}, follow=True)
    assert response.redirect_chain[-1][0] == (
        reverse("workspace:team-detail", args=[team.pk]) + "#koordinator"
    )
    body = response.content.decode()
    # The first coordinator: nobody "before" to hand over from.
    assert f"{cast.member} er registrert som koordinator i teamet." in body
    assert "forrige" not in body
    assert team.members.get(user=cast.member).role == Role.COORDINATOR


def test_registering_a_successor_says_the_one_before_stays_until_the_handover(
    cast: Cast, unit_staff: User
):
    _report, team, appointment = monas_team_with_tor_approved(cast, unit_staff)
    team.members.create(
        user=cast.coordinator,
        organisation=cast.kommune,
        level="kommune",
        role=Role.COORDINATOR,
        joined_on=timezone.localdate(),
    )
    register = reverse("coordination:appointment-register", args=[team.pk, appointment.pk])
    body = client_for(unit_staff).post(register, follow=True).content.decode()
    assert "Den forrige koordinatoren fortsetter til overleveringen er gjort." in body


def test_a_nurse_registered_as_coordinator_shows_as_coordinator_and_nurse(
    cast: Cast, unit_staff: User
):
    report = per_report(cast, patient_name="Mona Fjell")
    team = services.need_report_establish_team(
        actor=unit_staff, report=report, name="Mona Fjell", national_id=NEW_ID
    )
    actor_services.member_add(actor=unit_staff, team=team, user=cast.member, role=Role.NURSE)
    appointment = services.appointment_propose(actor=unit_staff, team=team, candidate=cast.member)
    services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    register = reverse("coordination:appointment-register", args=[team.pk, appointment.pk])
    response = client_for(unit_staff).post(register, {"from": "team"}, follow=True)
    body = response.content.decode()
    assert "allerede aktivt medlem" not in body
    assert f"{cast.member} er registrert som koordinator i teamet." in body
    members = team_section_html(client_for(unit_staff), team.pk, "medlemmer")
    assert "Koordinator og leder av aktørfellesskapet (sykepleier)" in members
    assert team.members.filter(user=cast.member).count() == 1


def test_after_a_change_of_coordinator_the_new_leader_is_asked_and_the_old_is_not(
    cast: Cast, unit_staff: User, spesialist
):
    team, _tor = monas_team(cast, unit_staff)
    dps_leader = StaffFactory(organisation=spesialist, is_leader=True)
    register(cast, unit_staff, team, StaffFactory(organisation=spesialist), leader=dps_leader)
    approvals = reverse("coordination:leader-approvals")
    assert f"Mandat for aktørfellesskap nr. {team.pk}" in (
        client_for(dps_leader).get(approvals).content.decode()
    )
    assert f"Mandat for aktørfellesskap nr. {team.pk}" not in (
        client_for(cast.leader).get(approvals).content.decode()
    )
    section = team_section_html(client_for(unit_staff), team.pk, "koordinator")
    assert "Ikke godkjent ennå" in section
    assert str(cast.leader) not in section


def test_the_team_page_offers_registering_to_the_unit_only(cast: Cast):
    appointment = services.appointment_propose(
        actor=cast.coordinator, team=cast.team, candidate=cast.member
    )
    services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    register = reverse("coordination:appointment-register", args=[cast.team.pk, appointment.pk])
    body = team_section_html(client_for(cast.coordinator), cast.team.pk, "koordinator")
    assert "venter på registrering hos den koordinerende enheten" in body
    assert register not in body


def test_a_mandate_form_with_bad_hours_shows_the_message_in_the_fragment(cast: Cast):
    url = reverse("coordination:mandate-edit", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url,
        {"task_description": "Lede", "authority": "Innkalle", "hours_per_month": "0"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Avsatt tid må være minst 1 time per måned." in response.content.decode()
    assert not Mandate.objects.exists()


def test_the_deputy_choices_are_the_active_members_but_not_the_coordinator(cast: Cast):
    body = (
        client_for(cast.coordinator)
        .get(reverse("coordination:mandate-edit", args=[cast.team.pk]))
        .content.decode()
    )
    tor = cast.team.members.get(user=cast.member)
    cecilie = cast.team.members.get(user=cast.coordinator)
    assert f'value="{tor.pk}"' in body
    assert f'value="{cecilie.pk}"' not in body


def test_ending_the_last_coordinator_in_the_members_panel_says_appoint_one_first(cast: Cast):
    cecilie = cast.team.members.get(user=cast.coordinator)
    response = client_for(cast.coordinator).post(
        reverse("actors:member-end", args=[cast.team.pk, cecilie.pk]),
        {"left_on": timezone.localdate().isoformat(), "reason": "Ny jobb"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Oppnevn en ny koordinator først" in response.content.decode()


# --- The leader ---------------------------------------------------------------------------


def test_the_leader_sees_the_candidates_caseload_and_decides(cast: Cast):
    appointment = services.appointment_propose(
        actor=cast.coordinator, team=cast.team, candidate=cast.member
    )
    client = client_for(cast.leader)
    page = client.get(reverse("coordination:leader-approvals")).content.decode()
    assert "Koordinerer nå 0 team (grensen er 15)." in page
    assert "Kari" not in page  # no patient data for the leader
    url = reverse("coordination:appointment-decide", args=[appointment.pk])
    refused = client.post(url, {"decision": "reject"}, headers=HTMX)
    assert refused.status_code == 200
    assert "Skriv hvorfor du avviser oppnevningen." in refused.content.decode()
    client.post(url, {"decision": "approve"})
    appointment.refresh_from_db()
    assert appointment.status == CoordinatorAppointment.Status.APPROVED


def test_the_leader_reads_a_family_deputy_by_role_not_by_name(cast: Cast):
    """A deputy is now staff who could coordinate (issue 14), but a mandate saved before that
    may name the patient's mother: the leader still reads her by role only."""
    circle = karis_private_circle(cast)
    mandate = services.mandate_save(
        actor=cast.coordinator,
        team=cast.team,
        task_description="Lede",
        authority="Innkalle",
        hours_per_month=6,
    )
    Mandate.objects.filter(pk=mandate.pk).update(deputy=circle.mother)
    page = client_for(cast.leader).get(reverse("coordination:leader-approvals")).content.decode()
    assert "Mandat for aktørfellesskap nr." in page
    assert "<dd>Familie</dd>" in page
    assert circle.mother.display_name not in page


def test_approving_a_mandate_without_deputy_shows_a_clear_message(cast: Cast):
    mandate = services.mandate_save(
        actor=cast.coordinator,
        team=cast.team,
        task_description="Lede",
        authority="Innkalle",
        hours_per_month=6,
    )
    client = client_for(cast.leader)
    response = client.post(reverse("coordination:mandate-approve", args=[mandate.pk]), follow=True)
    assert "uten stedfortreder" in response.content.decode()
    mandate.refresh_from_db()
    assert not mandate.is_approved


# --- Notifications ------------------------------------------------------------------------


def test_the_menu_counts_unread_notifications_and_the_list_marks_them_read(
    cast: Cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_propose(actor=cast.coordinator, team=cast.team, candidate=cast.member)
    client = client_for(cast.leader)
    home = client.get(reverse("workspace:team-list")).content.decode()
    assert "Varsler (1)" in home
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("coordination:notification-list")).content.decode()
    assert "venter på din godkjenning" in page
    assert Notification.objects.get().read_at is not None
    assert "Varsler (1)" not in client.get(reverse("workspace:team-list")).content.decode()


def test_the_alert_about_a_leaving_coordinator_reaches_the_deputy_once(cast: Cast):
    tor = cast.team.members.get(user=cast.member)
    services.mandate_save(
        actor=cast.coordinator,
        team=cast.team,
        task_description="Lede",
        authority="Innkalle",
        hours_per_month=6,
        deputy=tor,
    )
    cecilie = cast.team.members.get(user=cast.coordinator)
    url = reverse("actors:member-edit", args=[cast.team.pk, cecilie.pk])
    data = {
        "role": Role.COORDINATOR,
        "level": cecilie.level,
        "closeness": cecilie.closeness,
        "involvement": cecilie.involvement,
        "expected_leave_on": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
    }
    client = client_for(cast.coordinator)
    client.post(url, data, headers=HTMX)
    client.post(url, data, headers=HTMX)
    page = client_for(cast.member).get(reverse("coordination:notification-list"))
    assert page.content.decode().count("Koordinator slutter") == 1
