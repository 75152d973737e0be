"""The API's shapes: what a role reads is what the same role's page shows, no more.

The access policy decides what a reader may see (``actors.access``); a serializer is told, it does
not guess: ``personal_id`` in the context is ``allows(standing, Action.VIEW_PERSONAL_ID)`` for
one patient, or a list row's ``shows_personal_id`` (``actors.access.identifies``). Members are
read as the team page lists them (name, role, organisation, level, closeness, involvement,
expected leave and the contact the page links to), never the fields of the coordinator's
member form (the user behind a member, the external contact's raw fields, dates of joining).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Member, Organisation, Patient, Role, Team, User
from lkt.core.api import DateField


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "org_number", "kind", "level", "parent"]


class PatientInSerializer(serializers.ModelSerializer[Patient]):
    """A new patient: name and fødselsnummer (the birth date follows from it)."""

    class Meta:
        model = Patient
        fields = ["name", "national_id"]
        # Uniqueness is decided by the service in its transaction, with the same message.
        extra_kwargs: dict[str, dict[str, object]] = {"national_id": {"validators": []}}


# Shown only where the policy allows Action.VIEW_PERSONAL_ID.
PERSONAL_ID_FIELDS = ("national_id", "birth_date")


class PatientSerializer(serializers.ModelSerializer[Patient]):
    """The patient as a reader sees them: the name to whoever may know the patient, the
    fødselsnummer and birth date only with ``personal_id`` in the context."""

    class Meta:
        model = Patient
        fields = ["id", "name", *PERSONAL_ID_FIELDS]
        read_only_fields = fields

    def to_representation(self, instance: Patient) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("personal_id") is not True:
            for name in PERSONAL_ID_FIELDS:
                data.pop(name, None)
        return data


def patient_rows(patients: list[Patient]) -> list[dict[str, Any]]:
    """A list of patients (``actors.selectors.patient_search``), each as its row allows."""
    return [
        PatientSerializer(
            p, context={"personal_id": bool(getattr(p, "shows_personal_id", False))}
        ).data
        for p in patients
    ]


class MemberInSerializer(serializers.ModelSerializer[Member]):
    """A new member from the coordinator: a staff user or a named external contact."""

    user = serializers.PrimaryKeyRelatedField(
        # As the page's picker: staff who can take a role in a team (the service says why not).
        queryset=User.objects.filter(kind=User.Kind.STAFF, is_active=True),
        required=False,
        allow_null=True,
    )
    role = serializers.ChoiceField(
        choices=Role.choices,
        error_messages={"invalid_choice": "Ukjent rolle: «{input}» finnes ikke i rollelisten."},
    )
    joined_on = DateField(required=False)
    expected_leave_on = DateField(required=False, allow_null=True)

    class Meta:
        model = Member
        fields = [
            "user",
            "external_name",
            "external_phone",
            "external_email",
            "organisation",
            "role",
            "involvement",
            "joined_on",
            "expected_leave_on",
        ]


class MemberSerializer(serializers.ModelSerializer[Member]):
    """A member as the team page shows them to everyone who may see the team."""

    display_name = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True)
    contact_email = serializers.CharField(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "display_name",
            "role",
            "organisation",
            "level",
            "closeness",
            "involvement",
            "expected_leave_on",
            "contact_phone",
            "contact_email",
        ]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer[Team]):
    """The team as its page shows it: status, since when, the patient and the active members."""

    patient = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "patient", "status", "established_on", "members"]
        read_only_fields = fields

    @extend_schema_field(PatientSerializer)
    def get_patient(self, team: Team) -> dict[str, Any]:
        return PatientSerializer(team.patient, context=self.context).data

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, team: Team) -> list[dict[str, Any]]:
        # The team page's read (``TeamPage.active_members``) when the caller has it.
        if "members" in self.context:
            active = self.context["members"]
        else:
            active = [m for m in team.members.all() if m.left_on is None]
        return MemberSerializer(active, many=True).data  # type: ignore[return-value]
