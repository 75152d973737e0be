from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from actors.identity import views as identity_views
from lkt import api_docs, health
from lkt.workspace import home as views

# The admin asks for a TOTP code after the password (django-otp): local admin accounts are the
# only ones left with a password once ID-porten and HelseID log everyone else in.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = _("LKT – administrasjon")
admin.site.site_title = _("LKT")

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/logg-inn/", identity_views.LoginView.as_view(), name="login"),
    path("konto/logg-ut/", identity_views.logout, name="logout"),
    path("konto/oidc/<slug:provider>/", identity_views.oidc_login, name="oidc-login"),
    path(
        "konto/oidc/<slug:provider>/callback/",
        identity_views.oidc_callback,
        name="oidc-callback",
    ),
    path(
        "konto/oidc/<slug:provider>/frontkanal-utlogging/",
        identity_views.frontchannel_logout,
        name="oidc-frontchannel-logout",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("helse/", health.health, name="health"),
    path("api/v1/", include("lkt.api_urls")),
    path("api/schema/", api_docs.ApiSchemaView.as_view(), name="api-schema"),
    path("api/schema/fhir/", api_docs.FhirSchemaView.as_view(), name="api-schema-fhir"),
    path("api/docs/", api_docs.ApiDocsView.as_view(), name="api-docs"),
    path("api/docs/fhir/", api_docs.FhirDocsView.as_view(), name="api-docs-fhir"),
    path("fhir/R4/", include("lkt.fhir.urls")),
    path("admin/", admin.site.urls),
    path("", include("lkt.workspace.urls")),
    path("", include("actors.urls")),
    path("", include("careplans.urls")),
    path("", include("coordination.urls")),
]
