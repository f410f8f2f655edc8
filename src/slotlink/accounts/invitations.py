"""Invitations: an admin invites a person by email with a role; the emailed link makes them
a member, once.

The link's token exists only in the email: its hash is stored. A link works until it
expires, is used, or is replaced (resend) or revoked. Accepting happens under a lock on the
invitation, so two clicks at once make one membership.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from slotlink.accounts.models import Invitation, Membership, Organization, User
from slotlink.accounts.services import membership_create, user_create
from slotlink.accounts.tokens import looks_like_token, token_hash, token_new
from slotlink.core.bidi import MixedText

log = logging.getLogger("slotlink.accounts")

LIFETIME = timedelta(days=7)

UNKNOWN = (
    "This invitation link doesn't work. Check that you opened the whole link from the "
    "email, or ask the person who invited you to send a new invitation."
)
EXPIRED = (
    "This invitation has expired. Ask an admin of {organization} to resend it: the new "
    "email has a link that works."
)
USED = "This invitation was already accepted. Sign in to use slotlink."
REVOKED = (
    "This invitation was withdrawn by an admin of {organization}. Ask them if that's a mistake."
)
OTHER_PERSON = (
    "You're signed in as {signed_in}, but this invitation is for {invited}. Sign out, then "
    "open the link again to accept it."
)
HAS_ACCOUNT = "{email} already has a slotlink account. Sign in to join {organization}."


class InvitationError(Exception):
    """An invitation that can't be sent or accepted; the message says why, in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str  # for the email only; never stored


def _fresh_token(invitation: Invitation, now: datetime) -> str:
    token, hashed = token_new()
    invitation.token_hash = hashed
    invitation.sent_at = now
    invitation.expires_at = now + LIFETIME
    return token


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User
) -> SentInvitation:
    """Invite `email` with `role`. A member, or someone with a pending invitation, is not
    invited again: the error says what to do instead."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvitationError("Enter a valid email address.") from error
    if role not in Membership.Role.values:
        raise InvitationError("Pick a role: Admin or Member.")
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise InvitationError(
            MixedText(
                "{email} is already a member of {organization}.",
                email=email,
                organization=organization.name,
            )
        )
    now = timezone.now()
    pending = Invitation.objects.filter(
        organization=organization,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if pending.exists():
        raise InvitationError(
            MixedText(
                "{email} already has a pending invitation. Resend it from the list below.",
                email=email,
            )
        )
    invitation = Invitation(
        organization=organization, email=email, role=role, invited_by=invited_by
    )
    token = _fresh_token(invitation, now)
    invitation.save()
    log.info(
        "accounts.invitation.created invitation=%s organization=%s", invitation.id, organization.id
    )
    return SentInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> SentInvitation:
    """A new link with a new expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationError("This invitation is no longer pending, so it can't be resent.")
    token = _fresh_token(invitation, timezone.now())
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    log.info("accounts.invitation.resent invitation=%s", invitation.id)
    return SentInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationError("This invitation is no longer pending, so it can't be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log.info("accounts.invitation.revoked invitation=%s", invitation.id)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    if not looks_like_token(token):
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None, *, now: datetime | None = None) -> str:
    """Why this link can't be used now ("" when it can)."""
    if invitation is None:
        return UNKNOWN
    organization = invitation.organization.name
    if invitation.accepted_at is not None:
        return USED
    if invitation.revoked_at is not None:
        return REVOKED.format(organization=organization)
    if invitation.is_expired(now):
        return EXPIRED.format(organization=organization)
    return ""


def _locked_usable(token: str) -> Invitation:
    invitation = invitation_for_token(token)
    if invitation is not None:
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=invitation.pk)
        )
    problem = invitation_problem(invitation)
    if problem:
        raise InvitationError(problem)
    assert invitation is not None
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    membership = Membership.objects.filter(organization=invitation.organization, user=user).first()
    if membership is None:
        membership = membership_create(
            user=user, organization=invitation.organization, role=invitation.role
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log.info("accounts.invitation.accepted invitation=%s user=%s", invitation.id, user.id)
    return membership


@transaction.atomic
def invitation_accept_new(
    *, token: str, full_name: str, password: str, time_zone: str
) -> Membership:
    """A new person accepts: their account (name, password, time zone) and membership."""
    invitation = _locked_usable(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(
            HAS_ACCOUNT.format(email=invitation.email, organization=invitation.organization.name)
        )
    validate_password(password, User(email=invitation.email, full_name=full_name))
    user = user_create(
        email=invitation.email, full_name=full_name.strip(), password=password, time_zone=time_zone
    )
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_existing(*, token: str, user: User) -> Membership:
    """Someone who already has an account joins, signed in as the invited email."""
    invitation = _locked_usable(token)
    if user.email.lower() != invitation.email:
        raise InvitationError(OTHER_PERSON.format(signed_in=user.email, invited=invitation.email))
    return _join(invitation, user)


def invitations_pending(*, organization: Organization) -> list[Invitation]:
    """Invitations not accepted or withdrawn, newest first (expired ones too: an admin may
    resend them)."""
    return list(
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-sent_at", "-id")
    )
