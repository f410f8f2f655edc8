"""The demo organization "Acme" with an admin and a member, and the installation's staff
(demo mode only).

Acme's admin runs Acme, not the installation: the Django admin shows every organization's
data, so only a separate platform staff account, in no organization, may open it.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction

from slotlink.accounts.models import Membership, Organization, User
from slotlink.accounts.services import membership_create, organization_create, user_create

DEMO_ORGANIZATION_SLUG = "acme"
DEMO_ADMIN_EMAIL = "admin@acme.test"
DEMO_MEMBER_EMAIL = "member@acme.test"
DEMO_STAFF_EMAIL = "staff@slotlink.test"


@dataclass(frozen=True)
class DemoAccounts:
    organization: Organization
    admin: User
    member: User
    # The platform staff account (the Django admin), in no organization.
    staff: User | None
    # The password to print: the one just set, or "" when existing users kept theirs.
    password: str


@transaction.atomic
def demo_accounts_seed(*, password: str | None) -> DemoAccounts:
    """Create Acme, its two people and the platform staff the first time; later runs keep
    them.

    With `password`, all three get that password (so a lost demo password can be reset);
    without it, a new one is generated only when the people are created.
    """
    organization = Organization.objects.filter(slug=DEMO_ORGANIZATION_SLUG).first()
    if organization is None:
        organization = organization_create(name="Acme", slug=DEMO_ORGANIZATION_SLUG)
    created_any = False
    people = {}
    for email, full_name, role in [
        (DEMO_ADMIN_EMAIL, "Ada Admin", Membership.Role.ADMIN),
        (DEMO_MEMBER_EMAIL, "Max Member", Membership.Role.MEMBER),
    ]:
        user = User.objects.filter(email=email).first()
        if user is None:
            password = password or secrets.token_urlsafe(12)
            user = user_create(
                email=email, full_name=full_name, password=password, time_zone="Europe/Berlin"
            )
            created_any = True
        if user.is_staff or user.is_superuser:
            # Demos seeded before made Acme's admin a superuser: an organization's admin is
            # not the installation's staff.
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        if not Membership.objects.filter(user=user, organization=organization).exists():
            membership_create(user=user, organization=organization, role=role)
        people[role] = user
    admin, member = people[Membership.Role.ADMIN], people[Membership.Role.MEMBER]
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    if staff is None:
        # With no password to give (a demo seeded before staff existed, whose people keep
        # theirs), staff can't sign in until SLOTLINK_DEMO_PASSWORD sets one for everybody.
        staff = User.objects.create_superuser(
            DEMO_STAFF_EMAIL, password, full_name="Sam Staff", time_zone="Europe/Berlin"
        )
    if password and not created_any:
        for user in (admin, member, staff):
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
    return DemoAccounts(
        organization=organization,
        admin=admin,
        member=member,
        staff=staff,
        password=password or "",
    )
