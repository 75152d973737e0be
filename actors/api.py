"""The JSON API over the same services and selectors as the pages, with the same access rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actors import selectors, services
from actors.access import Action, can, check, require_user
from actors.models import Organisation, Team, User
from actors.serializers import (
    MemberInSerializer,
    MemberSerializer,
    OrganisationSerializer,
    PatientInSerializer,
    PatientSerializer,
    TeamSerializer,
    patient_rows,
)
from lkt.core.api_schema import reads, writes

_TEAM_ROWS = inline_serializer(
    "TeamRow",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "patient": serializers.CharField(),
        "status": serializers.ChoiceField(choices=Team.Status.choices),
        "missing_roles": serializers.ListField(child=serializers.CharField()),
    },
)


class OrganisationListApi(APIView):
    """Organisations are reference data: every logged-in user reads them, admins add them."""

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [IsAdminUser()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        operation_id="organisation_list", responses=reads(OrganisationSerializer(many=True))
    )
    def get(self, request: Request) -> Response:
        data = OrganisationSerializer(Organisation.objects.order_by("name"), many=True).data
        return Response(data)

    @extend_schema(
        operation_id="organisation_create",
        request=OrganisationSerializer,
        responses=writes(OrganisationSerializer),
    )
    def post(self, request: Request) -> Response:
        serializer = OrganisationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            organisation = serializer.save()
        return Response(OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class PatientListApi(APIView):
    """The search page's results (``selectors.patient_search``, audited per patient shown):
    the name, and fødselsnummer and birth date where the policy lets the row show them."""

    @extend_schema(
        operation_id="patient_search",
        parameters=[
            OpenApiParameter("q", str, description="Navn eller fødselsnummer, minst to tegn.")
        ],
        responses=reads(PatientSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        results = selectors.patient_search(request.user, request.query_params.get("q", ""))
        return Response(patient_rows(results))

    @extend_schema(
        operation_id="patient_register",
        request=PatientInSerializer,
        responses=writes(TeamSerializer),
    )
    def post(self, request: Request) -> Response:
        serializer = PatientInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = require_user(request.user)
        team = services.patient_register(actor=actor, **serializer.validated_data)
        context = {"personal_id": can(actor, Action.VIEW_PERSONAL_ID, team.patient)}
        return Response(TeamSerializer(team, context=context).data, status=status.HTTP_201_CREATED)


class TeamListApi(APIView):
    @extend_schema(operation_id="team_list", responses=reads(_TEAM_ROWS))
    def get(self, request: Request) -> Response:
        user = require_user(request.user)
        if user.kind != User.Kind.STAFF:
            raise PermissionDenied
        teams = selectors.team_list_for_member(user)
        return Response(
            [
                {
                    "id": team.pk,
                    "patient": team.patient.name,
                    "status": team.status,
                    "missing_roles": [r.value for r in selectors.missing_roles(team)],
                }
                for team in teams
            ]
        )


class TeamDetailApi(APIView):
    """The team page's reads (``selectors.team_get``: ``authorize`` decides and audits), as the
    reader's standing lets the page show them."""

    @extend_schema(operation_id="team_get", responses=reads(TeamSerializer, not_found=True))
    def get(self, request: Request, pk: int) -> Response:
        page = selectors.team_get(request.user, pk)
        context = {"personal_id": page.shows_personal_id, "members": page.active_members}
        return Response(TeamSerializer(page.team, context=context).data)


class MemberCreateApi(APIView):
    @extend_schema(
        operation_id="member_add",
        request=MemberInSerializer,
        responses=writes(MemberSerializer, not_found=True),
    )
    def post(self, request: Request, pk: int) -> Response:
        # 404 when the team is hidden, 403 when it may not be changed, before input is judged.
        team = get_object_or_404(Team.objects.select_related("patient"), pk=pk)
        check(request.user, Action.MANAGE_TEAM, team.patient)
        serializer = MemberInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        member = services.member_add(actor=require_user(request.user), team=team, **data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
class UnknownApi(APIView):
    """An address under /api/v1/ that names nothing (a team id that is not a number): the
    API's own 404 in JSON, not the HTML page."""

    permission_classes = [AllowAny]

    def get(self, request: Request, rest: str) -> Response:
        raise NotFound

    post = put = patch = delete = get
