"""Zoom webinars for group bookings, through the sandbox over real HTTP: one webinar per
session, a registrant with a personal join link per booking, cancellations, moves between
sessions, Zoom's registration rules, the webinar licence, attendance and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client

from slotlink.accounts.models import User
from slotlink.conferencing import seam
from slotlink.conferencing.seam import LinkStatus
from slotlink.scheduling.locations import booking_ref
from slotlink.scheduling.models import EventType
from slotlink.zoom.models import ZoomMeeting, ZoomRegistrant, ZoomRollout, ZoomUser, ZoomWebinar
from slotlink.zoom.webinars.sync import webinar_sync
from tests.fixtures.task_queue import drop_queued_tasks, queued_tasks, uses_rq
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, make_event_type, next_free_starts
from tests.scheduling.mailbox import INVITEE_EMAIL, to
from tests.zoom.factories import connected
from tests.zoom.meeting_helpers import ZoomHost, cancel, drain, reschedule, utc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def host(zoom: ZoomSandbox, organization, member_membership, settings) -> ZoomHost:
    return webinar_host(zoom, organization, member_membership, settings)


def webinar_host(zoom: ZoomSandbox, organization, member_membership, settings) -> ZoomHost:
    """A host whose own Zoom has a webinar licence, webinars on for the organization, and a
    group event type (8 seats) whose location is Zoom webinar."""
    settings.LINK_WAIT_SECONDS = 0
    zoom.configure_app(webhook_url="")
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    connection, zoom_user = connected(zoom, member_membership, email="hana@zoom.test", webinar=True)
    event_type = webinar_event_type(member_membership)
    return ZoomHost(member_membership, connection, zoom_user, event_type)


def webinar_event_type(membership, **fields) -> EventType:
    return make_event_type(
        membership.organization,
        membership.user,
        title=fields.pop("title", "Product webinar"),
        slug=fields.pop("slug", "webinar"),
        kind=EventType.Kind.GROUP,
        seats_per_session=8,
        location_kind="zoom_webinar",
        **fields,
    )


def details(booking):
    booking.refresh_from_db()
    return seam.conference_details(booking.location_kind, booking_ref(booking))


def webinars(zoom: ZoomSandbox, zoom_user) -> list[dict]:
    return zoom.webinars(host_id=zoom_user["id"])


def test_three_invitees_share_one_webinar_each_with_their_own_link(zoom: ZoomSandbox, host):
    """The first booking creates the session's webinar (registration required, approved
    automatically); each booking registers its invitee and gets a personal join link that
    no other invitee sees."""
    start = next_free_starts(host.event_type)[0]
    bookings = [
        book(host.event_type, start, name=f"Ivy Invitee{n}", email=f"ivy{n}@example.test")
        for n in range(3)
    ]
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    assert webinar["start_time"] == utc(start)
    assert webinar["settings"]["approval_type"] == 0
    registered = zoom.registrants(webinar["id"])
    assert sorted(r["email"] for r in registered) == [f"ivy{n}@example.test" for n in range(3)]
    links = [details(b).join_url for b in bookings]
    assert len(set(links)) == 3
    assert all(details(b).status == LinkStatus.READY for b in bookings)
    assert {r["join_url"] for r in registered} == set(links)
    assert ZoomRegistrant.objects.get(booking_id=bookings[0].id).first_name == "Ivy"


def test_cancelling_cancels_the_registration_and_the_last_one_deletes_the_webinar(
    zoom: ZoomSandbox, host
):
    """Zoom's registrants can't be deleted: a cancel cancels the registration and the
    webinar stays for the others; the last cancel deletes the webinar."""
    start = next_free_starts(host.event_type)[0]
    first = book(host.event_type, start, email="a@example.test")
    second = book(host.event_type, start, email="b@example.test")
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    cancel(first)
    drain()
    statuses = {r["email"]: r["status"] for r in zoom.registrants(webinar["id"])}
    # Zoom leaves a cancelled registrant denied (REFERENCE §3.7, from Zoom's forum).
    assert statuses["a@example.test"] == "denied"
    assert statuses["b@example.test"] == "approved"
    assert len(webinars(zoom, host.zoom_user)) == 1
    cancel(second)
    drain()
    assert webinars(zoom, host.zoom_user) == []


def test_rescheduling_moves_the_registration_to_the_other_sessions_webinar(zoom: ZoomSandbox, host):
    first_start, other_start = (
        next_free_starts(host.event_type, 3)[0],
        next_free_starts(host.event_type, 3)[2],
    )
    stays = book(host.event_type, first_start, email="stays@example.test")
    moves = book(host.event_type, first_start, email="moves@example.test")
    drain()
    reschedule(moves, other_start)
    drain()
    by_start = {w["start_time"]: w for w in webinars(zoom, host.zoom_user)}
    assert set(by_start) == {utc(first_start), utc(other_start)}
    new = zoom.registrants(by_start[utc(other_start)]["id"])
    assert [r["email"] for r in new] == ["moves@example.test"]
    assert details(moves).join_url == new[0]["join_url"]
    assert details(stays).status == LinkStatus.READY


def test_a_host_moving_a_whole_session_moves_its_webinar_once_and_keeps_each_link(
    zoom: ZoomSandbox, host, member_client
):
    """The host moving a whole session PATCHes its webinar to the new time, once: no new
    webinar, no registration made again, and each invitee keeps their personal link."""
    first, later = next_free_starts(host.event_type, 5)[0], next_free_starts(host.event_type, 5)[4]
    seats = [book(host.event_type, first, email=f"{n}@example.test") for n in ("a", "b")]
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    links = [details(seat).join_url for seat in seats]
    zoom.control.delete("/requests")
    moved = member_client.post(
        f"/360/sessions/{seats[0].session_id}/reschedule",
        {"start": later.isoformat(), "time_zone": "UTC", "message": ""},
    )
    assert moved.status_code == 302
    drain()
    (after,) = webinars(zoom, host.zoom_user)
    assert (after["id"], after["start_time"]) == (webinar["id"], utc(later))
    calls = [(r["method"], r["path"]) for r in zoom.requests(path_prefix="/v2/")]
    assert calls == [("PATCH", f"/v2/webinars/{webinar['id']}")]
    assert [details(seat).join_url for seat in seats] == links


def test_a_lost_registration_answer_is_found_not_repeated(zoom: ZoomSandbox, host, settings):
    """Zoom takes at most 3 adds a day for one registrant: an add whose answer timed out is
    looked for in the webinar's registrants before adding again."""
    zoom.set_limits(registrant_adds_per_day=1)
    settings.ZOOM_HTTP_TIMEOUT_SECONDS = 0.5
    booking = book(host.event_type)
    drain(rounds=1)  # the webinar is created...
    zoom.set_faults(timeout_rate=1.0, paths=["/v2/webinars/"])
    drain(rounds=1)  # ...the registration times out
    zoom.clear_faults()
    drain()
    assert details(booking).status == LinkStatus.READY
    adds = zoom.requests(method="POST", path_prefix="/v2/webinars/")
    assert len([r for r in adds if r["status"] == 201]) <= 1


