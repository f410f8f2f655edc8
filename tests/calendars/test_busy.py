"""calendars/busy.py: a calendar's iCalendar objects become the host's busy stretches.

Each rule is a case below (`CASES`): the objects as a host's own calendar client would
store them, the range asked, and the UTC stretches that must come out. Every case is read
twice: straight from the text written here, and after a round trip through each real
CalDAV server (stored with PUT, read back with the client's time-range calendar-query),
so the servers' own storage and serialization, and the client's reading, are part of
what is checked.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest

from slotlink.calendars.busy import Stretch, busy_stretches, read_busy, server_query_range
from slotlink.calendars.client import CalDAVAccount, events_between
from tests.calendars.servers import CalDAVServer

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def calendar(body: str, zones: str = "") -> str:
    """A calendar object around `body` (one event series) and its VTIMEZONEs, with the
    CRLF line ends iCalendar asks for."""
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//slotlink tests//EN\n"
        f"{zones}{body.strip()}\nEND:VCALENDAR\n"
    )
    return text.replace("\n", "\r\n")


def event(uid: str, lines: str) -> str:
    return f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20261201T090000Z\n{lines.strip()}\nEND:VEVENT\n"


BERLIN_ZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

LOS_ANGELES_ZONE = """BEGIN:VTIMEZONE
TZID:America/Los_Angeles
BEGIN:DAYLIGHT
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
TZNAME:PDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
TZNAME:PST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
"""

# A zone only this calendar defines: +05:30, and +06:30 from the last Sunday of March
# (2027-03-28) to the last Sunday of October. No IANA zone is named so or behaves so.
CUSTOM_ZONE = """BEGIN:VTIMEZONE
TZID:Slotlink Test Zone
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0630
TZOFFSETTO:+0530
TZNAME:STZ
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0530
TZOFFSETTO:+0630
TZNAME:DTZ
END:DAYLIGHT
END:VTIMEZONE
"""


def one_offset_zone(tzid: str, offset: str) -> str:
    """A VTIMEZONE of one fixed offset, under any name."""
    return (
        f"BEGIN:VTIMEZONE\nTZID:{tzid}\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
        f"TZOFFSETFROM:{offset}\nTZOFFSETTO:{offset}\nEND:STANDARD\nEND:VTIMEZONE\n"
    )


def _at_nine_in(tzid: str, day: str) -> str:
    return f"DTSTART;TZID={tzid}:{day}T090000\nDTEND;TZID={tzid}:{day}T100000"


@dataclass(frozen=True)
class Case:
    id: str
    rule: str  # the behaviour the case shows
    texts: tuple[str, ...]
    start: datetime
    end: datetime
    expected: list[tuple[datetime, datetime]]
    zone: tzinfo = BERLIN
    owners: tuple[str, ...] = ()


CASES = [
    Case(
        "weekly-exdate-rdate",
        "A weekly event blocks each week, except a date its EXDATE takes out, and also an "
        "extra date its RDATE adds (lasting as long as the others).",
        (
            calendar(
                event(
                    "weekly@tests",
                    """
DTSTART:20261207T100000Z
DTEND:20261207T110000Z
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE:20261214T100000Z
RDATE:20261216T150000Z
SUMMARY:Weekly review
""",
                )
            ),
        ),
        utc(2026, 12, 7),
        utc(2026, 12, 29),
        [
            (utc(2026, 12, 7, 10), utc(2026, 12, 7, 11)),
            (utc(2026, 12, 16, 15), utc(2026, 12, 16, 16)),
            (utc(2026, 12, 21, 10), utc(2026, 12, 21, 11)),
            (utc(2026, 12, 28, 10), utc(2026, 12, 28, 11)),
        ],
    ),
    Case(
        "moved-and-cancelled-instances",
        "An instance overridden by RECURRENCE-ID blocks where it was moved to, not where "
        "it was; an instance overridden as cancelled blocks nothing.",
        (
            calendar(
                event(
                    "daily@tests",
                    """
DTSTART;TZID=Europe/Berlin:20261207T090000
DTEND;TZID=Europe/Berlin:20261207T093000
RRULE:FREQ=DAILY;COUNT=5
SUMMARY:Stand-up
""",
                )
                + event(
                    "daily@tests",
                    """
