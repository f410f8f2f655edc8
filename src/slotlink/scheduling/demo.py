"""Demo event types for `make run`: Acme's hosts can be booked from their public pages."""

from typing import Any

from django.db import transaction

from slotlink.accounts.demo import DemoAccounts
from slotlink.scheduling.models import EventType, LocationKind, default_location_kind
from slotlink.scheduling.services.event_types import event_type_create

DEMO_EVENT_TYPES = [
    {
        "host": "admin",
        "title": "Intro call",
        "slug": "intro-call",
        "description": "A first 30 minutes to see whether we can help you.",
        "duration_minutes": 30,
        "kind": EventType.Kind.ONE_ON_ONE,
        "location_kind": None,  # the first provider's (a video call), read when made
        "minimum_notice_minutes": 60,
    },
    {
        "host": "member",
        "title": "Product tour (group)",
        "slug": "product-tour",
        "description": "A live walk through the product, with time for questions.",
        "duration_minutes": 60,
        "kind": EventType.Kind.GROUP,
        "seats_per_session": 8,
        "location_kind": LocationKind.CUSTOM_URL,
        "location_detail": "https://meet.example.com/acme-product-tour",
        "minimum_notice_minutes": 60,
    },
]


@transaction.atomic
def demo_scheduling_seed(*, accounts: DemoAccounts) -> list[EventType]:
    """Create the demo event types the first time (their hosts get weekday hours)."""
    hosts = {"admin": accounts.admin, "member": accounts.member}
    event_types = []
    for spec in DEMO_EVENT_TYPES:
        fields: dict[str, Any] = {key: value for key, value in spec.items() if key != "host"}
        fields["location_kind"] = fields["location_kind"] or default_location_kind()
        existing = EventType.objects.filter(
            organization=accounts.organization, slug=fields["slug"]
        ).first()
        event_types.append(
            existing
            or event_type_create(
                organization=accounts.organization, host=hosts[str(spec["host"])], **fields
            )
        )
    return event_types
