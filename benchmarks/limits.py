"""The public booking limits, off: a benchmark books from one address at rates far past
them (docs/deploy.md, "Booking limits"); each refused booking would be a 429, not a
measurement."""

BOOKING_LIMITS_OFF = {
    f"SLOTLINK_BOOKING_LIMIT_PER_{name}": "0"
    for name in ("ADDRESS", "EMAIL", "EVENT_TYPE", "ORGANIZATION")
}
