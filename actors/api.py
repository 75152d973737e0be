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
    MemberInSerializer,
    MemberSerializer,
    OrganisationSerializer,
    PatientInSerializer,
    TeamSerializer,
    patient_rows,
)
from lkt.access import Action, can, check, require_user


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
    """The search page's results (``selectors.patient_search``, audited per patient shown):
    the name, and fødselsnummer and birth date where the policy lets the row show them."""

    def get(self, request: Request) -> Response:
        results = selectors.patient_search(request.user, request.query_params.get("q", ""))
        return Response(patient_rows(results))

    def post(self, request: Request) -> Response:
        serializer = PatientInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = require_user(request.user)
        team = services.patient_register(actor=actor, **serializer.validated_data)
        context = {"personal_id": can(actor, Action.VIEW_PERSONAL_ID, team.patient)}
        return Response(TeamSerializer(team, context=context).data, status=status.HTTP_201_CREATED)


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
    """The team page's reads (``selectors.team_get``: ``authorize`` decides and audits), as the
    reader's standing lets the page show them."""

    def get(self, request: Request, pk: int) -> Response:
        page = selectors.team_get(request.user, pk)
        context = {"personal_id": page.shows_personal_id}
        return Response(TeamSerializer(page.team, context=context).data)


class MemberCreateApi(APIView):
    def post(self, request: Request, pk: int) -> Response:
        # 404 when the team is hidden, 403 when it may not be changed, before input is judged.
        team = get_object_or_404(Team.objects.select_related("patient"), pk=pk)
        check(request.user, Action.MANAGE_TEAM, team.patient)
        serializer = MemberInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        member = services.member_add(actor=require_user(request.user), team=team, **data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)
