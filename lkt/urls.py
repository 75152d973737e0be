from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from actors.forms import LoginForm
from lkt import api_docs, health, views

admin.site.site_header = _("LKT – administrasjon")
admin.site.site_title = _("LKT")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "konto/logg-inn/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("konto/logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("helse/", health.health, name="health"),
    path("api/v1/", include("actors.api_urls")),
    path("api/schema/", api_docs.ApiSchemaView.as_view(), name="api-schema"),
    path("api/schema/fhir/", api_docs.FhirSchemaView.as_view(), name="api-schema-fhir"),
    path("api/docs/", api_docs.ApiDocsView.as_view(), name="api-docs"),
    path("api/docs/fhir/", api_docs.FhirDocsView.as_view(), name="api-docs-fhir"),
    path("fhir/R4/", include("lkt.fhir.urls")),
    path("admin/", admin.site.urls),
    path("", include("actors.urls")),
    path("", include("careplans.urls")),
    path("", include("coordination.urls")),
]
