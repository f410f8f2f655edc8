"""slotlink's one settings module: everything comes from environment variables.

SLOTLINK_MODE picks the defaults: `production` (the default) refuses to start without the
secrets it needs; `demo` (what `make run` uses) generates them and points Zoom at the
sandbox; `test` is for the test suite. Demo defaults never apply in production.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from slotlink.config.env import env_bool, env_csp_sources, env_int, env_list, env_str
from slotlink.core.logs import logging_config

# Under pytest the mode defaults to `test`, so a bare `pytest` works as `make test` does.
MODE = env_str("SLOTLINK_MODE") or ("test" if "pytest" in sys.modules else "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"SLOTLINK_MODE must be production, demo or test, not {MODE!r}.")
DEMO = MODE == "demo"
TESTING = MODE == "test"

DATA_DIR = Path(env_str("SLOTLINK_DATA_DIR") or Path.cwd() / "data").resolve()
PORT = env_int("PORT", 8000)
SANDBOX_PORT = env_int("SANDBOX_PORT", 8765)


def _demo_secret_key() -> str:
    """A key generated once per demo data directory, so demo sessions survive restarts."""
    path = DATA_DIR / "demo_secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEMO:
        SECRET_KEY = _demo_secret_key()
    elif TESTING:
        SECRET_KEY = "test-only-secret-key-" + "x" * 40  # never used outside tests
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )

DEBUG = env_bool("DEBUG", default=False)
# The public address, for links in emails and the OAuth redirect; production must set it.
BASE_URL = (
    env_str("SLOTLINK_BASE_URL") or ("" if MODE == "production" else f"http://127.0.0.1:{PORT}")
).rstrip("/")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if (DEMO or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    # Before django_tasks_db: its `db_worker` (several tasks at once) replaces theirs.
    "slotlink.core",
    "django_tasks",
    "django_tasks_db",
    "slotlink.accounts",
    "slotlink.conferencing",
    "slotlink.scheduling",
    "slotlink.notifications",
    "slotlink.zoom",
    "slotlink.calendars",
    "slotlink.shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "slotlink.accounts.middleware.CurrentMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "slotlink.core.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "slotlink.config.urls"
WSGI_APPLICATION = "slotlink.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "slotlink.shell.context_processors.shell",
                "slotlink.core.context_processors.viewer_clock",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'slotlink.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker processes share one file: WAL lets readers run beside the writer,
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers queue for that lock rather than poll for it (core/backends/sqlite3).
    DATABASES["default"]["ENGINE"] = "slotlink.core.backends.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if TESTING:
    # Live-server threads kept open by an HTTP keep-alive client (the Zoom sandbox's
    # webhook sender) must not hold a connection to the test database past their request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # One test database per test run, so runs side by side don't clobber each other; on
    # SQLite a file (not memory), because tests start real worker processes that open it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")
        if DATABASES["default"]["ENGINE"].endswith("sqlite3")
        else f"test_slotlink_{os.getpid()}"
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ----------------------------------------------------------------------
# `db` keeps the queue in the database (workers: `slotlink db_worker`); `rq` in Redis at
# SLOTLINK_REDIS_URL (workers: `slotlink rqworker`). The tasks are the same either way.
TASK_BACKEND = env_str("SLOTLINK_TASK_BACKEND", "db").lower()
if TASK_BACKEND not in {"db", "rq"}:
    raise ImproperlyConfigured(f"SLOTLINK_TASK_BACKEND must be db or rq, not {TASK_BACKEND!r}.")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periods of the periodic jobs in seconds, by name, to override their defaults:
# "zoom.sweep=30,scheduling.email-sweep=30".
PERIODIC_EVERY = {
    name: float(seconds)
    for name, _, seconds in (
        part.partition("=") for part in env_list("SLOTLINK_PERIODIC_EVERY", [])
    )
}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env_str("SLOTLINK_REDIS_URL", "redis://127.0.0.1:6379/0")}}
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}  # runs django-tasks' tasks
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
# How long a booking confirmation waits for its conferencing link before it goes out saying
# the link follows (an update with the link is sent when it is ready).
LINK_WAIT_SECONDS = env_int("SLOTLINK_LINK_WAIT_SECONDS", 20)
# Bookings the public booking page takes in an hour (0: no limit), so it can't be used to
# send floods of emails and Zoom meetings to addresses a stranger picks; docs/deploy.md says
# why these numbers. Per client address (across organizations), per invitee email for one
# event type, per event type and per organization (a group event type's limits are at
# least its seats per session, which may fill within an hour).
BOOKING_LIMIT_PER_ADDRESS = env_int("SLOTLINK_BOOKING_LIMIT_PER_ADDRESS", 10)
BOOKING_LIMIT_PER_EMAIL = env_int("SLOTLINK_BOOKING_LIMIT_PER_EMAIL", 3)
BOOKING_LIMIT_PER_EVENT_TYPE = env_int("SLOTLINK_BOOKING_LIMIT_PER_EVENT_TYPE", 60)
BOOKING_LIMIT_PER_ORGANIZATION = env_int("SLOTLINK_BOOKING_LIMIT_PER_ORGANIZATION", 200)
for _limit in ("ADDRESS", "EMAIL", "EVENT_TYPE", "ORGANIZATION"):
    if globals()[f"BOOKING_LIMIT_PER_{_limit}"] < 0:
        raise ImproperlyConfigured(
            f"SLOTLINK_BOOKING_LIMIT_PER_{_limit} must be 0 (no limit) or more."
        )

# Sign-in, password reset and sign-up limits (docs/deploy.md, "Sign-in, reset and sign-up
# limits", says what each does and what trips it). Wrong passwords per email and client
# address (or per known browser) before that place waits, the wait doubling up to a cap;
# per email across every place, a looser count and a short cap that only ever delays.
SIGN_IN_FREE_FAILURES = env_int("SLOTLINK_SIGNIN_FREE_FAILURES", 3)
SIGN_IN_MAX_WAIT_SECONDS = env_int("SLOTLINK_SIGNIN_MAX_WAIT_SECONDS", 15 * 60)
SIGN_IN_EMAIL_FREE_FAILURES = env_int("SLOTLINK_SIGNIN_EMAIL_FREE_FAILURES", 20)
SIGN_IN_EMAIL_MAX_WAIT_SECONDS = env_int("SLOTLINK_SIGNIN_EMAIL_MAX_WAIT_SECONDS", 30)
# Password reset requests an hour, per email from one place and per client address; and one
# reset email per account in this many seconds, however many ask.
RESET_LIMIT_PER_EMAIL_AND_ADDRESS = env_int("SLOTLINK_RESET_LIMIT_PER_EMAIL_AND_ADDRESS", 3)
RESET_LIMIT_PER_ADDRESS = env_int("SLOTLINK_RESET_LIMIT_PER_ADDRESS", 10)
RESET_MAILBOX_PAUSE_SECONDS = env_int("SLOTLINK_RESET_MAILBOX_PAUSE_SECONDS", 5 * 60)
# Sign-up tries a day per client address (with SLOTLINK_ALLOW_SIGNUP).
SIGN_UP_LIMIT_PER_ADDRESS = env_int("SLOTLINK_SIGNUP_LIMIT_PER_ADDRESS", 3)
for _name, _variable in {
    "SIGN_IN_FREE_FAILURES": "SLOTLINK_SIGNIN_FREE_FAILURES",
    "SIGN_IN_MAX_WAIT_SECONDS": "SLOTLINK_SIGNIN_MAX_WAIT_SECONDS",
    "SIGN_IN_EMAIL_FREE_FAILURES": "SLOTLINK_SIGNIN_EMAIL_FREE_FAILURES",
    "SIGN_IN_EMAIL_MAX_WAIT_SECONDS": "SLOTLINK_SIGNIN_EMAIL_MAX_WAIT_SECONDS",
    "RESET_LIMIT_PER_EMAIL_AND_ADDRESS": "SLOTLINK_RESET_LIMIT_PER_EMAIL_AND_ADDRESS",
    "RESET_LIMIT_PER_ADDRESS": "SLOTLINK_RESET_LIMIT_PER_ADDRESS",
    "RESET_MAILBOX_PAUSE_SECONDS": "SLOTLINK_RESET_MAILBOX_PAUSE_SECONDS",
    "SIGN_UP_LIMIT_PER_ADDRESS": "SLOTLINK_SIGNUP_LIMIT_PER_ADDRESS",
}.items():
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_variable} must be 1 or more.")

# --- Operations ---------------------------------------------------------------------------
# The bearer token Prometheus sends to /metrics; without it /metrics is off (demo: local only).
METRICS_TOKEN = env_str("SLOTLINK_METRICS_TOKEN")

# --- Outbound HTTP to addresses users type (core/outbound.py) ------------------------------
# Calendar servers on loopback or a private network (the demo's own, a LAN's Nextcloud) are
# refused unless the operator allows them; cloud metadata addresses are refused always.
ALLOW_PRIVATE_NETWORKS = env_bool("SLOTLINK_ALLOW_PRIVATE_NETWORKS", default=DEMO)

# --- Calendar connections (calendars/) ----------------------------------------------------
# How long the booking POST waits for the host's calendar servers to say the chosen time is
# still free; past it the booking is made and marked "calendar not checked" for the host.
CALENDAR_RECHECK_SECONDS = env_int("SLOTLINK_CALENDAR_RECHECK_MS", 2000) / 1000
# How old a connection's busy times may grow before the background refresh reads them
# again (each calendar's ctag or sync token first: cheap when nothing changed).
CALENDAR_REFRESH_SECONDS = env_int("SLOTLINK_CALENDAR_REFRESH_SECONDS", 5 * 60)
if CALENDAR_RECHECK_SECONDS <= 0 or CALENDAR_REFRESH_SECONDS < 1:
    raise ImproperlyConfigured(
        "SLOTLINK_CALENDAR_RECHECK_MS and SLOTLINK_CALENDAR_REFRESH_SECONDS must be 1 or more."
    )

# --- Accounts and sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signin"
# Anyone may create a new organization at /signup (a hosted instance); off by default.
ALLOW_SIGNUP = env_bool("SLOTLINK_ALLOW_SIGNUP", default=False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not BASE_URL.startswith("http://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages run only slotlink's own script and style files (no inline script, style or handler
# anywhere: tests/core/test_csp.py walks the templates) and post forms only to slotlink,
# plus the provider pages an app registers (core/csp.py). Framed by no one, except the
# invitee's pages: by PUBLIC_FRAME_ANCESTORS (docs/deploy.md, "Content-Security-Policy").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
PUBLIC_PAGE_PREFIXES = ["/book/", "/booked/", "/booking/"]
PUBLIC_FRAME_ANCESTORS = env_csp_sources("SLOTLINK_PUBLIC_FRAME_ANCESTORS", ["'self'"])
# The embed variant of the invitee's pages (?embed=1, the snippets on an event type's Share
# tab) is meant for the hosts' own sites, wherever they are: any site may frame it, unless
# the operator names the sites (SLOTLINK_EMBED_FRAME_ANCESTORS).
EMBED_FRAME_ANCESTORS = env_csp_sources("SLOTLINK_EMBED_FRAME_ANCESTORS", ["*"])
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    # The proxy terminates TLS and says so in X-Forwarded-Proto (it must overwrite the
    # header a client sends): without it every request would look like plain http.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_https_production = MODE == "production" and BASE_URL.startswith("https://")
# Plain http is sent to https once requests can be told apart (behind the TLS proxy); not
# the health and metrics endpoints, which load balancers and Prometheus may ask directly.
SECURE_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT", default=_https_production and BEHIND_TLS_PROXY
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Browsers keep to https for a year; only sent on https responses. The host's own
# subdomains too (slotlink has none); preloading binds the whole domain, its owner's call.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if _https_production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Email --------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "slotlink <no-reply@slotlink.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# How long a worker may take to hand a claimed email to the mail server before another
# worker sends it instead (the first one died mid-send): longer than a few EMAIL_TIMEOUTs.
EMAIL_CLAIM_LEASE_SECONDS = env_int("SLOTLINK_EMAIL_LEASE_SECONDS", 120)
if TESTING:
    _default_email_backend = "django.core.mail.backends.locmem.EmailBackend"
elif DEMO:
    # Every email lands in the outbox page (/360/outbox), so a demo needs no mail server.
    _default_email_backend = "slotlink.notifications.outbox.OutboxBackend"
else:
    _default_email_backend = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or _default_email_backend

# --- Zoom ---------------------------------------------------------------------------------
# In demo and test mode Zoom is the sandbox (`zoom-sandbox`, which `slotlink run` starts);
# in production these point at zoom.us and the credentials of your Zoom Marketplace app.
_sandbox_url = f"http://127.0.0.1:{SANDBOX_PORT}"
_zoom_demo_defaults = DEMO or TESTING
ZOOM_OAUTH_BASE_URL = env_str("ZOOM_OAUTH_BASE_URL") or (
    _sandbox_url if _zoom_demo_defaults else "https://zoom.us"
)
ZOOM_API_BASE_URL = env_str("ZOOM_API_BASE_URL") or (
    f"{_sandbox_url}/v2" if _zoom_demo_defaults else "https://api.zoom.us/v2"
)
ZOOM_CLIENT_ID = env_str("ZOOM_CLIENT_ID") or (
    "slotlink-demo-client" if _zoom_demo_defaults else ""
)
ZOOM_CLIENT_SECRET = env_str("ZOOM_CLIENT_SECRET") or (
    "slotlink-demo-client-secret" if _zoom_demo_defaults else ""
)
ZOOM_REDIRECT_URI = env_str("ZOOM_REDIRECT_URI") or (
    f"{BASE_URL}/360/integrations/zoom/callback" if BASE_URL else ""
)
ZOOM_WEBHOOK_SECRET_TOKEN = env_str("ZOOM_WEBHOOK_SECRET_TOKEN") or (
    "slotlink-demo-webhook-secret" if _zoom_demo_defaults else ""
)

# How long one call to Zoom may take before it counts as Zoom being unavailable.
ZOOM_HTTP_TIMEOUT_SECONDS = float(env_str("ZOOM_HTTP_TIMEOUT_SECONDS") or 15)
# How long a worker holds a meeting's sync without writing a step before another worker may
# take over (one that died mid-call): longer than a few Zoom calls at their timeout.
ZOOM_SYNC_LEASE_SECONDS = float(env_str("ZOOM_SYNC_LEASE_SECONDS") or 120)

# Requests per second per Zoom account and rate-limit label that slotlink paces itself to
# (Zoom's Pro plan; Business allows more). "light=30,medium=20" in the environment.
ZOOM_RATE_LIMITS = {
    label: float(rate)
    for label, _, rate in (
        part.partition("=") for part in env_list("ZOOM_RATE_LIMITS", ["light=30", "medium=20"])
    )
}

# Fernet keys for secrets at rest (Zoom tokens), newest first; older keys still decrypt.
# Demo and test derive one from SECRET_KEY; production must set them.
ENCRYPTION_KEYS = env_list("SLOTLINK_ENCRYPTION_KEYS", [])

# --- Static files, time, language ---------------------------------------------------------
STATIC_URL = "static/"
# Production runs collectstatic into STATIC_ROOT; demo and tests serve from the apps.
STATIC_ROOT = (env_str("STATIC_ROOT") or str(DATA_DIR / "static")) if MODE == "production" else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MODE == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = MODE != "production"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Plain text, or one JSON object per line (SLOTLINK_LOG_FORMAT=json); secrets redacted.
LOG_FORMAT = env_str("SLOTLINK_LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"SLOTLINK_LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
