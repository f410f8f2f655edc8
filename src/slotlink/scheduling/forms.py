"""Forms of the host pages: the event type editor's tabs (weekly hours: availability_forms)."""

from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse_lazy

from slotlink.accounts.models import User
from slotlink.conferencing import seam
from slotlink.conferencing.kinds import (
    ExistingEventWords,
    ProvidedLocation,
    provided_location,
    provided_locations,
)
from slotlink.core.bidi import TypedOptionsSelect
from slotlink.core.ids import parse_id
from slotlink.core.text import HiddenControlsRefused, validate_plain_text
from slotlink.scheduling.date_models import Schedule
from slotlink.scheduling.locations import (
    UNAVAILABLE_HELP,
    UNAVAILABLE_LOCATIONS,
    UNAVAILABLE_REASONS,
)
from slotlink.scheduling.models import (
    EventType,
    LocationKind,
    default_location_kind,
    location_kind_choices,
)
from slotlink.scheduling.slugs import free_slug, id_slug, slug_from_title, slug_is_taken

UNAVAILABLE_VALUES = {value for value, _ in UNAVAILABLE_LOCATIONS}
# The editor redraws the location details (htmx) when any of these changes.
LOCATION_INPUTS = ",".join(
    f"[name={name}]"
    for name in ("location_kind", "location_detail", "host", "kind", "fallback_to_meeting")
)


def _redraws_location(widget: forms.Widget) -> None:
    widget.attrs |= {
        "hx-get": reverse_lazy("event-location"),
        "hx-target": "#location-details",
        "hx-swap": "outerHTML",
        "hx-include": LOCATION_INPUTS,
        "hx-trigger": "change",
    }


