"""Emails about Zoom connections: "reconnect your Zoom" when one breaks."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from slotlink.core.mail import templated_message
from slotlink.zoom.models import ZoomConnection


def connection_broken_email(*, connection: ZoomConnection) -> EmailMultiAlternatives:
    zoom_user = connection.zoom_user
    return templated_message(
        subject=f"Reconnect Zoom: {zoom_user.email} is no longer connected to slotlink",
        template="zoom/email/connection_broken",
        context={
            "owner": connection.owner,
            "organization": connection.organization,
            "zoom_email": zoom_user.email,
            "is_org_account": connection.is_org_account,
            "reason": zoom_user.last_error,
            "zoom_page_url": f"{settings.BASE_URL}{reverse('zoom')}",
        },
        to=[connection.owner.email],
        organization_id=connection.organization_id,
    )
