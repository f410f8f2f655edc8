"""The host's email about refused bookings (scheduling/limits/refusals.py): built under
core's notice claim (core/mail.py), so it is sent once, retried while the mail server
refuses, and marks the refusals it told only once the server took it."""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone

from slotlink.accounts.models import Membership, Organization, User
from slotlink.core.mail import Notice, templated_message
from slotlink.core.tasks import enqueue_on_commit
from slotlink.core.times import Clock, clock_time, zone_for
from slotlink.scheduling.limits.refusals import (
    ADMINS,
    refusal_audience,
    refusal_audience_turn,
)
from slotlink.scheduling.limits.selectors import refusal_summary
from slotlink.scheduling.limits.services import WINDOW


def refusals_notice_key(*, organization_id: int, host_id: int) -> str:
    return f"scheduling.booking-refusals.{organization_id}.{host_id}"


def refusals_notice_builder(*, organization_id: int, host_id: int) -> Callable[[], Notice | None]:
    return partial(_refusals_notice, organization_id, host_id)


def _refusals_notice(organization_id: int, host_id: int) -> Notice | None:
    refusal_audience_turn(organization_id=organization_id, host_id=host_id)
    untold = refusal_audience(organization_id=organization_id, host_id=host_id).filter(
        told_at__isnull=True
    )
    last_id = untold.order_by("-id").values_list("id", flat=True).first()
    if last_id is None:
        return None  # told already
    summary = refusal_summary(untold.filter(id__lte=last_id))
    if summary is None:
        return None
    organization = Organization.objects.get(pk=organization_id)
    if host_id == ADMINS:
        admins = Membership.objects.filter(
            organization_id=organization_id, role=Membership.Role.ADMIN
        )
        readers = [admin.user for admin in admins.select_related("user").order_by("user_id")]
    else:
        readers = [User.objects.get(pk=host_id)]
    if not readers:
        return None  # nobody to tell
    # One email each, the times in the reader's own zone and on their clock.
    message, *more = [
        templated_message(
            subject=f"Bookings refused on your booking pages ({organization.name})",
            template="scheduling/email/bookings_refused",
            context={
                "organization": organization,
                "summary": summary,
                "between": _between(
                    summary.first_at,
                    summary.last_at,
                    time_zone=reader.time_zone,
                    clock=reader.clock,
                ),
                "for_admins": host_id == ADMINS,
                "bookings_url": f"{settings.BASE_URL}{reverse('bookings')}",
                "blocks_url": f"{settings.BASE_URL}{reverse('booking-blocks')}",
            },
            to=[reader.email],
            organization_id=organization_id,
        )
        for reader in readers
    ]

    def told() -> None:
        from slotlink.scheduling.tasks import booking_refusals_notice_send

        refusal_audience_turn(organization_id=organization_id, host_id=host_id)
        now = timezone.now()
        untold.filter(id__lte=last_id).update(told_at=now)
        if untold.exists():  # refused while this one was sent: told in an hour
            enqueue_on_commit(
                booking_refusals_notice_send.using(run_after=now + WINDOW),
                organization_id,
                host_id,
            )

    return Notice(message=message, more=more, told=told)


def _between(first: datetime, last: datetime, *, time_zone: str, clock: Clock) -> str:
    """ "Mon 7 Dec 2026, 15:51 and 15:53 (Europe/Berlin)", the day repeated if it changed."""
    zone, zone_name = zone_for(time_zone)
    first_local, last_local = first.astimezone(zone), last.astimezone(zone)
    first_text = f"{dateformat.format(first_local, 'D j M Y')}, {clock_time(first_local, clock)}"
    last_text = clock_time(last_local, clock)
    if last_local.date() != first_local.date():
        last_text = f"{dateformat.format(last_local, 'D j M Y')}, {last_text}"
    return f"{first_text} and {last_text} ({zone_name})"
