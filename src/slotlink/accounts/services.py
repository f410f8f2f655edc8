"""Writes about people and organizations."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from slotlink.accounts.models import Membership, Organization, User, validate_time_zone
from slotlink.accounts.selectors import admin_count
from slotlink.accounts.tasks import send_email_changed_notice
from slotlink.core.slugs import slug_from
from slotlink.core.tasks import enqueue_on_commit

SLUG_LIMIT = Organization._meta.get_field("slug").max_length or 60


def organization_create(*, name: str, slug: str = "") -> Organization:
    organization = Organization(name=name, slug=slug or slug_from(name, limit=SLUG_LIMIT))
    organization.clean()  # no hidden controls in the name; the slug's uniqueness is the DB's
    organization.save()
    return organization


def user_create(
    *, email: str, full_name: str, password: str | None, time_zone: str = "UTC"
) -> User:
    user = User(email=email.strip().lower(), full_name=full_name, time_zone=time_zone)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


SLUG_TAKEN = "The address {slug!r} is taken by another organization. Pick another."
EMAIL_TAKEN = (
    "{email} already has a slotlink account. Sign in with it, or use another email for "
    "the new organization's admin."
)


@dataclass(frozen=True)
class NewOrganization:
    organization: Organization
    admin: User


def organization_details_check(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str,
    password: str,
    time_zone: str,
    email_taken_is_an_error: bool = True,
) -> tuple[str, str, str]:
    """The name, address (slug) and email a new organization and its admin would get, or
    ValidationError with every problem in words. Sign-up doesn't say an email is taken
    (`email_taken_is_an_error=False`): that would tell a stranger who has an account."""
    name = name.strip()
    slug = (slug.strip() or slug_from(name, limit=SLUG_LIMIT)).lower()
    email = admin_email.strip().lower()
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append("Give the organization a name.")
    if not admin_name.strip():
        errors.setdefault("admin_name", []).append("Give the admin's name.")
    try:
        validate_time_zone(time_zone)
    except ValidationError as problem:
        errors.setdefault("time_zone", []).extend(problem.messages)
    try:
        validate_slug(slug)
    except ValidationError:
        errors.setdefault("slug", []).append(
            "Use only letters, numbers, hyphens and underscores in the address."
        )
    else:
        if Organization.objects.filter(slug=slug).exists():
            errors.setdefault("slug", []).append(SLUG_TAKEN.format(slug=slug))
    try:
        validate_email(email)
    except ValidationError:
        errors.setdefault("admin_email", []).append("Enter a valid email address.")
    else:
        if email_taken_is_an_error and User.objects.filter(email__iexact=email).exists():
            errors.setdefault("admin_email", []).append(EMAIL_TAKEN.format(email=email))
    try:
        validate_password(password, User(email=email, full_name=admin_name))
    except ValidationError as problem:
        errors.setdefault("password", []).extend(problem.messages)
    if errors:
        raise ValidationError(errors)
    return name, slug, email


def organization_create_with_admin(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str,
    password: str,
    time_zone: str = "UTC",
) -> NewOrganization:
    """A new organization with its first admin, all or nothing.

    The admin is an organization admin, never Django staff. Every problem (a taken address
    or email, a weak password, an unknown time zone) raises ValidationError with words a
    person can act on, and nothing is created.
    """
    name, slug, email = organization_details_check(
        name=name,
        slug=slug,
        admin_email=admin_email,
        admin_name=admin_name,
        password=password,
        time_zone=time_zone,
    )
    try:
        with transaction.atomic():
            organization = organization_create(name=name[:120], slug=slug)
            admin = user_create(
                email=email, full_name=admin_name.strip(), password=password, time_zone=time_zone
            )
            membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    except IntegrityError as race:  # someone took the address or email a moment ago
        raise ValidationError(
            "The address or the email was taken a moment ago. Check both and try again."
        ) from race
    return NewOrganization(organization=organization, admin=admin)


def user_update_profile(
    *,
    user: User,
    full_name: str,
    email: str,
    time_zone: str,
    time_format: str = "",
    organization_id: int | None = None,
) -> User:
    """Change a person's name, time zone, time format and email. The email stays unique
    (whatever its letter case) and is stored lower-case. A new email is told to the old
    address, once it commits (tagged with `organization_id`, the organization the change
    was made in): if someone else made it, the address's owner learns of it."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": f"{email} is already used by another account."})
    old_email = user.email
    user.full_name = full_name.strip()
    user.email = email
    user.time_zone = time_zone
    user.time_format = time_format
    user.full_clean()
    try:
        with transaction.atomic():
            user.save(update_fields=["full_name", "email", "time_zone", "time_format"])
            if email != old_email.lower():
                enqueue_on_commit(
                    send_email_changed_notice,
                    user.pk,
                    old_email,
                    email,
                    timezone.now().isoformat(),
                    organization_id,
                )
    except IntegrityError as race:
        raise ValidationError({"email": f"{email} is already used by another account."}) from race
    return user


def user_locale_clock_note(*, user: User, clock: str) -> None:
    """Keep the clock their browser's language reads ("12", "24"), for their emails when
    their time format is Automatic; a browser that names no language changes nothing."""
    if clock and clock != user.locale_clock:
        user.locale_clock = clock
        User.objects.filter(pk=user.pk).update(locale_clock=clock)


def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    return Membership.objects.create(user=user, organization=organization, role=role)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; an organization always keeps at least one admin."""
    if role not in Membership.Role.values:
        raise ValidationError(f"{role!r} is not a role.")
    # Lock the organization's memberships so two admins demoting each other can't both win.
    list(Membership.objects.select_for_update().filter(organization=membership.organization))
    membership.refresh_from_db()
    if (
        membership.is_admin
        and role != Membership.Role.ADMIN
        and admin_count(organization=membership.organization) == 1
    ):
        raise ValidationError(
            "An organization needs at least one admin. Make someone else an admin first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


LAST_ADMIN = (
    "{name} is the organization's only admin, so they can't be removed. Make someone else "
    "an admin first."
)


def membership_delete(*, membership: Membership) -> None:
    """Take a person out of an organization; their account stays (they may be in others).
    An organization always keeps an admin. Call inside the caller's transaction."""
    with transaction.atomic():
        # Locked as for a role change, so two admins removing each other can't both win.
        list(Membership.objects.select_for_update().filter(organization=membership.organization))
        if not Membership.objects.filter(pk=membership.pk).exists():
            raise ValidationError("They were removed from the organization a moment ago.")
        membership.refresh_from_db()
        if membership.is_admin and admin_count(organization=membership.organization) == 1:
            raise ValidationError(LAST_ADMIN.format(name=membership.user.get_full_name()))
        membership.delete()
