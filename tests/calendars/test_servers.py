"""The test CalDAV servers themselves: they require the password and keep what is put."""

import httpx

from tests.calendars.servers import CalDAVServer

EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//slotlink tests//EN
BEGIN:VEVENT
UID:seed-1@tests
DTSTAMP:20261201T090000Z
DTSTART:20261208T100000Z
DTEND:20261208T110000Z
SUMMARY:Stand-up
END:VEVENT
END:VCALENDAR
"""


def test_a_wrong_password_is_refused(caldav_server: CalDAVServer):
    """The server answers 401 to a wrong password and to none."""
    wrong = httpx.request(
        "PROPFIND",
        caldav_server.principal_url,
        auth=(caldav_server.username, "wrong"),
        headers={"Depth": "0"},
    )
    anonymous = httpx.request("PROPFIND", caldav_server.principal_url, headers={"Depth": "0"})
    assert (wrong.status_code, anonymous.status_code) == (401, 401)


def test_a_seeded_event_is_kept_in_a_fresh_calendar(caldav_server: CalDAVServer):
    """An event PUT into a new calendar is listed there and read back as it was written."""
    calendar_url = caldav_server.new_calendar()
    href = caldav_server.put_ics(calendar_url, EVENT)
    assert caldav_server.hrefs(calendar_url) == [href]
    assert "UID:seed-1@tests" in (caldav_server.get_ics(href) or "")
    caldav_server.delete(href)
    assert caldav_server.get_ics(href) is None
