"""What every page of the app shell needs: who is signed in, in which organization."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from slotlink.accounts.selectors import memberships_of_user


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "organization": membership.organization if membership else None,
        "is_org_admin": bool(membership and membership.is_admin),
        "demo_mode": settings.DEMO,
        # For the organization switcher; only queried on pages that show it.
        "all_memberships": SimpleLazyObject(
            lambda: (
                list(memberships_of_user(user=request.user))
                if request.user.is_authenticated
                else []
            )
        ),
    }
