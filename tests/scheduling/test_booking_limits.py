"""The public booking page is no spam relay (issue 19, 4): bookings are limited per client
address, per invitee email for one event type, per event type and per organization, each
an hour; a refused booking gets a 429 page in the booking page's layout and changes
nothing (no booking, no email, no conferencing work)."""

import time
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db.models import F
from django.test import Client
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from slotlink.accounts.models import Membership
from slotlink.core.periodic import periodic_jobs
from slotlink.scheduling.limits.models import BookingRefusal, PublicBooking
from slotlink.scheduling.models import Booking, BookingToken, EventType
from slotlink.scheduling.tokens import token_mint
from slotlink.zoom.locations import ZOOM
from tests.factories import make_member, make_organization
from tests.fixtures.task_queue import run_ready_tasks
from tests.races import race
from tests.scheduling.builders import make_event_type, make_host, next_free_starts, run_queued_tasks

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"


def post_booking(event_type: EventType, start, *, email: str, address: str = ATTACKER):
    return Client(REMOTE_ADDR=address).post(
        f"/book/{event_type.organization.slug}/{event_type.slug}",
        {
            "start": start.isoformat(),
            "time_zone": "Europe/Berlin",
            "name": "Visit evil.example to claim your prize",
            "email": email,
            "phone": "+1 212 555 0100",
        },
    )


def refused_counted(limit: str) -> float:
    return REGISTRY.get_sample_value("slotlink_bookings_refused_total", {"limit": limit}) or 0.0


def text(response) -> str:
    return unescape(response.content.decode())


def invitee_emails() -> list[str]:
    """The recipients of every email the product sent but the hosts'."""
    addresses = (parseaddr(r)[1] for email in mail.outbox for r in email.to)
    return sorted(address for address in addresses if address.startswith("victim"))


def test_a_flood_from_one_address_books_the_limit_and_the_rest_change_nothing(
    organization, host, provider
):
    """Issue 19 (4) as found: 40 POSTs from one address made 30 bookings and 30 emails to
    the addresses it chose. Now 10 are booked (the per-address limit), and the other 30 get
    a 429 that says why and when to try again: no booking, no email, no Zoom meeting."""
    event_type = make_event_type(organization, host, location_kind=ZOOM)
    starts = next_free_starts(event_type, 40)
    counted_before = refused_counted("address")
    first_booked_at = time.monotonic()
    answers = [
        post_booking(event_type, start, email=f"victim{i}@example.test")
        for i, start in enumerate(starts)
    ]
    assert [a.status_code for a in answers] == [302] * 10 + [429] * 30
    assert Booking.objects.count() == 10
    assert len(provider.calls) == 10  # Zoom heard of ten bookings, no more
    run_queued_tasks()
    assert invitee_emails() == sorted(f"victim{i}@example.test" for i in range(10))
    refused = answers[-1]
    page = text(refused)
    assert "Your booking wasn't made" in page
    assert "Too many bookings were made from your internet address in the last hour." in page
    assert "Nothing was booked and no email was sent." in page
    assert "Please try again in about 60 minutes." in page
    assert event_type.title in page  # the booking page's own layout, with its summary
    # Until the first of the ten is an hour old: the hour less the time this test has taken
    # since (seconds on a quiet machine, more under load), never more than the hour.
    taken = time.monotonic() - first_booked_at
    assert 3600 - taken - 1 <= int(refused["Retry-After"]) <= 3600
    assert refused_counted("address") - counted_before == 30  # slotlink_bookings_refused_total


