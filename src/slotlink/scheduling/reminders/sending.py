"""One reminder email, built as its booking is now, under core's notice claim.

`reminder_notice_builder` is what core's notice path (`core/mail.py: notice_send`) runs
under the claim: it builds nothing once the email was sent, or when it is no longer due
(the booking was cancelled or moved off the start it was claimed for, or the reminder was
removed), so a duplicate task, a retry after the mail server refused, or a task run after a
reschedule sends nothing. The join link is read through the seam as it is at sending
(`booking_link_for`), and the invitee's reschedule and cancel links are minted for it (not
for a guest's, which has none).
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from slotlink.core.mail import Notice
from slotlink.notifications.messages import Audience, BookingChange
from slotlink.notifications.reminders import guest_reminder_email, reminder_email
from slotlink.scheduling.locations import booking_link_for
from slotlink.scheduling.messages import absolute_url, booking_message, group_session_invite
from slotlink.scheduling.models import Booking, BookingToken, GroupSession
from slotlink.scheduling.reminders.models import Reminder, ReminderEmail
from slotlink.scheduling.tokens import token_mint


def _live_booking(row: ReminderEmail) -> Booking | None:
    """The booking the reminder is about, still confirmed at the start it was claimed for;
    for a session's host, any live seat of the session at that start."""
    bookings = Booking.objects.select_related("event_type", "host", "organization").filter(
        status=Booking.Status.CONFIRMED, start=row.start
    )
    if row.session_id is not None:
        return bookings.filter(session_id=row.session_id).order_by("created_at", "id").first()
    return bookings.filter(pk=row.booking_id).first()


def _still_wanted(row: ReminderEmail, booking: Booking) -> bool:
    if row.guest and row.guest not in booking.guest_emails:
        return False
    reminders = Reminder.objects.filter(
        event_type_id=booking.event_type_id, minutes_before=row.minutes_before
    )
    if row.audience == Audience.HOST:
        reminders = reminders.filter(to_host=True)
    return reminders.exists()


def _manage_urls(booking: Booking) -> dict[str, str]:
    """The invitee's reschedule and cancel links, minted for this email."""
    return {
        f"{purpose}_url": absolute_url(
            reverse(f"booking-{purpose}", args=[token_mint(booking=booking, purpose=purpose)])
        )
        for purpose in (BookingToken.Purpose.RESCHEDULE, BookingToken.Purpose.CANCEL)
    }


def reminder_notice_builder(*, reminder_email_id: int) -> Callable[[], Notice | None]:
    def build() -> Notice | None:
        row = ReminderEmail.objects.filter(pk=reminder_email_id, sent_at__isnull=True).first()
        if row is None:
            return None  # sent already
        booking = _live_booking(row)
        if booking is None or not _still_wanted(row, booking):
            # Handled: the job doesn't queue it again as lost.
            ReminderEmail.objects.filter(pk=row.pk).update(handled_at=timezone.now())
            return None
        audience = Audience(row.audience)
        link = booking_link_for(booking)
        session = None
        if row.session_id is not None:
            session_row = GroupSession.objects.get(pk=row.session_id)
            session = group_session_invite(
                session=session_row, sequence=session_row.sequence, known_links={booking.id: link}
            )
        message = booking_message(
            booking=booking,
            change=BookingChange.BOOKED,  # the booking as it stands, confirmed
            link=link,
            session=session,
            # A guest never gets the invitee's links to change or cancel the booking.
            **(_manage_urls(booking) if audience == Audience.INVITEE and not row.guest else {}),
        )
        if row.guest:
            email = guest_reminder_email(message=message, guest=row.guest)
        else:
            email = reminder_email(message=message, audience=audience)

        def told() -> None:
            now = timezone.now()
            ReminderEmail.objects.filter(pk=row.pk).update(sent_at=now, handled_at=now)

        return Notice(message=email, told=told)

    return build
