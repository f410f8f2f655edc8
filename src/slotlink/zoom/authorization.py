"""Connecting a Zoom account: the trip to Zoom's consent page and what happens on return.

A Connect button starts it (`authorization_begin`): a single-use `state` bound to the
person, their session and organization, expiring after 10 minutes, and PKCE S256. On
return (`authorization_complete`) the state is spent before anything else, the code is
exchanged, `/users/me` says which Zoom account it is, and the connection is saved, or
waits for the person's yes when it would change an existing connection's role.

Installs started from the Zoom Marketplace come back with `?code=` alone: no state, no
PKCE (REFERENCE §1.2). Their code is exchanged too, and the account waits on a
confirmation page that names it, so a code someone planted in your browser connects
nothing unless you say so.

A Reconnect button's trip names its connection, and comes back to nothing if Zoom signed
in another account (authorization_refusals.py). A trip the person declined on Zoom's page
is spent on return (`authorization_declined`), and says what it was for, so that the page
can offer the same button again.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from authlib.common.security import generate_token
from django.db import transaction
from django.utils import timezone

from slotlink.accounts.models import Membership, Organization, User
from slotlink.zoom import client, endpoints
from slotlink.zoom.authorization_refusals import (
    AuthorizationProblem,
    unused_grant_revoke,
    wrong_account_check,
)
from slotlink.zoom.client import TokenSet
from slotlink.zoom.connections import (
    ZoomProfile,
    zoom_connection_create,
    zoom_connection_role_change,
    zoom_user_upsert,
)
from slotlink.zoom.errors import ZoomError, ZoomUnauthorized, ZoomUnavailable
from slotlink.zoom.meetings.passcodes import passcode_rules_from
from slotlink.zoom.models import ZoomAuthorization, ZoomConnection, ZoomUser
from slotlink.zoom.synclog import CallContext, sync_log_attribute

STATE_LIFETIME = timedelta(minutes=10)
WEBINAR_PLAN_MISSING = 200  # Zoom's code for "Webinar plan is missing"
Role = ZoomConnection.Role


@dataclass(frozen=True)
class Connected:
    connection: ZoomConnection
    created: bool


@dataclass(frozen=True)
class NeedsConfirmation:
    authorization_id: int


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def authorization_begin(
    *,
    user: User,
    organization: Organization,
    role: str,
    session_key: str,
    reconnection: ZoomConnection | None = None,
) -> str:
    """Record a new trip to Zoom (to renew `reconnection`, for a Reconnect button);
    returns the authorize URL to send the browser to."""
    state = secrets.token_urlsafe(32)
    verifier = generate_token(64)
    ZoomAuthorization.objects.create(
        state_digest=digest(state),
        session_digest=digest(session_key),
        user=user,
        organization=organization,
        role=reconnection.role if reconnection else role,
        reconnection=reconnection,
        code_verifier=verifier,
        expires_at=timezone.now() + STATE_LIFETIME,
    )
    return client.authorize_url(state=state, code_verifier=verifier)


def authorization_complete(
    *, state: str, code: str, membership: Membership, session_key: str
) -> Connected | NeedsConfirmation:
    """Zoom sent the browser back: spend the state, exchange the code, connect."""
    authorization = _state_spend(state=state, membership=membership, session_key=session_key)
    context = CallContext(organization_id=membership.organization_id)
    profile, tokens = _exchange(code=code, verifier=authorization.code_verifier, context=context)
    try:
        wrong_account_check(authorization=authorization, profile=profile)
        return _connect_or_ask(
            authorization=authorization, membership=membership, profile=profile, tokens=tokens
        )
    except AuthorizationProblem:
        unused_grant_revoke(profile=profile, tokens=tokens, context=context)
        raise


def authorization_declined(
    *, state: str, membership: Membership, session_key: str
) -> ZoomAuthorization | None:
    """Spend the trip the person declined on Zoom's page; returns it (for its role or its
    reconnection) when it is this person's, in this session and organization, unused."""
    with transaction.atomic():
        authorization = (
            ZoomAuthorization.objects.select_for_update()
            .filter(
                state_digest=digest(state),
                user_id=membership.user_id,
                organization_id=membership.organization_id,
                session_digest=digest(session_key),
                used_at__isnull=True,
            )
            .first()
        )
        if authorization is None:
            return None
        authorization.used_at = timezone.now()
        authorization.save(update_fields=["used_at"])
    return authorization


def marketplace_install_receive(
    *, code: str, membership: Membership, session_key: str
) -> NeedsConfirmation:
    """A code without state (an install started in Zoom): exchange it, then ask."""
    context = CallContext(organization_id=membership.organization_id)
    profile, tokens = _exchange(code=code, verifier=None, context=context)
    authorization = ZoomAuthorization.objects.create(
        state_digest=digest(secrets.token_urlsafe(32)),
        session_digest=digest(session_key),
        user=membership.user,
        organization=membership.organization,
        role="",
        expires_at=timezone.now() + STATE_LIFETIME,
        used_at=timezone.now(),
    )
    _park(authorization, profile, tokens)
    return NeedsConfirmation(authorization.id)


