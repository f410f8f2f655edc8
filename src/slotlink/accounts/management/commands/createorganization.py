"""`slotlink createorganization`: the first organization and its admin, for a new install.

The password is asked for twice without echo, or read from SLOTLINK_ADMIN_PASSWORD when
the command runs unattended (so it never lands in the shell's history). The admin is an
organization admin, not Django staff.
"""

import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from slotlink.accounts.services import organization_create_with_admin

PASSWORD_ENV = "SLOTLINK_ADMIN_PASSWORD"  # noqa: S105 - the variable's name
FIELD_NAMES = {
    "name": "--name",
    "slug": "--slug",
    "admin_email": "--email",
    "admin_name": "--full-name",
    "password": "password",
    "time_zone": "--time-zone",
}


class Command(BaseCommand):
    help = "Create an organization and its first admin (asks for the password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The organization's name, e.g. Acme")
        parser.add_argument(
            "--slug", default="", help="Its address in booking links (default: from the name)"
        )
        parser.add_argument("--email", required=True, help="The first admin's email")
        parser.add_argument("--full-name", required=True, help="The first admin's name")
        parser.add_argument("--time-zone", default="UTC", help="The admin's time zone (IANA)")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get(PASSWORD_ENV) or self._ask_password()
        try:
            created = organization_create_with_admin(
                name=options["name"],
                slug=options["slug"],
                admin_email=options["email"],
                admin_name=options["full_name"],
                password=password,
                time_zone=options["time_zone"],
            )
        except ValidationError as error:
            raise CommandError(_in_words(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created.organization.name} (/book/{created.organization.slug}) "
                f"with admin {created.admin.email}. Sign in at /signin."
            )
        )

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set {PASSWORD_ENV}, or run the command in a terminal to be asked."
            )
        password = getpass.getpass("Admin password: ")
        if password != getpass.getpass("Admin password (again): "):
            raise CommandError("The two passwords differ. Nothing was created; run it again.")
        return password


def _in_words(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages) + " Nothing was created."
    lines = [
        f"{FIELD_NAMES.get(field, field)}: {' '.join(messages)}"
        for field, messages in error.message_dict.items()
    ]
    return "\n".join([*lines, "Nothing was created."])
