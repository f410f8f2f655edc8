"""Every email slotlink sends, each sent by the product's own code path, read as its
recipient reads it (issue 22, "One time format per viewer"):

- no HTML entity in a plain-text part;
- one time format per recipient: every time in the subject, the text and the HTML is on the
  recipient's clock (the host chose 12-hour on their profile: all "6:00 PM"; the invitee
  booked from a German browser: all "18:00"), and every zone it names is the recipient's
  own, written one way;
- an invitee's email about a live booking has manage links, and each opens that booking's
  page.

`SCENARIOS` lists what sends each kind of email. An email's kind is the template it was
built from (core/mail.py's `templated_message`, the one mail path) and, for booking emails
and reminders, the subject's prefix and whether it went to the host or the invitee. A kind
the product can send that no scenario sends fails `test_every_kind_of_email_has_a_scenario`:
a new email template, or a new booking change, comes with its scenario here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

import slotlink
from slotlink.accounts.models import Membership, User
from slotlink.calendars.models import CalendarConnection
from slotlink.calendars.refresh import connection_refresh
from slotlink.core import mail as core_mail
from slotlink.core.times import clock_for_accept_language, zone_for
from slotlink.notifications import emails as booking_emails
from slotlink.notifications.messages import Audience, BookingChange
from slotlink.scheduling.models import Booking, EventType
from slotlink.scheduling.questions.answers import answer_for
from slotlink.scheduling.questions.services import question_add
from slotlink.scheduling.reminders.models import Reminder
from slotlink.scheduling.reminders.services import reminder_add
from slotlink.scheduling.services.bookings import booking_cancel, booking_reschedule
from slotlink.scheduling.tasks import reminders_send_due
from slotlink.zoom.models import ZoomMeeting, ZoomUser
from tests.calendars.connecting import connect
from tests.fixtures.mail_text import HTML_ENTITY, plain_text_parts
from tests.scheduling.builders import (
    book,
    make_event_type,
    make_host,
    next_free_starts,
    run_queued_tasks,
)
from tests.zoom.conftest import host, zoom  # noqa: F401  (the Zoom scenarios' fixtures)
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of
from tests.zoom.test_notices import broken
from tests.zoom.test_webinars import webinar_host

# Transactional: the Zoom scenarios' tasks run on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

BOOKING = "notifications/email/booking"
REMINDER = "notifications/email/reminder"
GUEST_INVITE = "notifications/email/guest_invite"
SESSION_MOVED = "notifications/email/session_moved"  # the host's one, for the whole session
SESSION_CANCELLED = "notifications/email/session_cancelled"  # the same, for a cancel
INVITEE = "ivy@example.test"
# Names and titles an HTML template escapes: a text part showing "&amp;" or "&#x27;" forgot
# {% autoescape off %}.
TITLE = "Intro & Q&A <call>"
INVITEE_NAME = "Ivy O'Neil & co"
HOST_NAME = 'Max "the" D\'Member'
HOST_EMAIL = "max@example.test"
# The invitee's browser language, recorded when they book: German reads a 24-hour clock.
INVITEE_LANGUAGE = "de-DE,de;q=0.9,en;q=0.8"
PASSWORD = "correct horse battery staple 7"


# --- What an email is, as its recipient reads it ------------------------------------------


@dataclass(frozen=True)
class Sent:
    email: EmailMultiAlternatives
    template: str

    @property
    def recipients(self) -> list[str]:
        return [parseaddr(address)[1].lower() for address in self.email.to]

    @property
    def to_host(self) -> bool:
        """Sent to someone with an account (a host, an admin) rather than an invitee."""
        return User.objects.filter(email__in=self.recipients).exists()

    @property
    def kind(self) -> str:
        if self.template not in (BOOKING, REMINDER):
            return self.template
        prefix = self.email.subject.split(":", 1)[0]
        return f"{self.template}: {prefix} (to the {'host' if self.to_host else 'invitee'})"

    @property
    def html(self) -> str:
        return next(
            str(body) for body, mimetype in self.email.alternatives if mimetype == "text/html"
        )

    def texts(self) -> dict[str, str]:
        """What the recipient reads, by where: the subject, each plain-text part as it went
        over the wire, and the HTML as shown (tags dropped, entities read)."""
        plain = plain_text_parts(self.email.message().as_bytes())
        shown = unescape(re.sub(r"<[^>]+>", " ", self.html))
        return {
            "subject": str(self.email.subject),
            **{f"text part {i + 1}": text for i, text in enumerate(plain)},
            "HTML": shown,
        }


@pytest.fixture
def sent(monkeypatch) -> Callable[[], list[Sent]]:
    """The emails sent so far, each with the template it was built from: core's one mail
    path renders each email's HTML with render_to_string, which this records."""
    rendered: dict[str, str] = {}
    original = core_mail.render_to_string

    def recording(template_name: str, context: Any = None, *args: Any, **kwargs: Any) -> str:
        output = original(template_name, context, *args, **kwargs)
        if template_name.endswith(".html"):
            rendered[output] = template_name.removesuffix(".html")
        return output

    monkeypatch.setattr(core_mail, "render_to_string", recording)

    def emails() -> list[Sent]:
        out = []
        for email in mail.outbox:
            html = next(
                (
                    str(b)
                    for b, mimetype in getattr(email, "alternatives", [])
                    if mimetype == "text/html"
                ),
                None,
            )
            assert html in rendered, f"{email.subject!r} was not built by core/mail.py"
            assert isinstance(email, EmailMultiAlternatives)
            out.append(Sent(email, rendered[html]))
        return out

    return emails