def test_the_address_limit_counts_only_that_address_and_only_for_an_hour(
    organization, host, settings
):
    """Another address still books while one is held back, and the held-back one books
    again once its bookings are an hour old."""
    settings.BOOKING_LIMIT_PER_ADDRESS = 2
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 5)
    assert post_booking(event_type, starts[0], email="victim1@example.test").status_code == 302
    assert post_booking(event_type, starts[1], email="victim2@example.test").status_code == 302
    assert post_booking(event_type, starts[2], email="victim3@example.test").status_code == 429
    other = post_booking(event_type, starts[2], email="victim3@example.test", address="192.0.2.4")
    assert other.status_code == 302
    PublicBooking.objects.update(created_at=F("created_at") - timedelta(hours=1, seconds=1))
    assert post_booking(event_type, starts[3], email="victim4@example.test").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_from_one_address_cannot_beat_the_count(organization):
    """Twenty POSTs at once from one address, each for its own time and email, spread over
    five hosts (whose own locks don't make them wait for each other): the limit's ten are
    booked, whatever the order they commit in; ten get a 429."""
    event_types = [
        make_event_type(organization, make_host(organization), slug=f"host-{n}") for n in range(5)
    ]
    starts = next_free_starts(event_types[0], 4)

    def post(i: int) -> int:
        event_type, start = event_types[i % 5], starts[i // 5]
        return post_booking(event_type, start, email=f"victim{i}@example.test").status_code

    answers = race(20, post)
    assert sorted(answers) == [302] * 10 + [429] * 10, answers  # type: ignore[type-var]
    assert Booking.objects.count() == 10
    assert PublicBooking.objects.count() == 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "limits",
    [
        {"ADDRESS": 10, "EMAIL": 0, "EVENT_TYPE": 0, "ORGANIZATION": 0},
        {"ADDRESS": 0, "EMAIL": 0, "EVENT_TYPE": 0, "ORGANIZATION": 10},
    ],
    ids=["address-only", "organization-only"],
)
def test_parallel_posts_cannot_beat_the_one_limit_that_is_on(organization, settings, limits):
    """With only the address's limit on, or only the organization's, twenty POSTs at once
    from one address over five hosts book exactly that limit's ten: the limit that is on
    takes its turn though the other is off."""
    for name, allowed in limits.items():
        setattr(settings, f"BOOKING_LIMIT_PER_{name}", allowed)
    event_types = [
        make_event_type(organization, make_host(organization), slug=f"host-{n}") for n in range(5)
    ]
    starts = next_free_starts(event_types[0], 4)

    def post(i: int) -> int:
        event_type, start = event_types[i % 5], starts[i // 5]
        return post_booking(event_type, start, email=f"victim{i}@example.test").status_code

    answers = race(20, post)
    assert sorted(answers) == [302] * 10 + [429] * 10, answers  # type: ignore[type-var]
    assert Booking.objects.count() == 10


def test_public_bookings_past_their_hour_are_deleted_by_a_periodic_job(organization, host):
    """The public bookings the limits count are kept an hour: a periodic job deletes the
    older ones and keeps the rest; a booking deletes none itself."""
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 2)
    assert post_booking(event_type, starts[0], email="victim1@example.test").status_code == 302
    PublicBooking.objects.update(created_at=F("created_at") - timedelta(hours=1, seconds=1))
    assert post_booking(event_type, starts[1], email="victim2@example.test").status_code == 302
    assert PublicBooking.objects.count() == 2
    (job,) = [job for job in periodic_jobs() if job.name == "scheduling.public-bookings-expire"]
    assert job.every == timedelta(minutes=1)
    job.task.call()
    assert list(PublicBooking.objects.values_list("invitee_email", flat=True)) == [
        "victim2@example.test"
    ]


