"""What scheduling hands to notifications, and when: each change once, the conferencing link
waited for briefly (the architecture's step 6), then followed by an update that carries it."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.notifications.messages import BookingChange
from slotlink.scheduling.models import BookingToken, EventType, LocationKind
from slotlink.scheduling.services import emails
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.services.emails import booking_email_send
from slotlink.scheduling.tasks import EMAIL_ATTEMPTS, send_booking_email
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom_event_type(organization, host):
    return make_event_type(
        organization, host, slug="zoom", location_kind=LocationKind.ZOOM, description="Agenda"
    )


@pytest.fixture
def booked(zoom_event_type, django_capture_on_commit_callbacks):
    """Book the Zoom event type, with its email task enqueued (not yet run)."""

    def make(**fields: str):
        with django_capture_on_commit_callbacks(execute=True):
            return book(zoom_event_type, **fields)

    return make


def test_the_message_carries_the_booking_as_notifications_needs_it(booked, sent, host, provider):
    """Times, people with their zones, the title, the invite's UID and SEQUENCE, the join
    link and passcode from the seam, absolute links, and the organization."""
    booking = booked(name="Ivy Invitee", email="ivy@example.test")
    run_queued_tasks()
    (message,) = sent
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
    assert message.reschedule_url.startswith("http://127.0.0.1:8000/booking/")
    assert message.reschedule_url.endswith("/reschedule")
    assert message.cancel_url.endswith("/cancel")
    assert message.organization_id == booking.organization_id


def test_without_a_provider_a_zoom_booking_succeeds_and_says_why_there_is_no_link(booked, sent):
    """No conferencing provider is registered: the booking stands, and the message says why
    it has no link."""
    booked()
    run_queued_tasks()
    (message,) = sent
    assert (message.location_text, message.join_url) == ("Zoom", "")
    assert message.link_status_note == "No Zoom link: Zoom isn't set up for this organization yet."


def test_the_seam_hears_of_every_change_inside_the_booking_transaction(zoom_event_type, provider):
    """Created, rescheduled and cancelled reach the provider with the booking's reference."""
    first, later = next_free_starts(zoom_event_type, 3)[0], next_free_starts(zoom_event_type, 3)[2]
    booking = book(zoom_event_type, first)
    booking_reschedule(booking=booking, start=later)
    booking_cancel(booking=booking)
    assert [kind for kind, _ in provider.calls] == ["created", "rescheduled", "cancelled"]
    ref = provider.calls[1][1]
    assert (ref.booking_id, ref.host_id, ref.title, ref.duration_minutes) == (
        booking.id,
        booking.host_id,
        "Intro call",
        30,
    )
    assert ref.start_iso == later.isoformat()
    assert ref.group_session_id is None  # one-on-one


def test_bookings_of_one_group_session_reach_the_seam_with_that_session(
    organization, host, provider
):
    """Seats of one group session share its id in the seam (one webinar, a registrant each)."""
    group = make_event_type(
        organization,
        host,
        kind=EventType.Kind.GROUP,
        seats_per_session=3,
        slug="zoom-group",
        location_kind=LocationKind.ZOOM,
    )
    start = next_free_starts(group)[0]
    first = book(group, start, email="one@example.test")
    second = book(group, start, email="two@example.test")
    refs = [ref for kind, ref in provider.calls if kind == "created"]
    assert [ref.booking_id for ref in refs] == [first.id, second.id]
    assert refs[0].group_session_id == refs[1].group_session_id == first.session_id
    assert first.session_id is not None


def test_other_locations_never_reach_the_seam(event_type, provider, sent):
    """A phone call is no conferencing location: no provider call, its own words."""
    book(event_type, phone="+49 30 1234567")
    assert provider.calls == []


def test_a_pending_link_holds_the_confirmation_then_it_says_the_link_follows(
    booked, sent, provider, settings
):
    """While the link is being made the confirmation waits, re-enqueued a few seconds
    later; at the bound it goes out saying the link follows."""
    settings.LINK_WAIT_SECONDS = 20
    provider.status = LinkStatus.PENDING
    booking = booked()
    now = timezone.now()
    run_queued_tasks()
    assert sent == []
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
    (message,) = sent
    assert message.join_url == ""
    assert message.link_status_note == "Your Zoom link will follow in a separate email."
    booking.refresh_from_db()
    assert booking.awaiting_link


def test_when_the_link_is_ready_later_an_update_of_the_same_invite_carries_it(
    booked, sent, provider, django_capture_on_commit_callbacks
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
    assert [(m.change, m.sequence) for m in sent] == [
        (BookingChange.BOOKED, 0),
        (BookingChange.LINK_READY, 1),
    ]
    update = sent[1]
    assert (update.uid, update.join_url, update.link_status_note) == (
        booking.ical_uid,
        "https://zoom.example.test/j/123",
        "",
    )
    booking.refresh_from_db()
    assert (booking.sequence, booking.awaiting_link) == (1, False)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)  # the same link again: nothing new to say
    run_queued_tasks()
    assert len(sent) == 2


