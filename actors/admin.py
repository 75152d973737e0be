"""Django admin for reference data: organisations and user accounts. Patient data stays out of
the admin, so it is read only through the access policy and its audit trail."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.models import Device

from actors import services
from actors.forms import LoginForm
from actors.models import MachineClient, Organisation, StaffInvitation, User
from lkt.core import phones

security_log = logging.getLogger("lkt.security")


class AdminLoginForm(LoginForm, OTPAdminAuthenticationForm):
    """The admin login gets the same lock-out as the front door, and asks for the TOTP code
    (django-otp; the admin lets in only a session verified by it, lkt.urls)."""

    def _chosen_device(self, user: User) -> Device | None:
        # One device (the usual: the authenticator app from ``manage.py totp_enrol``): the
        # code is checked against it, without asking the admin to pick it first.
        device: Device | None = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                return devices[0]
        return device


admin.site.login_form = AdminLoginForm


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "org_number", "kind", "level", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "org_number"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "kind", "organisation", "is_leader"]
    list_select_related = ["organisation"]
    list_filter = ["kind", "is_leader", "is_active", "is_staff", "profession"]
    filter_horizontal = ["organisations", *DjangoUserAdmin.filter_horizontal]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("LKT"),
            {
                "fields": [
                    "kind",
                    "national_id",
                    "profession",
                    "hpr_number",
                    "phone",
                    "organisation",
                    "organisations",
                    "is_leader",
                ]
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("LKT"), {"fields": ["kind", "hpr_number", "phone", "organisation", "is_leader"]}),
    )

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        # The field's validator has read the number; it is stored in E.164 as everywhere else.
        if obj.phone:
            obj.phone = phones.normalize(obj.phone)
        super().save_model(request, obj, form, change)


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin[StaffInvitation]):
    """The administrator invites staff of any organisation (leaders and coordinators invite
    their own on /ansatte/invitasjoner/). Who invited is the administrator; the outcome
    (taken in use at login, revoked) is read only here, and nothing is deleted."""

    list_display = ["name", "organisation", "profession", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["profession"]
    search_fields = ["name", "hpr_number", "organisation__name"]
    list_select_related = ["organisation"]
    fields = ["organisation", "name", "national_id", "hpr_number", "profession", "revoked_at"]
    readonly_fields = ["accepted_by", "accepted_at", "invited_by", "created_at"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: StaffInvitation, form: Any, change: bool) -> None:
        if not change:
            obj.invited_by = request.user
        elif obj.revoked_at and obj.revoked_by_id is None:
            obj.revoked_by = request.user
        super().save_model(request, obj, form, change)
        security_log.info(
            "staff invitation %s %s in the admin by user %s",
            obj.pk,
            "changed" if change else "created",
            request.user.pk,
        )


@admin.register(MachineClient)
class MachineClientAdmin(admin.ModelAdmin[MachineClient]):
    """Systems that read FHIR with bearer tokens (lkt.fhir.auth): registered here, through the
    service that makes their user; deactivate the user to shut a client out."""

    list_display = ["name", "client_id", "organisation", "scopes"]
    list_select_related = ["organisation"]
    search_fields = ["name", "client_id"]
    fields = ["name", "client_id", "organisation", "scopes"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ["client_id"] if obj else []

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            super().save_model(request, obj, form, change)
            return
        registered = services.machine_client_register(
            actor=request.user,
            name=obj.name,
            client_id=obj.client_id,
            organisation=obj.organisation,
            scopes=obj.scopes,
        )
        obj.pk, obj.user_id = registered.pk, registered.user_id
