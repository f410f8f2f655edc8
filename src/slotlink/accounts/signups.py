"""Self-service sign-up: a new organization once its admin's email is confirmed.

On an instance with SLOTLINK_ALLOW_SIGNUP anyone may start an organization. The page must
not tell a stranger whether an email has an account: every sign-up that passes the form
gets the same answer ("check your email"), with the same work in the request (a pending
sign-up written, a task queued), and the email says the rest: a link to finish, or, to an
address that has an account already, that it has one (with sign-in and reset links).
Every such try counts against a few per client address a day (as the sign-in throttle
sees the address; behind the TLS proxy, the one the proxy saw), so nobody probes emails or
fills an instance. The password is kept only as Django's hash until the link is used.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from slotlink.accounts.models import Membership, PendingSignUp, SignUp, User
from slotlink.accounts.services import (
    NewOrganization,
    membership_create,
    organization_create,
    organization_details_check,
    user_create,
)
from slotlink.accounts.tokens import looks_like_token, token_hash, token_new
from slotlink.core.tasks import enqueue_on_commit

log = logging.getLogger("slotlink.accounts")

WINDOW = timedelta(days=1)
LINK_LIFETIME = timedelta(days=1)
THROTTLED = (
    "Too many organizations were started from your network today. Try again tomorrow, or "
    "ask the people running this slotlink."
)
LINK_UNUSABLE = (
    "This link doesn't work: it was used already, it is older than a day, or it was copied "
    "incompletely. Start again to get a new one."
)
TAKEN_MEANWHILE = (
    "The address {slug!r} or the email was taken since you started. Start again with another "
    "address, or sign in."
)


def sign_up_allowed(*, ip_address: str | None) -> bool:
    if ip_address is None:
        return True  # nothing to count by; a proxy without the forwarded address
    since = timezone.now() - WINDOW
    tries = PendingSignUp.objects.filter(ip_address=ip_address, created_at__gte=since)
    return tries.count() < settings.SIGN_UP_LIMIT_PER_ADDRESS


def sign_up_request(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str,
    password: str,
    time_zone: str,
    ip_address: str | None,
) -> PendingSignUp:
    """Check the details as the organization would be made (ValidationError in words, but
    never that the email has an account), write the try down and queue its email."""
    name, slug, email = organization_details_check(
        name=name,
        slug=slug,
        admin_email=admin_email,
        admin_name=admin_name,
        password=password,
        time_zone=time_zone,
        email_taken_is_an_error=False,
    )
    with transaction.atomic():
        pending = PendingSignUp.objects.create(
            name=name[:120],
            slug=slug,
            full_name=admin_name.strip(),
            email=email,
            time_zone=time_zone,
            password_hash=make_password(password),
            ip_address=ip_address,
        )
        from slotlink.accounts.tasks import send_sign_up_email

        enqueue_on_commit(send_sign_up_email, pending.pk)
    return pending


@dataclass(frozen=True)
class SignUpEmail:
    pending: PendingSignUp
    token: str  # "" when the address has an account: there is nothing to finish


def sign_up_email_prepare(*, pending_id: int) -> SignUpEmail | None:
    """What the try's email says, with a fresh link token when there is one to finish (its
    hash kept, so the token lives only in the email); None if it was finished meanwhile."""
    pending = PendingSignUp.objects.filter(pk=pending_id, completed_at__isnull=True).first()
    if pending is None:
        return None
    if User.objects.filter(email__iexact=pending.email).exists():
        pending.completed_at = timezone.now()  # nothing to finish: the link is never made
        pending.save(update_fields=["completed_at"])
        return SignUpEmail(pending=pending, token="")
    token, hashed = token_new()
    pending.token_hash = hashed
    pending.save(update_fields=["token_hash"])
    return SignUpEmail(pending=pending, token=token)


def sign_up_for_token(token: str) -> PendingSignUp | None:
    """The sign-up a link finishes; None when the link can't (used, expired, made up)."""
    if not looks_like_token(token):
        return None
    return PendingSignUp.objects.filter(
        token_hash=token_hash(token),
        completed_at__isnull=True,
        created_at__gte=timezone.now() - LINK_LIFETIME,
    ).first()


def sign_up_complete(*, token: str) -> NewOrganization:
    """Make the organization and its admin the link confirmed, once. ValidationError in
    words when the link can't, or the address or email was taken since."""
    with transaction.atomic():
        pending = sign_up_for_token(token)
        if pending is None:
            raise ValidationError(LINK_UNUSABLE)
        pending = PendingSignUp.objects.select_for_update().get(pk=pending.pk)
        if pending.completed_at is not None:
            raise ValidationError(LINK_UNUSABLE)
        try:
            with transaction.atomic():
                organization = organization_create(name=pending.name, slug=pending.slug)
                admin = user_create(
                    email=pending.email,
                    full_name=pending.full_name,
                    password=None,
                    time_zone=pending.time_zone,
                )
                admin.password = pending.password_hash
                admin.save(update_fields=["password"])
                membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
        except (IntegrityError, ValidationError) as taken:
            raise ValidationError(TAKEN_MEANWHILE.format(slug=pending.slug)) from taken
        pending.completed_at = timezone.now()
        pending.password_hash = ""  # no longer needed anywhere but the account
        pending.save(update_fields=["completed_at", "password_hash"])
        SignUp.objects.create(organization=organization, ip_address=pending.ip_address)
    log.info("accounts.signup.completed organization=%s", organization.pk)
    return NewOrganization(organization=organization, admin=admin)
