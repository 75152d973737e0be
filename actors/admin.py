"""Django admin for reference data: organisations and user accounts. Patient data stays out of
the admin, so it is read only through the access policy and its audit trail."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from actors.forms import LoginForm
from actors.models import Organisation, User


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin login gets the same lock-out as the front door."""


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