def test_a_link_ready_within_the_bound_goes_out_with_the_confirmation(
    booked, sent, provider, django_capture_on_commit_callbacks
):
    """The link arrives while the confirmation waits: the confirmation carries it at once,
    no update follows, and the waiting task later sends nothing."""
    provider.status = LinkStatus.PENDING
    booking = booked()
    run_queued_tasks()  # parks the confirmation
    provider.status = LinkStatus.READY
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        seam.link_ready(booking.id)
    ready = DBTaskResult.objects.filter(task_path__endswith="send_link_ready_email")
    assert ready.count() == 1
    send_link = ready.get()
    send_link.task.call(*send_link.args_kwargs["args"])
    assert [(m.change, m.sequence, m.join_url) for m in sent] == [
        (BookingChange.BOOKED, 0, "https://zoom.example.test/j/123")
    ]
    waiting = DBTaskResult.objects.get(task_path__endswith="send_booking_email", status="READY")
    waiting.task.call(*waiting.args_kwargs["args"])
    assert len(sent) == 1


def test_each_change_is_emailed_once_even_if_its_task_runs_twice(event_type, sent):
    """Running the same email task again sends nothing more."""
    booking = book(event_type)
    for _ in range(2):
        send_booking_email.call(booking.id, "booked", 0)
    assert len(sent) == 1
    assert BookingToken.objects.filter(booking=booking).count() == 2


def test_a_change_overtaken_by_a_newer_one_is_not_emailed(event_type, sent):
    """If the booking moved before its confirmation went out, only the newer invite goes."""
    first, later = next_free_starts(event_type, 3)[0], next_free_starts(event_type, 3)[2]
    booking = book(event_type, first)
    booking_reschedule(booking=booking, start=later)
    send_booking_email.call(booking.id, "booked", 0)
    send_booking_email.call(booking.id, "rescheduled", 1)
    assert [(m.change, m.sequence, m.start) for m in sent] == [
        (BookingChange.RESCHEDULED, 1, later)
    ]
    assert sent[0].previous_start == first


def test_a_mail_server_failure_is_retried_later_and_finally_fails_visibly(
    event_type, monkeypatch, sent
):
    """When the mail server refuses, nothing counts as sent and no minted link stays valid;
    the task comes back 30 s later (then 1, 2, 4 minutes), and the last attempt fails."""

    def refused(message):
        raise ConnectionRefusedError("mail server down")

    booking = book(event_type)
    monkeypatch.setattr(emails, "deliver", refused)
    before = timezone.now()
    send_booking_email.call(booking.id, "booked", 0)
    booking.refresh_from_db()
    assert booking.notified_sequence == -1
    assert not BookingToken.objects.exists()
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs["args"] == [booking.id, "booked", 0, "", 2]
    assert before + timedelta(seconds=29) < retry.run_after < before + timedelta(seconds=32)
    with pytest.raises(ConnectionRefusedError):
        send_booking_email.call(booking.id, "booked", 0, "", EMAIL_ATTEMPTS)
    monkeypatch.setattr(emails, "deliver", sent.append)
    retry.task.call(*retry.args_kwargs["args"])
    assert len(sent) == 1


def test_a_message_notifications_cannot_render_is_not_retried(event_type, monkeypatch):
    """Bad data won't get better by waiting: the task fails at once."""

    def unrenderable(message):
        raise ValueError("naive datetime")

    booking = book(event_type)
    monkeypatch.setattr(emails, "deliver", unrenderable)
    with pytest.raises(ValueError, match="naive datetime"):
        send_booking_email.call(booking.id, "booked", 0)
    assert not DBTaskResult.objects.exists()


def test_cancellation_messages_carry_reason_and_who_and_no_links(event_type, host, sent):
    """A host's cancel is emailed with the reason, marked as the host's, without links."""
    booking = book(event_type)
    booking_cancel(booking=booking, reason="Sick today", by=host)
    send_booking_email.call(booking.id, "cancelled", 1)
    (message,) = sent
    assert (message.change, message.sequence) == (BookingChange.CANCELLED, 1)
    assert (message.cancel_reason, message.cancelled_by_host) == ("Sick today", True)
    assert (message.reschedule_url, message.cancel_url) == ("", "")


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
    organization, host, sent, kind, fields, expected_text, expected_url
):
    """Phone, in person, custom URL and the invitee's own place read as a person expects."""
    event_type = make_event_type(organization, host, slug=kind, location_kind=kind, **fields)
    booking = book(event_type, address="Café Einstein, Berlin")
    send_booking_email.call(booking.id, "booked", 0)
    (message,) = sent
    assert (message.location_text, message.join_url) == (expected_text, expected_url)
