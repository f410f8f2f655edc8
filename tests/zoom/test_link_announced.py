"""The meeting's sync hands the link it stored to the seam (`seam.link_ready` with the
details), so the confirmation that waited for it is built from them: nothing reads the
booking's meeting back right after writing it. Against the Zoom sandbox."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from slotlink.notifications.messages import BookingChange
from tests.fixtures.zoom_sandbox import ZoomSandbox
from tests.scheduling.builders import book
from tests.scheduling.mailbox import INVITEE_EMAIL, to, told
from tests.zoom.meeting_helpers import ZoomHost, drain, meeting_of

pytestmark = pytest.mark.django_db(transaction=True)

# A booking's meeting, as the provider reads it to show a booking's link.
READS_BOOKINGS_MEETING = 'FROM "zoom_zoommeetingbooking" INNER JOIN "zoom_zoommeeting"'


def test_the_confirmation_gets_the_stored_link_without_reading_the_meeting_back(
    zoom: ZoomSandbox, host: ZoomHost, settings
):
    """The sync stores the link and announces it with its details: the confirmation goes
    to both parties with that link, and no query after the link's write reads the
    booking's meeting again."""
    settings.LINK_WAIT_SECONDS = 20
    booking = book(host.event_type)
    with CaptureQueriesContext(connection) as queries:
        drain(only="zoom_meeting_sync")
    sqls = [query["sql"] for query in queries.captured_queries]
    stored = max(
        index
        for index, sql in enumerate(sqls)
        if sql.startswith('UPDATE "zoom_zoommeeting"') and '"join_url"' in sql
    )
    assert [sql for sql in sqls[stored:] if READS_BOOKINGS_MEETING in sql] == []
    join_url = meeting_of(booking).join_url
    assert told(INVITEE_EMAIL) == told(host.user.email) == [(BookingChange.BOOKED, 0)]
    assert join_url in to(INVITEE_EMAIL)[0].body
    assert join_url in to(host.user.email)[0].body