def test_one_email_books_an_event_type_at_most_three_times_an_hour(organization, host):
    """The same invitee email, from four addresses, books one event type three times; the
    fourth is refused, and that email still books another event type."""
    event_type = make_event_type(organization, host)
    other = make_event_type(organization, host, slug="other")
    starts = next_free_starts(event_type, 5)
    answers = [
        post_booking(event_type, start, email="Victim@Example.test", address=f"192.0.2.{i}")
        for i, start in enumerate(starts[:4])
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert (
        f"This email address has booked {event_type.title} too many times in the last hour."
        in text(answers[3])
    )
    assert post_booking(other, starts[4], email="victim@example.test").status_code == 302
    assert Booking.objects.count() == 4


def test_an_event_type_and_an_organization_each_take_their_limit_an_hour(
    organization, host, settings
):
    """Past the event type's limit (here 3), from any address and email, its bookings are
    refused while another event type still books, until the organization's (here 4)."""
    settings.BOOKING_LIMIT_PER_EVENT_TYPE = 3
    settings.BOOKING_LIMIT_PER_ORGANIZATION = 4
    event_type = make_event_type(organization, host)
    other = make_event_type(organization, host, slug="other", title="Demo")
    starts = next_free_starts(event_type, 6)

    def attempt(kind: EventType, i: int):
        return post_booking(
            kind, starts[i], email=f"victim{i}@example.test", address=f"192.0.2.{i}"
        )

    assert [attempt(event_type, i).status_code for i in range(3)] == [302] * 3
    refused = attempt(event_type, 3)
    assert refused.status_code == 429
    assert "Intro call has had too many bookings in the last hour." in text(refused)
    assert attempt(other, 3).status_code == 302
    refused = attempt(other, 4)
    assert refused.status_code == 429
    assert f"{organization.name} has had too many bookings in the last hour." in text(refused)
    assert Booking.objects.count() == 4


def test_a_group_event_types_limit_is_at_least_one_full_session(organization, host, settings):
    """A session of 5 seats may fill within the hour even with an event type limit of 3."""
    settings.BOOKING_LIMIT_PER_EVENT_TYPE = 3
    group = make_event_type(organization, host, kind=EventType.Kind.GROUP, seats_per_session=5)
    start = next_free_starts(group)[0]
    answers = [
        post_booking(group, start, email=f"victim{i}@example.test", address=f"192.0.2.{i}")
        for i in range(6)
    ]
    assert [a.status_code for a in answers] == [302] * 5 + [429]


def test_manage_links_still_work_from_an_address_past_its_limit(organization, host, settings):
    """An invitee's reschedule and cancel links are not limited: they act on a booking of
    theirs, one use each, whatever the address did."""
    settings.BOOKING_LIMIT_PER_ADDRESS = 1
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 3)
    assert post_booking(event_type, starts[0], email="victim@example.test").status_code == 302
    assert post_booking(event_type, starts[1], email="victim2@example.test").status_code == 429
    booking = Booking.objects.get()
    token = token_mint(booking=booking, purpose=BookingToken.Purpose.RESCHEDULE)
    moved = Client(REMOTE_ADDR=ATTACKER).post(
        f"/booking/{token}/reschedule",
        {"start": starts[2].isoformat(), "time_zone": "Europe/Berlin"},
    )
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.start == starts[2]
    token = token_mint(booking=booking, purpose=BookingToken.Purpose.CANCEL)
    cancelled = Client(REMOTE_ADDR=ATTACKER).post(f"/booking/{token}/cancel", {"reason": ""})
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.is_cancelled


def test_a_refused_booking_queues_no_booking_work(organization, host, settings):
    """A 429 writes no booking's task: only the host's word of the refusal, once."""
    settings.BOOKING_LIMIT_PER_ADDRESS = 1
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 4)
    post_booking(event_type, starts[0], email="victim0@example.test")
    before = set(DBTaskResult.objects.values_list("task_path", flat=True))
    tasks = DBTaskResult.objects.count()
    for i in (1, 2, 3):
        assert (
            post_booking(event_type, starts[i], email=f"victim{i}@example.test").status_code == 429
        )
    new = DBTaskResult.objects.exclude(task_path__in=before)
    assert DBTaskResult.objects.count() == tasks + 1
    assert list(new.values_list("task_path", flat=True)) == [
        "slotlink.scheduling.tasks.booking_refusals_notice_send"
    ]


def test_a_second_organizations_limits_are_its_own(organization, host, settings):
    """The per-organization limit of one organization doesn't hold back another's."""
    settings.BOOKING_LIMIT_PER_ORGANIZATION = 1
    event_type = make_event_type(organization, host)
    elsewhere = make_organization("Elsewhere")
    theirs = make_event_type(elsewhere, make_host(elsewhere))
    start = next_free_starts(event_type)[0]
    assert post_booking(event_type, start, email="victim1@example.test").status_code == 302
    assert post_booking(theirs, start, email="victim2@example.test").status_code == 302


