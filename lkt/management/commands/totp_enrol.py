"""``manage.py totp_enrol USERNAME [--reset]``: give a local admin account its TOTP device
(``lkt.login.admin_totp_enrol``) and print the key for the authenticator app. The admin
(/admin/) asks for a code from it after the password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actors.models import User
from lkt.login import admin_totp_enrol, is_local_admin, totp_secret


class Command(BaseCommand):
    help = "Gi en lokal administrator en TOTP-enhet og skriv ut nøkkelen til autentiseringsappen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="fjern de gamle enhetene (mistet telefon)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not is_local_admin(user):
            raise CommandError(f"{options['username']} er ingen lokal administrator.")
        device = admin_totp_enrol(user, reset=options["reset"])
        self.stdout.write(f"TOTP-nøkkel for {user.username}: {totp_secret(device)}")
        self.stdout.write(f"Eller som lenke (QR-kode): {device.config_url}")
