"""Small builders for test data, written through the same services the product uses."""

import itertools

from slotlink.accounts.models import Membership, Organization, User
from slotlink.accounts.services import membership_create, organization_create, user_create

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_organization(name: str = "") -> Organization:
    n = next(_sequence)
    return organization_create(name=name or f"Org {n}", slug=f"org-{n}")


def make_user(*, email: str = "", full_name: str = "", time_zone: str = "UTC") -> User:
    n = next(_sequence)
    return user_create(
        email=email or f"person{n}@example.test",
        full_name=full_name or f"Person {n}",
        password=PASSWORD,
        time_zone=time_zone,
    )


def make_member(
    organization: Organization, *, role: str = Membership.Role.MEMBER, **user_fields: str
) -> Membership:
    return membership_create(user=make_user(**user_fields), organization=organization, role=role)
