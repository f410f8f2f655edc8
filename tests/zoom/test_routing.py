"""Which Zoom account a new booking's meeting goes on: the help article's routing, read
from the database alone (no Zoom call is needed to route)."""

from __future__ import annotations

import itertools

import pytest

from slotlink.accounts.models import Membership
from slotlink.zoom.client import TokenSet
from slotlink.zoom.connections import ZoomProfile
from slotlink.zoom.models import ZoomConnection, ZoomRollout, ZoomUser
from slotlink.zoom.selectors import Route, route
from tests.factories import make_member, make_organization
from tests.zoom.factories import connection_stored

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def account(membership: Membership, *, role: str = "personal") -> ZoomConnection:
    """A Zoom account the membership connected (stored as a real authorization is)."""
    number = next(_numbers)
    return connection_stored(
        membership,
        profile=ZoomProfile(
            zoom_user_id=f"zu{number}",
            zoom_account_id=f"za{number}",
            email=f"zoom{number}@zoom.test",
            display_name=f"Zoom {number}",
            user_type=2,
            time_zone="UTC",
        ),
        tokens=TokenSet(access_token="a", refresh_token="r", expires_in=3600, scope=""),
        role=role,
    )


def broken(connection: ZoomConnection) -> ZoomConnection:
    ZoomUser.objects.filter(pk=connection.zoom_user_id).update(status=ZoomUser.Status.BROKEN)
    return connection


def routed_to(connection: ZoomConnection) -> Route:
    return Route(connection.id, connection.zoom_user.zoom_user_id)


@pytest.fixture
def rollout(organization) -> ZoomRollout:
    return ZoomRollout.objects.create(organization=organization, enabled=True)


def test_the_hosts_own_zoom_comes_first(organization, rollout, member_membership, admin_membership):
    """The host's own connected Zoom hosts their meetings, ahead of every org account."""
    account(admin_membership, role="org")
    own = account(member_membership)
    assert route(organization_id=organization.id, host_id=member_membership.user_id) == (
        routed_to(own)
    )


def test_without_their_own_the_first_org_account_or_the_default_one(
    organization, rollout, member_membership, admin_membership
):
    """No Zoom of the host's own (or a broken one): the first connected org account, or the
    Default Zoom account when multi-account routing is on; broken org accounts are skipped,
    and another member's own Zoom is never used."""
    host = member_membership.user_id
    broken(account(member_membership))
    account(make_member(organization, full_name="Colleague"))
    first, second = account(admin_membership, role="org"), account(admin_membership, role="org")
    assert route(organization_id=organization.id, host_id=host) == routed_to(first)

    rollout.default_connection = second
    rollout.save()  # a default without multi-account routing doesn't count
    assert route(organization_id=organization.id, host_id=host) == routed_to(first)
    rollout.multi_account_routing = True
    rollout.save()
    assert route(organization_id=organization.id, host_id=host) == routed_to(second)
    broken(second)
    assert route(organization_id=organization.id, host_id=host) == routed_to(first)
    broken(first)
    assert route(organization_id=organization.id, host_id=host) is None


def test_nothing_routes_with_zoom_off_or_in_another_organization(
    organization, member_membership, admin_membership
):
    """With the organization's switch off nothing routes; another organization's accounts
    never do."""
    account(member_membership)
    assert route(organization_id=organization.id, host_id=member_membership.user_id) is None
    elsewhere = make_organization("Elsewhere")
    ZoomRollout.objects.create(organization=elsewhere, enabled=True)
    other_admin = make_member(elsewhere, role=Membership.Role.ADMIN, full_name="Other Admin")
    account(other_admin, role="org")
    ZoomRollout.objects.create(organization=organization, enabled=True)
    ZoomConnection.objects.filter(organization=organization).delete()
    assert route(organization_id=organization.id, host_id=member_membership.user_id) is None


def test_nothing_routes_once_an_admin_turns_zoom_off(organization, rollout, member_membership):
    """Zoom turned off after it was on (its switches kept, its accounts still connected):
    nothing routes, whether the organization's switches are passed in or read."""
    own = account(member_membership)
    host = member_membership.user_id
    assert route(organization_id=organization.id, host_id=host) == routed_to(own)
    rollout.enabled = False
    rollout.save()
    assert route(organization_id=organization.id, host_id=host) is None
    assert route(organization_id=organization.id, host_id=host, rollout=rollout) is None
