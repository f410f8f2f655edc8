"""Telling a host about their booking's Zoom meeting: it failed, or it changed in Zoom.

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
from slotlink.notifications.emails import ORGANIZATION_HEADER
from slotlink.zoom.meetings.details import meeting_details
from slotlink.zoom.models import ZoomMeeting


def meeting_host_tell(*, meeting_id: int, about: str) -> bool:
    with transaction.atomic():
        meeting = ZoomMeeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None or meeting.host_told_at is not None:
            return False
        details = meeting_details(meeting, cancelled=False)
        if not details.reason:
            return False  # fixed meanwhile
        host = User.objects.get(pk=meeting.host_id)
        booking_id = meeting.booking_id or (
            meeting.bookings.filter(live=True).values_list("booking_id", flat=True).first()
        )
        context = {
            "host": host,
            "topic": meeting.topic,
            "start": meeting.start,
            "reason": details.reason,
            "action": details.action.label if details.action else "",
            "booking_url": f"{settings.BASE_URL}{reverse('booking-detail', args=[booking_id])}"
            if booking_id
            else f"{settings.BASE_URL}{reverse('bookings')}",
            "about": about,
        }
        message = EmailMultiAlternatives(
            subject=f"Zoom: {meeting.topic} needs your attention",
            body=render_to_string("zoom/email/meeting_problem.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[host.email],
            headers={ORGANIZATION_HEADER: str(meeting.organization_id)},
        )
        message.attach_alternative(
            render_to_string("zoom/email/meeting_problem.html", context), "text/html"
        )
        ZoomMeeting.objects.filter(pk=meeting.pk).update(host_told_at=timezone.now())
    message.send()
    return True