def flood(event_type: EventType, count: int, *, address: str = ATTACKER) -> None:
    for i, start in enumerate(next_free_starts(event_type, count)):
        post_booking(event_type, start, email=f"victim{i}@example.test", address=address)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_host_sees_the_flood_on_the_bookings_page_and_is_emailed_once_an_hour(
    organization, host, admin_membership, settings
):
    """After a flood, the host's bookings page says how many were refused, why, and from
    which address and for which emails, each with a Block button; the host gets one email
    about it, and refusals after that wait for the next hour's email."""
    settings.BOOKING_LIMIT_PER_ADDRESS = 2
    event_type = make_event_type(organization, host)
    flood(event_type, 6)
    page = text(signed_in(host).get("/360/bookings"))
    assert "4 bookings were refused in the last 24 hours" in page
    assert "4 for bookings from one address" in page
    assert ATTACKER in page
    assert "victim5@example.test" in page
    assert "Block address" in page
    assert "Block email" in page
    run_queued_tasks()
    (told,) = [email for email in mail.outbox if host.email in email.to]
    assert told.subject == f"Bookings refused on your booking pages ({organization.name})"
    assert "4 bookings were refused" in told.body
    assert f"- {ATTACKER}: 4" in told.body
    flood(event_type, 4, address="192.0.2.77")  # two booked, two refused
    run_queued_tasks()
    assert [email for email in mail.outbox if host.email in email.to] == [told]
    (later,) = DBTaskResult.objects.filter(
        task_path="slotlink.scheduling.tasks.booking_refusals_notice_send", status="READY"
    )
    assert later.run_after is not None
    assert later.run_after - later.enqueued_at > timedelta(minutes=59)
    # An admin sees the organization's refusals too; another organization's member none.
    assert "6 bookings were refused" in text(signed_in(admin_membership.user).get("/360/bookings"))
    elsewhere = make_host(make_organization("Elsewhere"))
    assert "were refused" not in text(signed_in(elsewhere).get("/360/bookings"))


def test_the_organizations_own_limit_is_told_to_its_admins(
    organization, host, admin_membership, settings
):
    """Past the organization's limit, its admins are emailed and see it; the host isn't."""
    settings.BOOKING_LIMIT_PER_ORGANIZATION = 1
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 2)
    post_booking(event_type, starts[0], email="victim0@example.test", address="192.0.2.1")
    post_booking(event_type, starts[1], email="victim1@example.test", address="192.0.2.2")
    run_queued_tasks()
    (told,) = [e for e in mail.outbox if e.subject.startswith("Bookings refused")]
    assert told.to == [admin_membership.user.email]
    assert "because the organization had too many bookings in an hour" in told.body
    assert "were refused" not in text(signed_in(host).get("/360/bookings"))


def test_each_admin_reads_the_refusals_in_their_zone_on_their_clock_and_gets_it_once(
    organization, host, admin_membership, settings, smtp_server
):
    """Two admins, in New York on a 12-hour clock and in Berlin on a 24-hour one, each get
    an email of their own that says when the bookings were refused in their zone, on their
    clock. The mail server refuses the Berlin admin's at first: the retry sends only hers,
    and New York's admin still has exactly one."""
    settings.BOOKING_LIMIT_PER_ORGANIZATION = 1
    new_york = admin_membership.user
    new_york.time_zone, new_york.time_format = "America/New_York", "12"
    new_york.save()
    berlin = make_member(
        organization,
        role=Membership.Role.ADMIN,
        email="berta@example.test",
        time_zone="Europe/Berlin",
    ).user
    berlin.time_format = "24"
    berlin.save()
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 2)
    post_booking(event_type, starts[0], email="victim0@example.test", address="192.0.2.1")
    post_booking(event_type, starts[1], email="victim1@example.test", address="192.0.2.2")
    (refused_at,) = BookingRefusal.objects.values_list("created_at", flat=True)
    in_new_york = refused_at.astimezone(ZoneInfo("America/New_York"))
    in_berlin = refused_at.astimezone(ZoneInfo("Europe/Berlin"))
    smtp_server.refuse(berlin.email)

    run_queued_tasks()
    (to_new_york,) = smtp_server.to(new_york.email)
    assert smtp_server.to(berlin.email) == []
    assert to_new_york.recipients == (new_york.email,)
    twelve_hour = f"{in_new_york:%-I:%M %p}"
    assert f"between {in_new_york:%a %-d %b %Y}, {twelve_hour} and {twelve_hour} " in (
        to_new_york.text.replace("\n", " ")
    )
    assert "(America/New_York)" in to_new_york.text
    assert BookingRefusal.objects.filter(told_at__isnull=True).exists()  # not all told yet

    smtp_server.accept(berlin.email)
    run_ready_tasks(rounds=10, only_due=False)  # the retry, without waiting for it
    (to_berlin,) = smtp_server.to(berlin.email)
    assert len(smtp_server.to(new_york.email)) == 1
    assert to_berlin.recipients == (berlin.email,)
    assert f"between {in_berlin:%a %-d %b %Y}, {in_berlin:%H:%M} and {in_berlin:%H:%M} " in (
        to_berlin.text.replace("\n", " ")
    )
    assert "(Europe/Berlin)" in to_berlin.text
    assert "New_York" not in to_berlin.text
    assert not BookingRefusal.objects.filter(told_at__isnull=True).exists()
    run_ready_tasks(rounds=10, only_due=False)
    assert (len(smtp_server.to(new_york.email)), len(smtp_server.to(berlin.email))) == (1, 1)


