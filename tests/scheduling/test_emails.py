"""What scheduling emails about a booking, and when: each change once to each party, the
conferencing link waited for briefly (the architecture's step 6), then followed by an
update that carries it. The emails go through the real notifications code into Django's
test outbox; `test_email_failures.py` has a mail server that refuses."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.locations import booking_link_for
from slotlink.scheduling.messages import booking_message
from slotlink.scheduling.models import BookingToken, LocationKind
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.tasks import send_booking_email
from slotlink.zoom.locations import ZOOM
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.scheduling.mailbox import INVITEE_EMAIL, invite_facts, link_url, to, told

pytestmark = pytest.mark.django_db

HOST_SENDS = "Your host will send you the meeting details."


@pytest.fixture
def zoom_event_type(organization, host):
    return make_event_type(
        organization, host, slug="zoom", location_kind=ZOOM, description="Agenda"
    )


@pytest.fixture
def booked(zoom_event_type, django_capture_on_commit_callbacks):
    """Book the Zoom event type, with its email task enqueued (not yet run)."""

    def make(**fields: str):
        with django_capture_on_commit_callbacks(execute=True):
            return book(zoom_event_type, **fields)

    return make


def test_the_message_carries_the_booking_as_notifications_needs_it(booked, host, provider):
    """Times, people with their zones, the title, the invite's UID and SEQUENCE, the join
    link and passcode from the seam, absolute links, and the organization."""
    booking = booked(name="Ivy Invitee", email="ivy@example.test")
    message = booking_message(
        booking=booking, change=BookingChange.BOOKED, link=booking_link_for(booking)
    )
    assert message.change == BookingChange.BOOKED
    assert (message.uid, message.sequence) == (booking.ical_uid, 0)
    assert (message.start, message.end) == (booking.start, booking.end)
    assert (message.title, message.description) == ("Intro call", "Agenda")
    assert (message.host.name, message.host.email, message.host.time_zone) == (
        "Hana Host",
        host.email,
        "Europe/Berlin",
    )
    assert (message.invitee.email, message.invitee.time_zone) == (
        "ivy@example.test",
        "America/New_York",
    )
    assert (message.location_text, message.join_url, message.passcode) == (
        "Zoom",
        "https://zoom.example.test/j/123",
        "4321",
    )
    assert message.link_status_note == ""
    assert message.booking_url == f"http://127.0.0.1:8000/360/bookings/{booking.id}"
    assert message.organization_id == booking.organization_id

    run_queued_tasks()
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    (email,) = to(INVITEE_EMAIL)
    assert invite_facts(email)["uid"] == booking.ical_uid
    assert "https://zoom.example.test/j/123" in email.body
    reschedule, cancel = link_url(email, "reschedule"), link_url(email, "cancel")
    assert reschedule.startswith("http://127.0.0.1:8000/booking/")
    assert reschedule.endswith("/reschedule")
    assert cancel.endswith("/cancel")


def test_without_a_provider_only_the_host_is_told_why_a_zoom_booking_has_no_link(
    booked, host, no_provider
):
    """No conferencing provider is registered: the booking stands; the host's email says why
    it has no link and links to Integrations, the invitee's says nothing of it, only that
    the host will send the meeting details."""
    booking = booked()
    message = booking_message(
        booking=booking, change=BookingChange.BOOKED, link=booking_link_for(booking)
    )
    assert (message.location_text, message.join_url, message.link_status_note) == (
        "Zoom",
        "",
        HOST_SENDS,
    )
    reason = "No Zoom link: Zoom isn't set up for this organization yet."
    assert (message.host_link_problem, message.host_action_label) == (reason, "Connect Zoom →")
    assert message.host_action_url == "http://127.0.0.1:8000/360/integrations"
    run_queued_tasks()
    (to_invitee,) = to(INVITEE_EMAIL)
    assert "Where:     Zoom" in to_invitee.body
    assert HOST_SENDS in to_invitee.body
    assert reason not in to_invitee.body
    assert "Connect Zoom" not in to_invitee.body
    (to_host,) = to(host.email)
    assert reason in to_host.body
    assert "Connect Zoom → http://127.0.0.1:8000/360/integrations" in to_host.body


def test_with_zoom_off_for_the_organization_the_invitee_never_sees_the_admins_reason(booked, host):
    """The app's own Zoom provider, with Zoom not set up: the host's email says why there
    is no link (and so does the Zoom notice that this booking has no meeting); the
    invitee's just says Zoom and that the host will send the details (the bug this fixes
    showed invitees the admin's reason)."""
    booking = booked()
    reason = booking_link_for(booking).host_reason
    assert reason
    run_queued_tasks()
    (to_invitee,) = to(INVITEE_EMAIL)
    assert reason not in to_invitee.body
    assert "Where:     Zoom" in to_invitee.body
    assert HOST_SENDS in to_invitee.body
    (to_host,) = [email for email in to(host.email) if email.subject.startswith("New booking:")]
    assert reason in to_host.body
    (notice,) = [email for email in to(host.email) if email.subject.startswith("No Zoom meeting")]
    assert reason in notice.body


