"""The webinar soak: group bookings, cancels and moves between sessions under the sandbox's
faults, then the sandbox's webinars and registrants compared with the database: no
duplicate registrant, no orphan webinar, every live booking registered exactly once in
its own session's webinar with its own link, every cancelled one cancelled."""

from __future__ import annotations

import contextlib
import os
import random
from collections import Counter

import pytest

from slotlink.scheduling.models import Booking
from slotlink.scheduling.services.bookings import SlotUnavailable
from slotlink.zoom.models import SyncLogEntry, ZoomRegistrant, ZoomRollout, ZoomWebinar
from tests.factories import make_member
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import cancel, drain, reschedule
from tests.zoom.test_webinars import webinar_event_type

pytestmark = pytest.mark.django_db(transaction=True)

BOOKINGS = int(os.environ.get("SLOTLINK_WEBINAR_SOAK_BOOKINGS", "120"))
SEED = 20261130


def test_group_bookings_under_faults_end_with_exactly_the_right_registrants(
    zoom: ZoomSandbox, organization, settings
):
    settings.LINK_WAIT_SECONDS = 0
    settings.ZOOM_HTTP_TIMEOUT_SECONDS = 0.4
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    zoom.configure_app(webhook_url="")
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    rng = random.Random(SEED)
    event_types = []
    for n in range(2):
        member = make_member(organization, full_name=f"Webinar Host {n}")
        connected(zoom, member, email=f"webinars{n}@zoom.test", webinar=True)
        event_types.append(webinar_event_type(member, slug=f"webinar-{n}"))
    sessions = {et.id: next_free_starts(et, 6, days=5) for et in event_types}
    zoom.set_faults(error_rate=0.1, timeout_rate=0.05, drop_after_commit_rate=0.25, seed=SEED)

    bookings: list[Booking] = []
    for index in range(BOOKINGS):
        event_type = rng.choice(event_types)
        with contextlib.suppress(SlotUnavailable):  # a full session
            start = rng.choice(sessions[event_type.id])
            bookings.append(book(event_type, start, email=f"w{index}@example.test"))
        roll = rng.random()
        if bookings and roll < 0.15:
            victim = rng.choice(bookings)
            victim.refresh_from_db()
            others = [s for s in sessions[victim.event_type_id] if s != victim.start]
            if not victim.is_cancelled:
                with contextlib.suppress(SlotUnavailable):
                    reschedule(victim, rng.choice(others))
        elif bookings and roll < 0.35:
            victim = rng.choice(bookings)
            victim.refresh_from_db()
            if not victim.is_cancelled:
                cancel(victim)
        drain(rounds=3)

    zoom.clear_faults()
    while drain(rounds=200):
        pass
    assert (
        list(ZoomWebinar.objects.exclude(state="synced").values_list("id", "state", "problem"))
        == []
    )

    in_zoom = {
        w["id"]: w for user in zoom.control.get("/users").json() for w in zoom.webinars(user["id"])
    }
    approved: dict[int, list[dict]] = {
        webinar_id: [r for r in zoom.registrants(webinar_id) if r["status"] == "approved"]
        for webinar_id in in_zoom
    }
    for webinar_id, registrants in approved.items():
        counts = Counter(r["email"] for r in registrants)
        assert [e for e, n in counts.items() if n > 1] == [], f"duplicates in {webinar_id}"
    live = Booking.objects.filter(status=Booking.Status.CONFIRMED)
    wanted = set()
    for booking in live:
        registrant = ZoomRegistrant.objects.select_related("webinar").get(
            booking_id=booking.id, live=True
        )
        webinar = registrant.webinar
        assert webinar.group_session_id == booking.session_id
        assert webinar.zoom_webinar_id in in_zoom, f"missing webinar for {booking.id}"
        theirs = [
            r for r in approved[webinar.zoom_webinar_id] if r["email"] == booking.invitee_email
        ]
        assert len(theirs) == 1, booking.id
        assert theirs[0]["join_url"] == registrant.join_url
        wanted.add(webinar.zoom_webinar_id)
    assert set(in_zoom) == wanted  # no orphan webinar
    for booking in Booking.objects.filter(status=Booking.Status.CANCELLED):
        for webinar_id, registrants in approved.items():
            same = [r for r in registrants if r["email"] == booking.invitee_email]
            session = ZoomWebinar.objects.filter(zoom_webinar_id=webinar_id).first()
            if session is not None and session.group_session_id == booking.session_id:
                assert same == [], f"cancelled booking {booking.id} still registered"
    assert live.count() > BOOKINGS // 3
    outcomes = Counter(SyncLogEntry.objects.values_list("outcome", flat=True))
    assert outcomes["unavailable"] > 5  # the faults really happened
