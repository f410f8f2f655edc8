"""Typed readers for environment variables, used only by the settings module."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# A CSP source: 'self' or 'none', a scheme (https:), or an origin whose host may start
# with *. (https://*.example.com:8443); no paths, no quotes around anything else.
CSP_SOURCE = re.compile(
    r"^(?:\*|'self'|'none'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?"
    r"(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?)$",
    re.IGNORECASE,
)


def env_csp_sources(name: str, default: list[str]) -> list[str]:
    """Space-separated CSP sources, as a policy writes them: `'self' https://example.com`."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    sources = raw.split()
    for source in sources:
        # Unquoted, self and none would be host names: surely a forgotten quote.
        if not CSP_SOURCE.match(source) or source.lower() in {"self", "none"}:
            raise ImproperlyConfigured(
                f"{name} takes sources such as 'self' https://www.example.com, separated by "
                f"spaces; {source!r} is not one."
            )
    if "'none'" in sources and len(sources) > 1:
        raise ImproperlyConfigured(f"{name}: 'none' can't be listed with other sources.")
    return sources
