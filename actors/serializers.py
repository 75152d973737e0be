from __future__ import annotations

from rest_framework import serializers

from actors.models import Member, Organisation, Patient, Role, Team, User
from lkt.api import DateField


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "org_number", "kind", "level", "parent"]


class PatientSerializer(serializers.ModelSerializer[Patient]):
    class Meta:
        model = Patient
        fields = ["id", "name", "national_id", "birth_date"]
        read_only_fields = ["birth_date"]
        # Uniqueness is decided by the service in its transaction, with the same message.
        extra_kwargs: dict[str, dict[str, object]] = {"national_id": {"validators": []}}


class MemberSerializer(serializers.ModelSerializer[Member]):
    display_name = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True)
    user = serializers.PrimaryKeyRelatedField(
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
            "id",
            "user",
            "display_name",
            "external_name",
            "external_phone",
            "external_email",
            "organisation",
            "level",
            "role",
            "involvement",
            "joined_on",
            "expected_leave_on",
            "left_on",
        ]
        read_only_fields = ["left_on"]


class TeamSerializer(serializers.ModelSerializer[Team]):
    patient = PatientSerializer(read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = [
            "id",
            "patient",
            "status",
            "established_on",
            "activated_on",
            "closed_on",
            "members",
        ]
        # Output only: teams are opened and closed through the services, never by this.
        read_only_fields = fields

    def get_members(self, team: Team) -> list[dict[str, object]]:
        active = [m for m in team.members.all() if m.left_on is None]
        return MemberSerializer(active, many=True).data  # type: ignore[return-value]
