"""Named schedules: each event type follows one of its host's schedules (weekly hours and
other hours on dates); time off is the person's, on every schedule. Made, renamed, made the
default and deleted from the Availability page; existing hours moved into "Working hours"
by a data migration; nobody but the host sees or edits theirs."""

from datetime import date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from slotlink.scheduling.date_models import DateOverride, Schedule
from slotlink.scheduling.models import AvailabilityInterval, Booking, EventType
from slotlink.scheduling.selectors import free_slots
from slotlink.scheduling.services.dates import date_override_set, time_off_add
from slotlink.scheduling.services.event_types import event_type_create, event_type_update
from slotlink.scheduling.services.schedules import (
    default_schedule_of,
    schedule_create,
    schedule_delete,
    schedule_make_default,
    schedule_rename,
    weekly_hours_replace,
)
from slotlink.scheduling.slots import wall_to_utc
from tests.factories import make_member
from tests.page_words import words_of
from tests.scheduling.builders import make_event_type, make_host
from tests.scheduling.test_host_pages import general
from tests.scheduling.test_migrations import latest_scheduling_migration, migrate

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
EVERY_DAY_EVENING = [(weekday, time(18), time(20)) for weekday in range(7)]
EVERY_DAY_WORK = [(weekday, time(9), time(17)) for weekday in range(7)]

ARABIC_NAME = "ساعات المساء"  # "Evening hours"
HEBREW_TITLE = "שיחת היכרות"  # "Intro call"


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def berlin_day(days_ahead: int) -> date:
    return timezone.now().astimezone(BERLIN).date() + timedelta(days=days_ahead)


def at(day: date, hour: int) -> datetime:
    return wall_to_utc(day, time(hour), BERLIN)


def hours_on(event_type: EventType, day: date) -> list[str]:
    slots = free_slots(
        event_type=event_type,
        since=at(day, 0),
        until=wall_to_utc(day + timedelta(days=1), time(0), BERLIN),
        now=timezone.now(),
    )
    return sorted({f"{slot.start.astimezone(BERLIN):%H}" for slot in slots})


@pytest.fixture
def two_schedules(organization):
    """A host with "Working hours" (9-17, the default) and "Evenings" (18-20), every day,
    and an event type following each."""
    host = make_host(organization)
    day = make_event_type(organization, host, always_open=False, slug="day")
    weekly_hours_replace(schedule=day.schedule, intervals=EVERY_DAY_WORK)
    evenings = schedule_create(host=host, name="Evenings")
    weekly_hours_replace(schedule=evenings, intervals=EVERY_DAY_EVENING)
    evening = make_event_type(organization, host, always_open=False, slug="evening")
    event_type_update(event_type=evening, schedule=evenings)
    return host, day, evening, evenings


# --- Slots and bookings ------------------------------------------------------------------


def test_each_event_type_offers_its_schedules_hours_and_shares_the_time_off(two_schedules):
    """Working-hours slots for one, evening slots for the other; other hours on a date in
    "Evenings" change only the evening event type; a day off closes both."""
    host, day, evening, evenings = two_schedules
    assert hours_on(day, berlin_day(3)) == [f"{h:02}" for h in range(9, 17)]
    assert hours_on(evening, berlin_day(3)) == ["18", "19"]
    date_override_set(host=host, day=berlin_day(4), hours=[(time(21), time(22))], schedule=evenings)
    assert hours_on(evening, berlin_day(4)) == ["21"]
    assert hours_on(day, berlin_day(4)) == [f"{h:02}" for h in range(9, 17)]
    time_off_add(host=host, first_day=berlin_day(5), last_day=berlin_day(5))
    assert hours_on(day, berlin_day(5)) == hours_on(evening, berlin_day(5)) == []


def test_the_booking_post_checks_the_event_types_own_schedule(two_schedules):
    """An evening time books the evening event type and is refused for the daytime one."""
    _, day, evening, _ = two_schedules

    def post(event_type: EventType) -> HttpResponse:
        return Client().post(
            f"/book/{event_type.organization.slug}/{event_type.slug}",
            {
                "start": at(berlin_day(3), 18).isoformat(),
                "time_zone": "Europe/Berlin",
                "name": "Ivy Invitee",
                "email": "ivy@example.test",
                "phone": "+1 212 555 0100",
            },
        )

    assert "That time isn't available." in text(post(day))
    assert post(evening).status_code == 302
    assert list(Booking.objects.values_list("event_type_id", flat=True)) == [evening.id]


# --- Services ----------------------------------------------------------------------------


