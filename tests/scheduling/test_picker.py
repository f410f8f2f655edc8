"""The picker as a page asks for it (`picker_for_request`): the zone, month and day the
viewer asked for, read from the form or the picker's links; the time they picked, dropped
after a refusal; and the zone select marking the zone shown, on the viewer's clock."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone

from slotlink.core.times import Clock
from slotlink.scheduling.picker import picker_for_request
from tests.factories import make_organization
from tests.scheduling.builders import make_event_type, make_host

pytestmark = pytest.mark.django_db

PATH = "/book/acme/intro"


@pytest.fixture
def event_type():
    organization = make_organization("Acme")
    host = make_host(organization, time_zone="Europe/Berlin")
    return make_event_type(organization, host, slug="intro")


def test_the_zone_is_the_viewers_pick_else_the_pages_default_else_the_hosts(event_type):
    """`time_zone` (the page's form) wins over `tz` (the picker's links), which wins over
    the page's default; an unknown zone, or none at all, shows the host's."""
    get, post = RequestFactory().get, RequestFactory().post
    now = timezone.now()

    def zone(request, default=""):
        context = picker_for_request(
            request, event_type=event_type, now=now, default_time_zone=default
        )
        return context["picker"].time_zone

    assert zone(get(PATH, {"tz": "Asia/Tokyo"}), "America/Chicago") == "Asia/Tokyo"
    assert zone(post(PATH, {"time_zone": "Asia/Kolkata", "tz": "Asia/Tokyo"})) == "Asia/Kolkata"
    assert zone(get(PATH), "America/Chicago") == "America/Chicago"
    assert zone(get(PATH, {"tz": "Mars/Olympus"}), "America/Chicago") == "Europe/Berlin"
    assert zone(get(PATH)) == "Europe/Berlin"


def test_the_picked_time_comes_back_checked_unless_it_was_refused(event_type):
    """A form shown again keeps the start the viewer picked; after a refusal (the time was
    taken) nothing is checked, so they pick again."""
    request = RequestFactory().post(PATH, {"start": "2030-01-07T09:00:00+00:00"})
    now = timezone.now()
    kept = picker_for_request(request, event_type=event_type, now=now)
    dropped = picker_for_request(request, event_type=event_type, now=now, refused=True)
    assert kept["chosen"] == "2030-01-07T09:00:00+00:00"
    assert dropped["chosen"] == ""


def test_the_day_asked_for_is_shown_and_every_link_keeps_the_zone_and_kept_params(event_type):
    """The `date` asked for is the day shown (its month with it), and the picker's links
    carry the zone and the page's own parameters (the embed's)."""
    now = timezone.now()
    day = now.astimezone(ZoneInfo("Asia/Tokyo")).date() + timedelta(days=3)
    request = RequestFactory().get(PATH, {"tz": "Asia/Tokyo", "date": day.isoformat()})
    context = picker_for_request(request, event_type=event_type, now=now, keep={"embed": "1"})
    picker = context["picker"]
    assert picker.selected_date == day
    assert picker.month == day.replace(day=1)
    assert picker.slots
    link = picker.weeks[0][0].url
    assert link.startswith(PATH + "?")
    assert "tz=Asia%2FTokyo" in link
    assert "embed=1" in link


def test_the_zone_select_marks_the_zone_shown_on_the_viewers_clock(event_type):
    """The select's marked option is the zone the times are shown in, and its times of day
    read on the clock the page passes (an invitee's kept with their booking)."""
    request = RequestFactory().get(PATH, {"tz": "Asia/Tokyo"})
    now = timezone.now()
    twelve = picker_for_request(request, event_type=event_type, now=now, clock=Clock.TWELVE_HOUR)
    assert '<option value="Asia/Tokyo" selected ' in twelve["time_zone_options"]
    assert "M)</option>" in twelve["time_zone_options"]  # "AM)" / "PM)"
    slot = twelve["picker"].slots[0].label
    assert slot.endswith(("AM", "PM"))
    twenty_four = picker_for_request(
        request, event_type=event_type, now=now, clock=Clock.TWENTY_FOUR_HOUR
    )
    assert "M)</option>" not in twenty_four["time_zone_options"]
