"""POST /api/v1/night-contacts/: a night contact from another system (a legevakt's journal),
through the same service as the form (issue 7). Session authentication as the rest of the API.

403 for a user who records no night contacts at all (not a night-service user and in no team);
404 when the patient is unknown, has no open team, or is not theirs to record for (the same
answer, so the API never tells whether a person exists); 400 with field errors otherwise.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actors.access import require_user
from actors.validators import validate_national_id
from coordination.models import NightContact, NightService
from coordination.night import services as night_services
from lkt.core.api import DateTimeField
from lkt.core.api_schema import writes
from lkt.core.throttling import NationalIdLookupThrottle, UserRateThrottle


class NightContactInSerializer(serializers.Serializer):
    national_id = serializers.CharField(max_length=11, validators=[validate_national_id])
    service = serializers.ChoiceField(choices=NightService.choices)
    occurred_at = DateTimeField()
    reason = serializers.CharField(max_length=300)
    outcome = serializers.ChoiceField(choices=NightContact.Outcome.choices)
    suicide_risk = serializers.BooleanField(required=False, default=False)


class NightContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = NightContact
        fields = [
            "id",
            "service",
            "occurred_at",
            "reason",
            "outcome",
            "suicide_risk",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class NightContactCreateApi(APIView):
    # The patient is found by fødselsnummer: a lookup like the crisis lookup, in its budget.
    throttle_classes = [UserRateThrottle, NationalIdLookupThrottle]

    @extend_schema(
        operation_id="night_contact_record",
        request=NightContactInSerializer,
        responses=writes(NightContactSerializer, not_found=True),
    )
    def post(self, request: Request) -> Response:
        actor = require_user(request.user)
        if not night_services.may_open_record_page(actor):
            raise PermissionDenied
        serializer = NightContactInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = night_services.night_contact_record_by_national_id(
            actor=actor, source=NightContact.Source.API, **serializer.validated_data
        )
        return Response(NightContactSerializer(contact).data, status=status.HTTP_201_CREATED)
