"""Telling a host about their booking's Zoom meeting: it failed, it changed in Zoom, or it
was never made (no account resolved when it was booked: "unrouted"); and about a session's
webinar that changed in Zoom.

One email per problem: `host_told_at` is set when it goes, and cleared only when the host
acts (Try again, Recreate, Move it back), so a run of failing retries sends one email.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from slotlink.accounts.models import User
from slotlink.conferencing.seam import ConferenceDetails
from slotlink.notifications.emails import ORGANIZATION_HEADER
from slotlink.zoom.meetings.details import meeting_details
from slotlink.zoom.models import ZoomMeeting, ZoomWebinar


def _subject(topic: str, about: str) -> str:
    if about == "unrouted":
        return f"No Zoom meeting for {topic}"
    return f"Zoom: {topic} needs your attention"


def meeting_host_tell(*, meeting_id: int, about: str) -> bool:
    with transaction.atomic():
        meeting = ZoomMeeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None or meeting.host_told_at is not None:
            return False
        details = meeting_details(meeting, cancelled=False)
        if not details.reason:
            return False  # fixed meanwhile
        booking_id = meeting.booking_id or (
            meeting.bookings.filter(live=True).values_list("booking_id", flat=True).first()
        )
        message = problem_email(meeting, details=details, booking_id=booking_id, about=about)
        ZoomMeeting.objects.filter(pk=meeting.pk).update(host_told_at=timezone.now())
    message.send()
    return True


def webinar_host_tell(*, webinar_id: int, about: str) -> bool:
    """The meetings' notice for a session's webinar removed or moved in Zoom: one email to
    its host, naming the webinar."""
    from slotlink.zoom.webinars.details import drift_details

    with transaction.atomic():
        webinar = ZoomWebinar.objects.select_for_update().filter(pk=webinar_id).first()
        if webinar is None or webinar.host_told_at is not None:
            return False
        details = drift_details(webinar)
        if details is None or not webinar.present:
            return False  # fixed, or no longer wanted, meanwhile
        booking_id = (
            webinar.registrants.filter(live=True).values_list("booking_id", flat=True).first()
        )
        message = problem_email(webinar, details=details, booking_id=booking_id, about=about)
        ZoomWebinar.objects.filter(pk=webinar.pk).update(host_told_at=timezone.now())
    message.send()
    return True


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
    context = {
        "host": host,
        "topic": row.topic,
        "start": row.start,
        "reason": details.reason,
        "action": details.action.label if details.action else "",
        "booking_url": f"{settings.BASE_URL}{reverse('booking-detail', args=[booking_id])}"
        if booking_id
        else f"{settings.BASE_URL}{reverse('bookings')}",
        "about": about,
    }
    message = EmailMultiAlternatives(
        subject=_subject(row.topic, about),
        body=render_to_string("zoom/email/meeting_problem.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[host.email],
        headers={ORGANIZATION_HEADER: str(row.organization_id)},
    )
    message.attach_alternative(
        render_to_string("zoom/email/meeting_problem.html", context), "text/html"
    )
    return message