def test_a_post_action_in_the_hosts_email_leads_to_the_booking_page(booked, host, provider):
    """An email can't post a form: a POST action (Recreate meeting) links to the booking's
    page, where its button is."""
    provider.status = LinkStatus.UNAVAILABLE
    booking = booked()
    run_queued_tasks()
    (to_host,) = to(host.email)
    assert "The Zoom meeting could not be created." in to_host.body
    assert f"Recreate meeting http://127.0.0.1:8000/360/bookings/{booking.id}" in to_host.body
    (to_invitee,) = to(INVITEE_EMAIL)
    assert "could not be created" not in to_invitee.body
    assert "Recreate meeting" not in to_invitee.body


def test_a_pending_link_holds_the_confirmation_then_it_says_the_link_follows(
    booked, provider, settings
):
    """While the link is being made the confirmation waits, re-enqueued a few seconds
    later; at the bound it goes out saying the link follows."""
    settings.LINK_WAIT_SECONDS = 20
    provider.status = LinkStatus.PENDING
    booking = booked()
    now = timezone.now()
    run_queued_tasks()
    assert mail.outbox == []
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert now < waiting.run_after <= now + timedelta(seconds=6)
    assert waiting.args_kwargs["args"][:3] == [booking.id, "booked", 0]
    deadline = waiting.args_kwargs["args"][3]
    assert timedelta(seconds=19) < (datetime.fromisoformat(deadline) - now) <= timedelta(seconds=21)

    outcome = booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=0,
        deadline=datetime.fromisoformat(deadline),
        now=datetime.fromisoformat(deadline) + timedelta(seconds=1),
    )
    assert outcome.sent
    (email,) = to(INVITEE_EMAIL)
    assert "Your Zoom link will follow in a separate email." in email.body
    assert "Join the Zoom meeting" not in email.body
    assert list(booking.emails.values_list("audience", "sequence", "awaiting_link")) == [
        ("invitee", 0, True),
        ("host", 0, True),
    ]


def test_when_the_link_is_ready_later_an_update_of_the_same_invite_carries_it(
    booked, host, provider, django_capture_on_commit_callbacks
):
    """After a confirmation that promised the link, seam.link_ready sends LINK_READY with
    the same UID, a higher SEQUENCE and the join link."""
    provider.status = LinkStatus.PENDING
    booking = booked()
    booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=0,
        now=timezone.now() + timedelta(minutes=1),
        deadline=timezone.now(),
    )
    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)  # as a provider does, in its own transaction
    DBTaskResult.objects.filter(task_path__endswith="send_booking_email").delete()
    run_queued_tasks()
    expected = [(BookingChange.BOOKED, 0), (BookingChange.LINK_READY, 1)]
    assert told(INVITEE_EMAIL) == told(host.email) == expected
    update = to(INVITEE_EMAIL)[1]
    assert invite_facts(update)["uid"] == booking.ical_uid
    assert "https://zoom.example.test/j/123" in update.body
    assert "will follow in a separate email" not in update.body
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert not booking.emails.filter(sequence=1, awaiting_link=True).exists()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)  # the same link again: nothing new to say
    run_queued_tasks()
    assert told(INVITEE_EMAIL) == told(host.email) == expected


