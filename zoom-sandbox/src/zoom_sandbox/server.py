"""`zoom-sandbox` (or `python -m zoom_sandbox`): run the Zoom sandbox under uvicorn.

Settings come from the environment the product also reads (ZOOM_CLIENT_ID,
ZOOM_CLIENT_SECRET, ZOOM_REDIRECT_URI, ZOOM_WEBHOOK_SECRET_TOKEN, ZOOM_WEBHOOK_URL) plus
the sandbox's own (SANDBOX_PORT, SANDBOX_STATE_FILE, SANDBOX_APP_NAME,
SANDBOX_ACCESS_TOKEN_TTL, SANDBOX_WEBHOOK_RETRY_SCALE, SANDBOX_PUBLIC_URL,
SANDBOX_ALLOW_REMOTE).

It listens on this machine only, and answers only to this machine's names (hosts.py),
unless told `--allow-remote` (or SANDBOX_ALLOW_REMOTE=1): nothing in the sandbox asks who
is calling, so whoever can reach it can drive its control API.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace

import uvicorn

from zoom_sandbox.app import create_app
from zoom_sandbox.config import SandboxConfig
from zoom_sandbox.hosts import is_loopback

log = logging.getLogger("zoom_sandbox")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="zoom-sandbox", description="Run the Zoom-compatible sandbox server."
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (a loopback address unless --allow-remote)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach, and any Host name in requests (the "
        "sandbox has no authentication; default: SANDBOX_ALLOW_REMOTE)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SANDBOX_PORT") or 8765),
        help="port to listen on (default: SANDBOX_PORT or 8765)",
    )
    parser.add_argument(
        "--state-file",
        default=os.environ.get("SANDBOX_STATE_FILE") or None,
        help="JSON file that keeps state across restarts (default: SANDBOX_STATE_FILE; "
        "none keeps it in memory)",
    )
    parser.add_argument("--log-level", default="info", help="debug, info, warning, error")
    parser.add_argument(
        "--access-log", action="store_true", help="log every request (slower under load)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """The `zoom-sandbox` command (arguments from the command line unless `argv`); returns
    its exit status."""
    args = parse_args(argv)
    config = SandboxConfig.from_env(state_file=args.state_file or "")
    if args.allow_remote:
        config = replace(config, allow_remote=True)
    if not config.allow_remote and not is_loopback(args.host):
        print(
            f"zoom-sandbox: not listening on {args.host}. The sandbox checks no one's "
            "identity: anyone who can reach it could reset it, read the app's client secret "
            "at /_sandbox/app and get tokens for any sandbox Zoom user through /_sandbox/. "
            "Listen on 127.0.0.1 (the default), or pass --allow-remote if other machines "
            "must reach it and you trust the network.",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    app = create_app(config)
    log.info(
        "sandbox.starting url=http://%s:%d client_id=%s redirect_uri=%s state_file=%s "
        "allow_remote=%s",
        args.host,
        args.port,
        config.app.client_id,
        config.app.redirect_uri,
        config.state_file,
        config.allow_remote,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
        timeout_graceful_shutdown=5,
    )
    return 0
