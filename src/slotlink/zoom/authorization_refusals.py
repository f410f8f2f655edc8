"""Why a trip to Zoom connected nothing, and the one case Zoom itself can't see: a
Reconnect that came back signed in as another Zoom account.

A Reconnect button names the connection it renews. Zoom signs in whichever account the
browser's Zoom session holds (the connector help's "Why am I logged in to the wrong
account?"), so the account Zoom returns may be another one: then nothing of it is kept.

Whenever a return connects nothing (that, or an account refused here, such as a second
Zoom of one's own), the grant Zoom just issued is revoked, so slotlink does not stay among
that account's Added Apps. An account that organizations here use keeps its grant (and the
new tokens `_exchange` stored for them: the new grant ended the old ones at Zoom).
"""

import logging

from slotlink.zoom import client
from slotlink.zoom.client import TokenSet
from slotlink.zoom.connections import ZoomProfile
from slotlink.zoom.errors import ZoomError
from slotlink.zoom.models import ZoomAuthorization, ZoomConnection, ZoomUser
from slotlink.zoom.synclog import CallContext

log = logging.getLogger("slotlink.zoom")


class AuthorizationProblem(Exception):
    """Why a return from Zoom connected nothing, in words for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongZoomAccount(AuthorizationProblem):
    """A Reconnect came back signed in as another Zoom account than the connection's."""

    def __init__(self, *, signed_in_as: str, connection: ZoomConnection) -> None:
        self.signed_in_as = signed_in_as
        self.expected = connection.zoom_user.email
        self.connection = connection
        super().__init__(
            f"Zoom signed you in as {signed_in_as}, but this connection is {self.expected}."
        )


def wrong_account_check(*, authorization: ZoomAuthorization, profile: ZoomProfile) -> None:
    """Raise `WrongZoomAccount` when a Reconnect's trip came back as another account."""
    connection = authorization.reconnection
    if connection is None or connection.zoom_user.zoom_user_id == profile.zoom_user_id:
        return
    log.info(
        "zoom.authorization.wrong-account connection=%s zoom_user=%s",
        connection.id,
        profile.zoom_user_id,
    )
    raise WrongZoomAccount(signed_in_as=profile.email, connection=connection)


def unused_grant_revoke(*, profile: ZoomProfile, tokens: TokenSet, context: CallContext) -> None:
    """A return that connected nothing: revoke the grant Zoom just issued, unless slotlink
    uses that Zoom account somewhere (then the new tokens are already stored for it)."""
    if ZoomUser.objects.filter(zoom_user_id=profile.zoom_user_id).exists():
        return
    try:
        client.token_revoke(token=tokens.access_token, context=context)
    except ZoomError as error:
        # Nothing of it is stored here either way; the grant stays listed in Zoom.
        log.warning("zoom.authorization.revoke-failed outcome=%s", error.outcome)