RECURRENCE-ID;TZID=Europe/Berlin:20261208T090000
DTSTART;TZID=Europe/Berlin:20261208T140000
DTEND;TZID=Europe/Berlin:20261208T143000
SUMMARY:Stand-up (moved)
""",
                )
                + event(
                    "daily@tests",
                    """
RECURRENCE-ID;TZID=Europe/Berlin:20261209T090000
DTSTART;TZID=Europe/Berlin:20261209T090000
DTEND;TZID=Europe/Berlin:20261209T093000
STATUS:CANCELLED
SUMMARY:Stand-up (cancelled)
""",
                ),
                BERLIN_ZONE,
            ),
        ),
        utc(2026, 12, 7),
        utc(2026, 12, 14),
        [
            (utc(2026, 12, 7, 8), utc(2026, 12, 7, 8, 30)),
            (utc(2026, 12, 8, 13), utc(2026, 12, 8, 13, 30)),
            (utc(2026, 12, 10, 8), utc(2026, 12, 10, 8, 30)),
            (utc(2026, 12, 11, 8), utc(2026, 12, 11, 8, 30)),
        ],
    ),
    Case(
        "all-day-in-host-zone",
        "An all-day event blocks its days from midnight to midnight on the host's wall.",
        (
            calendar(
                event(
                    "holiday@tests",
                    """
DTSTART;VALUE=DATE:20261224
DTEND;VALUE=DATE:20261226
SUMMARY:Holidays
""",
                )
            ),
        ),
        utc(2026, 12, 20),
        utc(2026, 12, 31),
        [(utc(2026, 12, 24, 5), utc(2026, 12, 26, 5))],
        zone=NEW_YORK,
    ),
    Case(
        "all-day-without-end",
        "An all-day event with neither DTEND nor DURATION blocks its one day.",
        (calendar(event("eve@tests", "DTSTART;VALUE=DATE:20261231\nSUMMARY:New Year's Eve")),),
        utc(2026, 12, 28),
        utc(2027, 1, 4),
        [(utc(2026, 12, 30, 15), utc(2026, 12, 31, 15))],
        zone=TOKYO,
    ),
    Case(
        "floating-time",
        "A floating time (no zone) is read on the host's wall.",
        (
            calendar(
                event(
                    "floating@tests",
                    "DTSTART:20261210T090000\nDTEND:20261210T100000\nSUMMARY:Dentist",
                )
            ),
        ),
        utc(2026, 12, 9),
        utc(2026, 12, 11),
        [(utc(2026, 12, 10, 0), utc(2026, 12, 10, 1))],
        zone=TOKYO,
    ),
    Case(
        "other-zone",
        "An event in another zone (TZID with the server's VTIMEZONE) blocks its own "
        "zone's hours, whatever the host's zone.",
        (
            calendar(
                event(
                    "pacific@tests",
                    """
DTSTART;TZID=America/Los_Angeles:20261210T090000
DTEND;TZID=America/Los_Angeles:20261210T100000
SUMMARY:Call with San Francisco
""",
                ),
                LOS_ANGELES_ZONE,
            ),
        ),
        utc(2026, 12, 9),
        utc(2026, 12, 12),
        [(utc(2026, 12, 10, 17), utc(2026, 12, 10, 18))],
    ),
    Case(
        "custom-vtimezone",
        "A TZID no IANA zone has is read with the VTIMEZONE the calendar defines, "
        "including its own daylight saving change.",
        (
            calendar(
                event(
                    "custom@tests",
                    """
