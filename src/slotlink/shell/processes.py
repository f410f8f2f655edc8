"""`slotlink run`: the whole demo product in one command.

Migrates the database (SQLite unless DATABASE_URL says otherwise), creates the demo data
the first time, then starts the web server (gunicorn), a task worker, the periodic-job
scheduler, the Zoom sandbox and a calendar server with the demo hosts' calendars
(demo_calendars.py), each in its own process group with its output prefixed by its name.
Ctrl-C (or SIGTERM) stops every process it started (a second one stops them at once); if
one of them dies, the others are stopped too, and if the command itself is killed, they die
with it (supervision.py), so nothing is left half-running.
"""

import argparse
import importlib.util
import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slotlink.core.stop_signals import StopSignals
from slotlink.shell.supervision import (
    Child,
    children_start,
    children_stop,
    children_supervise,
    children_wait_until_ready,
)

# The Zoom sandbox's program, run as a process of its own.
SANDBOX_MODULE = "zoom_sandbox"

if TYPE_CHECKING:
    from slotlink.accounts.demo import DemoAccounts
    from slotlink.shell.demo_calendars import DemoCalendarUser
    from slotlink.shell.demo_zoom import DemoZoomUser


def run_demo(argv: list[str]) -> int:
    args = _arguments(argv)
    # The sandbox is its own distribution (zoom-sandbox/), which a production install lacks;
    # find_spec looks for it without importing it (the product never does).
    if importlib.util.find_spec(SANDBOX_MODULE) is None:
        print("The Zoom sandbox is not installed: run `make run`, or pip install ./zoom-sandbox.")
        return 2
    # Everything the demo and its processes create (the database, its WAL files, the
    # sandbox's state) is for this user's eyes only.
    os.umask(0o077)
    _demo_environment_set(args)
    for port, variable in [
        (args.port, "PORT"),
        (args.sandbox_port, "SANDBOX_PORT"),
        (args.calendar_port, "CALENDAR_PORT"),
    ]:
        if not port_is_free(port):
            print(f"Port {port} is already in use. Stop what uses it, or set {variable}=<port>.")
            return 2

    import django

    django.setup()
    from django.conf import settings

    from slotlink.shell.demo_calendars import (
        calendar_server_child,
        demo_calendar_password,
        demo_calendar_users,
    )

    accounts, database = _database_prepare()
    calendar_users = demo_calendar_users([accounts.admin, accounts.member])
    calendar_password = demo_calendar_password([accounts.admin, accounts.member])
    children = _children(args, data_dir=settings.DATA_DIR)
    children.insert(
        1,
        calendar_server_child(
            data_dir=settings.DATA_DIR,
            port=args.calendar_port,
            users=calendar_users,
            password=calendar_password,
        ),
    )
    _metrics_dir_reset(data_dir=settings.DATA_DIR)
    os.environ.update(_sandbox_environment())
    calendars = DemoCalendars(calendar_users, calendar_password)
    return _children_run(children, args, accounts, calendars, database=database)


