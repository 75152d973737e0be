"""FHIR R4 read and search under /fhir/R4/ (issue 18): the same policy as every page.

``fhir.resources`` builds and validates every resource. Its 8.x line (pydantic 2, kept up)
has R5 as its default and R4B (4.3.0) under ``fhir.resources.R4B``; the R4 (4.0.1) models are
only in 6.0–6.2, on pydantic 1, which is no longer kept. R4B is R4 with technical corrections;
the resources LKT serves (Patient, Practitioner, Organization, CareTeam, CarePlan, Goal,
Consent, Task, Appointment, OperationOutcome, Bundle, CapabilityStatement) are the same in
both, so what R4B validates is valid R4, and the server says 4.0.1, the version HL7 Norway's
no-basis profiles and the Norwegian EPJs build on.
"""

FHIR_VERSION = "4.0.1"
