"""The event type editor's Reminders tab: a host adds reminders from the usual leads or a
custom one, and removes them; bad input is refused with what was read, and changes
nothing; only who may edit the event type sees its reminders."""

from html import unescape

import pytest
from django.http import HttpResponse

from slotlink.scheduling.models import EventType
from slotlink.scheduling.reminders.models import Reminder
from tests.factories import make_member, make_organization
from tests.scheduling.builders import make_event_type

pytestmark = pytest.mark.django_db


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def member_event_type(organization, member_membership) -> EventType:
    return make_event_type(organization, member_membership.user, slug="members-call")


def leads(event_type: EventType) -> list[tuple[int, bool]]:
    return list(event_type.reminders.values_list("minutes_before", "to_host"))


def test_a_host_adds_reminders_and_removes_one(member_client, member_event_type):
    """A new event type has none; "1 hour before" for the invitee and the host and a custom
    90 minutes are listed, longest first; removing one leaves the other."""
    url = f"/360/events/{member_event_type.id}/reminders"
    assert "No reminders" in text(member_client.get(url))
    assert member_client.post(url, {"lead": "60", "to_host": "on"}).status_code == 302
    response = member_client.post(
        url, {"lead": "custom", "custom_amount": "90", "custom_unit": "minutes"}
    )
    assert response.status_code == 302
    assert leads(member_event_type) == [(90, False), (60, True)]
    page = text(member_client.get(url))
    assert "90 minutes before" in page
    assert "1 hour before" in page
    assert "The invitee and the host" in page
    hour = Reminder.objects.get(minutes_before=60)
    assert member_client.post(f"{url}/{hour.id}/remove").status_code == 302
    assert leads(member_event_type) == [(90, False)]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"lead": "custom", "custom_amount": "", "custom_unit": "hours"}, "Say how long before"),
        (
            {"lead": "custom", "custom_amount": "31", "custom_unit": "days"},
            "A reminder goes between 5 minutes and 30 days before the start, not 31 days.",
        ),
        (
            {"lead": "custom", "custom_amount": "3", "custom_unit": "minutes"},
            "not 3 minutes.",
        ),
        ({"lead": "custom", "custom_amount": "2", "custom_unit": "weeks"}, "Select a valid"),
        ({"lead": "17"}, "Select a valid choice"),
        ({"lead": "60"}, "There is a reminder 1 hour before already."),
    ],
)
def test_a_bad_reminder_is_refused_with_words_and_changes_nothing(
    member_client, member_event_type, data, error
):
    """Out of bounds, unknown, missing or already there: the page says so."""
    url = f"/360/events/{member_event_type.id}/reminders"
    member_client.post(url, {"lead": "60"})
    response = member_client.post(url, data)
    assert response.status_code == 200
    assert error in text(response)
    assert leads(member_event_type) == [(60, False)]


def test_an_event_type_has_at_most_five_reminders(member_client, member_event_type):
    url = f"/360/events/{member_event_type.id}/reminders"
    for minutes in ("15", "30", "60", "120", "1440"):
        member_client.post(url, {"lead": minutes})
    response = member_client.post(url, {"lead": "2880"})
    assert "An event type has at most 5 reminders. Remove one first." in text(response)
    assert len(leads(member_event_type)) == 5


def test_others_reminders_are_not_found(
    member_client, admin_client, organization, admin_membership, member_event_type
):
    """A member can't see, add to or remove from a co-worker's event type's reminders, nor
    remove one through their own event type's address; an admin can't reach another
    organization's."""
    theirs = make_event_type(organization, admin_membership.user, slug="admins-call")
    Reminder.objects.create(event_type=theirs, minutes_before=60)
    kept = Reminder.objects.get()
    url = f"/360/events/{theirs.id}/reminders"
    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"lead": "30"}).status_code == 404
    assert member_client.post(f"{url}/{kept.id}/remove").status_code == 404
    mine = f"/360/events/{member_event_type.id}/reminders/{kept.id}/remove"
    assert member_client.post(mine).status_code == 302
    other = make_organization("Globex")
    globex = make_event_type(other, make_member(other).user, slug="globex")
    assert admin_client.get(f"/360/events/{globex.id}/reminders").status_code == 404
    assert list(Reminder.objects.all()) == [kept]
    assert "Ada Admin" not in text(
        member_client.get(f"/360/events/{member_event_type.id}/reminders")
    )