def test_a_schedule_used_by_event_types_cant_be_deleted_and_says_which(two_schedules):
    """Deleting "Evenings" while an event type follows it names that event type; the
    default can't be deleted; once nothing follows it, it goes with its hours."""
    _, day, evening, evenings = two_schedules
    with pytest.raises(ValidationError, match=r"“Evenings” is used by Intro call\. Pick another"):
        schedule_delete(schedule=evenings)
    with pytest.raises(ValidationError, match="is your default schedule"):
        schedule_delete(schedule=day.schedule)
    event_type_update(event_type=evening, schedule=day.schedule)
    schedule_delete(schedule=evenings)
    assert list(Schedule.objects.values_list("name", flat=True)) == ["Working hours"]
    assert not AvailabilityInterval.objects.filter(weekday=0, start=time(18)).exists()


def test_schedule_names_are_unique_per_host(organization):
    """A second "Evenings", or a rename onto a taken name, is refused and changes nothing;
    another host may have their own "Evenings"."""
    host = make_host(organization)
    schedule_create(host=host, name="Evenings")
    late = schedule_create(host=host, name="Late")
    with pytest.raises(ValidationError, match="You already have a schedule named “Evenings”"):
        schedule_create(host=host, name="Evenings ")
    with pytest.raises(ValidationError, match="You already have a schedule named “Evenings”"):
        schedule_rename(schedule=late, name="Evenings")
    assert sorted(Schedule.objects.filter(host=host).values_list("name", flat=True)) == [
        "Evenings",
        "Late",
        "Working hours",
    ]
    schedule_create(host=make_host(organization, email="other@example.test"), name="Evenings")


def test_new_event_types_follow_the_default_and_a_new_host_brings_theirs(organization):
    """After "Evenings" is made the default, a new event type follows it; an event type
    given to another host follows that host's default."""
    host, other = make_host(organization), make_host(organization, email="o@example.test")
    schedule_make_default(schedule=schedule_create(host=host, name="Evenings"))
    event_type = make_event_type(organization, host, always_open=False)
    assert event_type.schedule.name == "Evenings"
    event_type_update(event_type=event_type, host=other)
    assert (event_type.schedule.host, event_type.schedule.is_default) == (other, True)
    with pytest.raises(ValidationError, match=r"Pick one of the host's own schedules\."):
        event_type_create(
            organization=organization,
            host=other,
            schedule=Schedule.objects.get(name="Evenings"),
            title="Borrowed",
            slug="borrowed",
        )


# --- Pages -------------------------------------------------------------------------------


def test_the_host_makes_renames_and_deletes_schedules_on_the_page(member_client, member_membership):
    """A new schedule starts with weekdays 9-5 and opens; its hours and other hours are
    saved to it, not the default; it is renamed and deleted."""
    user = member_membership.user
    response = member_client.post("/360/availability/schedules", {"schedule-name": "Evenings"})
    evenings = Schedule.objects.get(host=user, name="Evenings")
    assert response["Location"] == f"/360/availability?schedule={evenings.id}"
    page = text(member_client.get(response["Location"]))
    assert 'value="09:00-17:00"' in page
    member_client.post(
        f"/360/availability?schedule={evenings.id}",
        {"time_zone": "Europe/Berlin", "monday": "6pm-8pm"},
    )
    member_client.post(
        f"/360/availability/dates?schedule={evenings.id}",
        {"override-day": berlin_day(9), "override-hours": "19-21"},
    )
    assert list(evenings.weekly.values_list("weekday", "start", "end")) == [(0, time(18), time(20))]
    assert evenings.overrides.count() == 1
    assert not default_schedule_of(host=user).overrides.exists()
    member_client.post(
        f"/360/availability/schedules/{evenings.id}/rename", {"schedule-name": "Late shift"}
    )
    evenings.refresh_from_db()
    assert evenings.name == "Late shift"
    member_client.post(f"/360/availability/schedules/{evenings.id}/delete")
    assert not Schedule.objects.filter(pk=evenings.pk).exists()


def test_deleting_a_schedule_in_use_says_which_event_types_use_it(
    member_client, member_membership, organization
):
    """The page says which event types follow the schedule, and it stays."""
    user = member_membership.user
    evenings = schedule_create(host=user, name="Evenings")
    event_type = make_event_type(organization, user, always_open=False, title="Late call")
    event_type_update(event_type=event_type, schedule=evenings)
    response = member_client.post(f"/360/availability/schedules/{evenings.id}/delete", follow=True)
    assert "“Evenings” is used by Late call. Pick another schedule for it first." in words_of(
        response.content.decode()
    )
    assert Schedule.objects.filter(pk=evenings.pk).exists()


