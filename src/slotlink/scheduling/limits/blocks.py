"""Blocking an address or an email from booking with an organization, and unblocking it.
Bookings it made before stay; only new ones are refused (scheduling/limits/services.py)."""

import logging

from slotlink.accounts.models import User
from slotlink.scheduling.limits.models import BookingBlock

log = logging.getLogger("slotlink.scheduling")


def booking_block_add(*, organization_id: int, kind: str, value: str, by: User) -> BookingBlock:
    """Block `value` (an IP address, or an email as the limits normalize it); blocking it
    again keeps the first block."""
    block, created = BookingBlock.objects.get_or_create(
        organization_id=organization_id, kind=kind, value=value, defaults={"created_by": by}
    )
    if created:
        log.info(
            "scheduling.booking.block-added organization=%s kind=%s user=%s",
            organization_id,
            kind,
            by.pk,
        )
    return block


def booking_block_remove(*, block: BookingBlock, by: User) -> None:
    block.delete()
    log.info(
        "scheduling.booking.block-removed organization=%s kind=%s user=%s",
        block.organization_id,
        block.kind,
        by.pk,
    )
