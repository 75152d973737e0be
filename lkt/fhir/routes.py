"""The table of FHIR routes: each resource type with its read, its search and its search
parameters. The URLs (lkt.fhir.urls), the CapabilityStatement (lkt.fhir.capability) and the
OpenAPI description (lkt.fhir.openapi) are all made from it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from lkt.fhir import selectors
from lkt.fhir.selectors import Reader, Searcher


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # FHIR's search parameter type: token, reference, date
    documentation: str


IDENTIFIER = "identifier"
PATIENT = Param("patient", "reference", "Pasienten: Patient/<id> eller <id>.")
LAST_UPDATED = Param(
    "_lastUpdated",
    "date",
    "Sist endret, med prefiks eq, ne, gt, ge, lt, le, sa eller eb (for eksempel ge2026-01-01).",
)


@dataclass(frozen=True)
class Route:
    type: str
    read: Reader
    search: Searcher
    params: tuple[Param, ...]
    documentation: str

    @property
    def param_names(self) -> set[str]:
        return {p.name for p in self.params}

    @property
    def slug(self) -> str:
        return self.type.lower()


ROUTES: tuple[Route, ...] = (
    Route(
        "Patient",
        selectors.patient_read,
        selectors.patient_search,
        (
            Param(
                IDENTIFIER,
                "token",
                "Fødselsnummer (urn:oid:2.16.578.1.12.4.1.4.1) eller D-nummer "
                "(urn:oid:2.16.578.1.12.4.1.4.2): system|nummer eller nummer.",
            ),
            Param(
                LAST_UPDATED.name, "date", "Registrert i LKT (" + LAST_UPDATED.documentation + ")"
            ),
        ),
        "Pasienten: navn for alle som kan kjenne henne, fødselsnummer og fødselsdato for "
        "pasienten selv og helsepersonell som kjenner henne.",
    ),
    Route(
        "Practitioner",
        selectors.practitioner_read,
        selectors.practitioner_search,
        (Param(IDENTIFIER, "token", "HPR-nummer (urn:oid:2.16.578.1.12.4.1.4.4)."),),
        "Helsepersonell i aktørfellesskapene leseren ser; HPR-nummer for ansatte og "
        "maskinklienter.",
    ),
    Route(
        "Organization",
        selectors.organization_read,
        selectors.organization_search,
        (Param(IDENTIFIER, "token", "Organisasjonsnummer (urn:oid:2.16.578.1.12.4.1.4.101)."),),
        "Organisasjonene (referansedata).",
    ),
    Route(
        "CareTeam",
        selectors.care_team_read,
        selectors.care_team_search,
        (PATIENT, LAST_UPDATED),
        "Aktørfellesskapet: medlemmer med rolle, organisasjon og periode.",
    ),
    Route(
        "CarePlan",
        selectors.care_plan_read,
        selectors.care_plan_search,
        (PATIENT, LAST_UPDATED),
        "Hver godkjente versjon av planen for samarbeid, med fase og kriseplan.",
    ),
    Route(
        "Goal",
        selectors.goal_read,
        selectors.goal_search,
        (PATIENT, LAST_UPDATED),
        "Målene i pasientens Min gode dag.",
    ),
    Route(
        "Consent",
        selectors.consent_read,
        selectors.consent_search,
        (PATIENT, LAST_UPDATED),
        "Samtykkene med omfang, periode og tilbaketrekking.",
    ),
    Route(
        "Task",
        selectors.task_read,
        selectors.task_search,
        (PATIENT, LAST_UPDATED),
        "Tiltakene, knyttet til pasientens mål.",
    ),
    Route(
        "Appointment",
        selectors.appointment_read,
        selectors.appointment_search,
        (PATIENT, LAST_UPDATED),
        "Møtene i aktørfellesskapet.",
    ),
)
BY_TYPE = {route.type: route for route in ROUTES}
