"""What the invitee reads when a booking is refused: why, in plain words, and when to try
again (the page changes nothing, so it can say so)."""

import math
from datetime import datetime

from slotlink.scheduling.limits.models import LimitKind
from slotlink.scheduling.limits.services import BookingRefused
from slotlink.scheduling.models import EventType


def refusal_reason(refused: BookingRefused, event_type: EventType) -> str:
    organization, title = event_type.organization.name, event_type.title
    return {
        LimitKind.ADDRESS: "Too many bookings were made from your internet address in the "
        "last hour.",
        LimitKind.EMAIL: f"This email address has booked {title} too many times in the last hour.",
        LimitKind.EVENT_TYPE: f"{title} has had too many bookings in the last hour.",
        LimitKind.ORGANIZATION: f"{organization} has had too many bookings in the last hour.",
        LimitKind.BLOCKED_ADDRESS: f"{organization} doesn't take bookings from your internet "
        "address.",
        LimitKind.BLOCKED_EMAIL: f"{organization} doesn't take bookings for this email address.",
    }[refused.limit]


def retry_seconds(refused: BookingRefused, now: datetime) -> int | None:
    if refused.retry_at is None:
        return None
    return max(1, math.ceil((refused.retry_at - now).total_seconds()))


def retry_words(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "in about a minute" if minutes <= 1 else f"in about {minutes} minutes"
