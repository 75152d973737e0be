"""The OpenAPI schemas and the docs page.

The docs page is drf-spectacular's Swagger UI from drf-spectacular-sidecar: every file from our
own origin, so it loads nothing from outside. It runs under the project's CSP as it is
(``script-src 'self'``, ``style-src 'self'``, lkt.core.middleware): the split view serves the page's
script as a file of its own (``?script=``) instead of inline, and our template moves the page's
inline style to a file.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lkt.fhir.openapi import fhir_openapi


class ApiSchemaView(SpectacularAPIView):
    """The JSON API's schema. It holds no data, so anyone may read it (within the rate)."""

    permission_classes = [AllowAny]


class ApiDocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    template_name = "lkt/api_docs.html"
    url_name = "api-schema"
    title = "LKT API"


class FhirSchemaView(APIView):
    """The FHIR routes' OpenAPI description (lkt.fhir.openapi), for anyone, as JSON."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def get(self, request: Request) -> Response:
        return Response(fhir_openapi())


class FhirDocsView(ApiDocsView):
    """The same page over the FHIR routes' description."""

    url_name = "api-schema-fhir"
    title = "LKT FHIR R4"
