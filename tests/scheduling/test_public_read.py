"""The public's read of an event type (scheduling/public_read.py), written out as SQL,
gives what the ORM gives: every field of the event type, its host and its organization,
with the types the ORM converts them to, and the blocks and calendars read with it."""

import pytest
from django.utils import timezone

from slotlink.accounts.models import Organization, User
from slotlink.scheduling.limits.models import BookingBlock
from slotlink.scheduling.models import EventType
from slotlink.scheduling.public_read import host_calendars_in_use, public_event_type

pytestmark = pytest.mark.django_db


def fields_of(instance) -> dict[str, tuple[type, object]]:
    return {
        field.attname: (type(getattr(instance, field.attname)), getattr(instance, field.attname))
        for field in type(instance)._meta.concrete_fields
    }


def test_the_event_type_its_host_and_organization_are_as_the_orm_reads_them(
    organization, event_type
):
    """Each field, of each of the three rows, has the ORM's value and type (booleans,
    instants with their zone, a password reset sent and a last sign-in set), and the host
    and organization come with the event type, read in its one query."""
    User.objects.filter(pk=event_type.host_id).update(
        last_login=timezone.now(), password_reset_sent_at=timezone.now()
    )
    orm = EventType.objects.select_related("host", "organization").get(pk=event_type.pk)
    read = public_event_type(organization_slug=organization.slug, slug=event_type.slug)
    assert read is not None
    assert fields_of(read) == fields_of(orm)
    assert fields_of(read.host) == fields_of(orm.host)
    assert fields_of(read.organization) == fields_of(orm.organization)
    assert not read._state.adding
    assert isinstance(read.organization, Organization)


def test_another_organizations_slug_or_an_event_type_turned_off_reads_nothing(
    organization, event_type
):
    """The slug within another organization, or an event type switched off, is none."""
    other = Organization.objects.create(name="Other", slug="other")
    assert public_event_type(organization_slug=other.slug, slug=event_type.slug) is None
    EventType.objects.filter(pk=event_type.pk).update(is_active=False)
    assert public_event_type(organization_slug=organization.slug, slug=event_type.slug) is None


def test_a_post_reads_the_organizations_block_and_the_hosts_calendars_with_it(
    organization, event_type
):
    """With the requester's address and email: the block of either (the address's first),
    none for another organization's block, and no calendars for a host without any."""

    def read(address, email):
        found = public_event_type(
            organization_slug=organization.slug, slug=event_type.slug, blocks_of=(address, email)
        )
        assert found is not None
        return found.block_of_requester, host_calendars_in_use(found)

    assert read("203.0.113.5", "ivy@example.test") == (None, False)
    other = Organization.objects.create(name="Other", slug="other")
    BookingBlock.objects.create(
        organization=other, kind=BookingBlock.Kind.EMAIL, value="ivy@example.test"
    )
    assert read("203.0.113.5", "ivy@example.test") == (None, False)
    BookingBlock.objects.create(
        organization=organization, kind=BookingBlock.Kind.EMAIL, value="ivy@example.test"
    )
    assert read("203.0.113.5", "ivy@example.test") == (BookingBlock.Kind.EMAIL, False)
    BookingBlock.objects.create(
        organization=organization, kind=BookingBlock.Kind.ADDRESS, value="203.0.113.5"
    )
    assert read("203.0.113.5", "ivy@example.test") == (BookingBlock.Kind.ADDRESS, False)
    assert read(None, "ivy@example.test") == (BookingBlock.Kind.EMAIL, False)
