"""The invitee's answers in the Zoom meeting's agenda (issue 22), as the sandbox keeps it
over real HTTP: within Zoom's 2000 characters with the create marker, cut at a character
with an ellipsis; and none in a group session's shared meeting."""

from __future__ import annotations

import pytest

from slotlink.scheduling.questions.answers import answer_for
from slotlink.scheduling.questions.services import question_add
from slotlink.zoom.sync.marker import MARKER_PREFIX
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.meeting_helpers import (
    ZoomHost,
    assert_zoom_has_exactly_the_booked_meetings,
    drain,
    meeting_of,
    sandbox_meetings,
    zoom_workshop,
)

pytestmark = pytest.mark.django_db(transaction=True)


def asks(event_type, label: str = "What should we talk about?"):
    return question_add(
        event_type=event_type, kind="long_text", label=label, required=True, options=[]
    )


def test_the_meetings_agenda_holds_the_invitees_answers(zoom: ZoomSandbox, host: ZoomHost):
    """A one-on-one booking's meeting is made with the answers in its agenda, after the
    create marker (first: Zoom's lists keep an agenda's first 250 characters)."""
    talk = asks(host.event_type)
    team = question_add(
        event_type=host.event_type,
        kind="multiple_choice",
        label="Interests",
        required=False,
        options=["Pricing", "API"],
    )
    book(
        host.event_type,
        name="Ivy Invitee",
        phone="",
        answers=(answer_for(talk, "Pricing for 12 seats"), answer_for(team, ["Pricing", "API"])),
    )
    drain()
    (meeting,) = sandbox_meetings(zoom, host.zoom_user)
    marker, agenda = meeting["agenda"].removeprefix(MARKER_PREFIX).split("\n\n", 1)
    assert agenda == (
        "Ivy Invitee's answers:\nWhat should we talk about?\nPricing for 12 seats"
        "\n\nInterests\nPricing, API"
    )
    assert len(marker) == 32


def test_a_long_answer_is_cut_at_a_character_within_zooms_limit(zoom: ZoomSandbox, host: ZoomHost):
    """Answers longer than the agenda holds: Zoom takes the meeting (2000 characters with
    the marker), its agenda cut with an ellipsis between two whole emoji, never half of
    one."""
    talk = asks(host.event_type)
    book(
        host.event_type,
        phone="",
        answers=(answer_for(talk, "x" + "\U0001f469\u200d\U0001f4bb" * 700),),
    )
    drain()
    (meeting,) = sandbox_meetings(zoom, host.zoom_user)
    assert meeting["join_url"]
    assert len(meeting["agenda"]) <= 2000
    assert meeting["agenda"].startswith(MARKER_PREFIX)
    agenda = meeting["agenda"].split("\n\n", 1)[1]
    assert agenda.endswith("\U0001f469\u200d\U0001f4bb…")
    answer = agenda.split("\n")[-1].removeprefix("x").removesuffix("…")
    assert len(answer) % 3 == 0  # whole emoji only


def test_a_group_sessions_meeting_carries_no_invitees_answers(zoom: ZoomSandbox, host: ZoomHost):
    """Two seats of one session share a meeting, which every participant may read: its
    agenda has neither invitee's answers."""
    workshop = zoom_workshop(host.membership)
    talk = asks(workshop)
    start = next_free_starts(workshop)[0]
    book(workshop, start, phone="", answers=(answer_for(talk, "Ivy's private matter"),))
    book(
        workshop,
        start,
        email="bob@example.test",
        phone="",
        answers=(answer_for(talk, "Bob's private matter"),),
    )
    drain()
    (meeting,) = [m for m in sandbox_meetings(zoom, host.zoom_user) if m["topic"] == "Workshop"]
    assert "private matter" not in meeting["agenda"]
    assert "answers" not in meeting["agenda"]


def test_a_lost_create_with_a_long_agenda_is_adopted_not_repeated(
    zoom: ZoomSandbox, host: ZoomHost
):
    """Zoom's list gives only an agenda's first 250 characters: the create marker is
    written first, so a create whose answer was lost is still found by it in the list and
    kept, however long the answers made the agenda; there is exactly one meeting. And the
    reconcile, which also reads the list, sees no orphan."""
    talk = asks(host.event_type)
    zoom.set_faults(drop_after_commit_rate=1.0, paths=["/v2/users/me/meetings"])
    booking = book(host.event_type, phone="", answers=(answer_for(talk, "Details. " * 150),))
    drain(rounds=1, only="zoom_meeting_sync")
    zoom.clear_faults()
    drain()
    (only,) = sandbox_meetings(zoom, host.zoom_user)
    assert len(only["agenda"]) > 1000
    assert meeting_of(booking).zoom_meeting_id == only["id"]
    assert_zoom_has_exactly_the_booked_meetings(zoom)
