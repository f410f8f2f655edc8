"""Zoom connections for tests, with real tokens the sandbox issued, stored by the product's
own services."""

from __future__ import annotations

from typing import Any

from slotlink.accounts.models import Membership
from slotlink.zoom.client import TokenSet
from slotlink.zoom.connections import ZoomProfile, zoom_connection_create, zoom_user_upsert
from slotlink.zoom.models import ZoomConnection
from tests.fixtures.zoom_sandbox import ZoomSandbox


def connected(
    zoom: ZoomSandbox,
    membership: Membership,
    *,
    role: str = "personal",
    **zoom_user_fields: Any,
) -> tuple[ZoomConnection, dict[str, Any]]:
    """A sandbox Zoom user who authorized slotlink, connected to the membership's
    organization; returns the connection and the sandbox user."""
    zoom_user = zoom.create_user(**zoom_user_fields)
    issued = zoom.tokens_for(zoom_user["id"])
    tokens = TokenSet(
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        expires_in=int(issued["expires_in"]),
        scope=issued.get("scope", ""),
    )
    profile = ZoomProfile(
        zoom_user_id=zoom_user["id"],
        zoom_account_id=zoom_user["account_id"],
        email=zoom_user["email"],
        display_name=f"{zoom_user['first_name']} {zoom_user['last_name']}",
        user_type=2,
        time_zone="UTC",
    )
    return connection_stored(membership, profile=profile, tokens=tokens, role=role), zoom_user


def connection_stored(
    membership: Membership, *, profile: ZoomProfile, tokens: TokenSet, role: str = "personal"
) -> ZoomConnection:
    """What Zoom said of a user who authorized slotlink, and their tokens, stored and
    connected to the membership's organization as the OAuth callback does."""
    stored = zoom_user_upsert(profile=profile, tokens=tokens)
    return zoom_connection_create(
        organization=membership.organization, zoom_user=stored, owner=membership.user, role=role
    )
