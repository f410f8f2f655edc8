"""The Django admin for staff: event types to look at, bookings and their history to read.

Bookings are changed only through the services (which lock, re-check and email), so the
admin shows them read-only.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from slotlink.scheduling.models import Booking, BookingEmail, BookingEvent, EventType


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "host", "kind", "location_kind", "is_active"]
    list_filter = ["kind", "location_kind", "is_active"]
    search_fields = ["title", "slug", "host__email", "organization__name"]


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    fields = readonly_fields = (
        "kind",
        "at",
        "actor_name",
        "start",
        "previous_start",
        "reason",
        "sequence",
    )
    can_delete = False


class BookingEmailInline(admin.TabularInline):
    """Which change each party was emailed, and whether it carried the join link."""

    model = BookingEmail
    extra = 0
    fields = readonly_fields = (
        "sequence",
        "change",
        "audience",
        "awaiting_link",
        "session_sequence",  # the session invite a group booking's host got, if any
        "sent_at",
    )
    can_delete = False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["start", "event_type", "invitee_name", "invitee_email", "host", "status"]
    list_filter = ["status", "location_kind"]
    search_fields = ["invitee_name", "invitee_email", "ical_uid"]
    date_hierarchy = "start"
    inlines = [BookingEventInline, BookingEmailInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
