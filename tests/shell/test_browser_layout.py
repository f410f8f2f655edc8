"""Every page a host and an invitee see keeps its layout with the longest names, titles and
emails the product takes, in right-to-left scripts mixed with Latin (issue 22, "Reading
right"): at 1280 and at 390 pixels wide nothing sticks out sideways, and every typed title,
name and email is isolated (`dir`, `<bdi>`) from the words around it."""

from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from slotlink.accounts.models import Membership, Organization, User
from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.services.bookings import booking_cancel
from slotlink.scheduling.tokens import token_mint
from slotlink.scheduling.views.public import confirmation_url
from tests.factories import make_member
from tests.fixtures.browser import off_the_browser_thread
from tests.scheduling.builders import book, make_event_type, next_free_starts, run_queued_tasks
from tests.shell.page_checks import NOT_ISOLATED, OVERFLOW

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 390)


def longest(text: str, limit: int) -> str:
    """`text` repeated up to a field's limit (its model's max_length), cut to a space."""
    repeated = (text + " ") * (limit // (len(text) + 1) + 1)
    return repeated[:limit].rstrip() if repeated[limit] != " " else repeated[:limit]


def long_email(local: str, limit: int = 254) -> str:
    """An address of exactly `limit` characters: one unbroken string, in labels of at
    most 63 characters as DNS allows."""
    domain_length = limit - len(local) - 1 - len(".test")
    labels = []
    while domain_length > 0:
        label = min(63, domain_length)
        labels.append("d" * label)
        domain_length -= label + 1
    domain = ".".join(labels)
    return f"{local}@{domain}.test"


def field_limit(model: type, name: str) -> int:
    limit = model._meta.get_field(name).max_length
    assert limit is not None
    return int(limit)


ORGANIZATION = longest("مؤسسة النور Acme Consulting", field_limit(Organization, "name"))
HOST_NAME = longest("דנה כהן Dana Cohen", field_limit(User, "full_name"))
HOST_EMAIL = long_email("dana.cohen", field_limit(User, "email"))
TITLE = longest(
    "פגישת היכרות Introduction Supercalifragilisticexpialidocious", field_limit(EventType, "title")
)
DESCRIPTION = longest("اجتماع تعارف قصير Short introduction", 600)
COLLEAGUE_NAME = longest("يوسف منصور Yusuf Mansour", field_limit(User, "full_name"))
COLLEAGUE_EMAIL = long_email("yusuf.mansour", field_limit(User, "email"))
INVITEE_NAME = longest("ليلى حداد Layla Haddad", field_limit(Booking, "invitee_name"))
INVITEE_EMAIL = long_email("layla.haddad", field_limit(Booking, "invitee_email"))
REASON = "عذراً، لدي موعد آخر Sorry, another appointment"
TYPED = [
    REASON,
    ORGANIZATION,
    HOST_NAME,
    HOST_EMAIL,
    COLLEAGUE_NAME,
    COLLEAGUE_EMAIL,
    TITLE,
    DESCRIPTION,
    INVITEE_NAME,
    INVITEE_EMAIL,
]


@dataclass(frozen=True)
class Pages:
    session: str
    paths: list[str]
    emails: list[str]  # the HTML of each email the bookings sent


def long_and_right_to_left() -> Pages:
    """An organization, its admin host and an event type with the longest names, title and
    emails, in Hebrew and Arabic mixed with Latin; a booking by such an invitee; and the
    pages each of them sees."""
    organization = Organization.objects.create(name=ORGANIZATION, slug="nur")
    membership = make_member(
        organization,
        role=Membership.Role.ADMIN,
        email=HOST_EMAIL,
        full_name=HOST_NAME,
        time_zone="Asia/Jerusalem",
    )
    host = membership.user
    # a colleague who could take the host's bookings (the host's removal page names them)
    make_member(organization, email=COLLEAGUE_EMAIL, full_name=COLLEAGUE_NAME)
    event_type = make_event_type(
        organization, host, title=TITLE, slug="intro", description=DESCRIPTION
    )
    booking = book(event_type, name=INVITEE_NAME, email=INVITEE_EMAIL)
    cancelled = book(event_type, next_free_starts(event_type, 2)[1], name=INVITEE_NAME)
    booking_cancel(booking=cancelled, reason=REASON)
    mail.outbox.clear()
    run_queued_tasks()
    emails = [
        str(body)
        for email in mail.outbox
        for body, mimetype in getattr(email, "alternatives", [])
        if mimetype == "text/html"
    ]
    reschedule = token_mint(booking=booking, purpose=BookingToken.Purpose.RESCHEDULE)
    cancel = token_mint(booking=booking, purpose=BookingToken.Purpose.CANCEL)
    client = Client()
    client.force_login(host)
    return Pages(
        session=client.cookies["sessionid"].value,
        emails=emails,
        paths=[
            # the invitee's
            reverse("book-organization", args=[organization.slug]),
            reverse("book", args=[organization.slug, event_type.slug]),
            confirmation_url(booking),
            reverse("booking-reschedule", args=[reschedule]),
            reverse("booking-cancel", args=[cancel]),
            # the host's
            reverse("events"),
            reverse("event-new"),
            reverse("event-edit", args=[event_type.id]),
            reverse("event-limits", args=[event_type.id]),
            reverse("event-reminders", args=[event_type.id]),
            reverse("event-share", args=[event_type.id]),
            reverse("event-questions", args=[event_type.id]),
            reverse("availability"),
            reverse("integrations"),
            reverse("zoom"),
            reverse("calendars"),
            reverse("bookings"),
            reverse("booking-detail", args=[booking.id]),
            reverse("booking-host-reschedule", args=[booking.id]),
            reverse("booking-blocks"),
            reverse("members"),
            reverse("invite"),
            reverse("member-detail", args=[membership.id]),
            reverse("member-remove", args=[membership.id]),
            reverse("profile"),
        ],
    )


def test_every_page_keeps_its_layout_and_isolates_typed_text(live_server, page):
    """At 1280 and 390 px, no page with the longest right-to-left and mixed names, title
    and emails is wider than the window or has an element sticking out of it, and each
    typed text is isolated in an element of its own (dir="auto" or <bdi>), on the pages
    and in the HTML of the booking and cancellation emails."""
    pages = off_the_browser_thread(long_and_right_to_left)
    page.context.add_cookies(
        [{"name": "sessionid", "value": pages.session, "url": live_server.url}]
    )
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages.paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.ok, f"{path}: {response.status}"
            for problem in page.evaluate(OVERFLOW):
                problems.append(f"{width}px {path}: {problem}")
            if width == WIDTHS[0]:
                for problem in page.evaluate(NOT_ISOLATED, TYPED):
                    problems.append(f"{path}: {problem}")
    assert len(pages.emails) == 4  # booked and cancelled, to the invitee and the host
    reader = page.context.new_page()  # an email is no page of slotlink's, under no CSP
    for number, html in enumerate(pages.emails, start=1):
        reader.set_content(html)
        for problem in reader.evaluate(NOT_ISOLATED, TYPED):
            problems.append(f"email {number}: {problem}")
    assert not problems, "\n".join(problems)


def test_a_title_past_its_limit_is_counted_and_refused_not_cut(live_server, page):
    """Pasting a title 10 characters past its limit keeps all of it in the field (no
    maxlength cuts it), the field says "10 characters over: 130 / 120" as it is typed, and
    saving is refused in the same words, with nothing saved and the title kept to shorten."""
    pages = off_the_browser_thread(long_and_right_to_left)
    page.context.add_cookies(
        [{"name": "sessionid", "value": pages.session, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}{reverse('event-new')}")
    limit = field_limit(EventType, "title")
    too_long = longest("Intro call", limit + 10).ljust(limit + 10, "x")
    title = page.get_by_label("Title")
    title.fill(too_long)
    assert title.input_value() == too_long
    page.get_by_text("10 characters over: 130 / 120").wait_for()
    assert page.evaluate(OVERFLOW) == []
    page.get_by_role("button", name="Create event type").click()
    page.get_by_text("10 characters over the limit: 130 / 120. Nothing was cut").wait_for()
    assert page.get_by_label("Title").input_value() == too_long
    assert off_the_browser_thread(EventType.objects.count) == 1  # the one made before
