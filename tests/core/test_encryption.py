import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from slotlink.core.encryption import (
    DecryptionError,
    EncryptedTextField,
    decrypt,
    encrypt,
    secrets_reencrypt,
)


@pytest.fixture
def secret_model(transactional_db):
    """A throwaway table with an encrypted column, as a Zoom connection will have."""
    with isolate_apps("slotlink.core"):

        class Secret(models.Model):
            token = EncryptedTextField(blank=True)

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return f"secret {self.pk}"

        with connection.schema_editor() as editor:
            editor.create_model(Secret)
        yield Secret
        with connection.schema_editor() as editor:
            editor.delete_model(Secret)


def raw_column(model) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {model._meta.db_table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_a_secret_is_stored_encrypted_and_read_back_plain(secret_model):
    """The database never holds the plaintext; the model gives it back unchanged."""
    secret_model.objects.create(token="zoom-access-token-123")
    assert "zoom-access-token-123" not in raw_column(secret_model)[0]
    assert secret_model.objects.get().token == "zoom-access-token-123"


def test_an_empty_secret_stays_empty(secret_model):
    """No token is stored as an empty string, so "has no token" stays queryable."""
    secret_model.objects.create(token="")
    assert raw_column(secret_model) == [""]
    assert secret_model.objects.filter(token="").count() == 1


def test_rotation_re_encrypts_with_the_newest_key(secret_model, settings):
    """After a new key is put first, the rotate command re-encrypts every secret with it,
    and the old key can then be dropped."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    secret_model.objects.create(token="refresh-token-1")
    settings.ENCRYPTION_KEYS = [new, old]
    assert secret_model.objects.get().token == "refresh-token-1"  # old key still decrypts
    assert secrets_reencrypt(model_classes=[secret_model]) == 1
    settings.ENCRYPTION_KEYS = [new]
    assert secret_model.objects.get().token == "refresh-token-1"


def test_a_secret_from_an_unknown_key_fails_loudly(settings):
    """A secret encrypted with a key that was since removed raises a clear error."""
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = encrypt("x")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError, match="rotate_encryption_keys"):
        decrypt(token)


def test_production_needs_its_own_keys(settings):
    """Production never derives keys from SECRET_KEY: without keys it refuses to encrypt."""
    settings.MODE = "production"
    settings.ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="SLOTLINK_ENCRYPTION_KEYS is not set"):
        encrypt("x")
    settings.ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        encrypt("x")


def test_the_rotate_command_runs_over_every_model(db):
    """`slotlink rotate_encryption_keys` reports how many rows it re-encrypted."""
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "with the newest key" in out.getvalue()