class LocationSelect(forms.Select):
    """The Location dropdown: calendar-based locations are listed, but can't be picked."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value in UNAVAILABLE_VALUES:
            option["attrs"]["disabled"] = True
            option["attrs"]["title"] = f"Unavailable: it {UNAVAILABLE_REASONS[value]}"
            option["label"] = f"{option['label']} (unavailable)"
        elif (location := provided_location(str(value))) and location.option_title:
            option["attrs"]["title"] = location.option_title
        return option


def _location_help() -> str:
    """The Location field's help: each provider's rule worth knowing before picking (e.g.
    a kind only group event types may use), then why the calendar-based ones are out."""
    rules = [location.editor_help for location in provided_locations() if location.editor_help]
    return " ".join([*rules, UNAVAILABLE_HELP])


class HostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.email})"


class EventTypeForm(HiddenControlsRefused, forms.Form):
    """The editor's General tab."""

    title = forms.CharField(max_length=120, validators=[validate_plain_text])
    slug = forms.SlugField(
        max_length=60,
        required=False,
        label="Link name",
        help_text="The end of the public link. Leave empty to make one from the title.",
    )
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=720,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    kind = forms.ChoiceField(choices=EventType.Kind.choices, widget=forms.RadioSelect)
    seats_per_session = forms.IntegerField(
        label="Seats per session",
        min_value=1,
        max_value=500,
        required=False,
        help_text="Group event types only: how many invitees can book the same time.",
    )
    host = HostChoiceField(
        queryset=User.objects.none(), empty_label=None, widget=TypedOptionsSelect()
    )
    schedule = forms.ModelChoiceField(
        queryset=Schedule.objects.none(),
        widget=TypedOptionsSelect(),
        required=False,
        empty_label="The host's default schedule",
        help_text="Whose hours invitees can book: schedules are kept on the Availability page.",
        error_messages={
            "invalid_choice": "Pick one of the host's own schedules (another host has theirs)."
        },
    )
    location_kind = forms.ChoiceField(
        label="Location",
        choices=lambda: [*location_kind_choices(), *UNAVAILABLE_LOCATIONS],
        widget=LocationSelect(),
    )
    location_detail = forms.CharField(max_length=300, required=False, label="Address or link")
    fallback_to_meeting = forms.BooleanField(required=False)

    def __init__(
        self,
        *args: Any,
        organization_id: int,
        hosts: QuerySet[User] | None,
        default_host_id: int,
        event_type: EventType | None = None,
        **kwargs: Any,
    ) -> None:
        """`hosts`: whom an admin may pick; None for a member, who hosts their own.
        `default_host_id`: the host when the form doesn't name one (or names no one in
        `hosts`)."""
        super().__init__(*args, **kwargs)
        self.organization_id = organization_id
        self.event_type = event_type
        self.slug_taken = ""  # the link name the title gave, when another event type had it
        self.hosts = hosts
        self.default_host_id = default_host_id
        self.fields["location_kind"].help_text = _location_help()
        _redraws_location(self.fields["location_kind"].widget)
        _redraws_location(self.fields["kind"].widget)  # a location may need a group
        if hosts is None:
            del self.fields["host"]
        else:
            host_field = self.fields["host"]
            assert isinstance(host_field, forms.ModelChoiceField)
            host_field.queryset = hosts
            _redraws_location(host_field.widget)  # another host has other events
        schedule_field = self.fields["schedule"]
        assert isinstance(schedule_field, forms.ModelChoiceField)
        # The chosen host's schedules; an admin giving the event type to another host posts
        # the one it followed, which clean() drops (the new host brings their default).
        hosts_schedules = {self.chosen_host_id}
        if event_type is not None:
            schedule_field.empty_label = None  # it has one (a form without it keeps it)
            hosts_schedules.add(event_type.host_id)
        schedule_field.queryset = Schedule.objects.filter(host_id__in=hosts_schedules)
        location = self.chosen_location
        if location is not None and location.existing_events is not None:
            self.fields["location_detail"] = self._existing_events_field(
                location.kind, location.existing_events
            )
        if location is not None and location.fallback_label:
            self.fields["fallback_to_meeting"].label = location.fallback_label

    @property
    def chosen_location_kind(self) -> str:
        """The location chosen (posted, or initial); the default until one is."""
        return str(self["location_kind"].value() or default_location_kind())

    @property
    def chosen_location(self) -> ProvidedLocation | None:
        """The provider's words and rules for the chosen location; None for our own kinds."""
        return provided_location(self.chosen_location_kind)

    @cached_property
    def chosen_host_id(self) -> int:
        """The host chosen (posted, or initial) if the form may choose them, else the default."""
        if self.hosts is None:
            return self.default_host_id
        host_id = parse_id(str(self["host"].value() or ""))
        if host_id is not None and self.hosts.filter(pk=host_id).exists():
            return host_id
        return self.default_host_id

    def _existing_events_field(self, kind: str, words: ExistingEventWords) -> forms.ChoiceField:
        """The provider's event to attach to: the host's own, as the provider lists them,
        or a new one per session. Anything else posted is refused."""
        events = seam.existing_events(
            kind, organization_id=self.organization_id, host_id=self.chosen_host_id
        )
        choices = [("", words.new_choice), *((event.reference, event.label) for event in events)]
        current = self.event_type.location_detail if self.event_type is not None else ""
        if (
            current
            and self.event_type is not None
            and self.event_type.location_kind == kind
            and current not in {reference for reference, _ in choices}
        ):
            # Saved before, and not listed now (the provider unreachable, or it ended): keep
            # it choosable, so saving other changes doesn't force a new choice.
            choices.append((current, words.kept.format(reference=current)))
        return forms.ChoiceField(
            label=words.field_label,
            choices=choices,
            required=False,
            error_messages={"invalid_choice": words.unknown},
        )

    def clean_location_kind(self) -> str:
        value: str = self.cleaned_data["location_kind"]
        if value in UNAVAILABLE_VALUES:
            label = dict(UNAVAILABLE_LOCATIONS)[value]
            raise ValidationError(f"{label} is unavailable: it {UNAVAILABLE_REASONS[value]}.")
        return value

    def _clean_slug(self, data: dict[str, Any]) -> None:
        """An empty link name is made from the title, free in the organization ("intro-2"
        when "intro" is taken); a title with nothing a link can hold is named from the
        event type's id (set once a new one has it: the service's). A link name typed and
        taken is refused, with a free one put in the field to save with."""
        exclude_id = self.event_type.pk if self.event_type is not None else None
        slug = data.get("slug")
        if not slug:
            if "title" not in data:
                return
            base = slug_from_title(data["title"])
            if not base and self.event_type is not None:
                base = id_slug(self.event_type.pk)
            data["slug"] = base and free_slug(
                organization_id=self.organization_id, slug=base, exclude_id=exclude_id
            )
            if data["slug"] != base:
                self.slug_taken = base
            return
        if slug_is_taken(organization_id=self.organization_id, slug=slug, exclude_id=exclude_id):
            free = free_slug(organization_id=self.organization_id, slug=slug, exclude_id=exclude_id)
            if isinstance(self.data, QueryDict):  # the field shows the free one
                self.data = self.data.copy()
                self.data[self.add_prefix("slug")] = free
            self.add_error(
                "slug",
                f"Another event type already uses “{slug}”. “{free}” is free: it is filled "
                "in, save to use it, or type another.",
            )

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        schedule = data.get("schedule")
        if schedule is not None and schedule.host_id != self.chosen_host_id:
            data["schedule"] = None
        self._clean_slug(data)
        if data.get("kind") == EventType.Kind.GROUP:
            if (data.get("seats_per_session") or 0) < 2:
                self.add_error("seats_per_session", "A group needs at least 2 seats per session.")
        else:
            data["seats_per_session"] = 1
        kind, detail = data.get("location_kind"), (data.get("location_detail") or "").strip()
        location = provided_location(kind or "")
        if location and location.requires_group and data.get("kind") != EventType.Kind.GROUP:
            self.add_error("location_kind", location.requires_group)
        if kind == LocationKind.IN_PERSON and not detail:
            self.add_error("location_detail", "Enter the address where you will meet.")
        elif kind == LocationKind.CUSTOM_URL:
            try:
                URLValidator(schemes=["https", "http"])(detail)
            except ValidationError:
                self.add_error("location_detail", "Enter the meeting link, starting with https://.")
        elif kind not in (LocationKind.IN_PERSON, LocationKind.CUSTOM_URL):
            # An existing event is a choice its field already checked against the list.
            attaches = location is not None and location.existing_events is not None
            detail = detail if attaches else ""
        data["location_detail"] = detail
        data["fallback_to_meeting"] = (
            location is not None
            and bool(location.fallback_label)
            and bool(data.get("fallback_to_meeting"))
        )
        return data


