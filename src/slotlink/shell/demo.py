"""Demo data for `make run`: created once, kept across runs, never outside demo mode."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from slotlink.accounts.demo import DemoAccounts, demo_accounts_seed
from slotlink.scheduling.demo import demo_scheduling_seed


def demo_seed(*, password: str | None) -> DemoAccounts:
    if not settings.DEMO:
        raise ImproperlyConfigured("Demo data is only created in demo mode (SLOTLINK_MODE=demo).")
    accounts = demo_accounts_seed(password=password)
    demo_scheduling_seed(accounts=accounts)
    return accounts
