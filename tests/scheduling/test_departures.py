"""Removing a member: the confirmation page, their event types no longer bookable, their
upcoming bookings reassigned or cancelled, past ones kept, the last admin kept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from slotlink.accounts.models import Membership, User
from slotlink.scheduling.models import Booking, BookingEvent, EventType
from slotlink.scheduling.services.bookings import BookingError, booking_create
from slotlink.zoom.locations import ZOOM
from tests.factories import make_member, make_organization
from tests.scheduling.builders import (
    book,
    free_start_from,
    invitee,
    make_event_type,
    make_host,
    next_free_starts,
    run_queued_tasks,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(organization):
    return Membership.objects.get(
        user=make_host(organization, full_name="Lea Leaving", email="lea@acme.test")
    )


@pytest.fixture
def colleague(organization):
    return make_host(organization, full_name="Cole Colleague", email="cole@acme.test")


def remove(client: Client, membership: Membership, decisions: dict[Booking, str] | None = None):
    data = {f"booking_{booking.id}": value for booking, value in (decisions or {}).items()}
    return client.post(f"/360/members/{membership.id}/remove", data)


def test_the_confirmation_page_lists_the_consequences(
    admin_client, organization, leaver, colleague
):
    """The page names their bookable event types, each upcoming booking with a choice, how
    many past bookings keep their history, and that the account stays."""
    event_type = make_event_type(organization, leaver.user, title="Lea's intro")
    upcoming = book(event_type, name="Uma Upcoming")
    past = book(event_type, name="Pat Past")
    Booking.objects.filter(pk=past.pk).update(
        start=timezone.now() - timedelta(days=2),
        end=timezone.now() - timedelta(days=2, minutes=-30),
    )
    page = admin_client.get(f"/360/members/{leaver.id}/remove").content.decode()
    assert "Remove <bdi>Lea Leaving</bdi> from <bdi>Acme</bdi>?" in page
    assert (
        "Their event types stop being bookable: <strong><bdi>Lea&#x27;s intro</bdi></strong>"
        in page
    )
    assert "<bdi>Lea&#x27;s intro</bdi> with <bdi>Uma Upcoming</bdi>" in page
    assert f'name="booking_{upcoming.id}"' in page
    assert "Give it to \u2068Cole Colleague\u2069" in page  # isolated: an option holds no <bdi>
    assert "Their 1 past booking keeps their host and history." in page
    assert "Their account stays" in page


def test_removing_reassigns_cancels_and_makes_their_event_types_unbookable(
    admin_client,
    admin_membership,
    organization,
    leaver,
    colleague,
    django_capture_on_commit_callbacks,
):
    """One booking goes to a free colleague (its invitee and the colleague get the updated
    invite), one is cancelled (its invitee told); the event type stops being bookable, the
    membership goes, the account and past bookings stay."""
    event_type = make_event_type(organization, leaver.user, title="Lea's intro", slug="lea")
    first, second, third = next_free_starts(event_type, 3)
    kept = book(event_type, first, name="Kim Kept", email="kim@example.test")
    dropped = book(event_type, third, name="Dee Dropped", email="dee@example.test")
    past = book(event_type, second, name="Pat Past")
    Booking.objects.filter(pk=past.pk).update(start=timezone.now() - timedelta(days=1))
    run_queued_tasks()
    mail.outbox.clear()
    assert Client().get(f"/book/{organization.slug}/lea").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = remove(admin_client, leaver, {kept: str(colleague.id), dropped: "cancel"})
    assert response.status_code == 302

    kept.refresh_from_db()
    assert kept.host == colleague
    assert kept.status == Booking.Status.CONFIRMED
    reassigned = kept.history.get(kind=BookingEvent.Kind.REASSIGNED)
    assert reassigned.actor == admin_membership.user
    dropped.refresh_from_db()
    assert (dropped.status, dropped.cancelled_by_host) == (Booking.Status.CANCELLED, True)
    past.refresh_from_db()
    assert past.host == leaver.user
    assert past.status == Booking.Status.CONFIRMED
    assert not EventType.objects.get(pk=event_type.pk).is_active
    assert Client().get(f"/book/{organization.slug}/lea").status_code == 404
    assert not Membership.objects.filter(pk=leaver.pk).exists()
    assert User.objects.filter(pk=leaver.user_id).exists()
    run_queued_tasks()
    recipients = [address for message in mail.outbox for address in message.to]
    assert any("dee@example.test" in address for address in recipients)
    to_kim = [m for m in mail.outbox if "kim@example.test" in m.to[0]]
    assert [m.subject.split(":")[0] for m in to_kim] == ["New host"]
    assert "Your Lea's intro is now with Cole Colleague, at the same time." in to_kim[0].body
    invite = to_kim[0].attachments[0].get_payload(decode=True).decode().replace("\r\n ", "")
    (organizer,) = [line for line in invite.splitlines() if line.startswith("ORGANIZER")]
    assert organizer.endswith("mailto:cole@acme.test")
    to_cole = [m for m in mail.outbox if "cole@acme.test" in m.to[0]]
    assert [m.subject.split(":")[0] for m in to_cole] == ["Now yours"]


def test_a_cancelled_zoom_booking_is_told_to_the_conferencing_provider(
    admin_client, organization, leaver, colleague, provider
):
    """Cancelling goes through the booking cancel, so the provider hears of it."""
    event_type = make_event_type(organization, leaver.user, location_kind=ZOOM)
    booking = book(event_type)
    remove(admin_client, leaver, {booking: "cancel"})
    assert ("cancelled", booking.id) in [(kind, ref.booking_id) for kind, ref in provider.calls]


def test_a_busy_new_host_is_refused_and_nothing_changes(
    admin_client, organization, leaver, colleague
):
    """Giving a booking to someone with a booking at that time is refused in words; the
    member, their event type and every booking stay as they were."""
    event_type = make_event_type(organization, leaver.user)
    start = next_free_starts(event_type)[0]
    booking = book(event_type, start)
    book(make_event_type(organization, colleague), start, email="busy@example.test")
    other = book(event_type, free_start_from(event_type, start + timedelta(hours=2)))
    response = remove(admin_client, leaver, {booking: str(colleague.id), other: "cancel"})
    assert response.status_code == 200
    assert (
        "<bdi>Cole Colleague</bdi> already has a booking at the time of"
        in response.content.decode()
    )
    assert Membership.objects.filter(pk=leaver.pk).exists()
    assert EventType.objects.get(pk=event_type.pk).is_active
    assert Booking.objects.get(pk=booking.pk).host == leaver.user
    assert Booking.objects.get(pk=other.pk).status == Booking.Status.CONFIRMED


def test_every_upcoming_booking_needs_a_decision(admin_client, organization, leaver):
    """Without a choice for a booking the page asks for one and nothing changes."""
    booking = book(make_event_type(organization, leaver.user))
    response = remove(admin_client, leaver)
    assert response.status_code == 200
    assert "Choose a new host or cancel this booking." in response.content.decode()
    assert Membership.objects.filter(pk=leaver.pk).exists()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_forged_host_is_refused(admin_client, organization, leaver):
    """A host who isn't a member of the organization can't take a booking."""
    booking = book(make_event_type(organization, leaver.user))
    stranger = make_member(make_organization("Globex")).user
    response = remove(admin_client, leaver, {booking: str(stranger.id)})
    assert response.status_code == 200
    assert Membership.objects.filter(pk=leaver.pk).exists()


def test_the_last_admin_cannot_be_removed(admin_client, admin_membership):
    """The organization's only admin stays, with a message saying what to do."""
    response = remove(admin_client, admin_membership)
    assert response.status_code == 200
    assert "only admin, so they can&#x27;t be removed" in response.content.decode()
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_an_admin_can_go_when_another_admin_stays(admin_client, organization, admin_membership):
    """With a second admin, an admin may be removed (even themselves)."""
    make_member(organization, role=Membership.Role.ADMIN)
    assert remove(admin_client, admin_membership).status_code == 302
    assert not Membership.objects.filter(pk=admin_membership.pk).exists()