@dataclass(frozen=True)
class DemoCalendars:
    """The demo calendar server's accounts and their one password."""

    users: list["DemoCalendarUser"]
    password: str


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="slotlink run", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--sandbox-port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8765"))
    )
    parser.add_argument(
        "--calendar-port", type=int, default=int(os.environ.get("CALENDAR_PORT", "5232"))
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    return parser.parse_args(argv)


def _demo_environment_set(args: argparse.Namespace) -> None:
    """What this process and every child read: demo mode, the db worker, the ports."""
    os.environ["SLOTLINK_MODE"] = "demo"
    os.environ["SLOTLINK_TASK_BACKEND"] = "db"  # the demo's worker is `db_worker`, RQ or not
    os.environ["PORT"] = str(args.port)
    os.environ["SANDBOX_PORT"] = str(args.sandbox_port)
    os.environ["CALENDAR_PORT"] = str(args.calendar_port)
    # The demo's calendar server is on loopback, which slotlink refuses to reach outside
    # the demo (core/outbound.py): the supervisor connects to it, the worker refreshes it.
    os.environ["SLOTLINK_ALLOW_PRIVATE_NETWORKS"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slotlink.config.settings")


def _database_prepare() -> tuple["DemoAccounts", str]:
    """Migrates the database and creates the demo data the first time; the demo's accounts
    and the database in words."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from slotlink.core.datafiles import data_dir_make_private
    from slotlink.shell.demo import demo_seed

    data_dir_make_private(settings.DATA_DIR)
    database = database_description(settings.DATABASES["default"])
    print(f"Preparing the database ({database}) ...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    accounts = demo_seed(password=os.environ.get("SLOTLINK_DEMO_PASSWORD") or None)
    connections.close_all()
    return accounts, database


def _metrics_dir_reset(*, data_dir: Path) -> None:
    """Web and worker processes count metrics into one directory that /metrics sums
    (core/metrics.py); its sample files are removed at each start, as prometheus_client
    requires (only those: the directory may be one the operator chose)."""
    metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or data_dir / "metrics")
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for samples in metrics_dir.glob("*.db"):
        samples.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)


def _sandbox_environment() -> dict[str, str]:
    """The sandbox registers the very Zoom app the product is configured with."""
    from django.conf import settings

    from slotlink.zoom.scopes import REQUESTED

    return dict(
        ZOOM_CLIENT_ID=settings.ZOOM_CLIENT_ID,
        ZOOM_CLIENT_SECRET=settings.ZOOM_CLIENT_SECRET,
        ZOOM_REDIRECT_URI=settings.ZOOM_REDIRECT_URI,
        ZOOM_WEBHOOK_SECRET_TOKEN=settings.ZOOM_WEBHOOK_SECRET_TOKEN,
        ZOOM_WEBHOOK_URL=f"{settings.BASE_URL}/zoom/webhook",
        ZOOM_OAUTH_BASE_URL=settings.ZOOM_OAUTH_BASE_URL,
        ZOOM_API_BASE_URL=settings.ZOOM_API_BASE_URL,
        # The demo's Zoom app grants exactly the scopes slotlink asks for.
        SANDBOX_APP_SCOPES=" ".join(REQUESTED),
        # Zoom retries failed webhooks after 5, 20 and 60 minutes; seconds in the demo.
        SANDBOX_WEBHOOK_RETRY_SCALE=os.environ.get("SANDBOX_WEBHOOK_RETRY_SCALE", "0.01"),
    )


def _children_run(
    children: list[Child],
    args: argparse.Namespace,
    accounts: "DemoAccounts",
    calendars: DemoCalendars,
    *,
    database: str,
) -> int:
    """Starts the children, seeds the sandbox's Zoom users and the hosts' calendars once
    they answer, prints the banner and supervises them until a signal or a death; stops
    them all whatever happens."""
    from django.db import connections

    from slotlink.shell.demo_calendars import demo_calendars_seed
    from slotlink.shell.demo_zoom import demo_zoom_users_seed

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    exit_code = 1
    # From here on SIGINT and SIGTERM only count: the loops below look at them between
    # steps, and no signal can leave the children without their supervisor.
    with StopSignals() as signals:
        try:
            children_start(children, env=env)
            if children_wait_until_ready(children, signals):
                zoom_users = demo_zoom_users_seed(
                    sandbox_url=f"http://127.0.0.1:{args.sandbox_port}",
                    password=accounts.password,
                )
                demo_calendars_seed(
                    server_url=f"http://127.0.0.1:{args.calendar_port}",
                    organization=accounts.organization,
                    users=calendars.users,
                    password=calendars.password,
                )
                connections.close_all()
                _print_banner(args, accounts, zoom_users, calendars, database=database)
                exit_code = children_supervise(children, signals)
        finally:
            children_stop(children, signals)
    return exit_code


def _children(args: argparse.Namespace, *, data_dir: Path) -> list[Child]:
    web = f"http://127.0.0.1:{args.port}"
    children = [
        Child(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                # The access log without tokens, and the rest of the web settings.
                "--config=python:slotlink.config.gunicorn",
                "slotlink.config.wsgi:application",
                f"--bind=127.0.0.1:{args.port}",
                f"--workers={args.workers}",
                "--threads=4",
                "--no-control-socket",  # several demos on one machine must not share one
            ],
            f"{web}/readyz",
        ),
        # Polls ten times a second: an empty poll is a plain read (core/.../db_worker.py).
        # Niced, so a booking request never waits for the CPU behind Zoom syncs and emails.
        Child(
            "worker",
            [sys.executable, "-m", "slotlink", "db_worker", "--interval=0.1", "--nice=10"],
            "",
        ),
        # Enqueues the periodic jobs (Zoom's sweep and hourly reconcile) for the worker.
        Child("scheduler", [sys.executable, "-m", "slotlink", "scheduler"], ""),
    ]
    children.insert(
        0,
        Child(
            "sandbox",
            [
                sys.executable,
                "-m",
                SANDBOX_MODULE,
                f"--port={args.sandbox_port}",
                f"--state-file={data_dir / 'zoom-sandbox.json'}",
            ],
            f"http://127.0.0.1:{args.sandbox_port}/_sandbox/health",
        ),
    )
    return children


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` of 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def database_description(database: Mapping[str, Any]) -> str:
    """The database in use, for people: "PostgreSQL slotlink on db:5432", "SQLite <file>"."""
    engine = str(database.get("ENGINE", ""))
    name = str(database.get("NAME", ""))
    if engine.endswith("sqlite3"):
        return f"SQLite {name}"
    vendor = {"postgresql": "PostgreSQL", "mysql": "MySQL", "oracle": "Oracle"}.get(
        engine.rsplit(".", 1)[-1], engine
    )
    host = str(database.get("HOST") or "localhost")
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"{vendor} {name} on {host}{port}"


def _print_banner(
    args: argparse.Namespace,
    accounts: "DemoAccounts",
    zoom_users: list["DemoZoomUser"],
    calendars: DemoCalendars,
    *,
    database: str,
) -> None:
    web = f"http://127.0.0.1:{args.port}"
    password = accounts.password
    password_line = (
        f"password: {password}"
        if password
        else "password: the one printed on the first run "
        "(to set a new one: SLOTLINK_DEMO_PASSWORD=<password> make run)"
    )
    app_logins = [
        ("admin@acme.test", "organization admin of Acme"),
        ("member@acme.test", "member of Acme"),
    ]
    if accounts.staff is not None:
        app_logins.append(
            (accounts.staff.email, "platform staff: the Django admin, no organization")
        )
    # One column for every login list, two spaces past the longest name.
    names = [name for name, _ in app_logins] + [user.email for user in zoom_users]
    width = max(len(name) for name in names + [user.username for user in calendars.users]) + 2
    lines = [
        "",
        f"slotlink is running (demo mode, demo data, {database}).",
        "",
        f"  App              {web}/360/",
        f"  Sign in          {web}/signin",
        f"  Booking pages    {web}/book/{accounts.organization.slug}",
        f"  Outbox (emails)  {web}/360/outbox",
        f"  Zoom sandbox     http://127.0.0.1:{args.sandbox_port}/",
        f"  Calendar server  http://127.0.0.1:{args.calendar_port}/  (CalDAV, and its web page)",
        f"  Django admin     {web}/django-admin/",
        "",
        f"  Logins ({password_line})",
        *(f"    {name:<{width}}{what}" for name, what in app_logins),
        "",
        "  Zoom sandbox logins (same password)",
        *(f"    {user.email:<{width}}{user.role}" for user in zoom_users),
        "",
        f"  Calendar server logins (password: {calendars.password})",
        *(
            f"    {user.username:<{width}}{user.host.email}'s calendar, connected to slotlink"
            for user in calendars.users
        ),
        "",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)
