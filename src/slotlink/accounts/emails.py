"""Emails about people's accounts: an invitation to join an organization.

They go out like every other slotlink email (SMTP in production, the outbox page in demo
mode), tagged with their organization so the demo outbox shows each organization its own.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from slotlink.accounts.invitations import SentInvitation
from slotlink.notifications.emails import ORGANIZATION_HEADER


def invitation_email(*, sent: SentInvitation) -> EmailMultiAlternatives:
    invitation = sent.invitation
    inviter = invitation.invited_by
    context = {
        "organization": invitation.organization,
        "inviter_name": inviter.get_full_name() if inviter else "An admin",
        "role": invitation.get_role_display().lower(),
        "accept_url": f"{settings.BASE_URL}{reverse('invitation', args=[sent.token])}",
        "expires_at": invitation.expires_at,
    }
    message = EmailMultiAlternatives(
        subject=f"Join {invitation.organization.name} on slotlink",
        body=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        headers={
            ORGANIZATION_HEADER: str(invitation.organization_id),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    return message


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
