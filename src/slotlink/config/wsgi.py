"""WSGI entry point for gunicorn: `gunicorn slotlink.config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slotlink.config.settings")

application = get_wsgi_application()

# While slotlink has no organization, print the first-run page's one-time link to the log.
from slotlink.accounts.setup import setup_token_announce  # noqa: E402 - needs Django set up

setup_token_announce()
