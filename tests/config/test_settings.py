import os
import subprocess
import sys

SHOW = "import django; django.setup(); from django.conf import settings as s; print({})"


def settings_in(mode: str, what: str, tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load slotlink's settings in a fresh interpreter, as a server process would."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    clean |= {
        "SLOTLINK_MODE": mode,
        "SLOTLINK_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW.format(what)],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    """Production without SECRET_KEY stops at start-up with a message saying what to set."""
    result = settings_in("production", "s.SECRET_KEY", tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_its_settings_from_the_environment(tmp_path):
    """Production reads its secret, hosts and database from the environment only."""
    result = settings_in(
        "production",
        "(s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.DEBUG, s.EMAIL_BACKEND)",
        tmp_path,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="book.example.com",
        DATABASE_URL="postgres://u@db.example.com:5432/slotlink",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(['book.example.com'], 'django.db.backends.postgresql', False, "
        "'django.core.mail.backends.smtp.EmailBackend')"
    )


def test_production_has_no_demo_defaults(tmp_path):
    """Demo conveniences (Zoom sandbox, demo credentials, open hosts) never apply in production."""
    result = settings_in(
        "production",
        "(s.ALLOWED_HOSTS, s.ZOOM_API_BASE_URL, s.ZOOM_CLIENT_ID, s.DEMO)",
        tmp_path,
        SECRET_KEY="k" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "([], 'https://api.zoom.us/v2', '', False)"


def test_demo_mode_generates_a_private_secret_key_once(tmp_path):
    """Demo mode makes its own key, readable only by its owner, and keeps it across starts."""
    first = settings_in("demo", "s.SECRET_KEY", tmp_path)
    second = settings_in("demo", "s.SECRET_KEY", tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "demo_secret_key").stat().st_mode & 0o777 == 0o600


def test_a_malformed_setting_is_reported_by_name(tmp_path):
    """A setting that can't be read fails start-up with its name and the bad value."""
    result = settings_in("demo", "s.PORT", tmp_path, PORT="eighty")
    assert result.returncode != 0
    assert "PORT must be a whole number, not 'eighty'." in result.stderr
    unknown = settings_in("staging", "s.MODE", tmp_path)
    assert "SLOTLINK_MODE must be production, demo or test" in unknown.stderr


def test_sqlite_is_the_default_database_in_the_data_directory(tmp_path):
    """Without DATABASE_URL, slotlink uses a SQLite file in its data directory."""
    result = settings_in("demo", "s.DATABASES['default']['NAME']", tmp_path)
    assert result.stdout.strip() == str(tmp_path / "slotlink.sqlite3")


def test_production_checks_name_every_missing_setting(tmp_path):
    """`slotlink check` in production lists each missing setting with its check id."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLOTLINK_", "DATABASE_URL"))}
    env |= {
        "SLOTLINK_MODE": "production",
        "SECRET_KEY": "k" * 50,
        "SLOTLINK_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "slotlink", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    for check_id in ["core.E001", "core.E002", "core.E005", "zoom.W001"]:
        assert check_id in result.stderr
    assert "ZOOM_CLIENT_ID" in result.stderr  # named, though only a warning while Zoom is off
    env |= {
        "SLOTLINK_ENCRYPTION_KEYS": "x0mK0B7Vf2JqD8Cq3n8hMZ6mV0qg5JtGZqH9kq3o2jU=",
        "ALLOWED_HOSTS": "book.example.com",
        "SLOTLINK_BASE_URL": "https://book.example.com",
        "ZOOM_CLIENT_ID": "client-id",
        "ZOOM_CLIENT_SECRET": "client-secret",
        "ZOOM_WEBHOOK_SECRET_TOKEN": "webhook-secret",
    }
    ok = subprocess.run(
        [sys.executable, "-m", "slotlink", "check"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr


def test_who_may_embed_the_booking_pages_is_read_from_the_environment(tmp_path):
    """SLOTLINK_EMBED_FRAME_ANCESTORS names the sites that may frame the embed variant;
    unset, any site may (the snippets are for the hosts' own sites)."""
    unset = settings_in("demo", "s.EMBED_FRAME_ANCESTORS", tmp_path)
    assert unset.stdout.strip() == "['*']", unset.stderr
    named = settings_in(
        "demo",
        "s.EMBED_FRAME_ANCESTORS",
        tmp_path,
        SLOTLINK_EMBED_FRAME_ANCESTORS="https://shop.example.com 'self'",
    )
    assert named.stdout.strip() == "['https://shop.example.com', \"'self'\"]", named.stderr
