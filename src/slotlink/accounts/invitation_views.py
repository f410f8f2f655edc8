"""Invitations: admins invite, resend and withdraw; the invited person accepts by link."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, admin_required, public
from slotlink.accounts.emails import invitation_email_send
from slotlink.accounts.invitations import (
    HAS_ACCOUNT,
    OTHER_PERSON,
    InvitationError,
    SentInvitation,
    invitation_accept_existing,
    invitation_accept_new,
    invitation_create,
    invitation_for_token,
    invitation_problem,
    invitation_resend,
    invitation_revoke,
)
from slotlink.accounts.middleware import CURRENT_ORGANIZATION_SESSION_KEY
from slotlink.accounts.models import Invitation, Membership, User
from slotlink.accounts.organization_forms import AcceptForm, InviteForm

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _sent(request: HttpRequest, sent: SentInvitation, done: SafeString) -> None:
    problem = invitation_email_send(sent=sent)
    if problem:
        messages.warning(request, problem)
    else:
        messages.success(request, done)


@admin_required
def invite(request: MemberRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = invitation_create(
                organization=request.membership.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except InvitationError as error:
            form.add_error("email", error.message)
        else:
            email = sent.invitation.email
            _sent(request, sent, format_html("Invitation sent to <bdi>{}</bdi>.", email))
            return redirect("members")
    return render(request, "accounts/invite.html", {"form": form})


def _invitation_of(request: MemberRequest, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation, id=invitation_id, organization=request.membership.organization
    )


@admin_required
@require_POST
def invitation_resend_view(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_of(request, invitation_id)
    try:
        sent = invitation_resend(invitation=invitation)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        _sent(
            request,
            sent,
            format_html(
                "Invitation sent again to <bdi>{}</bdi>. The old link no longer works.",
                invitation.email,
            ),
        )
    return redirect("members")


@admin_required
@require_POST
def invitation_revoke_view(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_of(request, invitation_id)
    try:
        invitation_revoke(invitation=invitation)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, format_html("The invitation of <bdi>{}</bdi> is withdrawn.", invitation.email)
        )
    return redirect("members")


def _unusable(request: HttpRequest, problem: str, *, status: int = 410) -> HttpResponse:
    return render(request, "accounts/invitation_invalid.html", {"problem": problem}, status=status)


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session[CURRENT_ORGANIZATION_SESSION_KEY] = membership.organization_id
    messages.success(
        request, format_html("Welcome to <bdi>{}</bdi>!", membership.organization.name)
    )
    return redirect("home")


@public
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: a new person sets up their account; someone with an account joins
    with one click once signed in as the invited email. A link that is unknown, expired,
    used or withdrawn, or opened while signed in as someone else, changes nothing."""
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
    if invitation is None:
        return _unusable(request, problem, status=404)
    if problem:
        return _unusable(request, problem)
    user = request.user if request.user.is_authenticated else None
    context: dict[str, object] = {"invitation": invitation}
    if isinstance(user, User):
        if user.email.lower() != invitation.email:
            # 200, not 403: Django logs the path of a 4xx, and this link still works.
            problem = OTHER_PERSON.format(signed_in=user.email, invited=invitation.email)
            return _unusable(request, problem, status=200)
        if request.method == "POST":
            try:
                membership = invitation_accept_existing(token=token, user=user)
            except InvitationError as error:
                return _unusable(request, error.message)
            return _joined(request, membership)
        return render(request, "accounts/invitation_join.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["has_account"] = HAS_ACCOUNT.format(
            email=invitation.email, organization=invitation.organization.name
        )
        context["signin_url"] = f"{reverse('signin')}?next={request.path}"
        return render(request, "accounts/invitation_join.html", context)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = invitation_accept_new(
                token=token,
                full_name=data["full_name"],
                password=data["password1"],
                time_zone=data["time_zone"],
            )
        except ValidationError as error:  # the password validators', or the account's
            form.add_error(None if hasattr(error, "error_dict") else "password1", error)
        except InvitationError as error:
            return _unusable(request, error.message)
        else:
            login(request, membership.user, backend=BACKEND)
            return _joined(request, membership)
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)
