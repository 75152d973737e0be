"""The JSON API over the same services and selectors as the pages, with the same access rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actors import selectors, services
from actors.models import Organisation, Team, User
from actors.serializers import (
    MemberSerializer,
    OrganisationSerializer,
    PatientSerializer,
    TeamSerializer,
)
from lkt.access import Action, check, require_user


class OrganisationListApi(APIView):
    """Organisations are reference data: every logged-in user reads them, admins add them."""

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [IsAdminUser()] if self.request.method == "POST" else super().get_permissions()

    def get(self, request: Request) -> Response:
        data = OrganisationSerializer(Organisation.objects.order_by("name"), many=True).data
        return Response(data)

    def post(self, request: Request) -> Response:
        serializer = OrganisationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            organisation = serializer.save()
        return Response(OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class PatientListApi(APIView):
    def get(self, request: Request) -> Response:
        results = selectors.patient_search(request.user, request.query_params.get("q", ""))
        return Response(PatientSerializer(results, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = PatientSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team = services.patient_register(
            actor=require_user(request.user), **serializer.validated_data
        )
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamListApi(APIView):
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
    def get(self, request: Request, pk: int) -> Response:
        page = selectors.team_get(request.user, pk)
        return Response(TeamSerializer(page.team).data)


class MemberCreateApi(APIView):
    def post(self, request: Request, pk: int) -> Response:
        # 404 when the team is hidden, 403 when it may not be changed, before input is judged.
        team = get_object_or_404(Team.objects.select_related("patient"), pk=pk)
        check(request.user, Action.MANAGE_TEAM, team.patient)
        serializer = MemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        member = services.member_add(actor=require_user(request.user), team=team, **data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)
