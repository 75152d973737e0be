"""FHIR R4 read and search (lkt.fhir): a team's record as a FHIR client reads it, each resource
validated by fhir.resources, with the same access as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.fhir import FNR_SYSTEM, ORGNR_SYSTEM
from coordination.models import Meeting
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.lkt.fhir_helpers import entries, fhir_get, karis_record, resource
from tests.test_access_matrix import ROLES

pytestmark = pytest.mark.django_db


def test_a_team_member_reads_karis_care_plan_care_team_goals_consent_and_tasks(cast: Cast):
    record = karis_record(cast)
    kari = cast.team.patient
    client = client_for(cast.member)

    plan = resource(fhir_get(client, f"CarePlan/{record.plan.pk}"), "CarePlan")
    assert plan.status == "active"
    assert plan.subject.reference == f"Patient/{kari.pk}"
    assert plan.replaces[0].reference == f"CarePlan/{record.old_plan.pk}"
    assert plan.careTeam[0].reference == f"CareTeam/{cast.team.pk}"
    assert plan.goal[0].reference == f"Goal/{record.goal.pk}"
    phases = [c.coding[0].code for c in plan.category]
    assert phases == ["samarbeidsplan", "yellow"]
    activities = {a.detail.code.coding[0].code: a.detail for a in plan.activity}
    assert set(activities) == {"green", "yellow", "red"}
    assert activities["yellow"].status == "in-progress"
    assert activities["red"].description == "Tiltak i red"
    assert plan.period.start.isoformat() == str(record.plan.period_start)

    old = resource(fhir_get(client, f"CarePlan/{record.old_plan.pk}"), "CarePlan")
    assert old.status == "revoked"
    assert old.meta.lastUpdated == record.plan.in_force_at

    team = resource(fhir_get(client, f"CareTeam/{cast.team.pk}"), "CareTeam")
    assert team.status == "active"
    by_name = {p.member.display: p for p in team.participant}
    former = by_name[record.former.display_name]
    assert former.period.end.isoformat() == str(record.former.left_on)
    tor = next(
        p for p in team.participant if p.member.reference == f"Practitioner/{cast.member.pk}"
    )
    assert tor.role[0].coding[0].code == "sykepleier"

    goals = entries(fhir_get(client, f"Goal?patient=Patient/{kari.pk}"), "Goal")
    assert [g.description.text for g in goals] == ["Sove seks timer"]
    assert goals[0].expressedBy.reference == f"Patient/{kari.pk}"
    assert goals[0].lifecycleStatus == "active"

    consents = entries(fhir_get(client, f"Consent?patient={kari.pk}"), "Consent")
    scopes = {c.category[1].coding[0].code: c.status for c in consents}
    assert scopes == {"team_sharing": "active", "relatives": "active"}

    tasks = entries(fhir_get(client, f"Task?patient={kari.pk}"), "Task")
    assert [t.description for t in tasks] == ["Ringe Kari hver fredag"]
    assert tasks[0].focus.reference == f"Goal/{record.goal.pk}"
    assert tasks[0].for_fhir.reference == f"Patient/{kari.pk}"

    meetings = entries(fhir_get(client, f"Appointment?patient={kari.pk}"), "Appointment")
    assert [m.id for m in meetings] == [str(record.meeting.pk)]

    plans = entries(fhir_get(client, f"CarePlan?patient={kari.pk}"), "CarePlan")
    assert {p.id for p in plans} == {str(record.plan.pk), str(record.old_plan.pk)}


def test_reads_are_audited_like_the_pages(cast: Cast):
    record = karis_record(cast)
    before = AccessLog.objects.filter(user=cast.member).count()
    client = client_for(cast.member)
    fhir_get(client, f"CarePlan/{record.plan.pk}")
    fhir_get(client, f"Task?patient={cast.team.patient.pk}")
    rows = list(AccessLog.objects.filter(user=cast.member).order_by("pk")[before:])
    assert [(r.object_type, r.object_id) for r in rows] == [
        ("careplans.careplanversion", str(record.plan.pk)),
        ("coordination.task", str(record.task.pk)),
    ]
    assert all(r.patient_id == cast.team.patient.pk for r in rows)


def test_patient_by_fodselsnummer_shows_the_identifier_to_staff_who_know_her(cast: Cast):
    kari = cast.team.patient
    response = fhir_get(
        client_for(cast.member), f"Patient?identifier={FNR_SYSTEM}|{kari.national_id}"
    )
    [patient] = entries(response, "Patient")
    assert patient.identifier[0].system == FNR_SYSTEM
    assert patient.identifier[0].value == kari.national_id
    assert patient.birthDate == kari.birth_date


def test_an_outsider_finds_no_one_by_fodselsnummer_and_gets_404_for_her(cast: Cast):
    kari = cast.team.patient
    client = client_for(cast.outsider)
    assert entries(fhir_get(client, f"Patient?identifier={kari.national_id}"), "Patient") == []
    response = fhir_get(client, f"Patient/{kari.pk}")
    assert response.status_code == 404
    outcome = resource(response, "OperationOutcome")
    assert outcome.issue[0].code == "not-found"


def test_a_relative_allowed_goals_only_gets_goals_and_nothing_else(cast: Cast):
    record = karis_record(cast)
    kari = cast.team.patient
    link = kari.relative_links.get(relative=cast.relative)
    link.may_see_team = False
    link.save()
    client = client_for(cast.relative)

    goals = entries(fhir_get(client, f"Goal?patient={kari.pk}"), "Goal")
    assert [g.id for g in goals] == [str(record.goal.pk)]
    assert resource(fhir_get(client, f"Goal/{record.goal.pk}"), "Goal").id == str(record.goal.pk)

    for path in (
        f"CareTeam/{cast.team.pk}",
        f"CarePlan/{record.plan.pk}",
        f"Task/{record.task.pk}",
        f"Appointment/{record.meeting.pk}",
        f"Consent/{kari.consents.get(scope='team_sharing').pk}",
        f"Practitioner/{cast.member.pk}",
    ):
        response = fhir_get(client, path)
        assert response.status_code in (403, 404), path
        resource(response, "OperationOutcome")
    for kind in ("CareTeam", "CarePlan", "Task", "Appointment", "Consent", "Practitioner"):
        assert entries(fhir_get(client, f"{kind}?"), kind) == [], kind
    # Her name, as his home page shows it; never her fødselsnummer or birth date.
    patient = resource(fhir_get(client, f"Patient/{kari.pk}"), "Patient")
    assert patient.name[0].text == kari.name
    assert patient.identifier is None and patient.birthDate is None
    assert entries(fhir_get(client, f"Patient?identifier={kari.national_id}"), "Patient") == []


def test_a_bad_search_parameter_is_400_operation_outcome(cast: Cast):
    client = client_for(cast.member)
    for query in (
        "CarePlan?subject=1",
        "CarePlan?patient=Practitioner/1",
        "CarePlan?patient=abc",
        "CarePlan?_lastUpdated=yesterday",
        "CarePlan?_lastUpdated=ge2026-13-01",
        "CarePlan?_count=1000",
        "Patient?identifier=1,2",
    ):
        response = fhir_get(client, query)
        assert response.status_code == 400, query
        assert resource(response, "OperationOutcome").issue[0].code == "invalid"


def test_last_updated_selects_by_time(cast: Cast):
    record = karis_record(cast)
    client = client_for(cast.member)
    kari = cast.team.patient.pk
    assert record.plan.in_force_at is not None
    day = timezone.localtime(record.plan.in_force_at).date()
    later = entries(fhir_get(client, f"CarePlan?patient={kari}&_lastUpdated=gt{day}"), "CarePlan")
    assert later == []
    found = entries(fhir_get(client, f"CarePlan?patient={kari}&_lastUpdated=eq{day}"), "CarePlan")
    assert {p.id for p in found} == {str(record.plan.pk), str(record.old_plan.pk)}
    assert entries(fhir_get(client, "Goal?_lastUpdated=ge9999-12-31"), "Goal") == []
    assert len(entries(fhir_get(client, "Goal?_lastUpdated=gt0001"), "Goal")) == 1


def test_metadata_is_a_capability_statement_for_r4(client):
    statement = resource(fhir_get(client, "metadata"), "CapabilityStatement")
    assert statement.fhirVersion == "4.0.1"
    types = {r.type: {p.name for p in r.searchParam} for r in statement.rest[0].resource}
    assert types["Patient"] >= {"identifier", "_lastUpdated"}
    assert types["CarePlan"] >= {"patient", "_lastUpdated"}
    assert types["CareTeam"] >= {"patient", "_lastUpdated"}
    assert set(types) == {
        "Patient",
        "Practitioner",
        "Organization",
        "CareTeam",
        "CarePlan",
        "Goal",
        "Consent",
        "Task",
        "Appointment",
    }


def test_without_a_login_fhir_answers_401_asking_for_a_bearer_token(client):
    response = fhir_get(client, "CarePlan")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    resource(response, "OperationOutcome")


def test_an_unknown_type_or_id_is_404_operation_outcome(cast: Cast):
    client = client_for(cast.member)
    for path in ("Observation", "Observation/1", "CarePlan/abc", "CarePlan/" + "9" * 30):
        response = fhir_get(client, path)
        assert response.status_code == 404, path
        resource(response, "OperationOutcome")


def test_organizations_carry_the_organisasjonsnummer(cast: Cast):
    org = cast.kommune
    client = client_for(cast.patient)
    [found] = entries(
        fhir_get(client, f"Organization?identifier={ORGNR_SYSTEM}|{org.org_number}"),
        "Organization",
    )
    assert found.identifier[0].value == org.org_number
    assert found.name == org.name


def test_practitioners_carry_the_hpr_number_for_staff(cast: Cast):
    cast.member.hpr_number = "1234567"
    cast.member.save()
    hpr = resource(
        fhir_get(client_for(cast.coordinator), f"Practitioner/{cast.member.pk}"), "Practitioner"
    )
    assert hpr.identifier[0].system == "urn:oid:2.16.578.1.12.4.1.4.4"
    assert hpr.identifier[0].value == "1234567"
    # Kari sees Tor on her team page, by name and contact, not his HPR-nummer.
    tor = resource(
        fhir_get(client_for(cast.patient), f"Practitioner/{cast.member.pk}"), "Practitioner"
    )
    assert tor.identifier is None
    assert fhir_get(client_for(cast.outsider), f"Practitioner/{cast.member.pk}").status_code == 404


def test_a_nul_character_is_refused_with_an_operation_outcome(cast: Cast):
    """lkt.core.middleware refuses NUL before any view; under /fhir/ in FHIR's own words."""
    response = fhir_get(client_for(cast.member), "Patient?identifier=1%002")
    assert response.status_code == 400
    assert resource(response, "OperationOutcome").issue[0].code == "invalid"