# --- The checks ----------------------------------------------------------------------------

URL = re.compile(r"https?://[^\s\"'<>]+")
TWELVE_HOUR = re.compile(r"\b(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s?(?:[AaPp]\.?[Mm]\b\.?)")
TWENTY_FOUR_HOUR = re.compile(r"\b(?:[01]?\d|2[0-4]):[0-5]\d\b(?!\s?[AaPp]\.?[Mm]\b)")
ZONE = re.compile(r"\b(?:[A-Z][A-Za-z]+/[A-Z][A-Za-z_\-]+(?:/[A-Z][A-Za-z_\-]+)?|UTC|GMT)\b")


def clocks_of(text: str) -> set[str]:
    text = URL.sub(" ", text)
    clocks = set()
    if TWELVE_HOUR.search(text):
        clocks.add(f"12-hour ({TWELVE_HOUR.search(text).group(0)!r})")  # type: ignore[union-attr]
    if TWENTY_FOUR_HOUR.search(text):
        clocks.add(f"24-hour ({TWENTY_FOUR_HOUR.search(text).group(0)!r})")  # type: ignore[union-attr]
    return clocks


def recipient_zone(sent: Sent) -> str | None:
    """The zone the recipient reads times in: their profile's, or the one they booked in."""
    zones = set(User.objects.filter(email__in=sent.recipients).values_list("time_zone", flat=True))
    if not sent.to_host:
        zones |= set(
            Booking.objects.filter(invitee_email__in=sent.recipients).values_list(
                "invitee_time_zone", flat=True
            )
        )
    return zone_for(zones.pop())[1] if len(zones) == 1 else None


def recipient_clock(sent: Sent) -> str:
    """The clock the recipient reads, as the scenarios set it up: the host chose 12-hour on
    their profile (and reads it at their old address too), the invitee's browser said
    German when they booked; anyone else has said nothing, so reads the default 24-hour."""
    host_addresses = {HOST_EMAIL, "max.new@example.test"}
    return "12-hour" if host_addresses & set(sent.recipients) else "24-hour"


