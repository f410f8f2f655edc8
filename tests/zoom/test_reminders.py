"""A reminder carries the Zoom link as Zoom has it when the reminder goes, through the
sandbox over real HTTP: a meeting's join link and passcode; for a webinar, each seat's
invitee their own registrant link, and the host one reminder per session with none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from slotlink.zoom.models import ZoomRollout
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book
from tests.scheduling.test_reminders import remind, starts_after, with_reminder
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of, reschedule, zoom_workshop
from tests.zoom.test_webinars import webinar_event_type

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = timedelta(hours=1)


def test_a_zoom_reminder_carries_the_meetings_link_as_zoom_has_it(
    zoom: ZoomSandbox, host: ZoomHost
):
    """After the booking moved, its reminder (of the new time) carries the join link and
    passcode Zoom's meeting has: read through the seam when the reminder goes."""
    with_reminder(host.event_type, 60, to_host=True)
    first, *_, later = starts_after(host.event_type, 3 * HOUR, count=6)
    booking = book(host.event_type, first)
    drain()
    reschedule(booking, later)
    drain()
    mail.outbox.clear()
    (meeting,) = zoom.meetings(host_id=host.zoom_user["id"])
    assert meeting["id"] == meeting_of(booking).zoom_meeting_id
    emails = remind(later - 50 * timedelta(minutes=1))
    assert len(emails) == 2
    for email in emails:
        assert meeting["join_url"] in email.body
        assert f"Passcode: {meeting['password']}" in email.body
        assert "Join the Zoom meeting" in email.body


def test_each_webinar_seat_is_reminded_with_its_own_registrant_link(
    zoom: ZoomSandbox, organization, member_membership, settings
):
    """Two seats of a webinar session: each invitee's reminder carries the join link Zoom
    gave that registrant, and not the other's; the host gets one reminder for the session,
    with no registrant's link."""
    settings.LINK_WAIT_SECONDS = 0
    zoom.configure_app(webhook_url="")
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    _, zoom_user = connected(zoom, member_membership, email="hana@zoom.test", webinar=True)
    event_type = webinar_event_type(member_membership)
    with_reminder(event_type, 60, to_host=True)
    (start,) = starts_after(event_type, 3 * HOUR)
    for address in ("ivy@example.test", "bob@example.test"):
        book(event_type, start, email=address, name=address.split("@")[0].title())
    drain()
    mail.outbox.clear()
    (webinar,) = zoom.webinars(host_id=zoom_user["id"])
    links = {r["email"]: r["join_url"] for r in zoom.registrants(webinar["id"])}
    emails = remind(start - 50 * timedelta(minutes=1))
    assert len(emails) == 3
    for address, link in links.items():
        (email,) = [e for e in emails if address in e.to[0]]
        assert link in email.body
        assert all(other not in email.body for other in links.values() if other != link)
    (for_host,) = [e for e in emails if member_membership.user.email in e.to[0]]
    assert "2 of 8 seats booked" in for_host.subject
    assert all(link not in for_host.body for link in links.values())
    assert "Start webinar as host" in for_host.body


def test_a_workshops_seats_and_host_are_reminded_with_the_meeting_they_share(
    zoom: ZoomSandbox, host: ZoomHost
):
    """A group session on one Zoom meeting: each seat's invitee and the host (once, with
    the seats) get the meeting's join link."""
    workshop = zoom_workshop(host.membership)
    with_reminder(workshop, 60, to_host=True)
    (start,) = starts_after(workshop, 3 * HOUR)
    for address in ("ivy@example.test", "bob@example.test"):
        book(workshop, start, email=address)
    drain()
    mail.outbox.clear()
    (meeting,) = zoom.meetings(host_id=host.zoom_user["id"])
    emails = remind(start - 50 * timedelta(minutes=1))
    addresses = {e.to[0].split("<")[1].rstrip(">") for e in emails}
    assert len(emails) == 3
    assert addresses == {"ivy@example.test", "bob@example.test", host.user.email}
    assert all(meeting["join_url"] in email.body for email in emails)
    (for_host,) = [e for e in emails if host.user.email in e.to[0]]
    assert "2 of 5 seats booked" in for_host.subject
