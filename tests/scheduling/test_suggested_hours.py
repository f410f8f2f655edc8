"""A new host's hours: the Availability page suggests weekdays 9 to 5 in their zone and
asks them to confirm. A first event type made before they do is bookable during those
suggested hours (stored unconfirmed), and the page keeps asking until they save hours."""

from datetime import time
from html import unescape

import pytest
from django.http import HttpResponse

from slotlink.scheduling.date_models import Schedule
from slotlink.scheduling.models import AvailabilityInterval, EventType
from slotlink.scheduling.services.event_types import availability_replace
from tests.scheduling.builders import make_event_type, make_host
from tests.scheduling.test_host_pages import general

pytestmark = pytest.mark.django_db

SUGGESTED = "Suggested hours — confirm."
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def test_a_fresh_hosts_page_suggests_weekdays_9_to_5_and_writes_nothing(
    member_client, member_membership
):
    """The page shows weekdays 09:00-17:00 in the host's zone to confirm, with the weekend
    empty, and stores nothing until the host confirms."""
    user = member_membership.user
    user.time_zone = "Europe/Lisbon"
    user.save()
    html = text(member_client.get("/360/availability"))
    assert SUGGESTED in html
    assert "weekdays 9:00 to 17:00 in Europe/Lisbon" in html
    assert html.count('value="09:00-17:00"') == 5
    assert 'name="saturday" placeholder="Unavailable"' in html
    assert "Confirm these hours" in html
    assert not Schedule.objects.exists()
    assert not AvailabilityInterval.objects.exists()


def test_confirming_stores_the_hours_and_the_page_stops_asking(member_client, member_membership):
    """Pressing confirm with the suggested hours saves them as the host's, confirmed."""
    data = {"time_zone": "Europe/Berlin", **dict.fromkeys(WEEKDAYS, "09:00-17:00")}
    assert member_client.post("/360/availability", data).status_code == 302
    schedule = Schedule.objects.get(host=member_membership.user)
    assert (schedule.name, schedule.is_default, schedule.confirmed) == ("Working hours", True, True)
    assert schedule.weekly.count() == 5
    assert SUGGESTED not in text(member_client.get("/360/availability"))


def test_a_first_event_type_uses_the_suggested_hours_and_the_page_asks_to_confirm(
    member_client, member_membership
):
    """Made before the host confirmed any hours, the first event type is bookable during
    the suggested hours (stored, unconfirmed); its message and the Availability page say
    so, until the host saves their hours."""
    response = member_client.post("/360/events/new", general())
    html = text(member_client.get(response["Location"]))
    assert "is ready to be booked during the suggested hours, weekdays 9:00 to 17:00" in html
    schedule = EventType.objects.get().schedule
    assert not schedule.confirmed
    assert sorted(schedule.weekly.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    assert SUGGESTED in text(member_client.get("/360/availability"))
    data = {"time_zone": "Europe/Berlin", **dict.fromkeys(WEEKDAYS, "8-16")}
    member_client.post("/360/availability", data)
    schedule.refresh_from_db()
    assert schedule.confirmed
    assert SUGGESTED not in text(member_client.get("/360/availability"))


def test_hours_a_host_set_are_never_replaced_by_suggested_ones(organization):
    """A host who set hours keeps them, confirmed, when their first event type is made."""
    host = make_host(organization)
    availability_replace(host=host, intervals=[(5, time(10), time(12))])
    event_type = make_event_type(organization, host, always_open=False)
    assert event_type.schedule.confirmed
    assert list(event_type.schedule.weekly.values_list("weekday", "start", "end")) == [
        (5, time(10), time(12))
    ]
