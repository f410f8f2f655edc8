"""Secrets at rest (Zoom access and refresh tokens) are stored encrypted, never in plaintext.

Fernet (AES-128-CBC + HMAC-SHA256) with key rotation: SLOTLINK_ENCRYPTION_KEYS lists
keys newest first; the first encrypts, all of them decrypt, and `slotlink
rotate_encryption_keys` re-encrypts every stored value with the newest. Demo and test
mode derive a key from SECRET_KEY so they need no set-up; production must set its own keys,
so that rotating SECRET_KEY never loses the stored tokens.
"""

import base64
import functools
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, transaction
from django.dispatch import receiver

MISSING_KEYS_MESSAGE = (
    "SLOTLINK_ENCRYPTION_KEYS is not set. Generate a key with "
    "`python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` "
    "and set it; list older keys after it when rotating."
)


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"slotlink-at-rest-v1")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@functools.cache
def _fernet() -> MultiFernet:
    keys = list(settings.ENCRYPTION_KEYS)
    if not keys:
        if settings.MODE == "production":
            raise ImproperlyConfigured(MISSING_KEYS_MESSAGE)
        keys = [_derived_key(settings.SECRET_KEY).decode()]
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "SLOTLINK_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from error


@receiver(setting_changed)
def _forget_keys(*, setting: str, **_: Any) -> None:
    if setting in {"ENCRYPTION_KEYS", "SECRET_KEY", "MODE"}:
        _fernet.cache_clear()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A stored secret could not be decrypted: was a key removed from "
            "SLOTLINK_ENCRYPTION_KEYS before `slotlink rotate_encryption_keys` ran?"
        ) from None


class EncryptedTextField(models.TextField):
    """A text column whose value is encrypted in the database and plain in Python.

    The empty string stays empty (nothing to hide, and "no token" stays queryable).
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))


def secrets_reencrypt(*, model_classes: Iterable[type[models.Model]]) -> int:
    """Re-encrypt every encrypted column of these models with the newest key.

    Reading decrypts with whichever configured key works; writing encrypts with the first.
    Returns the number of rows rewritten.
    """
    total = 0
    for model in model_classes:
        fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        manager = model._default_manager
        with transaction.atomic():
            for row in manager.select_for_update().values("pk", *fields).iterator():
                pk = row.pop("pk")
                manager.filter(pk=pk).update(**row)
                total += 1
    return total
