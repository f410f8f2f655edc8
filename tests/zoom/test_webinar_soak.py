"""The webinar soak: group bookings, cancels and moves between sessions under the sandbox's
faults, then the sandbox's webinars and registrants compared with the database: no
duplicate registrant, no orphan webinar, every live booking registered exactly once in
its own session's webinar with its own link, every cancelled one cancelled."""

from __future__ import annotations

import contextlib
import os
import random
from collections import Counter
from typing import Any

import pytest

from slotlink.scheduling.models import Booking
from slotlink.scheduling.services.bookings import SlotUnavailable
from slotlink.zoom.meetings.reconcile import zoom_user_reconcile
from slotlink.zoom.models import (
    SyncLogEntry,
    ZoomRegistrant,
    ZoomRollout,
    ZoomUser,
    ZoomWebinar,
)
from tests.factories import make_member
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import cancel, drain, marker_of, reschedule
from tests.zoom.test_webinars import webinar_event_type

pytestmark = pytest.mark.django_db(transaction=True)

BOOKINGS = int(os.environ.get("SLOTLINK_WEBINAR_SOAK_BOOKINGS", "120"))
SEED = 20261130


def zoom_state(zoom: ZoomSandbox) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    return [(w, zoom.registrants(w["id"])) for w in zoom.webinars()]


def assert_zoom_has_exactly_the_booked_registrations(zoom: ZoomSandbox) -> None:
    """Every webinar in Zoom is a session's, made by one create (its marker once); each live
    booking is registered and approved in its own session's webinar and in no other, with
    the link slotlink stored; nobody else is approved (a cancelled booking's registration is
    cancelled, or was never made). Zoom keeps one registrant per email in a webinar (the
    same email again gets the same registration back), so "once" is counted across
    webinars: by booking, as the (session, email) pairs approved in Zoom."""
    in_zoom = {w["id"]: w for w in zoom.webinars()}
    markers = Counter(marker_of(w) for w in in_zoom.values())
    assert markers[""] == 0, "a webinar in Zoom that slotlink's create did not make"
    assert [marker for marker, n in markers.items() if n > 1] == [], "one create, two webinars"
    session_of = dict(
        ZoomWebinar.objects.filter(zoom_webinar_id__in=in_zoom).values_list(
            "zoom_webinar_id", "group_session_id"
        )
    )
    assert set(in_zoom) == set(session_of), "a webinar in Zoom that no session owns"
    assert len(set(session_of.values())) == len(session_of), "a session with two webinars"
    approved = {
        (session_of[webinar_id], registrant["email"]): registrant["join_url"]
        for webinar_id in in_zoom
        for registrant in zoom.registrants(webinar_id)
        if registrant["status"] == "approved"
    }
    live = Booking.objects.filter(status=Booking.Status.CONFIRMED)
    wanted = {(b.session_id, b.invitee_email): b for b in live}
    assert set(approved) == set(wanted)
    for key, booking in wanted.items():
        registrant = ZoomRegistrant.objects.get(booking_id=booking.id, live=True)
        assert approved[key] == registrant.join_url, booking.id


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
        list(
            ZoomWebinar.objects.exclude(state="synced").values_list(
                "id", "state", "problem_code", "problem_detail"
            )
        )
        == []
    )
    # Counted before any reconcile: the sync alone must leave exactly these (the reconcile
    # deletes webinars slotlink made that nothing wants, and would hide a duplicate).
    live = Booking.objects.filter(status=Booking.Status.CONFIRMED)
    assert_zoom_has_exactly_the_booked_registrations(zoom)

    # Then the hourly reconcile, once for every account, finds nothing to do: no orphan
    # webinar to delete, none removed or moved in Zoom, no host to tell.
    in_zoom = zoom_state(zoom)
    before = SyncLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    accounts = list(ZoomUser.objects.values_list("id", "zoom_user_id"))
    assert [zoom_user_reconcile(zoom_user_id=pk) for pk, _ in accounts] == [0] * len(accounts)
    listed = SyncLogEntry.objects.filter(id__gt=before, action="webinar.list")
    assert {(z, "ok") for _, z in accounts} == set(listed.values_list("zoom_user_id", "outcome"))
    assert list(ZoomWebinar.objects.exclude(drift="").values_list("id", "drift")) == []
    assert drain(rounds=200) == 0
    assert zoom_state(zoom) == in_zoom
    assert live.count() > BOOKINGS // 3
    outcomes = Counter(SyncLogEntry.objects.values_list("outcome", flat=True))
    assert outcomes["unavailable"] > 5  # the faults really happened
