"""Hostile input gets a clear answer and changes nothing; it never gets a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from slotlink.accounts.middleware import CURRENT_ORGANIZATION_SESSION_KEY
from slotlink.accounts.models import Organization, User
from slotlink.accounts.services import organization_create, user_create
from slotlink.scheduling.models import Booking, EventType, LocationKind
from tests.factories import PASSWORD
from tests.scheduling.builders import make_event_type, next_free_starts

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


# --- Names and time zones ------------------------------------------------------------------

SPOOFING = ["Ann\u202eexe.fdp", "\u2067Ann\u2069", "Ann\u200f", "Ann\ufeff", "Ann\x07"]
NOT_PLACES = ["Factory", "localtime", "posixrules", "right/Europe/Berlin", "posix/UTC"]


def booking_data(event_type: EventType, **overrides: str) -> dict[str, str]:
    start = next_free_starts(event_type)[0]
    data = {
        "start": start.isoformat(),
        "time_zone": "Europe/Berlin",
        "name": "Ivy Invitee",
        "email": "ivy@example.test",
    }
    return data | overrides


@pytest.fixture
def bookable(organization, member_membership) -> EventType:
    return make_event_type(
        organization, member_membership.user, location_kind=LocationKind.CUSTOM_URL
    )


def book_url(event_type: EventType) -> str:
    return f"/book/{event_type.organization.slug}/{event_type.slug}"


@pytest.mark.parametrize("name", SPOOFING)
def test_an_invitee_name_with_hidden_controls_is_refused(bookable, name):
    """Booking with a name holding a bidi override or a control character is refused with
    words that say what to do; nothing is booked."""
    response = Client().post(book_url(bookable), booking_data(bookable, name=name))
    assert response.status_code == 200
    assert b"invisible control characters" in response.content
    assert not Booking.objects.exists()


def test_names_that_need_joiners_are_booked(bookable):
    """A Persian name with a zero-width non-joiner is a name, and books."""
    name = "\u0645\u06cc\u200c\u0646\u0627"
    response = Client().post(book_url(bookable), booking_data(bookable, name=name))
    assert response.status_code == 302
    assert Booking.objects.get().invitee_name == name


@pytest.mark.parametrize("zone", NOT_PLACES)
def test_an_invitee_time_zone_that_is_no_place_is_refused(bookable, zone):
    """ "Factory", "localtime" and the posix/right copies are nobody's zone: refused."""
    response = Client().post(book_url(bookable), booking_data(bookable, time_zone=zone))
    assert response.status_code == 200
    assert b"Pick your time zone from the list." in response.content
    assert not Booking.objects.exists()


@pytest.mark.parametrize("title", SPOOFING)
def test_an_event_type_title_with_hidden_controls_is_refused(member_client, title):
    """An event type titled with a bidi override is refused on the form; none is created."""
    response = member_client.post(
        "/360/events/new",
        {"title": title, "duration_minutes": 30, "kind": "one_on_one", "location_kind": "phone"},
    )
    assert response.status_code == 200
    assert b"invisible control characters" in response.content
    assert not EventType.objects.exists()


@pytest.mark.parametrize("name", SPOOFING)
def test_people_and_organizations_are_not_named_with_hidden_controls(name):
    """A person's full name and an organization's name refuse hidden controls, wherever
    they are saved through validation (services, the Django admin, forms)."""
    with pytest.raises(ValidationError) as person:
        user_create(email="x@example.test", full_name=name, password=PASSWORD)
    assert "full_name" in person.value.message_dict
    with pytest.raises(ValidationError) as organization:
        organization_create(name=name, slug="spoof")
    assert "name" in organization.value.message_dict
    with pytest.raises(ValidationError) as admin:
        Organization(name=name, slug="spoof").full_clean()  # as the Django admin does
    assert "name" in admin.value.message_dict
    assert not User.objects.exists()
    assert not Organization.objects.exists()


@pytest.mark.parametrize("zone", NOT_PLACES)
def test_a_persons_time_zone_must_be_a_place(zone):
    """A person's time zone is one people live in."""
    with pytest.raises(ValidationError) as error:
        user_create(email="x@example.test", full_name="X", password=PASSWORD, time_zone=zone)
    assert error.value.message_dict["time_zone"] == [
        f"{zone!r} is not a known time zone. Pick one such as Europe/Berlin."
    ]
