"""The host reads the invitee's answers and guests in their email about the booking (plain
text and HTML); the invitee's guests get each of the invitee's emails as guests: the join
link and the invite, but no link to change or cancel the booking (issue 22)."""

from dataclasses import replace

import pytest
from django.core.mail import EmailMultiAlternatives

from slotlink.notifications.guest_emails import guest_emails
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.locations import booking_link_for
from slotlink.scheduling.messages import booking_message
from slotlink.scheduling.models import LocationKind
from slotlink.scheduling.questions.answers import answer_for
from slotlink.scheduling.questions.services import question_add
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL, invite_facts, invite_of, to

pytestmark = pytest.mark.django_db

MEETING_URL = "https://meet.example.test/hana"
GUESTS = ("ann@example.test", "bo@example.test")


def html_of(email: EmailMultiAlternatives) -> str:
    return next(str(body) for body, kind in email.alternatives if kind == "text/html")


@pytest.fixture
def booked(organization, host):
    """A booking of a custom-link event type with two answers and two guests."""
    event_type = make_event_type(
        organization,
        host,
        slug="asks",
        location_kind=LocationKind.CUSTOM_URL,
        location_detail=MEETING_URL,
    )
    talk = question_add(
        event_type=event_type,
        kind="long_text",
        label="What should we talk about?",
        required=True,
        options=[],
    )
    terms = question_add(
        event_type=event_type,
        kind="checkbox",
        label="I accept <the> terms",
        required=True,
        options=[],
    )
    booking = book(
        event_type,
        answers=(answer_for(talk, "Pricing & plans\nfor 12 seats"), answer_for(terms, True)),
        guests=GUESTS,
    )
    run_queued_tasks()
    return booking


def test_the_hosts_email_carries_the_answers_and_guests(booked, host):
    """Plain text and HTML: each question with its answer, and the guests; the invitee's
    own email doesn't repeat their answers."""
    (email,) = to(host.email)
    assert (
        "Ivy Invitee's answers:\n\nWhat should we talk about?\n  Pricing & plans\nfor 12 seats"
        in email.body
    )
    assert "I accept <the> terms\n  Yes" in email.body
    assert "Guests:    ann@example.test, bo@example.test" in email.body
    html = html_of(email)
    assert "I accept &lt;the&gt; terms</dt>" in html
    assert "Pricing &amp; plans<br>for 12 seats</dd>" in html
    assert "ann@example.test, bo@example.test" in html
    (invitee_email,) = to(INVITEE_EMAIL)
    assert "Pricing" not in invitee_email.body


def test_each_guest_gets_the_invite_with_the_link_but_no_manage_links(booked):
    """One email to each guest, from the host via slotlink, replying to the invitee: the
    time in the invitee's zone, the join link, the same calendar invite (UID) as the
    invitee's; no reschedule or cancel link anywhere in it. The invitee's has them."""
    (invitee_email,) = to(INVITEE_EMAIL)
    assert "/booking/" in invitee_email.body
    for guest in GUESTS:
        (email,) = to(guest)
        assert email.to == [guest]
        assert email.subject.startswith("Invitation: Intro call with Hana Host on ")
        assert "Ivy Invitee invited you to Intro call with Hana Host." in email.body
        assert "(America/New_York)" in email.body
        assert MEETING_URL in email.body
        assert MEETING_URL in html_of(email)
        assert "Ivy Invitee <ivy@example.test>" in email.reply_to[0].replace('"', "")
        invite = invite_of(email).to_ical().decode()
        for part in (email.body, html_of(email), invite):
            assert "/booking/" not in part
            assert "Reschedule" not in part
        assert invite_facts(email)["uid"] == invite_facts(invitee_email)["uid"]


def test_guests_hear_of_a_new_time_and_a_cancellation(booked):
    """The guests follow the invitee's booking: its new time, then its cancellation (the
    invite removed from their calendar), still with no manage links."""
    booking_reschedule(booking=booked, start=next_free_starts(booked.event_type, 3)[2])
    run_queued_tasks()
    booking_cancel(booking=booked, reason="Something came up")
    run_queued_tasks()
    for guest in GUESTS:
        subjects = [email.subject.split(":", 1)[0] for email in to(guest)]
        assert subjects == ["Invitation", "New time", "Cancelled"]
        cancelled = to(guest)[-1]
        assert "is cancelled" in cancelled.body
        assert "removes the meeting from your calendar" in cancelled.body
        assert "/booking/" not in cancelled.body + html_of(cancelled)


def test_a_guest_never_gets_the_invitees_personal_link(booked):
    """Where the invitee's join link is their own (a webinar registrant's, which joins as
    them), a guest's email and invite carry no link, and say why."""
    message = replace(
        booking_message(booking=booked, change=BookingChange.BOOKED, link=booking_link_for(booked)),
        join_url="https://zoom.example.test/w/1?tk=ivy-only",
        passcode="ivy",
        personal_link=True,
    )
    emails = guest_emails(message=message)
    assert [email.to for email in emails] == [[guest] for guest in GUESTS]
    for email in emails:
        invite = invite_of(email).to_ical().decode()
        for part in (email.body, html_of(email), invite):
            assert "ivy-only" not in part
        assert "Ivy Invitee's join link is theirs alone: to attend, book a seat of your own." in (
            email.body
        )
