"""Demo data for `make run`: created once, kept across runs, never outside demo mode."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from slotlink.accounts.demo import DemoAccounts, demo_accounts_seed


def demo_seed(*, password: str | None) -> DemoAccounts:
    if not settings.DEMO:
        raise ImproperlyConfigured("Demo data is only created in demo mode (SLOTLINK_MODE=demo).")
    return demo_accounts_seed(password=password)