NOTICE_CHOICES = [
    (0, "No minimum"),
    (15, "15 minutes"),
    (30, "30 minutes"),
    (60, "1 hour"),
    (120, "2 hours"),
    (240, "4 hours"),
    (480, "8 hours"),
    (720, "12 hours"),
    (1440, "1 day"),
    (2880, "2 days"),
    (10080, "1 week"),
]
BUFFER_CHOICES = [(0, "No buffer")] + [(m, f"{m} minutes") for m in (5, 10, 15, 30, 45, 60, 90)]


class EventTypeLimitsForm(HiddenControlsRefused, forms.Form):
    """The editor's Limits tab: when invitees may book."""

    minimum_notice_minutes = forms.TypedChoiceField(
        label="Minimum notice",
        choices=NOTICE_CHOICES,
        coerce=int,
        help_text="Invitees can't book a time sooner than this.",
    )
    buffer_minutes = forms.TypedChoiceField(
        label="Buffer between meetings",
        choices=BUFFER_CHOICES,
        coerce=int,
        help_text="Kept free before and after each meeting, across all your event types.",
    )
    horizon_days = forms.IntegerField(
        label="Booking window (days ahead)",
        min_value=1,
        max_value=365,
        help_text="How far ahead invitees may book.",
    )
    is_active = forms.BooleanField(
        label="Bookable: the public booking page is live", required=False
    )
