"""Users sign in with their email; organizations have members who are admins or members."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from slotlink.core.text import validate_plain_text
from slotlink.core.times import TIME_FORMAT_CHOICES, Clock, viewer_clock
from slotlink.core.zones import validate_lived_in_zone


def validate_time_zone(value: str) -> None:
    """A zone people live in ("Factory" and "localtime" are none); the migrations name this
    function, so it stays here."""
    validate_lived_in_zone(value)


def _plain(**fields: str) -> None:
    """Refuse names with hidden controls (bidi overrides), each on its own field."""
    errors = {}
    for name, value in fields.items():
        try:
            validate_plain_text(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Sign-in is case-insensitive on the email, as people expect.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(max_length=254, unique=True)  # stored lower-case
    full_name = models.CharField(max_length=150)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # 12-hour or 24-hour on every page and in every email; "" (Automatic) follows the
    # browser's language on pages and, in emails, the one recorded at their last sign-in.
    time_format = models.CharField(
        max_length=2, blank=True, default="", choices=TIME_FORMAT_CHOICES
    )
    locale_clock = models.CharField(max_length=2, blank=True, default="", editable=False)
    is_staff = models.BooleanField(
        default=False, help_text="Staff can sign in to the Django admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # When a reset email last went to this account: one per few minutes, however many ask.
    password_reset_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        _plain(full_name=self.full_name)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def clock(self) -> Clock:
        """The clock this person reads times on when no browser is asking (their emails)."""
        return viewer_clock(choice=self.time_format, locale_clock=self.locale_clock)


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _plain(name=self.name)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class SignInFailure(models.Model):
    """A failed sign-in, kept briefly so guessing passwords runs into a wall."""

    email = models.EmailField(max_length=254)  # as typed, lower-cased
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The browser's device id when it had signed in to this account before ("" if not).
    device = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return f"failed sign-in for {self.email} at {self.created_at:%Y-%m-%d %H:%M}"


class SetupToken(models.Model):
    """A one-time token for the first-run page, printed by a web process at start while no
    organization exists. Only its hash is kept; every web process accepts every live one,
    and all of them die when the first organization is created."""

    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"setup token of {self.created_at:%Y-%m-%d %H:%M} UTC"


class Invitation(models.Model):
    """An admin's invitation of a person (by email) to join their organization with a role.

    The emailed link carries a token whose hash alone is kept here. A link works once,
    until `expires_at`, and not after a resend (a new token) or a revoke.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)  # lower-cased
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "email"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.organization}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class PasswordResetRequest(models.Model):
    """A "forgot password" request, kept for an hour so nobody can flood the mail server:
    requests are counted per client address (and per email from it)."""

    email = models.EmailField(max_length=254)  # as typed, lower-cased
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The browser's device id when it had signed in to this email's account before.
    device = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"password reset for {self.email} at {self.created_at:%Y-%m-%d %H:%M}"


class SignUp(models.Model):
    """An organization made through self-service sign-up, with the address it came from:
    sign-ups are limited per client address, so one visitor can't fill an instance."""

    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self) -> str:
        where = self.ip_address or "an unknown address"
        return f"sign-up from {where} at {self.created_at:%Y-%m-%d %H:%M}"


class PendingSignUp(models.Model):
    """A sign-up waiting for its email to be confirmed (see signups.py): every try is one,
    counted per client address, and nothing is made until the link in the email is used."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    full_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)  # lower-cased
    time_zone = models.CharField(max_length=64)
    password_hash = models.CharField(max_length=128)  # Django's hash, never the password
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)  # SHA-256, hex
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self) -> str:
        return f"sign-up of {self.name} by {self.email} at {self.created_at:%Y-%m-%d %H:%M}"