DTSTART;TZID=Slotlink Test Zone:20270322T090000
DTEND;TZID=Slotlink Test Zone:20270322T100000
RRULE:FREQ=WEEKLY;COUNT=2
SUMMARY:Regional sync
""",
                ),
                CUSTOM_ZONE,
            ),
        ),
        utc(2027, 3, 15),
        utc(2027, 4, 5),
        [
            (utc(2027, 3, 22, 3, 30), utc(2027, 3, 22, 4, 30)),
            (utc(2027, 3, 29, 2, 30), utc(2027, 3, 29, 3, 30)),
        ],
    ),
    Case(
        "custom-zones-of-one-name",
        "Two objects defining a custom zone of the same name differently (as Outlook names "
        "every one 'Customized Time Zone') are each read with their own definition, their "
        "EXDATEs too.",
        (
            calendar(
                event("india@tests", _at_nine_in("Customized Time Zone", "20261210")),
                one_offset_zone("Customized Time Zone", "+0530"),
            ),
            calendar(
                event(
                    "cairo@tests",
                    _at_nine_in("Customized Time Zone", "20261211")
                    + "\nRRULE:FREQ=DAILY;COUNT=3"
                    + "\nEXDATE;TZID=Customized Time Zone:20261212T090000",
                ),
                one_offset_zone("Customized Time Zone", "+0200"),
            ),
        ),
        utc(2026, 12, 9),
        utc(2026, 12, 14),
        [
            (utc(2026, 12, 10, 3, 30), utc(2026, 12, 10, 4, 30)),
            (utc(2026, 12, 11, 7), utc(2026, 12, 11, 8)),
            (utc(2026, 12, 13, 7), utc(2026, 12, 13, 8)),
        ],
    ),
    Case(
        "windows-zone-name",
        "A TZID by Windows' name (as Outlook and Exchange send, 'W. Europe Standard Time') "
        "is read as the IANA zone it names, its daylight saving change included, even "
        "with no VTIMEZONE sent.",
        (
            calendar(
                event(
                    "outlook@tests",
                    """
DTSTART;TZID=W. Europe Standard Time:20270322T090000
DTEND;TZID=W. Europe Standard Time:20270322T100000
RRULE:FREQ=WEEKLY;COUNT=2
""",
                ),
            ),
        ),
        utc(2027, 3, 15),
        utc(2027, 4, 5),
        [
            (utc(2027, 3, 22, 8), utc(2027, 3, 22, 9)),
            (utc(2027, 3, 29, 7), utc(2027, 3, 29, 8)),
        ],
        zone=TOKYO,
    ),
    Case(
        "weekly-across-dst",
        "A weekly Monday 09:00 Berlin event keeps 09:00 on the wall across the late-March "
        "change: 08:00 UTC before it, 07:00 UTC after.",
        (
            calendar(
                event(
                    "monday@tests",
                    """
DTSTART;TZID=Europe/Berlin:20270315T090000
DTEND;TZID=Europe/Berlin:20270315T100000
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4
SUMMARY:Monday planning
""",
                ),
                BERLIN_ZONE,
            ),
        ),
        utc(2027, 3, 14),
        utc(2027, 4, 12),
        [
            (utc(2027, 3, 15, 8), utc(2027, 3, 15, 9)),
            (utc(2027, 3, 22, 8), utc(2027, 3, 22, 9)),
            (utc(2027, 3, 29, 7), utc(2027, 3, 29, 8)),
            (utc(2027, 4, 5, 7), utc(2027, 4, 5, 8)),
        ],
    ),
    Case(
        "transparent",
        "A transparent event (TRANSP:TRANSPARENT, 'show as free') blocks nothing; an opaque "
        "one beside it does.",
        (
            calendar(
                event(
                    "free@tests",
                    "DTSTART:20261210T090000Z\nDTEND:20261210T170000Z\nTRANSP:TRANSPARENT",
                )
            ),
            calendar(
                event(
                    "busy@tests", "DTSTART:20261211T090000Z\nDTEND:20261211T100000Z\nTRANSP:OPAQUE"
                )
            ),
        ),
        utc(2026, 12, 9),
        utc(2026, 12, 12),
        [(utc(2026, 12, 11, 9), utc(2026, 12, 11, 10))],
    ),
    Case(
        "cancelled",
        "A cancelled event (STATUS:CANCELLED) blocks nothing; a confirmed one beside it does.",
        (
            calendar(
                event(
                    "off@tests",
                    "DTSTART:20261210T090000Z\nDTEND:20261210T100000Z\nSTATUS:CANCELLED",
                )
            ),
            calendar(
                event(
                    "on@tests",
                    "DTSTART:20261211T090000Z\nDTEND:20261211T100000Z\nSTATUS:CONFIRMED",
                )
            ),
        ),
        utc(2026, 12, 9),
        utc(2026, 12, 12),
        [(utc(2026, 12, 11, 9), utc(2026, 12, 11, 10))],
    ),
    Case(
        "declined-by-host",
        "An event the host declined (their ATTENDEE, matched without case and 'mailto:', "
        "PARTSTAT=DECLINED) blocks nothing; one only someone else declined still blocks.",
        (
            calendar(
                event(
                    "declined@tests",
                    """