def test_a_link_ready_within_the_bound_goes_out_with_the_confirmation(
    booked, host, provider, django_capture_on_commit_callbacks
):
    """The link arrives while the confirmation waits: the provider's commit sends the
    confirmation with it at once, without a task of its own; no update follows, and the
    waiting task later sends nothing."""
    provider.status = LinkStatus.PENDING
    booking = booked()
    run_queued_tasks()  # parks the confirmation
    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)
        assert mail.outbox == []  # not before the provider's transaction commits
    assert not DBTaskResult.objects.filter(task_path__endswith="send_link_ready_email").exists()
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    assert "https://zoom.example.test/j/123" in to(INVITEE_EMAIL)[0].body
    waiting = DBTaskResult.objects.get(task_path__endswith="send_booking_email", status="READY")
    waiting.task.call(*waiting.args_kwargs["args"])
    assert len(mail.outbox) == 2


def test_a_link_whose_announcer_dies_before_emailing_it_goes_out_with_the_waiting_confirmation(
    booked, host, provider, settings, django_capture_on_commit_callbacks
):
    """The provider's process commits the link and dies before its email goes: the task
    waiting at the bound sends the confirmation, with the link."""
    settings.LINK_WAIT_SECONDS = 20
    provider.status, provider.link_follows = LinkStatus.PENDING, True
    booking = booked()
    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        seam.link_ready(booking.id)  # committed; the process dies before its callbacks
    assert mail.outbox == []
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    deadline = datetime.fromisoformat(waiting.args_kwargs["args"][3])
    booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=0,
        deadline=deadline,
        now=deadline,
    )
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    assert "https://zoom.example.test/j/123" in to(INVITEE_EMAIL)[0].body


def test_a_provider_that_announces_its_link_has_the_confirmation_sent_by_the_announcement(
    booked, host, provider, settings, django_capture_on_commit_callbacks
):
    """No task looks for a link the provider promised to announce: the confirmation's task
    is due only at the bound, the announcement sends the confirmation with the link, and
    the task at the bound then sends nothing."""
    settings.LINK_WAIT_SECONDS = 20
    provider.status, provider.link_follows = LinkStatus.PENDING, True
    now = timezone.now()
    booking = booked()
    assert run_queued_tasks() == 0
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert timedelta(seconds=19) < waiting.run_after - now <= timedelta(seconds=21)
    deadline = datetime.fromisoformat(waiting.args_kwargs["args"][3])
    assert deadline == waiting.run_after
    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)  # the announcement sends it, once it commits
    assert run_queued_tasks() == 0  # the waiting task is due only at the bound
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    assert "https://zoom.example.test/j/123" in to(INVITEE_EMAIL)[0].body
    outcome = booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=0,
        deadline=deadline,
        now=deadline,
    )
    assert not outcome.sent
    assert outcome.retry_at is None
    assert len(mail.outbox) == 2


def test_a_promised_link_that_never_comes_is_said_to_follow_at_the_bound(
    booked, provider, settings
):
    """The task at the bound sends the confirmation saying the link follows."""
    settings.LINK_WAIT_SECONDS = 20
    provider.status, provider.link_follows = LinkStatus.PENDING, True
    booking = booked()
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    deadline = datetime.fromisoformat(waiting.args_kwargs["args"][3])
    outcome = booking_email_send(
        booking_id=booking.id,
        change=BookingChange.BOOKED,
        sequence=0,
        deadline=deadline,
        now=deadline,
    )
    assert outcome.sent
    assert "Your Zoom link will follow in a separate email." in to(INVITEE_EMAIL)[0].body


def test_a_link_that_cannot_be_made_sends_no_update(
    booked, host, provider, django_capture_on_commit_callbacks
):
    """A provider announcing that its promised link failed: the waiting confirmation goes
    out now, without a link, and no LINK_READY update follows it (an update only ever
    carries a link)."""
    provider.status, provider.link_follows = LinkStatus.PENDING, True
    booking = booked()
    provider.status = LinkStatus.UNAVAILABLE
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            seam.link_ready(booking.id)
        run_queued_tasks()
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    assert "Join the Zoom meeting" not in to(INVITEE_EMAIL)[0].body
    assert "The Zoom meeting could not be created." in to(host.email)[0].body