def test_other_methods_and_formats_are_refused_with_operation_outcomes(cast: Cast):
    client = client_for(cast.member)
    for response in (
        client.post("/fhir/R4/CarePlan", {}),
        client.options("/fhir/R4/CarePlan"),
        client.delete(f"/fhir/R4/Patient/{cast.team.patient.pk}"),
    ):
        assert response.status_code == 405
        assert resource(response, "OperationOutcome").issue[0].code == "not-supported"
    response = client.get("/fhir/R4/CarePlan", HTTP_ACCEPT="application/fhir+xml")
    assert response.status_code == 406
    resource(response, "OperationOutcome")
    plain = client.get("/fhir/R4/metadata", HTTP_ACCEPT="application/json")
    assert plain["Content-Type"].startswith("application/json")


def test_a_persons_searches_by_fodselsnummer_count_against_the_lookup_limit(cast: Cast, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "national_id_lookup": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = client_for(cast.member)
    number = cast.team.patient.national_id
    for _ in range(2):
        assert fhir_get(client, f"Patient?identifier={number}").status_code == 200
    # Other searches are not lookups by number.
    assert fhir_get(client, "Patient?_lastUpdated=ge2000").status_code == 200
    refused = fhir_get(client, f"Patient?identifier={number}")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert resource(refused, "OperationOutcome").issue[0].code == "throttled"


@pytest.mark.parametrize("role", ["patient", "relative", "member", "coordinator"])
def test_consents_reach_in_fhir_whoever_sees_them_on_the_team_page(cast: Cast, role: str):
    """One rule (VIEW_CONSENT) for the team page's consent section and FHIR's Consent."""
    client = client_for(cast.user(role))
    page = client.get(reverse("workspace:team-detail", args=[cast.team.pk]))
    assert page.status_code == 200
    on_page = 'href="#samtykker"' in page.content.decode()
    section = client.get(
        reverse("workspace:team-samtykker", args=[cast.team.pk]), headers={"HX-Request": "true"}
    )
    assert (section.status_code == 200) == on_page
    found = entries(fhir_get(client, f"Consent?patient={cast.team.patient.pk}"), "Consent")
    assert bool(found) == on_page
    assert on_page == (role != "relative")


def _page_text(client, *urls: str) -> str:
    import html

    pages = [client.get(url) for url in urls]
    return " ".join(html.unescape(p.content.decode()) for p in pages if p.status_code == 200)


@pytest.mark.parametrize(
    "role",
    [r for r in ROLES if r != "anonymous"],
)
def test_fhir_gives_each_role_no_more_than_its_pages(cast: Cast, role: str):
    """Every name, goal, task and plan text FHIR gives a role is on a page the same role
    opens: the team page, Min gode dag, the tasks and meetings, the plan."""
    record = karis_record(cast)
    kari = cast.team.patient
    client = client_for(cast.user(role))
    pages = _page_text(
        client,
        reverse("workspace:team-detail", args=[cast.team.pk]),
        # Sections the team page loads when revealed (issue 17), each a page of its own too.
        reverse("workspace:team-medlemmer", args=[cast.team.pk]),
        reverse("workspace:team-koordinator", args=[cast.team.pk]),
        reverse("careplans:good-day", args=[kari.pk]),
        reverse("coordination:team-tasks", args=[cast.team.pk]),
        reverse("coordination:team-meetings", args=[cast.team.pk]),
        reverse("careplans:plan", args=[cast.team.pk]),
    )
    said: list[str] = []
    for team in entries(fhir_get(client, f"CareTeam?patient={kari.pk}"), "CareTeam"):
        said += [p.member.display for p in team.participant or []]
    karis = f"patient={kari.pk}"
    said += [g.description.text for g in entries(fhir_get(client, f"Goal?{karis}"), "Goal")]
    said += [t.description for t in entries(fhir_get(client, f"Task?{karis}"), "Task")]
    for plan in entries(fhir_get(client, f"CarePlan?{karis}"), "CarePlan"):
        said += [plan.description] if plan.description else []
    for patient in entries(fhir_get(client, "Patient"), "Patient"):
        if patient.id == str(kari.pk):
            said += [patient.name[0].text] + [i.value for i in patient.identifier or []]
    missing = [text for text in said if text not in pages]
    assert missing == [], f"{role} gets in FHIR what no page shows: {missing}"
    assert record.goal.text in pages or role not in ("patient", "relative", "member", "coordinator")


def test_the_patient_reads_the_meetings_she_is_invited_to_and_nothing_of_the_others(cast: Cast):
    record = karis_record(cast)
    hidden = Meeting.objects.create(
        team=cast.team,
        kind=Meeting.Kind.AD_HOC,
        starts_at=timezone.now(),
        place="Legekontoret",
        patient_invited=False,
        created_by=cast.coordinator,
    )
    kari = client_for(cast.patient)
    found = entries(fhir_get(kari, f"Appointment?patient={cast.team.patient.pk}"), "Appointment")
    assert [a.id for a in found] == [str(record.meeting.pk)]
    assert fhir_get(kari, f"Appointment/{hidden.pk}").status_code == 404
    tor = client_for(cast.member)
    assert fhir_get(tor, f"Appointment/{hidden.pk}").status_code == 200
