"""The scheduling URL map keeps every address it has published: each URL name reverses to
the path it always had and that path resolves back to the same view, however the routes are
grouped in urls.py (bookmarks, emailed links and embeds depend on these addresses)."""

import pytest
from django.urls import URLPattern, URLResolver, resolve, reverse

from slotlink.scheduling import urls
from slotlink.scheduling.views import (
    availability,
    blocks,
    bookings,
    departures,
    event_types,
    manage,
    public,
    questions,
    reminders,
    reschedules,
    schedules,
    sessions,
    share,
)

# Generated once from urls.py before its routes were grouped with include(): name, sample
# arguments, the path they reverse to, the view it resolves to.
PUBLISHED = [
    ("events", {}, "/360/events", event_types.event_type_list),
    ("event-new", {}, "/360/events/new", event_types.event_type_new),
    ("event-location", {}, "/360/events/location", event_types.event_type_location),
    ("event-edit", {"event_type_id": 11}, "/360/events/11", event_types.event_type_edit),
    (
        "event-limits",
        {"event_type_id": 11},
        "/360/events/11/limits",
        event_types.event_type_limits,
    ),
    (
        "event-reminders",
        {"event_type_id": 11},
        "/360/events/11/reminders",
        reminders.event_type_reminders,
    ),
    (
        "event-reminder-remove",
        {"event_type_id": 11, "reminder_id": 12},
        "/360/events/11/reminders/12/remove",
        reminders.event_type_reminder_remove,
    ),
    (
        "event-questions",
        {"event_type_id": 11},
        "/360/events/11/questions",
        questions.event_type_questions,
    ),
    (
        "event-question-edit",
        {"event_type_id": 11, "question_id": 13},
        "/360/events/11/questions/13",
        questions.event_type_question_edit,
    ),
    (
        "event-question-move",
        {"event_type_id": 11, "question_id": 13},
        "/360/events/11/questions/13/move",
        questions.event_type_question_move,
    ),
    (
        "event-question-remove",
        {"event_type_id": 11, "question_id": 13},
        "/360/events/11/questions/13/remove",
        questions.event_type_question_remove,
    ),
    ("event-guests", {"event_type_id": 11}, "/360/events/11/guests", questions.event_type_guests),
    ("event-share", {"event_type_id": 11}, "/360/events/11/share", share.event_type_share),
    ("event-qr", {"event_type_id": 11}, "/360/events/11/qr.svg", share.event_type_qr),
    ("availability", {}, "/360/availability", availability.availability),
    ("schedule-new", {}, "/360/availability/schedules", schedules.schedule_new),
    (
        "schedule-rename",
        {"schedule_id": 14},
        "/360/availability/schedules/14/rename",
        schedules.schedule_rename_view,
    ),
    (
        "schedule-default",
        {"schedule_id": 14},
        "/360/availability/schedules/14/default",
        schedules.schedule_default_view,
    ),
    (
        "schedule-delete",
        {"schedule_id": 14},
        "/360/availability/schedules/14/delete",
        schedules.schedule_delete_view,
    ),
    ("time-off-add", {}, "/360/availability/time-off", availability.time_off_add_view),
    (
        "time-off-remove",
        {"time_off_id": 15},
        "/360/availability/time-off/15/remove",
        availability.time_off_remove_view,
    ),
    ("date-override-add", {}, "/360/availability/dates", availability.date_override_add_view),
    (
        "date-override-remove",
        {"day": "2026-12-24"},
        "/360/availability/dates/2026-12-24/remove",
        availability.date_override_remove_view,
    ),
    ("bookings", {}, "/360/bookings", bookings.booking_list),
    ("bookings-export", {}, "/360/bookings/export.csv", bookings.booking_export),
    ("booking-detail", {"booking_id": 16}, "/360/bookings/16", bookings.booking_detail),
    ("booking-blocks", {}, "/360/bookings/blocked", blocks.booking_blocks),
    (
        "booking-block-remove",
        {"block_id": 17},
        "/360/bookings/blocked/17/remove",
        blocks.booking_block_remove_view,
    ),
    (
        "booking-host-cancel",
        {"booking_id": 16},
        "/360/bookings/16/cancel",
        bookings.booking_host_cancel,
    ),
    (
        "booking-host-reschedule",
        {"booking_id": 16},
        "/360/bookings/16/reschedule",
        reschedules.booking_host_reschedule,
    ),
    (
        "booking-host-start",
        {"booking_id": 16},
        "/360/bookings/16/start",
        bookings.booking_host_start,
    ),
    (
        "member-remove",
        {"membership_id": 18},
        "/360/members/18/remove",
        departures.member_remove_view,
    ),
    ("session-cancel", {"session_id": 19}, "/360/sessions/19/cancel", sessions.session_cancel),
    (
        "session-reschedule",
        {"session_id": 19},
        "/360/sessions/19/reschedule",
        sessions.session_reschedule,
    ),
    ("book-organization", {"organization_slug": "acme"}, "/book/acme", public.organization_page),
    (
        "book",
        {"organization_slug": "acme", "slug": "intro-call"},
        "/book/acme/intro-call",
        public.book,
    ),
    (
        "booking-confirmed",
        {"signed": "signed-value"},
        "/booked/signed-value",
        public.booking_confirmed,
    ),
    (
        "booking-invite",
        {"signed": "signed-value"},
        "/booked/signed-value/invite.ics",
        public.booking_invite_download,
    ),
    (
        "booking-reschedule",
        {"token": "token-value"},
        "/booking/token-value/reschedule",
        manage.reschedule,
    ),
    ("booking-cancel", {"token": "token-value"}, "/booking/token-value/cancel", manage.cancel),
]


def names_in(patterns: list[URLPattern | URLResolver]) -> list[str | None]:
    names: list[str | None] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names.extend(names_in(entry.url_patterns))
        else:
            names.append(entry.name)
    return names


def test_the_scheduling_app_names_exactly_the_published_urls():
    """Every route in the scheduling URL map is named and listed here, each name once: a
    route added, dropped or renamed shows up as a difference."""
    assert sorted(names_in(urls.urlpatterns)) == sorted(name for name, *_ in PUBLISHED)


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"), PUBLISHED, ids=[n for n, *_ in PUBLISHED]
)
def test_each_url_name_reverses_to_its_published_path_and_back_to_its_view(
    name, kwargs, path, view
):
    """A URL name gives the path it always gave, and that path reaches the same view under
    the same name with the same arguments."""
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert match.func is view
    assert match.url_name == name
    assert match.kwargs == kwargs
