"""The Django admin shows event types and bookings to staff, and bookings read-only."""

import pytest
from django.test import Client

from slotlink.accounts.models import User
from slotlink.scheduling.tasks import send_booking_email
from tests.scheduling.builders import book

pytestmark = pytest.mark.django_db


def test_staff_read_bookings_with_their_history_but_cannot_change_them(event_type):
    """Bookings change only through the services, so the admin offers no edits; it shows
    which change each party was emailed."""
    booking = book(event_type, name="Ivy Invitee")
    send_booking_email.call(booking.id, "booked", 0)
    staff = User.objects.create_superuser("staff@example.test", "pw-123-long", full_name="S")
    client = Client()
    client.force_login(staff)
    listing = client.get("/django-admin/scheduling/booking/")
    assert "Ivy Invitee" in listing.content.decode()
    detail = client.get(f"/django-admin/scheduling/booking/{booking.id}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    emails = detail.content.decode().split("Booking emails", 1)[1]
    assert emails.index("Invitee") < emails.index("Host")
    assert client.get("/django-admin/scheduling/eventtype/").status_code == 200
