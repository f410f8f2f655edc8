"""Self-service sign-up's limit: a few new organizations per client address a day.

On an instance with SLOTLINK_ALLOW_SIGNUP anyone may start an organization; without a
limit one visitor could make thousands. Sign-ups are counted in the database (so the limit
holds across web processes), per address as the sign-in throttle sees it (behind the TLS
proxy, the address the proxy saw).
"""

from datetime import timedelta

from django.utils import timezone

from slotlink.accounts.models import Organization, SignUp

WINDOW = timedelta(days=1)
PER_ADDRESS = 3
THROTTLED = (
    "Too many organizations were started from your network today. Try again tomorrow, or "
    "ask the people running this slotlink."
)


def sign_up_allowed(*, ip_address: str | None) -> bool:
    if ip_address is None:
        return True  # nothing to count by; a proxy without the forwarded address
    since = timezone.now() - WINDOW
    return SignUp.objects.filter(ip_address=ip_address, created_at__gte=since).count() < (
        PER_ADDRESS
    )


def sign_up_record(*, organization: Organization, ip_address: str | None) -> None:
    SignUp.objects.create(organization=organization, ip_address=ip_address)