def test_they_stay_in_their_other_organizations(admin_client, leaver):
    """Only this organization's membership goes."""
    elsewhere = Membership.objects.create(
        user=leaver.user, organization=make_organization("Globex")
    )
    remove(admin_client, leaver)
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_members_cannot_remove_and_other_organizations_are_not_found(
    member_client, admin_client, leaver
):
    """A member gets the explaining 403; another organization's member is a 404."""
    assert member_client.get(f"/360/members/{leaver.id}/remove").status_code == 403
    assert remove(member_client, leaver).status_code == 403
    outsider = make_member(make_organization("Globex"))
    assert admin_client.get(f"/360/members/{outsider.id}/remove").status_code == 404
    assert remove(admin_client, outsider).status_code == 404
    assert Membership.objects.filter(pk__in=[leaver.pk, outsider.pk]).count() == 2


def test_a_removed_hosts_event_type_cannot_be_made_bookable_again(
    admin_client, organization, leaver
):
    """Turning the event type back on while its host is gone is refused in words."""
    event_type = make_event_type(organization, leaver.user)
    remove(admin_client, leaver)
    response = admin_client.post(
        f"/360/events/{event_type.id}/limits",
        {"minimum_notice_minutes": 0, "buffer_minutes": 0, "horizon_days": 60, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Its host is no longer a member of this organization" in response.content.decode()
    assert not EventType.objects.get(pk=event_type.pk).is_active


def test_a_booking_racing_the_removal_is_refused(admin_client, organization, leaver):
    """A booking page loaded before the removal can't book after it: the event type is
    checked again under the host's lock, and the invitee is told in words."""
    event_type = make_event_type(organization, leaver.user, slug="lea")
    start = next_free_starts(event_type)[0]
    loaded = EventType.objects.get(pk=event_type.pk)  # what the page had in hand
    remove(admin_client, leaver)
    with pytest.raises(BookingError, match="can't be booked anymore"):
        booking_create(event_type=loaded, start=start, invitee=invitee())
    assert not Booking.objects.exists()
