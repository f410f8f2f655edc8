"""The `make run` demo: Acme has a one-on-one and a group event type, bookable publicly."""

import re

import pytest
from django.test import Client

from slotlink.scheduling.models import AvailabilityInterval, Booking, EventType
from slotlink.shell.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings):
    settings.DEMO = True


def test_the_demo_has_a_one_on_one_and_a_group_event_type_to_book(demo_mode):
    """Both demo event types are live, their hosts have weekday hours, and an invitee can
    book each from its public page."""
    demo_seed(password="demo-password-123")
    kinds = dict(EventType.objects.values_list("slug", "kind"))
    assert kinds == {"intro-call": "one_on_one", "product-tour": "group"}
    client = Client()
    for event_type in EventType.objects.all():
        assert event_type.is_active
        assert AvailabilityInterval.objects.filter(host=event_type.host).count() == 5
        page = client.get(f"/book/acme/{event_type.slug}", {"tz": "Europe/Berlin"})
        starts = re.findall(r'name="start" value="([^"]+)"', page.content.decode())
        assert starts, f"{event_type.slug} offers no times"
        response = client.post(
            f"/book/acme/{event_type.slug}",
            {
                "start": starts[0],
                "time_zone": "Europe/Berlin",
                "name": "Demo Invitee",
                "email": "demo@example.test",
            },
        )
        assert response.status_code == 302
    assert Booking.objects.count() == 2


def test_seeding_the_demo_again_keeps_its_event_types(demo_mode):
    """Running the demo again creates no second copy."""
    demo_seed(password=None)
    demo_seed(password=None)
    assert EventType.objects.count() == 2
