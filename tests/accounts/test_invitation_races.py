"""Invitation links under real concurrency: threads with their own database connections,
released together, against SQLite and PostgreSQL alike."""

import pytest

from slotlink.accounts.invitations import (
    InvitationError,
    invitation_accept_existing,
    invitation_accept_new,
    invitation_create,
)
from slotlink.accounts.models import Invitation, Membership, User
from slotlink.accounts.setup import setup_complete, setup_token_issue
from tests.factories import PASSWORD, make_member, make_organization, make_user
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 6


def test_one_link_clicked_many_times_at_once_makes_one_account():
    """Many submissions of one invitation at the same moment: one account and one
    membership; every other submission is told the invitation was already accepted."""
    admin = make_member(make_organization("Acme"), role=Membership.Role.ADMIN)
    sent = invitation_create(
        organization=admin.organization,
        email="nia@example.test",
        role="member",
        invited_by=admin.user,
    )
    outcomes = race(
        RACERS,
        lambda i: invitation_accept_new(
            token=sent.token, full_name=f"Nia {i}", password=PASSWORD, time_zone="UTC"
        ),
    )
    assert sum(isinstance(o, Membership) for o in outcomes) == 1
    refused = [o for o in outcomes if not isinstance(o, Membership)]
    assert all(isinstance(o, InvitationError) for o in refused), refused
    assert User.objects.filter(email="nia@example.test").count() == 1
    assert Membership.objects.filter(organization=admin.organization).count() == 2


def test_an_existing_account_joining_twice_at_once_joins_once():
    """Two clicks of Join at once make one membership."""
    admin = make_member(make_organization("Acme"), role=Membership.Role.ADMIN)
    person = make_user(email="nia@example.test")
    sent = invitation_create(
        organization=admin.organization, email=person.email, role="admin", invited_by=admin.user
    )
    outcomes = race(RACERS, lambda i: invitation_accept_existing(token=sent.token, user=person))
    assert sum(isinstance(o, Membership) for o in outcomes) == 1
    assert Membership.objects.filter(user=person).count() == 1
    assert Invitation.objects.get().accepted_by == person


def test_two_first_runs_at_once_make_one_organization():
    """Two people submitting the first-run page at the same moment: one organization."""
    token = setup_token_issue()
    assert token is not None
    outcomes = race(
        2,
        lambda i: setup_complete(
            token=token,
            name=f"Org {i}",
            slug=f"org-{i}",
            admin_email=f"admin{i}@example.test",
            admin_name="Admin",
            password=PASSWORD,
            time_zone="UTC",
        ),
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert Membership.objects.count() == 1
