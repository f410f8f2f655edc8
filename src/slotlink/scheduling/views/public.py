"""The invitee's pages, no account needed: an organization's event types, an event type's
booking page, and the confirmation."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from slotlink.accounts.access import public
from slotlink.accounts.models import Organization
from slotlink.accounts.throttle import client_address
from slotlink.core.times import language_clock, request_clock
from slotlink.notifications.invites import CONTENT_TYPE, PUBLISH, booking_invite
from slotlink.notifications.messages import Audience, BookingChange
from slotlink.scheduling.booking_forms import BookingForm
from slotlink.scheduling.calendar_links import calendar_links
from slotlink.scheduling.embed import (
    EMBED_PARAM,
    EMBED_TOKEN_FIELD,
    embed_token,
    embed_token_valid,
    embedded,
    is_embed,
)
from slotlink.scheduling.limits.refusals import booking_refusal_record
from slotlink.scheduling.limits.services import (
    BookingRefused,
    Requester,
    address_counted,
    blocks_read,
    normalized_email,
)
from slotlink.scheduling.limits.words import refusal_reason, retry_seconds, retry_words
from slotlink.scheduling.locations import booking_link_for, public_location_text
from slotlink.scheduling.messages import booking_message
from slotlink.scheduling.models import Booking, BookingEvent, EventType
from slotlink.scheduling.picker import picker_for_request
from slotlink.scheduling.public_read import public_event_type
from slotlink.scheduling.questions.selectors import booking_form_questions
from slotlink.scheduling.selectors import invitee_link_note, public_event_types
from slotlink.scheduling.services.bookings import BookingError, Invitee, booking_create
from slotlink.scheduling.tokens import page_tokens

CONFIRMATION_SALT = "slotlink.scheduling.confirmation"
CONFIRMATION_MAX_AGE = 60 * 60 * 24  # the email has everything after that
# While a link is on its way the confirmation page asks again for it. A link is usually
# there within a few seconds of the booking (Zoom answers a create in about one), and the
# invitee sees it only at the page's next ask: so in those seconds it asks four times a
# second, then every 3 s (the email brings the link too). Measured with
# benchmarks/zoom_invitee.py: at 3 s throughout, the invitee saw a link stored 2.1 s after
# the booking only at 3.05 s.
LINK_DUE = timedelta(seconds=5)
LINK_POLL_SOON = "250ms"
LINK_POLL_LATER = "3s"


def confirmation_url(booking: Booking) -> str:
    return reverse("booking-confirmed", args=[signing.dumps(booking.id, salt=CONFIRMATION_SALT)])


@public
def organization_page(request: HttpRequest, organization_slug: str) -> HttpResponse:
    organization = Organization.objects.filter(slug=organization_slug).first()
    if organization is None:
        raise Http404("No such organization.")
    return render(
        request,
        "scheduling/public_organization.html",
        {
            "organization": organization,
            "event_types": public_event_types(organization_slug=organization_slug),
            "embed": is_embed(request),
        },
    )


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """Django's own CSRF check, for a view exempt from the middleware's."""
    refusal = CsrfViewMiddleware(lambda request: HttpResponse()).process_view(
        request, lambda request: HttpResponse(), (), {}
    )
    return refusal if isinstance(refusal, HttpResponse) else None


@public
@csrf_exempt  # checked below: by Django's cookie, or in the embed by its token (embed.py)
def book(request: HttpRequest, organization_slug: str, slug: str) -> HttpResponse:
    posted = request.method == "POST"
    embed = is_embed(request)
    if posted and not embed and (refusal := _csrf_refusal(request)) is not None:
        return refusal
    # A booking's blocks are read with its event type, for the email as sent (the form may
    # still refuse it): one query fewer for every booking.
    address = address_counted(client_address(request)) if posted else None
    sent_email = normalized_email(request.POST.get("email", "")) if posted else ""
    if "\x00" in sent_email:
        # PostgreSQL refuses NUL in text; no block holds one, and the form refuses it below.
        sent_email = ""
    event_type = public_event_type(
        organization_slug=organization_slug,
        slug=slug,
        blocks_of=(address, sent_email) if posted else None,
    )
    if event_type is None:
        raise Http404("No such event type.")
    params = request.POST if posted else request.GET
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        location_kind=event_type.location_kind,
        questions=booking_form_questions(event_type=event_type),
        allow_guests=event_type.allow_guests,
    )
    refused: BookingError | None = None
    if (
        posted
        and embed
        and not embed_token_valid(request.POST.get(EMBED_TOKEN_FIELD, ""), event_type.id)
    ):
        # Nothing is booked: the form is too old (or didn't come from this page).
        form.is_valid()
        form.add_error(None, "This form is out of date. Pick your time again, please.")
        return _book_page(request, event_type, form, params, refused=None, status=403)
    if posted and form.is_valid():
        data = form.cleaned_data
        requester = Requester(
            ip_address=address,
            blocks=blocks_read(event_type, email=sent_email),
        )
        try:
            booking = booking_create(
                event_type=event_type,
                start=data["start"],
                invitee=Invitee(
                    name=data["name"],
                    email=data["email"],
                    time_zone=data["time_zone"],
                    phone=data.get("phone", ""),
                    address=data.get("address", ""),
                    clock=language_clock(request),
                    answers=tuple(form.answers()),
                    guests=tuple(form.guest_list()),
                ),
                requester=requester,
            )
        except BookingRefused as refusal:
            booking_refusal_record(
                refused=refusal,
                event_type=event_type,
                invitee_email=data["email"],
                requester=requester,
            )
            return _refused(request, event_type, refusal)
        except BookingError as error:  # the time was taken, or the event type turned off
            form.add_error(None, error.message)
            refused = error
        else:
            url = confirmation_url(booking)
            return redirect(embedded(url) if embed else url)
    return _book_page(
        request, event_type, form, params, refused, status=409 if refused and refused.taken else 200
    )


def _book_page(
    request: HttpRequest,
    event_type: EventType,
    form: BookingForm,
    params: Any,
    refused: BookingError | None,
    status: int,
) -> HttpResponse:
    embed = is_embed(request)
    return render(
        request,
        "scheduling/book.html",
        {
            "event_type": event_type,
            "location_text": public_location_text(event_type),
            "form": form,
            **picker_for_request(
                request,
                event_type=event_type,
                now=timezone.now(),
                refused=refused is not None,
                keep={EMBED_PARAM: "1"} if embed else None,
            ),
            "time_zone_detected": bool(params.get("tz") or params.get("time_zone")),
            "embed": embed,
            "embed_token": embed_token(event_type.id) if embed else "",
        },
        status=status,
    )


def _refused(request: HttpRequest, event_type: EventType, refused: BookingRefused) -> HttpResponse:
    """The booking page's own layout, saying why nothing was booked and when to try again:
    429 past a limit (with Retry-After), 403 for a block."""
    seconds = retry_seconds(refused, timezone.now())
    response = render(
        request,
        "scheduling/booking_refused.html",
        {
            "event_type": event_type,
            "location_text": public_location_text(event_type),
            "reason": refusal_reason(refused, event_type),
            "retry": retry_words(seconds) if seconds else "",
        },
        status=403 if seconds is None else 429,
    )
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


def _confirmed_booking(signed: str) -> Booking | None:
    """The booking a confirmation link is for, or None for a tampered or expired one."""
    try:
        booking_id = signing.loads(signed, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Booking.objects.select_related("event_type", "host", "organization")
        .filter(pk=booking_id)
        .first()
    )


@public
def booking_confirmed(request: HttpRequest, signed: str) -> HttpResponse:
    booking = _confirmed_booking(signed)
    if booking is None:
        return render(request, "scheduling/link_invalid.html", status=404)
    # The invitee's page: the link, or that it follows; never the host's reason.
    link = None if booking.is_cancelled else booking_link_for(booking)
    place = {
        "link": link,
        "link_note": invitee_link_note(booking=booking, link=link) if link else "",
        "link_poll": (
            LINK_POLL_SOON if timezone.now() - booking.created_at < LINK_DUE else LINK_POLL_LATER
        ),
    }
    if link is not None and request.headers.get("HX-Request"):
        # The page's own poll swaps in only the place: no need to render the rest.
        return render(request, "scheduling/_where.html", place)
    return render(
        request,
        "scheduling/booking_confirmed.html",
        {
            "booking": booking,
            **place,
            "rescheduled": booking.history.filter(kind=BookingEvent.Kind.RESCHEDULED).exists(),
            # A browser naming no language reads the clock the invitee's did when booking.
            "clock": request_clock(request, known_clock=booking.invitee_clock),
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "calendar": calendar_links(booking=booking, link=link) if link else None,
            "manage": _manage_links(booking) if link else None,
            "ics_url": reverse("booking-invite", args=[signed]),
            "book_again_url": reverse(
                "book", args=[booking.organization.slug, booking.event_type.slug]
            ),
        },
    )


def _manage_links(booking: Booking) -> dict[str, str] | None:
    """Reschedule and cancel links for the holder of the confirmation link, the same on
    every load (so reloading writes nothing), revoked by any later change like the email's;
    none once the booking started."""
    if booking.start <= timezone.now():
        return None
    tokens = page_tokens(booking=booking)
    if tokens is None:
        return None
    return {
        purpose.value: reverse(f"booking-{purpose.value}", args=[token])
        for purpose, token in tokens.items()
    }


@public
def booking_invite_download(request: HttpRequest, signed: str) -> HttpResponse:
    """The invitee's event as a file to import ("Add to calendar"): published, not an
    invitation, so calendars ask nobody to accept it; with the UID and SEQUENCE of the
    email's invite, so a calendar that has it already updates it instead of adding it twice.
    Only for the holder of the confirmation link, like the page."""
    booking = _confirmed_booking(signed)
    if booking is None:
        raise Http404("No such booking.")
    change = BookingChange.CANCELLED if booking.is_cancelled else BookingChange.BOOKED
    message = booking_message(booking=booking, change=change, link=booking_link_for(booking))
    response = HttpResponse(
        booking_invite(message=message, audience=Audience.INVITEE, method=PUBLISH),
        content_type=f"{CONTENT_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="invite.ics"'
    return response
