"""The Django admin shows event types and bookings to staff, and bookings read-only."""

import pytest
from django.test import Client

from slotlink.accounts.models import User
from tests.scheduling.builders import book

pytestmark = pytest.mark.django_db


def test_staff_read_bookings_with_their_history_but_cannot_change_them(event_type):
    """Bookings change only through the services, so the admin offers no edits."""
    booking = book(event_type, name="Ivy Invitee")
    staff = User.objects.create_superuser("staff@example.test", "pw-123-long", full_name="S")
    client = Client()
    client.force_login(staff)
    listing = client.get("/django-admin/scheduling/booking/")
    assert "Ivy Invitee" in listing.content.decode()
    detail = client.get(f"/django-admin/scheduling/booking/{booking.id}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/django-admin/scheduling/eventtype/").status_code == 200
