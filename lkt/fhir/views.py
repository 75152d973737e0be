"""The FHIR endpoints: HTTP only. Parse the search, call the selector, answer FHIR JSON.

Authentication: a machine client's bearer token (lkt.fhir.auth) or the session, as the pages.
Without either the answer is 401 with ``WWW-Authenticate: Bearer``. Rate limits as the JSON
API's, and a search by fødselsnummer (``Patient?identifier=``) counts, for a person, against
the lookups by fødselsnummer wherever they are done (lkt.core.throttling).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, QueryDict
from django.urls import reverse
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lkt.core.operation_outcome import outcome
from lkt.core.throttling import AnonRateThrottle, NationalIdLookupThrottle, UserRateThrottle
from lkt.fhir import search as fhir_search
from lkt.fhir.auth import BearerTokenAuthentication, ClientToken
from lkt.fhir.capability import capability_statement
from lkt.fhir.outcome import (
    FhirJsonRenderer,
    PlainJsonRenderer,
    fhir_exception_handler,
    searchset,
)
from lkt.fhir.routes import BY_TYPE, Route


class PatientIdentifierThrottle(NationalIdLookupThrottle):
    """``Patient?identifier=`` by a person: a lookup by fødselsnummer like the others. A
    machine client (an EPJ looking up its own patients) is held by the API's rate only."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if getattr(view, "route", None) is None or view.route.type != "Patient":
            return None
        if isinstance(request.auth, ClientToken):
            return None
        if "identifier" not in request.query_params:
            return None
        return super().get_cache_key(request, view)


class FhirView(APIView):
    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    renderer_classes = [FhirJsonRenderer, PlainJsonRenderer]
    throttle_classes = [UserRateThrottle, AnonRateThrottle]
    # OPTIONS is not FHIR's (the CapabilityStatement says what is served): 405 like POST.
    metadata_class = None
    route: Route | None = None

    def get_exception_handler(self):  # type: ignore[no-untyped-def]
        return fhir_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        token = request.auth
        if isinstance(token, ClientToken) and self.route and not token.may_read(self.route.type):
            raise PermissionDenied(
                f"Tokenet gir ikke lesetilgang til {self.route.type} "
                f"(scope system/{self.route.type}.read)."
            )

    def _route(self) -> Route:
        if self.route is None:  # as_view(route=...) in lkt.fhir.urls sets it for every view
            raise Http404
        return self.route


def _base(request: Request) -> str:
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")


class MetadataView(FhirView):
    """The CapabilityStatement: what LKT serves, for anyone (clients read it before login)."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(capability_statement(_base(request)))


class SearchView(FhirView):
    throttle_classes = [UserRateThrottle, AnonRateThrottle, PatientIdentifierThrottle]

    def get(self, request: Request) -> Response:
        route = self._route()
        query = request.query_params
        search = fhir_search.parse(query, route.param_names)
        found = route.search(request.user, search)
        url = request.build_absolute_uri(request.path)
        next_url = None
        if search.count and search.offset + search.count < found.total:
            following = QueryDict(mutable=True)
            following.update(query)
            following.setlist("_offset", [str(search.offset + search.count)])
            next_url = f"{url}?{following.urlencode()}"
        self_url = f"{url}?{query.urlencode()}" if query else url
        return Response(
            searchset(
                found.resources,
                base=_base(request),
                total=found.total,
                self_url=self_url,
                next_url=next_url,
            )
        )


class ReadView(FhirView):
    def get(self, request: Request, pk: str) -> Response:
        route = self._route()
        number = fhir_search.resource_id(pk)
        if number is None:
            return _not_found(f"{route.type}/{pk[:64]} finnes ikke.")
        return Response(route.read(request.user, number))


class UnknownTypeView(FhirView):
    """A type LKT does not serve: 404 with an OperationOutcome, not the HTML 404 page."""

    permission_classes = [AllowAny]

    def get(self, request: Request, resource_type: str, rest: str = "") -> Response:
        return _not_found(
            "Denne adressen finnes ikke i LKTs FHIR-grensesnitt. Se /fhir/R4/metadata."
        )


def _not_found(text: str) -> Response:
    return Response(outcome(404, "not-found", text), status=404)


def route_view(view: type[FhirView], resource_type: str) -> Any:
    return view.as_view(route=BY_TYPE[resource_type])
