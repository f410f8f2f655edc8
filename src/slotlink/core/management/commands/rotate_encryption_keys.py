"""Re-encrypt every stored secret with the newest key in SLOTLINK_ENCRYPTION_KEYS.

Run it after putting a new key first in the list; once it has finished, the old keys can
be removed from the list.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from slotlink.core.encryption import secrets_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the newest key in SLOTLINK_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = secrets_reencrypt(model_classes=apps.get_models())
        self.stdout.write(f"Re-encrypted the secrets of {total} row(s) with the newest key.")
