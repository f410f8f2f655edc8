"""A meeting's, webinar's or registration's problem is a code: the host's words and action
come from it (zoom/problems.py), and what slotlink does about a problem is decided by the
code, never by its words."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from slotlink.zoom.meetings.fixes import meetings_retry_for
from slotlink.zoom.models import ZoomMeeting, ZoomRegistrant, ZoomWebinar
from slotlink.zoom.problems import Problem, problem_fields
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book, next_free_starts
from tests.zoom.meeting_helpers import ZoomHost, meeting_of
from tests.zoom.test_meetings import details

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_CODES = ("zoom", "0009_code_arrival")
CODES = ("zoom", "0010_problem_codes")


def _failed(booking, problem: Problem, detail: str) -> ZoomMeeting:
    meeting = meeting_of(booking)
    ZoomMeeting.objects.filter(pk=meeting.pk).update(
        state=ZoomMeeting.State.FAILED, **problem_fields(problem, detail)
    )
    return meeting


def test_a_failed_meetings_action_and_retry_come_from_its_code_not_its_words(
    zoom: ZoomSandbox, host: ZoomHost
):
    """Zoom's own refusal may say "reconnect"; it still offers Try again, and reconnecting
    the account doesn't retry it. A broken connection offers Reconnect and is retried."""
    refused = book(host.event_type)
    broken = book(host.event_type, next_free_starts(host.event_type, 3)[2])
    _failed(refused, Problem.CREATE_REFUSED, "Please reconnect the calendar first.")
    _failed(broken, Problem.CONNECTION_BROKEN, "hana@zoom.test")
    shown = details(refused)
    assert (
        shown.reason == "Zoom refused to create the meeting: Please reconnect the calendar first."
    )
    assert shown.action is not None
    assert shown.action.label == "Try again"
    shown = details(broken)
    assert shown.reason == "The Zoom connection hana@zoom.test is broken: reconnect it."
    assert shown.action is not None
    assert shown.action.label == "Reconnect"
    assert meetings_retry_for(zoom_user_id=host.zoom_user["id"]) == 1
    assert meeting_of(refused).state == ZoomMeeting.State.FAILED
    retried = meeting_of(broken)
    assert retried.state == ZoomMeeting.State.PENDING
    assert (retried.problem_code, retried.problem_detail, retried.problem) == ("", "", "")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # the applied migrations changed since the last executor
    executor.migrate([target])


def _latest() -> tuple[str, str]:
    graph = MigrationExecutor(connection).loader.graph
    (leaf,) = (node for node in graph.leaf_nodes() if node[0] == "zoom")
    return leaf


def _stored_words(table: str) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, problem FROM "{table}"')  # noqa: S608 - our own table names
        return dict(cursor.fetchall())


def _store_words(table: str, pk: int, words: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET problem = %s WHERE id = %s', [words, pk])  # noqa: S608


MEETING_WORDS = [
    ("The Zoom connection hana@zoom.test is broken: reconnect it.", "connection_broken"),
    (
        "Zoom did not give slotlink permission for this (meeting:write:meeting): reconnect "
        "Zoom and allow every permission it asks for.",
        "scope_missing",
    ),
    (
        "Zoom's daily limit of 100 meeting changes for this account is used up; slotlink will "
        "make this change after 2026-12-08 00:00 UTC.",
        "daily_cap",
    ),
    ("Zoom refused to create the meeting: Invalid start_time.", "create_refused"),
    ("Zoom could not be reached; retrying.", "unreachable"),
    ("Something said before problems had codes.", "earlier"),
    ("", ""),
]
WEBINAR_WORDS = [
    (
        "The Zoom account hana@zoom.test has no webinar licence, so Zoom can't host a webinar "
        "on it. A Zoom meeting is used instead.",
        "no_licence_fell_back",
    ),
    (
        "Webinars on group bookings aren't enabled for this organization (Rollout card), so no "
        "Zoom webinar was created.",
        "webinars_off",
    ),
]
REGISTRANT_WORDS = [
    ("Zoom refused to register this invitee: Registration closed.", "registration_refused"),
    (
        "The host can't register for their own Zoom webinar (Zoom error 3027): this booking "
        "was made with the host's own email.",
        "host_registered",
    ),
]


def shown(said: str) -> str:
    """The words as a host reads them now: a daily limit's "2026-12-08 00:00 UTC" is a
    time like every other the host reads (core/times.py)."""
    return said.replace("2026-12-08 00:00 UTC.", "Tue 8 Dec 2026, 00:00 (UTC).")


def _rows(organization) -> dict[type, list[int]]:
    start = timezone.now() + timedelta(days=3)
    common = {"organization": organization, "host_id": 1, "topic": "Intro", "start": start}
    meetings = [ZoomMeeting.objects.create(**common, duration_minutes=30).id for _ in MEETING_WORDS]
    webinars = [
        ZoomWebinar.objects.create(
            **common, duration_minutes=60, group_session_id=index, event_type_id=1
        )
        for index, _ in enumerate(WEBINAR_WORDS)
    ]
    registrants = [
        ZoomRegistrant.objects.create(
            webinar=webinars[0], booking_id=index, email=f"{index}@example.test", first_name="A"
        ).id
        for index, _ in enumerate(REGISTRANT_WORDS)
    ]
    return {
        ZoomMeeting: meetings,
        ZoomWebinar: [webinar.id for webinar in webinars],
        ZoomRegistrant: registrants,
    }


@pytest.mark.django_db(transaction=True)
def test_problems_stored_as_words_become_their_codes_and_back(organization):
    """Rows stored before problem codes get the code their words were made from, with the
    detail the words carried (an email, the scopes, a time, Zoom's message), and show the
    same words (the daily limit's time as its host reads times, here UTC on the default
    clock); words no code makes are kept whole. Migrating back writes the words out."""
    rows = _rows(organization)
    words = {
        ZoomMeeting: MEETING_WORDS,
        ZoomWebinar: WEBINAR_WORDS,
        ZoomRegistrant: REGISTRANT_WORDS,
    }
    latest = _latest()
    try:
        _migrate(BEFORE_CODES)
        for model, ids in rows.items():
            for pk, (said, _) in zip(ids, words[model], strict=True):
                _store_words(model._meta.db_table, pk, said)
        _migrate(CODES)
        for model, ids in rows.items():
            stored = {row.id: row for row in model.objects.filter(id__in=ids)}
            for pk, (said, code) in zip(ids, words[model], strict=True):
                assert (stored[pk].problem_code, stored[pk].problem) == (code, shown(said))
        assert ZoomMeeting.objects.get(id=rows[ZoomMeeting][0]).problem_detail == "hana@zoom.test"
        assert ZoomMeeting.objects.get(id=rows[ZoomMeeting][2]).problem_detail == "2026-12-08 00:00"
        _migrate(BEFORE_CODES)
        for model, ids in rows.items():
            written = _stored_words(model._meta.db_table)
            assert [written[pk] for pk in ids] == [said for said, _ in words[model]]
    finally:
        _migrate(latest)