def one_time_format(sent: Sent) -> list[str]:
    """What breaks "one time format per recipient" in this email, in words."""
    problems = []
    texts = sent.texts()
    clocks = {
        clock.split(" ")[0]: (where, clock)
        for where, text in texts.items()
        for clock in clocks_of(text)
    }
    if len(clocks) > 1:
        problems.append(f"times on two clocks: {sorted(clocks.values())}")
    wanted = recipient_clock(sent)
    if set(clocks) - {wanted}:
        problems.append(f"times not on the recipient's {wanted} clock: {sorted(clocks.values())}")
    zone = recipient_zone(sent)
    written = {
        name: where for where, text in texts.items() for name in ZONE.findall(URL.sub(" ", text))
    }
    if len(written) > 1:
        problems.append(f"zone written more than one way: {written}")
    if zone is not None and written and set(written) != {zone}:
        problems.append(f"zone {sorted(written)} is not the recipient's {zone}")
    return problems


def plain_text_entities(sent: Sent) -> list[str]:
    parts = plain_text_parts(sent.email.message().as_bytes())
    return [entity for text in parts for entity in HTML_ENTITY.findall(text)]


def manage_links(sent: Sent) -> set[str]:
    """The links to the invitee's own pages for their booking, in the text and the HTML."""
    found = set()
    for text in (*plain_text_parts(sent.email.message().as_bytes()), unescape(sent.html)):
        for url in URL.findall(text):
            path = re.sub(r"^https?://[^/]+", "", url)
            if path.startswith("/booking/"):
                found.add(path)
    return found


def broken_manage_links(sent: Sent) -> list[str]:
    """For an invitee's email about a live booking: what is wrong with its manage links."""
    (booking,) = Booking.objects.filter(
        invitee_email__in=sent.recipients, status=Booking.Status.CONFIRMED
    ).order_by("-id")[:1] or [None]
    if booking is None:
        return []  # about a cancelled booking: nothing to manage
    links = manage_links(sent)
    problems = (
        []
        if {"reschedule", "cancel"} <= {p.rsplit("/", 1)[-1] for p in links}
        else [f"reschedule and cancel links missing, found {sorted(links)}"]
    )
    for path in sorted(links):
        page = Client().get(path)
        shown = unescape(page.content.decode())
        if page.status_code != 200 or booking.event_type.title not in shown:
            problems.append(
                f"{path} answers {page.status_code} without {booking.event_type.title!r}"
            )
    return problems


def checked(emails: list[Sent]) -> dict[str, list[str]]:
    """Each email's problems, by kind and recipient; empty when all read right."""
    problems: dict[str, list[str]] = {}
    for one in emails:
        found = one_time_format(one)
        entities = plain_text_entities(one)
        if entities:
            found.append(f"HTML entities in the plain text: {entities}")
        if one.template in (BOOKING, REMINDER) and not one.to_host:
            live = one.email.subject.split(":", 1)[0] != "Cancelled"
            if live:
                found += broken_manage_links(one)
        if found:
            problems[f"{one.kind} to {one.recipients}"] = found
    return problems


# --- The scenarios: what the product does that sends each kind of email -------------------


@dataclass
class World:
    """What a scenario may use: the organization's people and a Django client for each."""

    request: pytest.FixtureRequest
    organization: Any
    host: User
    host_client: Client

    def event_type(self, **fields: Any) -> EventType:
        fields.setdefault("slug", f"call-{EventType.objects.count() + 1}")
        fields.setdefault("title", TITLE)
        return make_event_type(self.organization, self.host, **fields)

    def booked(self, event_type: EventType, start: Any = None, **fields: str) -> Booking:
        """A booking whose own emails went; the outbox is left empty."""
        fields.setdefault("name", INVITEE_NAME)
        booking = book_by_invitee(event_type, start, **fields)
        run_queued_tasks()
        mail.outbox.clear()
        return booking


def book_by_invitee(event_type: EventType, start: Any = None, **fields: str) -> Booking:
    """A booking made from a browser whose language is INVITEE_LANGUAGE (German)."""
    clock = clock_for_accept_language(INVITEE_LANGUAGE)
    return book(event_type, start, clock=clock or "", **fields)