def test_each_change_is_emailed_once_even_if_its_task_runs_twice(event_type, host):
    """Running the same email task again sends nothing more."""
    booking = book(event_type)
    for _ in range(2):
        send_booking_email.call(booking.id, "booked", 0)
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.BOOKED, 0)]
    assert BookingToken.objects.filter(booking=booking).count() == 2


def test_a_change_overtaken_by_a_newer_one_is_not_emailed(event_type, host):
    """If the booking moved before its confirmation went out, only the newer invite goes."""
    first, later = next_free_starts(event_type, 3)[0], next_free_starts(event_type, 3)[2]
    booking = book(event_type, first)
    booking_reschedule(booking=booking, start=later)
    send_booking_email.call(booking.id, "booked", 0)
    send_booking_email.call(booking.id, "rescheduled", 1)
    assert told(INVITEE_EMAIL) == told(host.email) == [(BookingChange.RESCHEDULED, 1)]
    (email,) = to(INVITEE_EMAIL)
    assert invite_facts(email)["start"] == later
    assert email.body.count("Moved from") == 1
    booking.refresh_from_db()
    message = booking_message(
        booking=booking, change=BookingChange.RESCHEDULED, link=booking_link_for(booking)
    )
    assert message.previous_start == first


def test_cancellation_messages_carry_reason_and_who_and_no_links(event_type, host):
    """A host's cancel is emailed with the reason, marked as the host's, without links."""
    booking = booking_cancel(booking=book(event_type), reason="Sick today", by=host)
    send_booking_email.call(booking.id, "cancelled", 1)
    message = booking_message(
        booking=booking, change=BookingChange.CANCELLED, link=booking_link_for(booking)
    )
    assert (message.change, message.sequence) == (BookingChange.CANCELLED, 1)
    assert (message.cancel_reason, message.cancelled_by_host) == ("Sick today", True)
    assert told(INVITEE_EMAIL) == [(BookingChange.CANCELLED, 1)]
    (email,) = to(INVITEE_EMAIL)
    assert "Reason: Sick today" in email.body
    assert "Hana Host cancelled it." in email.body
    assert "/booking/" not in email.body
    assert not BookingToken.objects.exists()


@pytest.mark.parametrize(
    ("kind", "fields", "expected_text", "expected_url"),
    [
        (LocationKind.PHONE, {}, "Phone call: Hana Host calls +1 212 555 0100", ""),
        (
            LocationKind.IN_PERSON,
            {"location_detail": "Acme HQ, Berlin"},
            "In person: Acme HQ, Berlin",
            "",
        ),
        (
            LocationKind.CUSTOM_URL,
            {"location_detail": "https://meet.example.com/r/1"},
            "Online",
            "https://meet.example.com/r/1",
        ),
        (LocationKind.ASK_INVITEE, {}, "Café Einstein, Berlin", ""),
    ],
)
def test_each_location_kind_has_its_words_and_link(
    organization, host, kind, fields, expected_text, expected_url
):
    """Phone, in person, custom URL and the invitee's own place read as a person expects."""
    event_type = make_event_type(organization, host, slug=kind, location_kind=kind, **fields)
    booking = book(event_type, address="Café Einstein, Berlin")
    message = booking_message(
        booking=booking, change=BookingChange.BOOKED, link=booking_link_for(booking)
    )
    assert (message.location_text, message.join_url) == (expected_text, expected_url)
    send_booking_email.call(booking.id, "booked", 0)
    (email,) = to(INVITEE_EMAIL)
    assert f"Where:     {expected_text}" in email.body
    # The join line and the link under it, only for a kind that has a link.
    joins = re.findall(r"^Join the meeting:\n(.*)$", email.body, re.MULTILINE)
    assert joins == ([expected_url] if expected_url else [])
