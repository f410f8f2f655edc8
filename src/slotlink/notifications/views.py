"""The demo outbox pages: what slotlink would have emailed, for admins, in demo mode only.

Outside demo mode the pages do not exist (404 for everyone, signed in or not), because
production mail goes out through SMTP and is not kept.
"""

from csp.decorators import csp_update
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from slotlink.accounts.access import MemberRequest, admin_required, demo_only
from slotlink.notifications.selectors import outbox_attachment_of, outbox_emails_of

PAGE_SIZE = 50


@demo_only
@admin_required
def outbox_list(request: MemberRequest) -> HttpResponse:
    emails = outbox_emails_of(organization=request.membership.organization)
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox/list.html", {"page": page})


@demo_only
@admin_required
# The email shows in a sandboxed srcdoc frame, which takes this page's policy: emails are
# styled inline, as mail clients need. Scripts stay refused, and this page is demo-only.
@csp_update({"style-src-attr": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def outbox_detail(request: MemberRequest, email_id: int) -> HttpResponse:
    email = get_object_or_404(
        outbox_emails_of(organization=request.membership.organization), id=email_id
    )
    return render(
        request,
        "notifications/outbox/detail.html",
        {"email": email, "attachments": list(email.attachments.all())},
    )


@demo_only
@admin_required
def outbox_attachment_download(
    request: MemberRequest, email_id: int, attachment_id: int
) -> HttpResponse:
    attachment = outbox_attachment_of(
        organization=request.membership.organization,
        email_id=email_id,
        attachment_id=attachment_id,
    )
    if attachment is None:
        raise Http404("No such attachment.")
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    # Always a download, never rendered here: an attachment is whatever was emailed.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    return response