def booking_made(world: World) -> None:
    book_by_invitee(world.event_type(), name=INVITEE_NAME)
    run_queued_tasks()


def invitee_reschedules(world: World) -> None:
    event_type = world.event_type()
    booking = world.booked(event_type)
    booking_reschedule(booking=booking, start=next_free_starts(event_type, 3)[2])
    run_queued_tasks()


def invitee_cancels(world: World) -> None:
    booking = world.booked(world.event_type())
    booking_cancel(booking=booking, reason="Something came up")
    run_queued_tasks()


def an_invitee_brings_answers_and_guests(world: World) -> None:
    """The host's email lists the answers; each guest gets the invitee's emails as a guest:
    the booking, its new time and its cancellation."""
    event_type = world.event_type()
    talk = question_add(
        event_type=event_type, kind="long_text", label="Topic & goals?", required=True, options=[]
    )
    booking = book(
        event_type,
        name=INVITEE_NAME,
        answers=(answer_for(talk, 'Q&A <prep> & "pricing"'),),
        guests=("ann@example.test", "bo@example.test"),
    )
    run_queued_tasks()
    booking_reschedule(booking=booking, start=next_free_starts(event_type, 3)[2])
    run_queued_tasks()
    booking_cancel(booking=booking, reason="Something came up")
    run_queued_tasks()


def host_reschedules(world: World) -> None:
    event_type = world.event_type()
    booking = world.booked(event_type)
    start = next_free_starts(event_type, 3)[2]
    response = world.host_client.post(
        f"/360/bookings/{booking.id}/reschedule",
        {"start": start.isoformat(), "time_zone": "UTC", "message": "A clash came up."},
    )
    assert response.status_code == 302
    run_queued_tasks()


def host_cancels(world: World) -> None:
    booking = world.booked(world.event_type())
    booking_cancel(booking=booking, by=world.host, reason="I'm ill")
    run_queued_tasks()


def group_session(world: World) -> EventType:
    return world.event_type(kind=EventType.Kind.GROUP, seats_per_session=3)


def host_moves_a_whole_session(world: World) -> None:
    workshop = group_session(world)
    first, later = next_free_starts(workshop, 5)[0], next_free_starts(workshop, 5)[4]
    ivy = world.booked(workshop, first)
    world.booked(workshop, first, email="bob@example.test", name="Bob Second")
    response = world.host_client.post(
        f"/360/sessions/{ivy.session_id}/reschedule",
        {"start": later.isoformat(), "time_zone": "UTC", "message": "Moved for the room."},
    )
    assert response.status_code == 302
    run_queued_tasks()


def host_cancels_a_whole_session(world: World) -> None:
    workshop = group_session(world)
    first = next_free_starts(workshop)[0]
    ivy = world.booked(workshop, first)
    world.booked(workshop, first, email="bob@example.test", name="Bob Second")
    response = world.host_client.post(
        f"/360/sessions/{ivy.session_id}/cancel", {"reason": "The room is flooded."}
    )
    assert response.status_code == 302
    run_queued_tasks()


def host_moves_one_seat(world: World) -> None:
    workshop = group_session(world)
    first, second = next_free_starts(workshop, 3)[0:3:2]
    ivy = world.booked(workshop, first)
    world.booked(workshop, first, email="bob@example.test", name="Bob Second")
    response = world.host_client.post(
        f"/360/bookings/{ivy.id}/reschedule", {"start": second.isoformat(), "time_zone": "UTC"}
    )
    assert response.status_code == 302
    run_queued_tasks()


def reminders_go(world: World) -> None:
    event_type = world.event_type()
    for minutes, to_host in ((60, True),):
        reminder = reminder_add(event_type=event_type, minutes_before=minutes, to_host=to_host)
        Reminder.objects.filter(pk=reminder.pk).update(
            created_at=timezone.now() - timedelta(days=30)
        )
    # Booked well before its reminder is due (the first free start + 3 h may be past the
    # host's hours: this failed in the evening).
    soon = timezone.now() + timedelta(hours=3)
    start = next(start for start in next_free_starts(event_type, 20) if start > soon)
    booking = world.booked(event_type, start)
    reminders_send_due(now=booking.start - timedelta(minutes=59))
    run_queued_tasks()


