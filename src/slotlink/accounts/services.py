"""Writes about people and organizations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from slotlink.accounts.models import Membership, Organization, User
from slotlink.accounts.selectors import admin_count


def organization_create(*, name: str, slug: str = "") -> Organization:
    return Organization.objects.create(name=name, slug=slug or slugify(name))


def user_create(
    *, email: str, full_name: str, password: str | None, time_zone: str = "UTC"
) -> User:
    user = User(email=email.strip().lower(), full_name=full_name, time_zone=time_zone)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    return Membership.objects.create(user=user, organization=organization, role=role)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; an organization always keeps at least one admin."""
    if role not in Membership.Role.values:
        raise ValidationError(f"{role!r} is not a role.")
    # Lock the organization's memberships so two admins demoting each other can't both win.
    list(Membership.objects.select_for_update().filter(organization=membership.organization))
    membership.refresh_from_db()
    if (
        membership.is_admin
        and role != Membership.Role.ADMIN
        and admin_count(organization=membership.organization) == 1
    ):
        raise ValidationError(
            "An organization needs at least one admin. Make someone else an admin first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership
