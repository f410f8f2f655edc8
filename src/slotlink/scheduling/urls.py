"""The scheduling pages: the host's under /360/, the invitee's booking and manage pages.

Each family of host pages is a list included under its prefix, so a prefix is written once
and a new page joins its family by adding one short route.
"""

from django.urls import URLPattern, URLResolver, include, path

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

# 360/events/<event_type_id>/...
event_type_urls: list[URLPattern | URLResolver] = [
    path("limits", event_types.event_type_limits, name="event-limits"),
    path("reminders", reminders.event_type_reminders, name="event-reminders"),
    path(
        "reminders/<int:reminder_id>/remove",
        reminders.event_type_reminder_remove,
        name="event-reminder-remove",
    ),
    path("questions", questions.event_type_questions, name="event-questions"),
    path(
        "questions/<int:question_id>",
        questions.event_type_question_edit,
        name="event-question-edit",
    ),
    path(
        "questions/<int:question_id>/move",
        questions.event_type_question_move,
        name="event-question-move",
    ),
    path(
        "questions/<int:question_id>/remove",
        questions.event_type_question_remove,
        name="event-question-remove",
    ),
    path("guests", questions.event_type_guests, name="event-guests"),
    path("share", share.event_type_share, name="event-share"),
    path("qr.svg", share.event_type_qr, name="event-qr"),
]

# 360/events/...
events_urls: list[URLPattern | URLResolver] = [
    path("new", event_types.event_type_new, name="event-new"),
    path("location", event_types.event_type_location, name="event-location"),
    path("<int:event_type_id>", event_types.event_type_edit, name="event-edit"),
    path("<int:event_type_id>/", include(event_type_urls)),
]

# 360/availability/schedules/<schedule_id>/...
schedule_urls: list[URLPattern | URLResolver] = [
    path("rename", schedules.schedule_rename_view, name="schedule-rename"),
    path("default", schedules.schedule_default_view, name="schedule-default"),
    path("delete", schedules.schedule_delete_view, name="schedule-delete"),
]

# 360/availability/...
availability_urls: list[URLPattern | URLResolver] = [
    path("schedules", schedules.schedule_new, name="schedule-new"),
    path("schedules/<int:schedule_id>/", include(schedule_urls)),
    path("time-off", availability.time_off_add_view, name="time-off-add"),
    path(
        "time-off/<int:time_off_id>/remove",
        availability.time_off_remove_view,
        name="time-off-remove",
    ),
    path("dates", availability.date_override_add_view, name="date-override-add"),
    path(
        "dates/<str:day>/remove",
        availability.date_override_remove_view,
        name="date-override-remove",
    ),
]

# 360/bookings/<booking_id>/...
booking_urls: list[URLPattern | URLResolver] = [
    path("cancel", bookings.booking_host_cancel, name="booking-host-cancel"),
    path("reschedule", reschedules.booking_host_reschedule, name="booking-host-reschedule"),
    path("start", bookings.booking_host_start, name="booking-host-start"),
]

# 360/bookings/...
bookings_urls: list[URLPattern | URLResolver] = [
    path("export.csv", bookings.booking_export, name="bookings-export"),
    path("<int:booking_id>", bookings.booking_detail, name="booking-detail"),
    path("<int:booking_id>/", include(booking_urls)),
    path("blocked", blocks.booking_blocks, name="booking-blocks"),
    path(
        "blocked/<int:block_id>/remove",
        blocks.booking_block_remove_view,
        name="booking-block-remove",
    ),
]

# 360/sessions/<session_id>/...
session_urls: list[URLPattern | URLResolver] = [
    path("cancel", sessions.session_cancel, name="session-cancel"),
    path("reschedule", sessions.session_reschedule, name="session-reschedule"),
]

# 360/...
host_urls: list[URLPattern | URLResolver] = [
    path("events", event_types.event_type_list, name="events"),
    path("events/", include(events_urls)),
    path("availability", availability.availability, name="availability"),
    path("availability/", include(availability_urls)),
    path("bookings", bookings.booking_list, name="bookings"),
    path("bookings/", include(bookings_urls)),
    path("members/<int:membership_id>/remove", departures.member_remove_view, name="member-remove"),
    path("sessions/<int:session_id>/", include(session_urls)),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("360/", include(host_urls)),
    # Invitees
    path("book/<slug:organization_slug>", public.organization_page, name="book-organization"),
    path("book/<slug:organization_slug>/<slug:slug>", public.book, name="book"),
    path("booked/<str:signed>", public.booking_confirmed, name="booking-confirmed"),
    path(
        "booked/<str:signed>/invite.ics",
        public.booking_invite_download,
        name="booking-invite",
    ),
    path("booking/<str:token>/reschedule", manage.reschedule, name="booking-reschedule"),
    path("booking/<str:token>/cancel", manage.cancel, name="booking-cancel"),
]