def bookings_refused(world: World) -> None:
    event_type = world.event_type()

    def post(start: Any) -> int:
        return (
            Client(REMOTE_ADDR="203.0.113.66", HTTP_ACCEPT_LANGUAGE=INVITEE_LANGUAGE)
            .post(
                f"/book/{world.organization.slug}/{event_type.slug}",
                {
                    "start": start.isoformat(),
                    "time_zone": "Europe/Berlin",
                    "name": INVITEE_NAME,
                    "email": INVITEE,
                    "phone": "+1 212 555 0100",
                },
            )
            .status_code
        )

    *allowed, refused = next_free_starts(event_type, 4)
    assert [post(start) for start in allowed] == [302] * 3
    run_queued_tasks()
    mail.outbox.clear()  # the bookings' own emails
    assert post(refused) == 429  # a fourth from one email in an hour
    run_queued_tasks()


def admin_invites(world: World) -> None:
    admin = world.request.getfixturevalue("admin_client")
    response = admin.post("/360/members/invite", {"email": "nia@example.test", "role": "member"})
    assert response.status_code in (200, 302)
    run_queued_tasks()


def member_changes_email(world: World) -> None:
    response = world.host_client.post(
        "/360/profile",
        {
            "full_name": world.host.full_name,
            "email": "max.new@example.test",
            "time_zone": world.host.time_zone,
            "time_format": "12",
            "current_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    run_queued_tasks()


def password_reset_asked(world: World) -> None:
    Client(REMOTE_ADDR="203.0.113.7").post("/password/reset", {"email": world.host.email})
    run_queued_tasks()


def sign_up(email: str) -> dict[str, str]:
    return {
        "name": "Initech",
        "slug": "",
        "full_name": "Bill Lumbergh",
        "email": email,
        "time_zone": "America/Chicago",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def someone_signs_up(world: World) -> None:
    world.request.getfixturevalue("settings").ALLOW_SIGNUP = True
    assert Client().post("/signup", sign_up("bill@initech.test")).status_code == 302
    run_queued_tasks()


def someone_signs_up_with_an_account_email(world: World) -> None:
    world.request.getfixturevalue("settings").ALLOW_SIGNUP = True
    assert Client().post("/signup", sign_up(world.host.email)).status_code == 302
    run_queued_tasks()


def the_host_leaves_and_a_colleague_takes_over(world: World) -> None:
    colleague = make_host(world.organization, full_name="Cole O'Colleague", time_zone="Asia/Tokyo")
    booking = world.booked(world.event_type())
    admin = world.request.getfixturevalue("admin_client")
    membership = Membership.objects.get(user=world.host, organization=world.organization)
    response = admin.post(
        f"/360/members/{membership.id}/remove", {f"booking_{booking.id}": str(colleague.id)}
    )
    assert response.status_code == 302
    run_queued_tasks()


def a_calendar_connection_breaks(world: World) -> None:
    """The host's CalDAV server (Radicale) stops taking the stored password."""
    server = world.request.getfixturevalue("radicale_server")
    world.request.getfixturevalue("settings").ALLOW_PRIVATE_NETWORKS = True  # on loopback
    membership = Membership.objects.get(user=world.host, organization=world.organization)
    server.new_calendar("Work")
    connection = connect(server, membership)
    run_queued_tasks()  # its first refresh
    mail.outbox.clear()
    CalendarConnection.objects.update(password="revoked")
    connection_refresh(connection_id=connection.id)  # the periodic refresh's work
    run_queued_tasks()


def zoom_host(world: World) -> ZoomHost:
    """The host with their own Zoom connected (the sandbox) and a Zoom event type."""
    zoom_host: ZoomHost = world.request.getfixturevalue("host")
    return zoom_host


def the_zoom_link_comes_late(world: World) -> None:
    zoomed = zoom_host(world)
    book_by_invitee(zoomed.event_type, name=INVITEE_NAME)
    drain(only="send_booking_email")  # the confirmation went before Zoom answered
    mail.outbox.clear()
    drain(only="zoom_meeting_sync")
    drain()


def a_zoom_connection_breaks(world: World) -> None:
    zoomed = zoom_host(world)
    broken(world.request.getfixturevalue("zoom"), zoomed.zoom_user)
    drain()


def a_zoom_meeting_fails(world: World) -> None:
    zoomed = zoom_host(world)
    zoom_sandbox = world.request.getfixturevalue("zoom")
    zoom_sandbox.revoke_tokens(zoomed.zoom_user["id"])
    ZoomUser.objects.update(access_expires_at="2000-01-01T00:00:00Z")
    booking = book_by_invitee(zoomed.event_type, name=INVITEE_NAME)
    drain(only="zoom_meeting_sync")
    assert meeting_of(booking).state == ZoomMeeting.State.FAILED
    drain()


def webinar_registrations(world: World) -> None:
    """An invitee registers for a Zoom webinar session, moves to another, then cancels."""
    fixture = world.request.getfixturevalue
    webinar = webinar_host(
        fixture("zoom"), world.organization, fixture("member_membership"), fixture("settings")
    ).event_type
    first, later = next_free_starts(webinar, 5)[0], next_free_starts(webinar, 5)[4]
    booking = book_by_invitee(webinar, first, name=INVITEE_NAME)
    drain()
    booking_reschedule(booking=booking, start=later)
    drain()
    booking.refresh_from_db()
    booking_cancel(booking=booking)
    drain()


def to_invitee(template: str, prefix: str) -> str:
    return f"{template}: {prefix} (to the invitee)"


def to_host(template: str, prefix: str) -> str:
    return f"{template}: {prefix} (to the host)"


BOOKED = {to_invitee(BOOKING, "Confirmed"), to_host(BOOKING, "New booking")}
MOVED = {to_invitee(BOOKING, "Updated"), to_host(BOOKING, "Rescheduled")}
CANCELLED = {to_invitee(BOOKING, "Cancelled"), to_host(BOOKING, "Cancelled")}

WEBINAR_INVITEE = {
    to_invitee(BOOKING, p) for p in ("Confirmed", "Zoom webinar link for", "Updated", "Cancelled")
}

# Each scenario and the kinds of email it sends.
SCENARIOS: dict[str, tuple[Callable[[World], None], set[str]]] = {
    "an invitee books": (booking_made, BOOKED),
    "the invitee reschedules": (invitee_reschedules, MOVED),
    "the invitee cancels": (invitee_cancels, CANCELLED),
    "an invitee brings answers and guests": (
        an_invitee_brings_answers_and_guests,
        BOOKED | MOVED | CANCELLED | {GUEST_INVITE},
    ),
    "the host reschedules": (host_reschedules, MOVED),
    "the host cancels": (host_cancels, CANCELLED),
    "the host moves a whole session": (
        host_moves_a_whole_session,
        {to_invitee(BOOKING, "Updated"), SESSION_MOVED},
    ),
    "the host cancels a whole session": (
        host_cancels_a_whole_session,
        {to_invitee(BOOKING, "Cancelled"), SESSION_CANCELLED},
    ),
    "the host moves one seat": (
        host_moves_one_seat,
        MOVED | {to_host(BOOKING, "Seat freed")},
    ),
    "reminders go": (
        reminders_go,
        {to_invitee(REMINDER, "Reminder"), to_host(REMINDER, "Reminder")},
    ),
    "the host leaves and a colleague takes over": (
        the_host_leaves_and_a_colleague_takes_over,
        {to_invitee(BOOKING, "New host"), to_host(BOOKING, "Now yours")},
    ),
    "a calendar connection breaks": (
        a_calendar_connection_breaks,
        {"calendars/email/connection_broken"},
    ),
    "the Zoom link comes late": (
        the_zoom_link_comes_late,
        {to_invitee(BOOKING, "Zoom link for"), to_host(BOOKING, "Zoom link for")},
    ),
    "a Zoom connection breaks": (a_zoom_connection_breaks, {"zoom/email/connection_broken"}),
    "a Zoom meeting fails": (
        a_zoom_meeting_fails,
        BOOKED | {"zoom/email/connection_broken", "zoom/email/meeting_problem"},
    ),
    "an invitee registers for a webinar, moves and cancels": (
        webinar_registrations,
        {
            *WEBINAR_INVITEE,
            to_host(BOOKING, "New registration"),
            to_host(BOOKING, "Registered"),
            to_host(BOOKING, "Registration moved"),
            to_host(BOOKING, "Registration cancelled"),
            to_host(BOOKING, "Seat freed"),  # the first session, left
        },
    ),
    "bookings are refused": (bookings_refused, {"scheduling/email/bookings_refused"}),
    "an admin invites": (admin_invites, {"accounts/email/invitation"}),
    "a member changes their email": (member_changes_email, {"accounts/email/email_changed"}),
    "a password reset is asked": (password_reset_asked, {"accounts/email/password_reset"}),
    "someone signs up": (someone_signs_up, {"accounts/email/signup_finish"}),
    "someone signs up with an account's email": (
        someone_signs_up_with_an_account_email,
        {"accounts/email/signup_existing"},
    ),
}


@pytest.fixture
def world(request, organization, member_membership) -> World:
    user = member_membership.user
    user.email = HOST_EMAIL
    user.time_zone = "Europe/Berlin"
    user.time_format = "12"  # the host's profile choice: 12-hour, whatever their browser says
    user.full_name = HOST_NAME
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    client.force_login(user)
    mail.outbox.clear()
    return World(request=request, organization=organization, host=user, host_client=client)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_each_email_reads_right_for_its_recipient(scenario, world, sent):
    """The scenario sends exactly its kinds of email, and each has no HTML entity in its
    plain text, times on one clock in the recipient's zone written one way, and, for an
    invitee's email about a live booking, reschedule and cancel links that open it."""
    run, kinds = SCENARIOS[scenario]
    run(world)
    emails = sent()
    assert {one.kind for one in emails} == kinds
    assert checked(emails) == {}


def product_kinds() -> set[str]:
    """Every kind of email the product can send: each email template, and each booking
    change told to each party (notifications/emails.py's own tables)."""
    root = Path(slotlink.__file__).parent
    templates = {
        str(path.relative_to(path.parents[2])).removesuffix(".html")
        for path in root.glob("*/templates/*/email/*.html")
        if not path.name.startswith("_")  # a part that emails include, not an email
    }
    kinds = templates - {BOOKING, REMINDER}
    for audience, prefixes in booking_emails._SUBJECT_PREFIXES.items():
        place = to_invitee if audience == Audience.INVITEE else to_host
        kinds |= {place(BOOKING, prefix) for prefix in prefixes.values()}
    kinds |= {to_host(BOOKING, p) for p in booking_emails._REGISTRATION_SUBJECT_PREFIXES.values()}
    kinds |= {to_invitee(BOOKING, "Zoom link for"), to_host(BOOKING, "Zoom link for")}
    kinds |= {to_invitee(BOOKING, "Zoom webinar link for")}
    kinds |= {to_host(BOOKING, "Seat freed")}
    kinds |= {to_invitee(REMINDER, "Reminder"), to_host(REMINDER, "Reminder")}
    assert BookingChange.LEFT_SESSION not in booking_emails._SUBJECT_PREFIXES[Audience.HOST]
    return kinds


def covered() -> set[str]:
    return set().union(*(kinds for _, kinds in SCENARIOS.values()))


def test_every_kind_of_email_has_a_scenario():
    """Every kind of email the product sends is sent, and checked, by a scenario here: a new
    template or booking change without one fails."""
    assert covered() == product_kinds()