def pending_authorization(
    *, authorization_id: int, membership: Membership, session_key: str
) -> ZoomAuthorization:
    """A code waiting for this person's confirmation, or a problem saying why not."""
    authorization = ZoomAuthorization.objects.filter(
        id=authorization_id,
        user=membership.user,
        organization=membership.organization,
        session_digest=digest(session_key),
    ).first()
    if authorization is None or authorization.profile is None:
        raise AuthorizationProblem("There is no Zoom account waiting for your confirmation.")
    if authorization.expires_at <= timezone.now():
        raise AuthorizationProblem(
            "This confirmation has expired (they last 10 minutes). Connect Zoom again."
        )
    return authorization


def authorization_confirm(
    *, authorization: ZoomAuthorization, membership: Membership, role: str
) -> Connected:
    """The person said yes: connect the waiting account with `role`."""
    if role not in Role.values or (role == Role.ORG and not membership.is_admin):
        raise AuthorizationProblem("Choose how to connect this Zoom account.")
    assert authorization.profile is not None
    profile = ZoomProfile(**authorization.profile)
    tokens = TokenSet.from_json(authorization.token_set)
    with transaction.atomic():
        # Spent whatever happens next: one confirmation, one connection.
        claimed = ZoomAuthorization.objects.filter(
            id=authorization.id, profile__isnull=False
        ).update(profile=None, token_set="")
        if not claimed:
            raise AuthorizationProblem("This Zoom account was already confirmed.")
        zoom_user = ZoomUser.objects.filter(zoom_user_id=profile.zoom_user_id).first()
        if zoom_user is None or not zoom_user.is_connected:
            zoom_user = zoom_user_upsert(profile=profile, tokens=tokens)
        existing = _existing(membership.organization_id, zoom_user.zoom_user_id)
        if existing is not None:
            if existing.role != role:
                _check_may_change_role(existing, membership, role)
                zoom_connection_role_change(connection=existing, role=role, actor=membership.user)
            else:
                _check_may_reconnect(existing, membership)
            return Connected(existing, created=False)
        _check_may_add(membership, role)
        connection = zoom_connection_create(
            organization=membership.organization,
            zoom_user=zoom_user,
            owner=membership.user,
            role=role,
        )
    return Connected(connection, created=True)


def _state_spend(*, state: str, membership: Membership, session_key: str) -> ZoomAuthorization:
    with transaction.atomic():
        authorization = (
            ZoomAuthorization.objects.select_for_update().filter(state_digest=digest(state)).first()
        )
        if authorization is None:
            raise AuthorizationProblem(
                "This answer from Zoom doesn't match a connection started here. Nothing was "
                "changed: start again with Connect Zoom."
            )
        if authorization.used_at is not None:
            raise AuthorizationProblem(
                "This answer from Zoom was already used. Nothing was changed: start again "
                "with Connect Zoom."
            )
        authorization.used_at = timezone.now()
        authorization.save(update_fields=["used_at"])
    if authorization.expires_at <= timezone.now():
        raise AuthorizationProblem(
            "The Zoom sign-in took longer than 10 minutes and expired. Nothing was changed: "
            "start again with Connect Zoom."
        )
    same_person = (
        authorization.user_id == membership.user_id
        and authorization.session_digest == digest(session_key)
    )
    if not same_person:
        raise AuthorizationProblem(
            "This answer from Zoom belongs to a connection started in another browser "
            "session. Nothing was changed: start again with Connect Zoom."
        )
    if authorization.organization_id != membership.organization_id:
        raise AuthorizationProblem(
            "This Zoom connection was started for another organization. Nothing was changed: "
            "switch back to it, or start again here."
        )
    return authorization


def _exchange(
    *, code: str, verifier: str | None, context: CallContext
) -> tuple[ZoomProfile, TokenSet]:
    started = timezone.now()
    try:
        tokens = client.token_exchange(code=code, code_verifier=verifier, context=context)
        me = endpoints.user_me(access_token=tokens.access_token, context=context)
        profile = ZoomProfile.from_zoom(
            me,
            passcode_rules=_passcode_rules(tokens, context),
            webinar_licence=_webinar_licence(tokens, context),
        )
    except ZoomUnauthorized:
        raise AuthorizationProblem(
            "Zoom did not accept this sign-in: its code was already used or has expired. "
            "Nothing was changed: connect again."
        ) from None
    except ZoomUnavailable:
        raise AuthorizationProblem(
            "Zoom could not be reached just now. Nothing was changed: try connecting again "
            "in a moment."
        ) from None
    except (ZoomError, KeyError):
        raise AuthorizationProblem(
            "Zoom refused to connect this account. Nothing was changed; the sync log has "
            "Zoom's answer."
        ) from None
    # Until /users/me answered, the calls could not say which Zoom account they were for.
    sync_log_attribute(
        organization_id=context.organization_id,
        since=started,
        zoom_user_id=profile.zoom_user_id,
        zoom_email=profile.email,
    )
    # A new authorization ends this Zoom user's earlier tokens at Zoom: organizations that
    # already use the account must get the new ones now, confirmed or not.
    if ZoomUser.objects.filter(zoom_user_id=profile.zoom_user_id).exists():
        zoom_user_upsert(profile=profile, tokens=tokens)
    return profile, tokens


