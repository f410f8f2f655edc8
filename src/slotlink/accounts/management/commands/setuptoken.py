"""`slotlink setuptoken`: a new one-time link to the first-run page, for when the web
server's log with the first one is gone. Only while slotlink has no organization."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from slotlink.accounts.setup import setup_token_issue


class Command(BaseCommand):
    help = "Print a one-time link to the first-run page (while no organization exists)."

    def handle(self, *args: Any, **options: Any) -> None:
        token = setup_token_issue()
        if token is None:
            raise CommandError("slotlink already has an organization: there is nothing to set up.")
        self.stdout.write(f"{settings.BASE_URL}{reverse('setup')}?token={token}")
