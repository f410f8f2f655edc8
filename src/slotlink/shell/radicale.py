"""Radicale's configuration as slotlink runs it: the demo's calendar server, and the
throwaway servers of the tests and the benchmarks. One place that knows Radicale's config
file: on loopback, htpasswd sign-in, each user seeing only their own calendars."""

from pathlib import Path


def radicale_config(
    *,
    port: int,
    htpasswd: Path,
    encryption: str,
    collections: Path,
    login_delay: int | None = None,
) -> str:
    """The text of Radicale's config file. `encryption`: how `htpasswd` holds passwords
    ("plain", "sha512"); `login_delay`: seconds Radicale pauses after a wrong password
    (None keeps its default; 0 for a server sent wrong ones on purpose)."""
    auth = [
        "[auth]",
        "type = htpasswd",
        f"htpasswd_filename = {htpasswd}",
        f"htpasswd_encryption = {encryption}",
    ]
    if login_delay is not None:
        auth.append(f"delay = {login_delay}")
    lines = [
        "[server]",
        f"hosts = 127.0.0.1:{port}",
        *auth,
        "[rights]",
        "type = owner_only",
        "[storage]",
        f"filesystem_folder = {collections}",
        "[logging]",
        "level = warning",
    ]
    return "\n".join(lines) + "\n"
