"""The Bookings list's filters, read from the URL (GET) so a filtered list can be shared,
bookmarked and walked with back and forward: an invitee's name or email, an event type,
a status, a date range in the viewer's zone and, for admins, a host.

A bad value gets its words beside its field and filters nothing: the list shows what the
other filters give, and the export refuses rather than export rows nobody asked for.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet

from slotlink.accounts.models import Membership, User
from slotlink.core.bidi import TypedOptionsSelect
from slotlink.core.text import HiddenControlsRefused
from slotlink.scheduling.date_forms import date_field
from slotlink.scheduling.models import Booking, EventType

UPCOMING, PAST, CANCELLED, ALL = "upcoming", "past", "cancelled", "all"
STATUS_CHOICES = [
    (UPCOMING, "Upcoming"),
    (PAST, "Past"),
    (CANCELLED, "Cancelled"),
    (ALL, "All"),
]
# Far enough for any booking, near enough that a day's midnight in any zone is a datetime.
FIRST_YEAR, LAST_YEAR = 2000, 2999
YEAR_OUT_OF_RANGE = f"Pick a date between {FIRST_YEAR} and {LAST_YEAR}."
DATES_REVERSED = "The end date is before the start date."
NOT_IN_LIST = "Pick {what} from the list."


@dataclass(frozen=True)
class BookingFilters:
    """What the list and the export keep: bookings of `status`, whose invitee's name or
    email contains `search` (any case), of `event_type` and `host` when set, starting in
    [since, until) when set."""

    status: str = UPCOMING
    search: str = ""
    event_type: EventType | None = None
    host: User | None = None
    since: datetime | None = None
    until: datetime | None = None


class _HostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class BookingFilterForm(HiddenControlsRefused, forms.Form):
    """The filters a viewer may use: event types and hosts are only those they may see, so
    an id typed into the URL for someone else's is refused like any unknown one."""

    q = forms.CharField(label="Invitee", required=False, max_length=254, strip=True)
    event_type = forms.ModelChoiceField(
        label="Event type",
        queryset=EventType.objects.none(),
        required=False,
        empty_label="All event types",
        widget=TypedOptionsSelect(),
        error_messages={"invalid_choice": NOT_IN_LIST.format(what="an event type")},
    )
    host = _HostChoice(
        label="Host",
        queryset=User.objects.none(),
        required=False,
        empty_label="All hosts",
        widget=TypedOptionsSelect(),
        error_messages={"invalid_choice": NOT_IN_LIST.format(what="a host")},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        required=False,
        error_messages={"invalid_choice": NOT_IN_LIST.format(what="a status")},
    )
    start = date_field("From", required=False)
    end = date_field("To", required=False)

    def __init__(
        self,
        data: Any,
        *,
        membership: Membership,
        time_zone: str,
        event_types: QuerySet[EventType],
    ) -> None:
        """`time_zone`: the viewer's, whose days the dates are."""
        super().__init__(data)
        self.membership = membership
        self.time_zone = ZoneInfo(time_zone)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Name or email", "autocomplete": "off"}
        )
        event_type_field = self.fields["event_type"]
        assert isinstance(event_type_field, forms.ModelChoiceField)
        event_type_field.queryset = event_types.order_by("title", "id")
        if membership.is_admin:  # a member sees their own bookings only: no host to pick
            host_field = self.fields["host"]
            assert isinstance(host_field, forms.ModelChoiceField)
            organization_id = membership.organization_id
            hosts = Booking.objects.filter(organization_id=organization_id).values("host_id")
            host_field.queryset = (
                User.objects.filter(  # members, and who left bookings here
                    Q(memberships__organization_id=organization_id) | Q(id__in=hosts)
                )
                .distinct()
                .order_by("full_name", "id")
            )
        else:
            del self.fields["host"]
        self.fields["start"].help_text = f"Dates are days in your time zone ({time_zone})."

    def _in_range(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(YEAR_OUT_OF_RANGE)
        return day

    def clean_start(self) -> date | None:
        return self._in_range("start")

    def clean_end(self) -> date | None:
        return self._in_range("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end < start:
            self.add_error("end", DATES_REVERSED)
        return data

    def filters(self) -> BookingFilters:
        """The valid filters (call after `is_valid()`); a field with an error filters
        nothing."""
        data = getattr(self, "cleaned_data", {})
        start, end = data.get("start"), data.get("end")
        return BookingFilters(
            status=data.get("status") or UPCOMING,
            search=data.get("q") or "",
            event_type=data.get("event_type"),
            host=data.get("host"),
            since=self._midnight(start) if start else None,
            until=self._midnight(end + timedelta(days=1)) if end else None,
        )

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.time_zone)