def _passcode_rules(tokens: TokenSet, context: CallContext) -> dict[str, Any] | None:
    """The account's passcode rules, read once here so that no booking costs a call for
    them; None when Zoom would not say (the meeting then gets Zoom's own passcode)."""
    try:
        settings = endpoints.user_settings(access_token=tokens.access_token, context=context)
    except ZoomUnavailable:
        raise
    except ZoomError:
        return None
    return passcode_rules_from(settings)


def _webinar_licence(tokens: TokenSet, context: CallContext) -> bool | None:
    """Whether the account can host webinars: Zoom's user object doesn't say, but listing
    webinars answers 400 with code 200 without a licence (REFERENCE §3.2). Known at connect,
    so the event type editor can warn before any booking."""
    try:
        endpoints.webinars_upcoming(access_token=tokens.access_token, context=context)
    except ZoomUnavailable:
        raise
    except ZoomError as refused:
        return False if refused.code == WEBINAR_PLAN_MISSING else None
    return True


def _connect_or_ask(
    *,
    authorization: ZoomAuthorization,
    membership: Membership,
    profile: ZoomProfile,
    tokens: TokenSet,
) -> Connected | NeedsConfirmation:
    role = authorization.role
    existing = _existing(membership.organization_id, profile.zoom_user_id)
    if existing is not None and existing.role != role:
        _check_may_change_role(existing, membership, role)
        _park(authorization, profile, tokens)
        return NeedsConfirmation(authorization.id)
    if existing is not None:
        _check_may_reconnect(existing, membership)
    with transaction.atomic():
        zoom_user = zoom_user_upsert(profile=profile, tokens=tokens)
        if existing is not None:
            return Connected(existing, created=False)
        _check_may_add(membership, role)
        connection = zoom_connection_create(
            organization=membership.organization,
            zoom_user=zoom_user,
            owner=membership.user,
            role=role,
        )
    return Connected(connection, created=True)


def _park(authorization: ZoomAuthorization, profile: ZoomProfile, tokens: TokenSet) -> None:
    authorization.profile = profile.as_dict()
    authorization.token_set = tokens.to_json()
    authorization.expires_at = timezone.now() + STATE_LIFETIME
    authorization.save(update_fields=["profile", "token_set", "expires_at"])


def _existing(organization_id: int, zoom_user_id: str) -> ZoomConnection | None:
    return (
        ZoomConnection.objects.select_related("owner", "zoom_user")
        .filter(organization_id=organization_id, zoom_user__zoom_user_id=zoom_user_id)
        .first()
    )


def _check_may_add(membership: Membership, role: str) -> None:
    if role == Role.ORG and not membership.is_admin:
        raise AuthorizationProblem("Only admins can add shared org accounts.")
    if role == Role.PERSONAL:
        current = (
            ZoomConnection.objects.select_related("zoom_user")
            .filter(
                organization_id=membership.organization_id,
                owner_id=membership.user_id,
                role=Role.PERSONAL,
            )
            .first()
        )
        if current is not None:
            raise AuthorizationProblem(
                f"Your Zoom is already connected as {current.zoom_user.email}. To connect "
                "another Zoom account, disconnect that one first."
            )


def _check_may_reconnect(existing: ZoomConnection, membership: Membership) -> None:
    """Signing in again as an account already connected here renews it, unless it is
    another member's own Zoom."""
    if existing.role == Role.PERSONAL and existing.owner_id != membership.user_id:
        raise AuthorizationProblem(
            f"This Zoom account ({existing.zoom_user.email}) is already connected here as the "
            f"Zoom of {existing.owner.get_full_name()}."
        )


def _check_may_change_role(existing: ZoomConnection, membership: Membership, role: str) -> None:
    if not membership.is_admin:
        owner = existing.owner.get_full_name()
        raise AuthorizationProblem(
            f"This Zoom account ({existing.zoom_user.email}) is already connected here as "
            f"{'a shared org account' if existing.is_org_account else f'the Zoom of {owner}'}. "
            "Ask an admin if it should change."
        )
    if role == Role.PERSONAL:
        _check_may_add(membership, role)
