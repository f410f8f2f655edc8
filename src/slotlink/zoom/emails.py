"""Emails about Zoom connections: "reconnect your Zoom" when one breaks."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from slotlink.notifications.emails import ORGANIZATION_HEADER
from slotlink.zoom.models import ZoomConnection


def connection_broken_email(*, connection: ZoomConnection) -> EmailMultiAlternatives:
    zoom_user = connection.zoom_user
    context = {
        "owner": connection.owner,
        "organization": connection.organization,
        "zoom_email": zoom_user.email,
        "is_org_account": connection.is_org_account,
        "reason": zoom_user.last_error,
        "zoom_page_url": f"{settings.BASE_URL}{reverse('zoom')}",
    }
    message = EmailMultiAlternatives(
        subject=f"Reconnect Zoom: {zoom_user.email} is no longer connected to slotlink",
        body=render_to_string("zoom/email/connection_broken.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[connection.owner.email],
        headers={ORGANIZATION_HEADER: str(connection.organization_id)},
    )
    message.attach_alternative(
        render_to_string("zoom/email/connection_broken.html", context), "text/html"
    )
    return message