def test_a_blocked_address_is_refused_and_changes_nothing_until_unblocked(
    organization, host, provider
):
    """The host blocks the flood's address from the bookings page: its next booking gets a
    403 in the booking page's layout, nothing is booked, emailed or sent to Zoom; its earlier
    bookings stay; another address still books. Unblocked, it books again."""
    event_type = make_event_type(organization, host, location_kind=ZOOM)
    starts = next_free_starts(event_type, 4)
    post_booking(event_type, starts[0], email="victim0@example.test")
    host_client = signed_in(host)
    blocked = host_client.post("/360/bookings/blocked", {"kind": "address", "value": ATTACKER})
    assert blocked.status_code == 302
    assert ATTACKER in text(host_client.get("/360/bookings/blocked"))
    run_queued_tasks()
    mail.outbox.clear()
    refused = post_booking(event_type, starts[1], email="victim1@example.test")
    assert refused.status_code == 403
    page = text(refused)
    assert f"{organization.name} doesn't take bookings from your internet address." in page
    assert "Nothing was booked and no email was sent." in page
    assert Booking.objects.count() == 1  # the one made before the block stays
    assert len(provider.calls) == 1
    run_queued_tasks()
    assert invitee_emails() == []
    assert "Blocked" in text(host_client.get("/360/bookings"))
    other = post_booking(event_type, starts[1], email="victim1@example.test", address="192.0.2.9")
    assert other.status_code == 302
    (block_id,) = organization.booking_blocks.values_list("id", flat=True)
    assert host_client.post(f"/360/bookings/blocked/{block_id}/remove").status_code == 302
    assert post_booking(event_type, starts[2], email="victim2@example.test").status_code == 302


def test_a_blocked_email_is_refused_whatever_its_case(organization, host):
    """A blocked email can't book, typed in any case, from any address."""
    event_type = make_event_type(organization, host)
    start = next_free_starts(event_type)[0]
    host_client = signed_in(host)
    host_client.post("/360/bookings/blocked", {"kind": "email", "value": "Victim@Example.test"})
    refused = post_booking(event_type, start, email="VICTIM@example.TEST", address="192.0.2.3")
    assert refused.status_code == 403
    assert "doesn't take bookings for this email address" in text(refused)
    assert Booking.objects.count() == 0


def test_blocks_are_the_organizations_own(organization, host):
    """Another organization's member neither sees nor removes a block; a bad value is
    refused with a clear error and blocks nothing."""
    host_client = signed_in(host)
    host_client.post("/360/bookings/blocked", {"kind": "address", "value": ATTACKER})
    (block_id,) = organization.booking_blocks.values_list("id", flat=True)
    stranger = signed_in(make_host(make_organization("Elsewhere")))
    assert ATTACKER not in text(stranger.get("/360/bookings/blocked"))
    assert stranger.post(f"/360/bookings/blocked/{block_id}/remove").status_code == 404
    assert organization.booking_blocks.count() == 1
    bad = host_client.post("/360/bookings/blocked", {"kind": "address", "value": "not an ip"})
    assert bad.status_code == 400
    assert "That isn't an internet address." in text(bad)
    assert organization.booking_blocks.count() == 1
    assert Client().get("/360/bookings/blocked").status_code == 302  # signed out: sign in


def test_a_block_says_since_when_in_the_viewers_zone_on_their_clock(organization, host):
    """A host in New York on a 12-hour clock reads since when an address is blocked there,
    under a header naming the zone: 01:30 UTC on Tue 8 Dec is 8:30 PM on Mon 7 Dec."""
    host.time_zone = "America/New_York"
    host.time_format = "12"
    host.save()
    host_client = signed_in(host)
    host_client.post("/360/bookings/blocked", {"kind": "address", "value": ATTACKER})
    organization.booking_blocks.update(created_at=datetime(2026, 12, 8, 1, 30, tzinfo=UTC))
    page = text(host_client.get("/360/bookings/blocked"))
    assert "Since (America/New_York)" in page
    assert "Mon 7 Dec 2026, 8:30 PM" in page
    assert "1:30" not in page
    assert "UTC" not in page