DTSTART:20261210T090000Z
DTEND:20261210T100000Z
ORGANIZER:mailto:boss@example.com
ATTENDEE;PARTSTAT=DECLINED;CN=Ada:MAILTO:Ada@Example.COM
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com
""",
                )
            ),
            calendar(
                event(
                    "others-declined@tests",
                    """
DTSTART:20261211T090000Z
DTEND:20261211T100000Z
ORGANIZER:mailto:boss@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ada@example.com
ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com
""",
                )
            ),
        ),
        utc(2026, 12, 9),
        utc(2026, 12, 12),
        [(utc(2026, 12, 11, 9), utc(2026, 12, 11, 10))],
        owners=("ada@example.com",),
    ),
    Case(
        "declined-one-instance",
        "An instance of a series the host declined alone (an override with their "
        "PARTSTAT=DECLINED) blocks nothing; the series' other instances still block.",
        (
            calendar(
                event(
                    "series@tests",
                    """
DTSTART:20261207T100000Z
DTEND:20261207T110000Z
RRULE:FREQ=WEEKLY;COUNT=3
ORGANIZER:mailto:boss@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ada@example.com
""",
                )
                + event(
                    "series@tests",
                    """
RECURRENCE-ID:20261214T100000Z
DTSTART:20261214T100000Z
DTEND:20261214T110000Z
ORGANIZER:mailto:boss@example.com
ATTENDEE;PARTSTAT=DECLINED:mailto:ada@example.com
""",
                )
            ),
        ),
        utc(2026, 12, 7),
        utc(2026, 12, 28),
        [
            (utc(2026, 12, 7, 10), utc(2026, 12, 7, 11)),
            (utc(2026, 12, 21, 10), utc(2026, 12, 21, 11)),
        ],
        owners=("ada@example.com",),
    ),
    Case(
        "duration",
        "An event with DURATION instead of DTEND lasts that long.",
        (calendar(event("dur@tests", "DTSTART:20261210T090000Z\nDURATION:PT45M")),),
        utc(2026, 12, 9),
        utc(2026, 12, 12),
        [(utc(2026, 12, 10, 9), utc(2026, 12, 10, 9, 45))],
    ),
    Case(
        "instant",
        "An event with a date-time start and neither DTEND nor DURATION is an instant and "
        "blocks nothing.",
        (calendar(event("instant@tests", "DTSTART:20261210T090000Z\nSUMMARY:Reminder")),),
        utc(2026, 12, 9),
        utc(2026, 12, 12),
        [],
    ),
    Case(
        "clipped-and-merged",
        "Stretches are clipped to the range asked, and overlapping or touching ones from "
        "different events come out as one.",
        (
            calendar(event("early@tests", "DTSTART:20261210T070000Z\nDTEND:20261210T100000Z")),
            calendar(event("overlap@tests", "DTSTART:20261210T093000Z\nDTEND:20261210T110000Z")),
            calendar(event("touch@tests", "DTSTART:20261210T110000Z\nDTEND:20261210T113000Z")),
            calendar(event("late@tests", "DTSTART:20261210T150000Z\nDTEND:20261210T190000Z")),
        ),
        utc(2026, 12, 10, 8),
        utc(2026, 12, 10, 16),
        [
            (utc(2026, 12, 10, 8), utc(2026, 12, 10, 11, 30)),
            (utc(2026, 12, 10, 15), utc(2026, 12, 10, 16)),
        ],
    ),
]


def busy_of(case: Case, texts: list[str]) -> list[tuple[datetime, datetime]]:
    stretches = busy_stretches(
        texts, case.start, case.end, zone=case.zone, owner_emails=case.owners
    )
    assert all(isinstance(s, Stretch) and s.start.tzinfo is UTC for s in stretches)
    return [(s.start, s.end) for s in stretches]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_rule_blocks_what_it_says(case: Case):
    """Each case's calendar objects, read as written, block exactly its expected UTC
    stretches (the case's `rule` says why)."""
    assert busy_of(case, list(case.texts)) == case.expected


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_rule_holds_after_a_real_server_stored_it(caldav_server: CalDAVServer, case: Case):
    """Each case stored on a real CalDAV server and read back by the client
    (events_between: a time-range calendar-query REPORT over the case's range) blocks
    the same stretches as when read as written."""
    calendar_url = caldav_server.new_calendar()
    for text in case.texts:
        caldav_server.put_ics(calendar_url, text)
    texts = events_between(account_of(caldav_server), calendar_url, case.start, case.end)
    assert busy_of(case, texts) == case.expected


def account_of(server: CalDAVServer) -> CalDAVAccount:
    return CalDAVAccount(server.home_url, server.username, server.password)


def test_unreadable_objects_are_skipped_and_counted():
    """Objects a server sends that can't be read (not iCalendar, cut short, no DTSTART, a
    nonsense RRULE, date or DURATION) are skipped and counted, never raised, and the
    readable ones beside them still block."""
    good = calendar(event("good@tests", "DTSTART:20261210T090000Z\nDTEND:20261210T100000Z"))
    broken = [
        "<html><body>Internal error</body></html>",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:cut@tests\r\n",
        calendar(event("no-start@tests", "DTEND:20261210T100000Z")),
        calendar(event("rrule@tests", "DTSTART:20261210T090000Z\nRRULE:FREQ=SOMETIMES")),
        calendar(event("date@tests", "DTSTART:2026-12-10\nDTEND:20261210T100000Z")),
        calendar(event("duration@tests", "DTSTART:20261210T120000Z\nDURATION:soon")),
    ]
    read = read_busy(
        [broken[0], good, *broken[1:]], utc(2026, 12, 9), utc(2026, 12, 12), zone=BERLIN
    )
    assert read.stretches == [Stretch(utc(2026, 12, 10, 9), utc(2026, 12, 10, 10))]
    assert read.skipped == len(broken)


def test_a_broken_series_is_skipped_alone_in_an_object_with_several():
    """In one object holding several series (several UIDs, which CalDAV forbids but a
    server may still send), a broken series is skipped and counted alone."""
    text = calendar(
        event("fine@tests", "DTSTART:20261210T090000Z\nDTEND:20261210T100000Z")
        + event("bad@tests", "DTSTART:20261210T120000Z\nRRULE:FREQ=SOMETIMES")
    )
    read = read_busy([text], utc(2026, 12, 9), utc(2026, 12, 12), zone=BERLIN)
    assert read.stretches == [Stretch(utc(2026, 12, 10, 9), utc(2026, 12, 10, 10))]
    assert read.skipped == 1


def test_a_naive_range_is_refused():
    """The range asked must be aware datetimes: a naive one is a clear error."""
    with pytest.raises(ValueError, match="aware"):
        busy_stretches([], datetime(2026, 12, 9), utc(2026, 12, 12), zone=BERLIN)  # noqa: DTZ001


def test_a_zone_an_object_names_but_does_not_define_is_read_on_the_hosts_wall():
    """An object naming a custom zone it doesn't define reads on the host's wall, even
    after another object defined a zone of that name (icalendar keeps such definitions
    for the whole process; one host's calendar must not lend its zone to another's).
    Radicale fills in the definition itself when it stores such an object, so this is
    the text as written only."""
    named = "Lent Zone"
    lender = calendar(
        event("lender@tests", _at_nine_in(named, "20261210")), one_offset_zone(named, "+0530")
    )
    borrower = calendar(event("borrower@tests", _at_nine_in(named, "20261211")))
    start, end = utc(2026, 12, 9), utc(2026, 12, 12)
    assert busy_stretches([lender], start, end, zone=BERLIN) == [
        Stretch(utc(2026, 12, 10, 3, 30), utc(2026, 12, 10, 4, 30))
    ]
    assert busy_stretches([borrower], start, end, zone=BERLIN) == [
        Stretch(utc(2026, 12, 11, 8), utc(2026, 12, 11, 9))
    ]


def test_a_series_repeating_within_the_hour_is_skipped_and_counted():
    """A series repeating more often than hourly (FREQ=MINUTELY or HOURLY, or a daily
    rule listing more than 24 times a day), which no calendar app makes but an
    invitation can ask for and which costs minutes to expand, is skipped and counted."""
    every = [
        ("minutely@tests", "DTSTART:20261201T000000Z\nDURATION:PT30S\nRRULE:FREQ=MINUTELY"),
        ("hourly@tests", "DTSTART:20261201T000000Z\nDURATION:PT10M\nRRULE:FREQ=HOURLY"),
        (
            "by-minute@tests",
            "DTSTART:20261201T090000Z\nDURATION:PT30S\n"
            f"RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE={','.join(map(str, range(60)))}",
        ),
    ]
    twice_a_day = calendar(
        event(
            "twice@tests",
            "DTSTART:20261201T120000Z\nDURATION:PT30M\nRRULE:FREQ=DAILY;BYHOUR=12,15",
        )
    )
    texts = [calendar(event(uid, lines)) for uid, lines in every] + [twice_a_day]
    read = read_busy(texts, utc(2026, 12, 10, 9), utc(2026, 12, 10, 13), zone=BERLIN)
    assert read.stretches == [Stretch(utc(2026, 12, 10, 12), utc(2026, 12, 10, 12, 30))]
    assert read.skipped == len(every)


@pytest.mark.parametrize(
    ("zone", "lines", "expected"),
    [
        (
            NEW_YORK,
            "DTSTART:20261209T200000\nDTEND:20261209T210000",
            [(utc(2026, 12, 10, 1), utc(2026, 12, 10, 2))],
        ),
        (
            TOKYO,
            "DTSTART;VALUE=DATE:20261211\nDTEND;VALUE=DATE:20261212",
            [(utc(2026, 12, 10, 15), utc(2026, 12, 11))],
        ),
    ],
    ids=["floating-evening-in-new-york", "all-day-in-tokyo"],
)
def test_events_at_the_ranges_edges_come_from_the_server_asked_for_the_wider_range(
    caldav_server: CalDAVServer, zone: tzinfo, lines: str, expected: list
):
    """A floating or all-day event just inside the range on the host's wall, which a
    server filtering as if in UTC puts just outside, comes back when the server is asked
    for server_query_range, and blocks only what is inside the range."""
    calendar_url = caldav_server.new_calendar()
    caldav_server.put_ics(calendar_url, calendar(event("edge@tests", lines)))
    start, end = utc(2026, 12, 10), utc(2026, 12, 11)
    asked = server_query_range(start, end)
    texts = events_between(account_of(caldav_server), calendar_url, *asked)
    stretches = busy_stretches(texts, start, end, zone=zone)
    assert [(s.start, s.end) for s in stretches] == expected


def test_an_rdate_period_blocks_that_period():
    """An RDATE given as a PERIOD blocks that period, however long the series' own
    instances are. (As written only: Radicale refuses to store a PERIOD RDATE, 400.)"""
    text = calendar(
        event(
            "period@tests",
            "DTSTART:20261207T100000Z\nDTEND:20261207T110000Z\n"
            "RDATE;VALUE=PERIOD:20261209T150000Z/PT2H",
        )
    )
    assert busy_stretches([text], utc(2026, 12, 7), utc(2026, 12, 14), zone=BERLIN) == [
        Stretch(utc(2026, 12, 7, 10), utc(2026, 12, 7, 11)),
        Stretch(utc(2026, 12, 9, 15), utc(2026, 12, 9, 17)),
    ]


def test_instances_without_their_series_block_where_they_are():
    """Instances of a series whose master isn't in the calendar (the host was invited to
    single occurrences: only RECURRENCE-ID components) each block where they are. (As
    written only: Radicale refuses to store an object without its master, 400.)"""
    text = calendar(
        event(
            "orphans@tests",
            "RECURRENCE-ID:20261210T090000Z\nDTSTART:20261210T110000Z\nDTEND:20261210T120000Z",
        )
        + event(
            "orphans@tests",
            "RECURRENCE-ID:20261217T090000Z\nDTSTART:20261217T090000Z\nDTEND:20261217T100000Z",
        )
    )
    assert busy_stretches([text], utc(2026, 12, 7), utc(2026, 12, 21), zone=BERLIN) == [
        Stretch(utc(2026, 12, 10, 11), utc(2026, 12, 10, 12)),
        Stretch(utc(2026, 12, 17, 9), utc(2026, 12, 17, 10)),
    ]
