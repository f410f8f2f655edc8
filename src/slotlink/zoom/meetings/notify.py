"""Telling a host about their booking's Zoom meeting: it failed, it changed in Zoom, or it
was never made (no account resolved when it was booked: "unrouted"); and about a session's
webinar that failed or changed in Zoom.

One email per problem: `host_told_at` is set once the mail server took it (zoom/notices.py,
core/mail.py), and cleared only when the host acts (Try again, Recreate, Move it back), so
a run of failing retries sends one email. Each builder runs under the notice's claim.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.conferencing.seam import ConferenceDetails
from slotlink.core.mail import Notice, templated_message
from slotlink.core.times import long_when
from slotlink.zoom.meetings.details import meeting_details
from slotlink.zoom.models import ZoomMeeting, ZoomWebinar
from slotlink.zoom.webinars.details import drift_details, failed_details


def _subject(topic: str, about: str) -> str:
    if about == "unrouted":
        return f"No Zoom meeting for {topic}"
    return f"Zoom: {topic} needs your attention"


def meeting_notice(meeting_id: int, *, about: str) -> Notice | None:
    """The host's email about the meeting's problem, or None if told already or fixed
    meanwhile."""
    meeting = ZoomMeeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or meeting.host_told_at is not None:
        return None
    if about == "unrouted" and meeting.state != ZoomMeeting.State.UNROUTED:
        return None  # the host made it meanwhile (Create Zoom meeting): it isn't missing
    details = meeting_details(meeting, cancelled=False)
    if not details.reason:
        return None  # fixed meanwhile
    booking_id = meeting.booking_id or (
        meeting.bookings.filter(live=True).values_list("booking_id", flat=True).first()
    )
    message = problem_email(meeting, details=details, booking_id=booking_id, about=about)

    def told() -> None:
        ZoomMeeting.objects.filter(pk=meeting_id).update(host_told_at=timezone.now())

    return Notice(message=message, told=told)


def webinar_notice(webinar_id: int, *, about: str) -> Notice | None:
    """The meetings' notice for a session's webinar that failed, or was removed or moved in
    Zoom ("drift"): one email to its host, naming the webinar."""
    webinar = ZoomWebinar.objects.select_for_update().filter(pk=webinar_id).first()
    if webinar is None or webinar.host_told_at is not None:
        return None
    details = drift_details(webinar) if about == "drift" else failed_details(webinar)
    if details is None or not webinar.present:
        return None  # fixed, or no longer wanted, meanwhile
    booking_id = webinar.registrants.filter(live=True).values_list("booking_id", flat=True).first()
    message = problem_email(webinar, details=details, booking_id=booking_id, about=about)

    def told() -> None:
        ZoomWebinar.objects.filter(pk=webinar_id).update(host_told_at=timezone.now())

    return Notice(message=message, told=told)


def problem_email(
    row: ZoomMeeting | ZoomWebinar,
    *,
    details: ConferenceDetails,
    booking_id: int | None,
    about: str,
) -> EmailMultiAlternatives:
    """The host's email about a meeting's (or webinar's) problem, with the booking to fix
    it on."""
    host = User.objects.get(pk=row.host_id)
    return templated_message(
        subject=_subject(row.topic, about),
        template="zoom/email/meeting_problem",
        context={
            "host": host,
            "topic": row.topic,
            # In the host's own zone, named, on their clock, like every time a host reads.
            "when": long_when(row.start, None, time_zone=host.time_zone, clock=host.clock),
            "reason": details.reason,
            "action": details.action.label if details.action else "",
            "booking_url": f"{settings.BASE_URL}{reverse('booking-detail', args=[booking_id])}"
            if booking_id
            else f"{settings.BASE_URL}{reverse('bookings')}",
            "about": about,
        },
        to=[host.email],
        organization_id=row.organization_id,
    )