def test_an_ipv6_client_counts_as_its_whole_64_network(organization, host, settings):
    """A client with IPv6 has a /64 of addresses to take a new one from for each booking:
    they count as one address, and blocking one of them blocks its /64. An IPv4 address
    mapped into IPv6 counts as itself."""
    settings.BOOKING_LIMIT_PER_ADDRESS = 2
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 6)
    answers = [
        post_booking(
            event_type, start, email=f"victim{i}@example.test", address=f"2001:db8:1:2::{i}"
        )
        for i, start in enumerate(starts[:3])
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    neighbour = post_booking(
        event_type, starts[2], email="victim3@example.test", address="2001:db8:1:3::1"
    )
    assert neighbour.status_code == 302
    mapped = post_booking(
        event_type, starts[3], email="victim4@example.test", address="::ffff:192.0.2.5"
    )
    assert mapped.status_code == 302
    assert PublicBooking.objects.filter(ip_address="192.0.2.5").count() == 1
    signed_in(host).post("/360/bookings/blocked", {"kind": "address", "value": "2001:db8:1:3::99"})
    blocked = post_booking(
        event_type, starts[4], email="victim5@example.test", address="2001:db8:1:3:ffff::7"
    )
    assert blocked.status_code == 403


def test_behind_a_proxy_each_client_is_counted_not_the_proxy(organization, host, settings):
    """Behind the TLS proxy every request comes from the proxy: the limit counts the client
    the proxy names last in X-Forwarded-For, whatever a client forged before it."""
    settings.BEHIND_TLS_PROXY = True
    settings.BOOKING_LIMIT_PER_ADDRESS = 1
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 3)
    url = f"/book/{organization.slug}/{event_type.slug}"

    def via_proxy(start, email: str, forwarded: str) -> int:
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        data = {"start": start.isoformat(), "time_zone": "UTC", "name": "Ivy", "email": email}
        return client.post(url, {**data, "phone": "+1 212 555 0100"}, secure=True).status_code

    assert via_proxy(starts[0], "one@example.test", "198.51.100.1") == 302
    assert via_proxy(starts[1], "two@example.test", "198.51.100.2") == 302
    assert via_proxy(starts[2], "three@example.test", "192.0.2.200, 198.51.100.1") == 429


def test_with_every_limit_off_nothing_is_counted_and_a_limit_turned_on_counts_from_then(
    organization, host, settings
):
    """With all four limits off (0) a public booking writes no row for them to count; a
    limit turned on afterwards (a restart with new settings) counts the bookings made from
    then on, and refuses past it as always."""
    for name in ("ADDRESS", "EMAIL", "EVENT_TYPE", "ORGANIZATION"):
        setattr(settings, f"BOOKING_LIMIT_PER_{name}", 0)
    event_type = make_event_type(organization, host)
    starts = next_free_starts(event_type, 5)
    for i, start in enumerate(starts[:2]):
        assert post_booking(event_type, start, email=f"victim{i}@example.test").status_code == 302
    assert Booking.objects.count() == 2
    assert not PublicBooking.objects.exists()
    settings.BOOKING_LIMIT_PER_ADDRESS = 1
    assert post_booking(event_type, starts[2], email="victim2@example.test").status_code == 302
    assert post_booking(event_type, starts[3], email="victim3@example.test").status_code == 429
    assert PublicBooking.objects.count() == 1


def test_an_address_and_an_email_blocked_by_one_organization_still_book_with_another(
    organization, host
):
    """A block is the organization's own: the same address and email book another
    organization's event type, and are refused by the one that blocked them."""
    host_client = signed_in(host)
    host_client.post("/360/bookings/blocked", {"kind": "address", "value": ATTACKER})
    host_client.post("/360/bookings/blocked", {"kind": "email", "value": "victim@example.test"})
    elsewhere = make_organization("Elsewhere")
    theirs = make_event_type(elsewhere, make_host(elsewhere))
    ours = make_event_type(organization, host)
    answer = post_booking(theirs, next_free_starts(theirs)[0], email="victim@example.test")
    assert answer.status_code == 302
    refused = post_booking(ours, next_free_starts(ours)[0], email="victim@example.test")
    assert refused.status_code == 403
    assert Booking.objects.filter(event_type=theirs).count() == 1
    assert not Booking.objects.filter(event_type=ours).exists()
