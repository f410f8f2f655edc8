"""Reads about people and organizations."""

from django.db.models import QuerySet

from slotlink.accounts.models import Membership, Organization, User


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def membership_for(*, user: User, organization_id: int | None) -> Membership | None:
    """The user's membership in that organization, else their first one, else None."""
    memberships = memberships_of_user(user=user)
    if organization_id is not None:
        chosen = memberships.filter(organization_id=organization_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def admin_count(*, organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Membership.Role.ADMIN).count()