def test_the_host_cannot_register_for_their_own_webinar(zoom: ZoomSandbox, host):
    """Zoom's 3027: the booking says why there is no link."""
    booking = book(host.event_type, email=host.zoom_user["email"])
    drain()
    shown = details(booking)
    assert shown.status == LinkStatus.UNAVAILABLE
    assert "3027" in shown.reason


def test_the_registration_sends_the_confirmation_with_its_own_link_and_nothing_polls(
    zoom: ZoomSandbox, host, settings
):
    """A webinar booking's confirmation waits for the invitee's registration, which sends it
    with their personal link as soon as it is stored: one task (the webinar's sync) before
    the confirmation goes, and the confirmation's own task waits for the bound and then
    finds nothing to send."""
    settings.LINK_WAIT_SECONDS = 20
    booking = book(host.event_type)
    assert [task.name for task in queued_tasks(due_only=True)] == ["zoom_webinar_sync"]
    assert drain(only_due=True) == 1
    join_url = ZoomRegistrant.objects.get(booking_id=booking.id).join_url
    assert join_url
    (confirmation,) = to(INVITEE_EMAIL)
    assert join_url in confirmation.body
    (waiting,) = queued_tasks()
    assert waiting.name == "send_booking_email"
    assert waiting.run_after is not None
    assert waiting.run_after > booking.created_at + timedelta(seconds=19)
    drain()
    assert len(to(INVITEE_EMAIL)) == 1


def test_a_refused_registration_sends_the_confirmation_at_once_without_a_link(
    zoom: ZoomSandbox, host, settings
):
    """Zoom refuses to register the invitee (the host's own email, 3027): their
    confirmation doesn't wait out the bound, and says nothing of the host's reason."""
    settings.LINK_WAIT_SECONDS = 20
    booking = book(host.event_type, email=host.zoom_user["email"])
    assert [task.name for task in queued_tasks(due_only=True)] == ["zoom_webinar_sync"]
    drain(only_due=True)  # the confirmation's own task is due only at the bound
    assert details(booking).status == LinkStatus.UNAVAILABLE
    (confirmation,) = to(host.zoom_user["email"])
    assert confirmation.subject.startswith("Confirmed:")
    assert "3027" not in confirmation.body


def test_a_webinar_that_fails_sends_the_confirmations_at_once_without_a_link(
    zoom: ZoomSandbox, organization, admin_membership, settings
):
    """No webinar licence and no fallback to a meeting: the webinar fails, and each of its
    bookings' confirmations goes at once instead of at the bound."""
    settings.LINK_WAIT_SECONDS = 20
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    connected(zoom, admin_membership, email="nolicence@zoom.test", webinar=False)
    strict = webinar_event_type(admin_membership, slug="strict")
    start = next_free_starts(strict, 1)[0]
    first = book(strict, start, email="ann@example.test")
    second = book(strict, start, email="bo@example.test")
    assert {task.name for task in queued_tasks(due_only=True)} == {"zoom_webinar_sync"}
    drain(only_due=True)  # the confirmations' own tasks are due only at the bound
    assert ZoomWebinar.objects.get().state == ZoomWebinar.State.FAILED
    for booking in (first, second):
        assert details(booking).status == LinkStatus.UNAVAILABLE
        (confirmation,) = to(booking.invitee_email)
        assert "no webinar licence" not in confirmation.body


def test_without_a_webinar_licence_it_says_so_or_falls_back_to_a_meeting(
    zoom: ZoomSandbox, organization, admin_membership
):
    """No licence (Zoom's 400 with code 200): the booking says the account has no webinar
    licence; an event type that chose it falls back to a Zoom meeting instead."""
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    _, zoom_user = connected(zoom, admin_membership, email="nolicence@zoom.test", webinar=False)
    strict = webinar_event_type(admin_membership, slug="strict")
    lenient = webinar_event_type(admin_membership, slug="lenient", fallback_to_meeting=True)
    no_link = book(strict)
    meeting_instead = book(lenient)
    drain()
    assert "no webinar licence" in details(no_link).reason
    shown = details(meeting_instead)
    assert shown.status == LinkStatus.READY
    assert len(zoom.meetings(zoom_user["id"])) == 1
    assert ZoomUser.objects.get().webinar_licence is False
    assert ZoomWebinar.objects.get(fallback_to_meeting=True).state == "fell_back"
    assert ZoomMeeting.objects.count() == 1


@pytest.mark.skipif(uses_rq(), reason="RQ's queue is in Redis, told after the commit")
def test_a_webinar_falling_back_to_a_meeting_queues_its_sync_in_the_same_transaction(
    zoom: ZoomSandbox, organization, admin_membership
):
    """The fallback's meeting and the task that syncs it are written in one transaction
    (the outbox, as for meetings): no crash after the commit can leave the meeting unsynced.
    Run inside a transaction of the test's, the task's row is already there before it ends."""
    ZoomRollout.objects.create(organization=organization, enabled=True, webinars_enabled=True)
    connected(zoom, admin_membership, email="nolicence@zoom.test", webinar=False)
    book(webinar_event_type(admin_membership, slug="lenient", fallback_to_meeting=True))
    drop_queued_tasks()
    with transaction.atomic():
        webinar_sync(webinar_id=ZoomWebinar.objects.get().id)
        assert ZoomWebinar.objects.get().state == ZoomWebinar.State.FELL_BACK
        meeting = ZoomMeeting.objects.get()
        assert [(task.name, task.args) for task in queued_tasks()] == [
            ("zoom_meeting_sync", (meeting.id,))
        ]


