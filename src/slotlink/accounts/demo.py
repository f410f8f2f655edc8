"""The demo organization "Acme" with an admin and a member (demo mode only)."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from slotlink.accounts.models import Membership, Organization, User
from slotlink.accounts.services import membership_create, organization_create, user_create

DEMO_ORGANIZATION_SLUG = "acme"
DEMO_ADMIN_EMAIL = "admin@acme.test"
DEMO_MEMBER_EMAIL = "member@acme.test"


@dataclass(frozen=True)
class DemoAccounts:
    organization: Organization
    admin: User
    member: User
    # The password to print: the one just set, or "" when existing users kept theirs.
    password: str


@transaction.atomic
def demo_accounts_seed(*, password: str | None) -> DemoAccounts:
    """Create Acme and its two people the first time; later runs keep them.

    With `password`, both people get that password (so a lost demo password can be reset);
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
        if role == Membership.Role.ADMIN and not user.is_staff:
            user.is_staff = user.is_superuser = True  # the demo admin also has the Django admin
            user.save(update_fields=["is_staff", "is_superuser"])
        if not Membership.objects.filter(user=user, organization=organization).exists():
            membership_create(user=user, organization=organization, role=role)
        people[role] = user
    admin, member = people[Membership.Role.ADMIN], people[Membership.Role.MEMBER]
    if password and not created_any:
        for user in (admin, member):
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
    return DemoAccounts(
        organization=organization, admin=admin, member=member, password=password or ""
    )
