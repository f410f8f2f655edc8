"""Emails about people's accounts: an invitation to join an organization, the notice to
the old address when a person's sign-in email changes, and a sign-up's email (the link to
finish it, or word that the address has an account already).

They go out like every other slotlink email (SMTP in production, the outbox page in demo
mode), tagged with their organization so the demo outbox shows each organization its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from slotlink.core.mail import templated_message
from slotlink.core.times import long_when

if TYPE_CHECKING:  # types only: invitations.py and signups.py import services.py, which
    # sends a notice here
    from slotlink.accounts.invitations import SentInvitation
    from slotlink.accounts.signups import SignUpEmail


def invitation_email(*, sent: SentInvitation) -> EmailMultiAlternatives:
    invitation = sent.invitation
    inviter = invitation.invited_by
    return templated_message(
        subject=f"Join {invitation.organization.name} on slotlink",
        template="accounts/email/invitation",
        context={
            "organization": invitation.organization,
            "inviter_name": inviter.get_full_name() if inviter else "An admin",
            "role": invitation.get_role_display().lower(),
            "accept_url": f"{settings.BASE_URL}{reverse('invitation', args=[sent.token])}",
            # Nothing says which zone or clock its recipient reads yet: UTC, the default.
            "expires_at": long_when(invitation.expires_at, None, time_zone="UTC"),
        },
        to=[invitation.email],
        organization_id=invitation.organization_id,
    )


def invitation_email_send(*, sent: SentInvitation) -> str:
    """Send the invitation now; "" when the mail server took it, else why not, in words.

    Sent from the request, not a task: the link's token must not be stored anywhere, and a
    task's arguments are stored in the database.
    """
    try:
        invitation_email(sent=sent).send()
    except Exception as error:  # the mail server's problem, told to the admin
        return (
            f"The invitation is saved, but the email to {sent.invitation.email} didn't go "
            f"({error.__class__.__name__}). Use Resend to try again."
        )
    return ""


def email_changed_email(
    *,
    name: str,
    old_email: str,
    new_email: str,
    changed_at: datetime,
    organization_id: int | None,
    time_zone: str = "UTC",
    clock: str = "",
) -> EmailMultiAlternatives:
    """The notice to the address a person signed in with until `changed_at`: if someone
    else changed it, its owner learns of it there, and can tell an admin."""
    return templated_message(
        subject="Your slotlink sign-in email was changed",
        template="accounts/email/email_changed",
        context={
            "name": name,
            "old_email": old_email,
            "new_email": new_email,
            "changed_at": long_when(changed_at, None, time_zone=time_zone, clock=clock),
        },
        to=[old_email],
        organization_id=organization_id,
    )


def sign_up_email(*, prepared: SignUpEmail) -> EmailMultiAlternatives:
    """The link that finishes a sign-up; to an address with an account, that it has one
    (someone, perhaps its owner, tried to start an organization with it)."""
    pending = prepared.pending
    context = {
        "organization_name": pending.name,
        "full_name": pending.full_name,
        "email": pending.email,
        "finish_url": f"{settings.BASE_URL}{reverse('signup-finish', args=[prepared.token])}"
        if prepared.token
        else "",
        "signin_url": f"{settings.BASE_URL}{reverse('signin')}",
        "reset_url": f"{settings.BASE_URL}{reverse('password-reset')}",
    }
    if prepared.token:
        subject = f"Finish starting {pending.name} on slotlink"
        template = "accounts/email/signup_finish"
    else:
        subject = "You already have a slotlink account"
        template = "accounts/email/signup_existing"
    return templated_message(
        subject=subject, template=template, context=context, to=[pending.email]
    )