def test_attendance_marks_attended_and_no_show_and_exports_csv(
    zoom: ZoomSandbox, host, member_client
):
    """After the session, Zoom's participants mark each booking Attended or No-show (by
    registrant id, else email); the host refreshes it and exports the CSV."""
    start = next_free_starts(host.event_type)[0]
    came = book(host.event_type, start, name="Ada Came", email="came@example.test")
    away = book(host.event_type, start, name="Bo Away", email="away@example.test")
    drain()
    (webinar,) = webinars(zoom, host.zoom_user)
    registrant = ZoomRegistrant.objects.get(booking_id=came.id)
    zoom.record_attendance(
        webinar["id"],
        [
            {
                "registrant_id": registrant.registrant_id,
                "name": "Ada Came",
                "email": "came@example.test",
                "duration": 1800,
            }
        ],
    )
    stored = ZoomWebinar.objects.get()
    response = member_client.post(f"/360/integrations/zoom/webinars/{stored.id}/attendance")
    assert response.status_code == 302
    assert details(came).attendance == "attended"
    assert details(away).attendance == "no_show"
    export = member_client.get(
        f"/360/integrations/zoom/webinars/export?event_type={host.event_type.id}"
    )
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["session start (UTC)", "webinar", "booking"]
    assert {(r[5], r[7]) for r in rows[1:]} == {
        ("came@example.test", "Attended"),
        ("away@example.test", "No-show"),
    }


def test_a_coworker_sees_no_webinar_of_another_host(zoom: ZoomSandbox, host, organization):
    """Webinar sessions, attendance and exports are the host's (and admins'), never a
    co-worker's."""
    from tests.factories import make_member

    book(host.event_type)
    drain()
    coworker = Client()
    coworker.force_login(make_member(organization).user)
    assert "Product webinar" not in coworker.get("/360/integrations/zoom/webinars").content.decode()
    export = coworker.get(f"/360/integrations/zoom/webinars/export?event_type={host.event_type.id}")
    assert len(export.content.decode().strip().splitlines()) == 1  # the header only
    webinar = ZoomWebinar.objects.get()
    refused = coworker.post(f"/360/integrations/zoom/webinars/{webinar.id}/attendance")
    assert refused.status_code == 404


def test_an_event_type_can_attach_to_a_webinar_on_the_hosts_own_zoom(zoom: ZoomSandbox, host):
    """The host's existing webinars are listed from their own Zoom (a co-worker's
    connection lists none of them); invitees of an attached event type register to it, and
    slotlink never deletes the host's webinar."""
    import httpx

    from tests.factories import make_member

    token = ZoomUser.objects.get().access_token
    created = httpx.post(
        f"{zoom.api_base_url}/users/me/webinars",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "topic": "Quarterly all-hands",
            "type": 5,
            "start_time": "2030-03-01T15:00:00Z",
            "duration": 60,
            "settings": {"approval_type": 0},
        },
    ).json()
    User.objects.filter(pk=host.user.pk).update(time_zone="Europe/Berlin")
    listed = seam.existing_events(
        "zoom_webinar", organization_id=host.event_type.organization_id, host_id=host.user.id
    )
    assert [event.reference for event in listed] == [str(created["id"])]
    # As the host reads it, in their zone on their clock, not Zoom's ISO string.
    assert listed[0].label == "Quarterly all-hands — Fri 1 Mar 2030, 16:00 (Europe/Berlin)"
    coworker = make_member(host.membership.organization)
    connected(zoom, coworker, email="coworker@zoom.test", webinar=True)
    assert (
        seam.existing_events(
            "zoom_webinar",
            organization_id=host.event_type.organization_id,
            host_id=coworker.user.id,
        )
        == []
    )
    attached = webinar_event_type(
        host.membership, slug="all-hands", location_detail=str(created["id"])
    )
    booking = book(attached)
    drain()
    assert [r["email"] for r in zoom.registrants(created["id"])] == ["ivy@example.test"]
    assert details(booking).status == LinkStatus.READY
    cancel(booking)
    drain()
    assert [w["id"] for w in webinars(zoom, host.zoom_user)] == [created["id"]]


def test_the_export_keeps_every_formula_like_cell_as_text(
    zoom: ZoomSandbox, member_membership, member_client, host
):
    """Issue 19 (6): the webinar's title column was written unescaped, so an event type
    titled like a formula ran in the spreadsheet that opened the export."""
    formula = webinar_event_type(
        member_membership, title='=HYPERLINK("http://evil.test")', slug="f"
    )
    book(formula, name="Ada Lovelace", email="ada@example.test")
    drain()
    export = member_client.get(f"/360/integrations/zoom/webinars/export?event_type={formula.id}")
    (header, row) = list(csv.reader(io.StringIO(export.content.decode())))
    assert header[1] == "webinar"
    assert row[1] == '\'=HYPERLINK("http://evil.test")'
    assert row[3:6] == ["Ada", "Lovelace", "ada@example.test"]