def test_a_refusal_isolates_each_name_and_title_it_names(
    member_client, member_membership, organization
):
    """An Arabic schedule name and a Hebrew event type title each sit in a <bdi> of their
    own in the refusal, so neither reorders the English sentence around it (nor the list
    of titles); so does the name a new schedule can't take, on the form."""
    user = member_membership.user
    evenings = schedule_create(host=user, name=ARABIC_NAME)
    for title in (HEBREW_TITLE, "Late call"):
        event_type = make_event_type(organization, user, always_open=False, title=title)
        event_type_update(event_type=event_type, schedule=evenings)
    response = member_client.post(f"/360/availability/schedules/{evenings.id}/delete", follow=True)
    assert (
        f"“<bdi>{ARABIC_NAME}</bdi>” is used by <bdi>Late call</bdi>, <bdi>{HEBREW_TITLE}</bdi>. "
        "Pick another schedule for them first."
    ) in response.content.decode()
    default = default_schedule_of(host=user)
    response = member_client.post(f"/360/availability/schedules/{default.id}/delete", follow=True)
    assert "“<bdi>Working hours</bdi>” is your default schedule." in response.content.decode()
    taken = member_client.post("/360/availability/schedules", {"schedule-name": ARABIC_NAME})
    assert (
        f"You already have a schedule named “<bdi>{ARABIC_NAME}</bdi>”." in taken.content.decode()
    )
    assert Schedule.objects.filter(pk=evenings.pk).exists()


def test_the_event_type_editor_picks_the_schedule(member_client, member_membership):
    """The editor lists the host's schedules and saves the one picked."""
    user = member_membership.user
    evenings = schedule_create(host=user, name="Evenings")
    member_client.post("/360/events/new", general())
    event_type = EventType.objects.get()
    assert event_type.schedule.is_default
    editor = text(member_client.get(f"/360/events/{event_type.id}"))
    assert f'<option value="{evenings.id}" dir="auto">Evenings</option>' in editor
    response = member_client.post(f"/360/events/{event_type.id}", general(schedule=evenings.id))
    assert response.status_code == 302
    event_type.refresh_from_db()
    assert event_type.schedule == evenings


def test_an_admin_giving_an_event_type_to_another_host_gives_it_their_default(
    organization, member_membership, admin_client, admin_membership
):
    """The editor posts the schedule the event type followed; with a new host, it follows
    the new host's default instead (their "Working hours"), not the old host's."""
    member = member_membership.user
    evenings = schedule_create(host=member, name="Evenings")
    event_type = make_event_type(organization, member, always_open=False, slug="call")
    event_type_update(event_type=event_type, schedule=evenings)
    admin_hours = default_schedule_of(host=admin_membership.user)
    response = admin_client.post(
        f"/360/events/{event_type.id}",
        general(host=admin_membership.user.id, slug="call", schedule=evenings.id),
    )
    assert response.status_code == 302
    event_type.refresh_from_db()
    assert (event_type.host, event_type.schedule) == (admin_membership.user, admin_hours)


def test_a_co_worker_can_neither_see_nor_use_nor_edit_a_hosts_schedules(
    organization, member_membership
):
    """An admin of the same organization gets 404 for a member's schedule on the page and
    for renaming or deleting it, and can't pick it for their own event type."""
    member = member_membership.user
    private = schedule_create(host=member, name="Therapy hours")
    admin = make_member(organization, role="admin", full_name="Ada Admin").user
    client = Client()
    client.force_login(admin)
    assert client.get(f"/360/availability?schedule={private.id}").status_code == 404
    assert "Therapy hours" not in text(client.get("/360/availability"))
    rename = client.post(
        f"/360/availability/schedules/{private.id}/rename", {"schedule-name": "Mine"}
    )
    assert rename.status_code == 404
    assert client.post(f"/360/availability/schedules/{private.id}/delete").status_code == 404
    assert client.post(f"/360/availability/dates?schedule={private.id}", {}).status_code == 404
    response = client.post("/360/events/new", general(schedule=private.id))
    assert "Pick one of the host's own schedules" in text(response)
    private.refresh_from_db()
    assert private.name == "Therapy hours"
    assert not EventType.objects.exists()


# --- The data migration ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_existing_hours_move_into_a_default_schedule_named_working_hours(organization):
    """Before schedules, hours, other hours and event types were the host's: each host gets
    one default schedule "Working hours" holding them all, and their event types follow it."""
    host = make_host(organization)
    lone = make_host(organization, email="lone@example.test")
    event_type = make_event_type(organization, host, always_open=False)
    weekly_hours_replace(schedule=default_schedule_of(host=lone), intervals=EVERY_DAY_EVENING)
    date_override_set(host=host, day=date(2027, 1, 4), hours=[(time(7), time(8))])
    hours = {
        user: sorted(AvailabilityInterval.objects.filter(host=user).values_list("weekday", "start"))
        for user in (host, lone)
    }
    latest = latest_scheduling_migration()
    try:
        migrate(("scheduling", "0015_reminders"))
        migrate(("scheduling", "0016_schedules"))
    finally:
        migrate(latest)
    for user in (host, lone):
        (schedule,) = Schedule.objects.filter(host=user)
        assert (schedule.name, schedule.is_default) == ("Working hours", True)
        assert sorted(schedule.weekly.values_list("weekday", "start")) == hours[user]
    event_type.refresh_from_db()
    assert event_type.schedule.host == host
    assert DateOverride.objects.get().schedule == event_type.schedule
