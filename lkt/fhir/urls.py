"""/fhir/R4/: one read and one search URL per type in the route table (lkt.fhir.routes), so the
access matrix lists each type's reads by name."""

from __future__ import annotations

from django.urls import path

from lkt.fhir import views
from lkt.fhir.routes import ROUTES

app_name = "fhir"

urlpatterns = [path("metadata", views.MetadataView.as_view(), name="metadata")]
for _route in ROUTES:
    urlpatterns += [
        path(
            _route.type,
            views.route_view(views.SearchView, _route.type),
            name=f"{_route.slug}-search",
        ),
        path(
            f"{_route.type}/<str:pk>",
            views.route_view(views.ReadView, _route.type),
            name=f"{_route.slug}-read",
        ),
    ]
urlpatterns += [
    path("<str:resource_type>", views.UnknownTypeView.as_view(), name="unknown-type"),
    path("<str:resource_type>/<path:rest>", views.UnknownTypeView.as_view(), name="unknown-path"),
]
