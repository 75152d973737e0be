"""/fhir/R4/metadata: the CapabilityStatement, made from the route table (lkt.fhir.routes)."""

from __future__ import annotations

from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementRestSecurity,
    CapabilityStatementSoftware,
)
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding

from lkt.fhir import FHIR_VERSION
from lkt.fhir.routes import ROUTES

SECURITY = (
    "Innlogget bruker (sesjon, som sidene) eller maskinklient med OAuth 2-bearer-token (JWT fra "
    "HelseID: klientlegitimasjon, audience og scope system/<Type>.read kontrolleres). Hver "
    "lesning går gjennom LKTs tilgangsregler og logges som på sidene."
)


def capability_statement(base_url: str) -> CapabilityStatement:
    return CapabilityStatement(
        status="active",
        date=timezone.now(),
        publisher="LKT",
        kind="instance",
        software=CapabilityStatementSoftware(name="LKT – Langvarige og koordinerte tjenester"),
        implementation=CapabilityStatementImplementation(description="LKT FHIR R4", url=base_url),
        fhirVersion=FHIR_VERSION,
        format=["json"],
        rest=[
            CapabilityStatementRest(
                mode="server",
                security=CapabilityStatementRestSecurity(
                    service=[
                        CodeableConcept(
                            coding=[
                                Coding(
                                    system="http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    code="OAuth",
                                )
                            ]
                        )
                    ],
                    description=SECURITY,
                ),
                resource=[
                    CapabilityStatementRestResource(
                        type=route.type,
                        documentation=route.documentation,
                        interaction=[
                            CapabilityStatementRestResourceInteraction(code="read"),
                            CapabilityStatementRestResourceInteraction(code="search-type"),
                        ],
                        searchParam=[
                            CapabilityStatementRestResourceSearchParam(
                                name=p.name, type=p.type, documentation=p.documentation
                            )
                            for p in route.params
                        ]
                        + [
                            CapabilityStatementRestResourceSearchParam(
                                name=name, type="number", documentation=text
                            )
                            for name, text in (
                                ("_count", "Treff per side, 0–100 (50)."),
                                ("_offset", "Hopp over så mange treff (neste side)."),
                            )
                        ],
                    )
                    for route in ROUTES
                ],
            )
        ],
    )
