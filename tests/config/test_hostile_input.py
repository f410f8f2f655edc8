"""Hostile input gets a clear answer and changes nothing; it never gets a 500."""

import pytest
from django.test import Client

from slotlink.accounts.middleware import CURRENT_ORGANIZATION_SESSION_KEY
from slotlink.scheduling.models import EventType
from tests.scheduling.builders import make_event_type

pytestmark = pytest.mark.django_db

NOT_AN_ID = ["99999999999999999999", "²", "9" * 5000, "-1", "1\x00", ""]


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_switching_to_an_organization_that_is_no_id_is_not_found(
    member_client: Client, member_membership, value
):
    """Switching organization with a value that is no id answers 404 and keeps the
    current organization."""
    before = member_client.session.get(CURRENT_ORGANIZATION_SESSION_KEY)
    response = member_client.post("/360/organization/switch", {"organization": value})
    assert response.status_code == 404
    assert member_client.session.get(CURRENT_ORGANIZATION_SESSION_KEY) == before


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_the_location_details_for_a_host_that_is_no_id_are_the_admins_own(
    admin_client: Client, value
):
    """The editor's location details redraw for the admin themself when the host posted is
    no id."""
    response = admin_client.get("/360/events/location", {"location_kind": "zoom", "host": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_a_new_event_type_with_a_host_that_is_no_id_is_refused(admin_client: Client, value):
    """A new event type naming a host that is no id is refused on the form; nothing is
    created."""
    response = admin_client.post(
        "/360/events/new",
        {
            "title": "Call",
            "duration_minutes": 30,
            "kind": "one_on_one",
            "location_kind": "phone",
            "host": value,
        },
    )
    assert response.status_code == 200
    assert b'id="id_host_error"' in response.content
    assert not EventType.objects.exists()


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_editing_an_event_type_with_a_host_that_is_no_id_is_refused(
    admin_client: Client, admin_membership, value
):
    """Saving an event type with a host that is no id is refused; it keeps its host."""
    event_type = make_event_type(admin_membership.organization, admin_membership.user)
    response = admin_client.post(
        f"/360/events/{event_type.id}",
        {
            "title": "Renamed",
            "duration_minutes": 30,
            "kind": "one_on_one",
            "location_kind": "phone",
            "host": value,
        },
    )
    assert response.status_code == 200
    event_type.refresh_from_db()
    assert event_type.title != "Renamed"
    assert event_type.host_id == admin_membership.user_id


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_a_webinar_export_for_a_session_that_is_no_id_says_what_to_ask(
    member_client: Client, value
):
    """Exporting webinar registrants for a session or event type that is no id answers 400
    saying what to ask for."""
    for parameter in ("session", "event_type"):
        response = member_client.get("/360/integrations/zoom/webinars/export", {parameter: value})
        assert response.status_code == 400
        assert b"Say which session" in response.content
