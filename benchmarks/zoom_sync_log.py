"""The Zoom sync log page with a million entries: first page, filtered pages, an old page.

In a fresh database (a SQLite file in a temporary directory, or a throwaway PostgreSQL
database with `--database-url`), migrates, creates an organization with an admin and two
Zoom connections, and loads `--rows` sync log entries for it (a million by default) plus
a tenth as many for a second organization, interleaved as two organizations' Zoom calls
would be. Then, signed in as the admin through Django's test `Client` (the whole view:
middleware, session, form, query and template, minus the network), it times GET
/360/integrations/zoom/sync-log for the first page, one filtered page per filter (account,
action, outcome, booking, and a combination of three) and an "Older" page from the middle
of the log, `--requests` times each after 3 warm-ups.

    python -m benchmarks.zoom_sync_log [--rows 1000000] [--requests 30]
    python -m benchmarks.zoom_sync_log --database-url postgres://postgres@127.0.0.1:5432/slotlink_bench_synclog

Prints the load time; per page the p50/p95/max wall-clock latency, the median CPU time the
request took in this process (on a busy machine the gap to the latency is waiting for a
CPU) and the median time of the sync log query alone (the selector, called directly); and
the database's plan for each page's sync log query. Exits non-zero if any page's p95 is
200 ms or more. The PostgreSQL database named in the URL is dropped first if it exists,
and dropped again at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from benchmarks import results

BAR_MS = 200.0
WARM_UPS = 3
BATCH = 50_000
BOOKINGS = 100_000  # the main organization's entries name bookings 1..BOOKINGS
URL = "/360/integrations/zoom/sync-log"

# (action, share of entries); meeting.* calls are made for a booking.
ACTIONS = [
    ("meeting.create", 0.30),
    ("meeting.get", 0.20),
    ("token.refresh", 0.20),
    ("meeting.update", 0.15),
    ("meeting.delete", 0.08),
    ("user.get", 0.069),
    ("webhook.app_deauthorized", 0.001),
]
# (outcome, share, http_status, zoom_code, message)
OUTCOMES = [
    ("ok", 0.95, 200, None, ""),
    (
        "rate_limited",
        0.02,
        429,
        429,
        "You have exceeded the daily rate limit of (100) for Create meeting API requests "
        "permitted for this particular user. You may resume these requests at GMT 00:00:00.",
    ),
    ("unavailable", 0.01, 503, None, "Zoom did not answer within 15 s."),
    ("rejected", 0.01, 400, 300, "Invalid meeting start time: 2026-02-30T10:00:00Z."),
    ("not_found", 0.005, 404, 3001, "Meeting does not exist: 85746065432."),
    ("unauthorized", 0.003, 401, 124, "Invalid access token."),
    (
        "scope_missing",
        0.002,
        400,
        4711,
        "Invalid access token, does not contain scopes:[meeting:write:meeting].",
    ),
]
OK_STATUS = {"meeting.create": 201, "meeting.update": 204, "meeting.delete": 204}
COLUMNS = [
    "at",
    "organization_id",
    "connection_id",
    "zoom_user_id",
    "zoom_email",
    "action",
    "booking_id",
    "outcome",
    "http_status",
    "zoom_code",
    "message",
    "attempt",
    "duration_ms",
]


@dataclass(frozen=True)
class Account:
    """Who a log entry's Zoom call was made as: a connection, or one since disconnected."""

    zoom_user_id: str
    email: str
    connection_id: int | None
    share: float


@dataclass
class Case:
    name: str
    params: dict[str, str]
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    selector_ms: list[float] = field(default_factory=list)
    rows_shown: int = 0

    def percentile(self, values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p95(self) -> float:
        return self.percentile(self.latencies_ms, 95)

    def row(self) -> str:
        return (
            f"| {self.name} | {len(self.latencies_ms)} | "
            f"{self.percentile(self.latencies_ms, 50):.1f} | {self.p95:.1f} | "
            f"{max(self.latencies_ms):.1f} | {self.percentile(self.cpu_ms, 50):.1f} | "
            f"{self.percentile(self.selector_ms, 50):.1f} | "
            f"{self.rows_shown} |"
        )


def configure_environment(data_dir: str, database_url: str) -> None:
    """Settings come from the environment: a demo-mode slotlink on the benchmark's database."""
    for key in list(os.environ):
        if key.startswith(("SLOTLINK_", "DATABASE_URL")) or key in {"DEBUG", "LOG_LEVEL"}:
            del os.environ[key]
    os.environ.update(
        {
            "SLOTLINK_MODE": "demo",
            "SLOTLINK_DATA_DIR": data_dir,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "slotlink.config.settings",
            "LOG_LEVEL": "WARNING",
        }
    )


def postgres_admin(database_url: str) -> tuple[str, str]:
    """The maintenance database's URL on the same server, and the benchmark database's name."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"--database-url must name a throwaway database, not {name!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def postgres_recreate(database_url: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = postgres_admin(database_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        database = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


@contextmanager
def throwaway_database(database_url: str, data_dir: Path) -> Iterator[str]:
    """The URL to run on: the PostgreSQL database of `database_url`, created for the run
    and dropped after it, or a SQLite file in `data_dir` when none is given."""
    if not database_url:
        yield f"sqlite:///{data_dir}/slotlink.sqlite3"
        return
    postgres_recreate(database_url, create=True)
    try:
        yield database_url
    finally:
        postgres_recreate(database_url, create=False)


def seed() -> tuple[Any, Any, list[Account], Any, list[Account]]:
    """The organizations, their admins, Zoom switched on and the Zoom accounts, through the
    product's own services: (organization, admin, its accounts, other, the other's)."""
    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.zoom.client import TokenSet
    from slotlink.zoom.connections import ZoomProfile, zoom_connection_create, zoom_user_upsert
    from slotlink.zoom.rollout import zoom_enable

    def connect(organization: Any, owner: Any, zoom_user_id: str, email: str, role: str) -> int:
        profile = ZoomProfile(
            zoom_user_id=zoom_user_id,
            zoom_account_id="bench-account",
            email=email,
            display_name=email.split("@")[0].title(),
            user_type=2,
            time_zone="UTC",
        )
        tokens = TokenSet(
            access_token="bench-access",  # noqa: S106 - never sent anywhere
            refresh_token="bench-refresh",  # noqa: S106
            expires_in=3600,
            scope="",
        )
        zoom_user = zoom_user_upsert(profile=profile, tokens=tokens)
        connection = zoom_connection_create(
            organization=organization, zoom_user=zoom_user, owner=owner, role=role
        )
        return connection.id

    organization = organization_create(name="Bench", slug="bench")
    admin = user_create(email="admin@bench.test", full_name="Bench Admin", password=None)
    membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    host = user_create(email="host@bench.test", full_name="Bench Host", password=None)
    membership_create(user=host, organization=organization, role=Membership.Role.MEMBER)
    zoom_enable(organization=organization)
    accounts = [
        Account(
            "bench-org-zoom-0001",
            "meetings@bench.test",
            connect(organization, admin, "bench-org-zoom-0001", "meetings@bench.test", "org"),
            0.60,
        ),
        Account(
            "bench-host-zoom-0002",
            "host@bench.test",
            connect(organization, host, "bench-host-zoom-0002", "host@bench.test", "personal"),
            0.35,
        ),
        # An account disconnected since: its entries stay, without a connection.
        Account("bench-gone-zoom-0003", "former@bench.test", None, 0.05),
    ]
    other = organization_create(name="Other", slug="other")
    other_admin = user_create(email="admin@other.test", full_name="Other Admin", password=None)
    membership_create(user=other_admin, organization=other, role=Membership.Role.ADMIN)
    zoom_enable(organization=other)
    other_accounts = [
        Account(
            "other-org-zoom-0001",
            "zoom@other.test",
            connect(other, other_admin, "other-org-zoom-0001", "zoom@other.test", "org"),
            1.0,
        )
    ]
    return organization, admin, accounts, other, other_accounts


def entries(
    *,
    organization_id: int,
    accounts: list[Account],
    other_id: int,
    other_accounts: list[Account],
    rows: int,
    other_rows: int,
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    """Log entries oldest first over the past year, one organization's every `stride`-th."""
    total = rows + other_rows
    stride = total // other_rows if other_rows else total + 1
    step = timedelta(days=365) / total
    start = datetime.now(UTC) - timedelta(days=365)
    action_names, action_weights = zip(*ACTIONS, strict=True)
    outcome_weights = [outcome[1] for outcome in OUTCOMES]
    for i in range(total):
        other = i % stride == stride - 1
        pool = other_accounts if other else accounts
        account = pool[0] if len(pool) == 1 else rng.choices(pool, [a.share for a in pool])[0]
        action = rng.choices(action_names, action_weights)[0]
        outcome, _, http_status, zoom_code, message = rng.choices(OUTCOMES, outcome_weights)[0]
        if outcome == "ok":
            http_status = OK_STATUS.get(action, 200)
        if action.startswith("webhook."):  # an event slotlink acted on, not a call
            outcome, http_status, zoom_code, message = "ok", None, None, ""
        booking_id = None
        if action.startswith("meeting."):
            # A booking's calls cluster in time: created, updated, fetched, perhaps deleted.
            booking_id = max(1, int(i / total * BOOKINGS) + rng.randint(-30, 30))
            if other:
                booking_id += BOOKINGS
        yield (
            start + step * i,
            other_id if other else organization_id,
            account.connection_id,
            account.zoom_user_id,
            account.email,
            action,
            booking_id,
            outcome,
            http_status,
            zoom_code,
            message,
            2 if outcome == "ok" and rng.random() < 0.01 else 1,
            None if outcome == "unavailable" else rng.randint(60, 900),
        )


def load(rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert in batches: executemany on SQLite, COPY on PostgreSQL. Returns the count."""
    from django.db import connection, transaction

    from slotlink.zoom.models import SyncLogEntry

    table = SyncLogEntry._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    count = 0
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        with connection.cursor() as cursor:
            # What autovacuum does shortly after a bulk load: the planner's statistics.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        return count
    adapt = connection.ops.adapt_datetimefield_value
    marks = ", ".join(["%s"] * len(COLUMNS))
    into = connection.ops.quote_name(table)
    statement = f"INSERT INTO {into} ({quoted}) VALUES ({marks})"  # noqa: S608 - our names
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append((adapt(row[0]), *row[1:]))
            if len(batch) == BATCH:
                with transaction.atomic():
                    cursor.executemany(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            with transaction.atomic():
                cursor.executemany(statement, batch)
            count += len(batch)
    # No ANALYZE on SQLite: the product never runs one, so the planner has no statistics.
    return count


def selector_arguments(params: dict[str, str]) -> dict[str, Any]:
    names = {"account": "zoom_user_id", "action": "action", "outcome": "outcome"}
    arguments: dict[str, Any] = {names[k]: v for k, v in params.items() if k in names}
    if "booking" in params:
        arguments["booking_id"] = int(params["booking"])
    if "before" in params:
        arguments["before"] = int(params["before"])
    return arguments


def measure(client: Any, organization_id: int, case: Case, requests: int) -> None:
    from django.db import close_old_connections

    from slotlink.zoom.synclog_selectors import sync_log_page

    url = f"{URL}?{urlencode(case.params)}" if case.params else URL
    for n in range(WARM_UPS + requests):
        # As after a real request: SQLite's connection closes (CONN_MAX_AGE 0), so each
        # request opens its own; PostgreSQL's persists.
        close_old_connections()
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        cpu = (time.process_time() - began_cpu) * 1000
        if response.status_code != 200 or b'class="sync-log"' not in response.content:
            raise RuntimeError(f"{url}: {response.status_code}, no sync log table")
        if n >= WARM_UPS:
            case.latencies_ms.append(elapsed)
            case.cpu_ms.append(cpu)
    case.rows_shown = response.content.count(b"<tr>") - 1  # less the header row
    arguments = selector_arguments(case.params)
    for n in range(WARM_UPS + requests):
        began = time.perf_counter()
        sync_log_page(organization_id=organization_id, **arguments)
        if n >= WARM_UPS:
            case.selector_ms.append((time.perf_counter() - began) * 1000)


def query_plan(client: Any, case: Case) -> list[str]:
    """The plan of the sync log query the page ran (PostgreSQL: with actual times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{URL}?{urlencode(case.params)}" if case.params else URL
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    table = '"zoom_synclogentry"'
    sql = next(q["sql"] for q in captured.captured_queries if f"FROM {table}" in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in cursor.fetchall()]


def run(args: argparse.Namespace, database_label: str, argv: list[str] | None) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client

    from slotlink.zoom.models import SyncLogEntry

    call_command("migrate", interactive=False, verbosity=0)
    organization, admin, accounts, other, other_accounts = seed()
    rng = random.Random(20261129)  # noqa: S311 - test data, not secrets
    began = time.perf_counter()
    loaded = load(
        entries(
            organization_id=organization.id,
            accounts=accounts,
            other_id=other.id,
            other_accounts=other_accounts,
            rows=args.rows,
            other_rows=args.rows // 10,
            rng=rng,
        )
    )
    load_seconds = time.perf_counter() - began
    print(
        f"Loaded {loaded:,} sync log entries ({args.rows:,} of the benchmark organization) "
        f"in {load_seconds:.1f} s ({loaded / load_seconds:,.0f} rows/s)",
        flush=True,
    )

    own = SyncLogEntry.objects.filter(organization=organization)
    bounds = own.aggregate(first=Min("id"), last=Max("id"))
    middle = (bounds["first"] + bounds["last"]) // 2
    booking = (
        own.filter(id__lt=middle, booking_id__isnull=False)
        .order_by("-id")
        .values_list("booking_id", flat=True)
        .first()
    )
    host_account = accounts[1].zoom_user_id
    cases = [
        Case("first page", {}),
        Case("action=meeting.delete", {"action": "meeting.delete"}),
        Case("outcome=rate_limited", {"outcome": "rate_limited"}),
        Case(f"booking={booking}", {"booking": str(booking)}),
        Case("account=<host's Zoom>", {"account": host_account}),
        Case(
            "account + action=meeting.create + outcome=unavailable",
            {"account": host_account, "action": "meeting.create", "outcome": "unavailable"},
        ),
        Case("Older page (before=middle id)", {"before": str(middle)}),
    ]
    client = Client()
    client.force_login(admin)
    for case in cases:
        measure(client, organization.id, case, args.requests)
        print(f"  {case.name}: p95 {case.p95:.1f} ms", flush=True)

    print(f"\nQuery plans ({connection.vendor}):")
    for case in cases:
        print(f"\n{case.name}:")
        for line in query_plan(client, case):
            print(f"    {line}")

    print(
        f"\n{database_label}, {loaded:,} entries ({args.rows:,} in the organization), "
        f"{args.requests} requests per page after {WARM_UPS} warm-ups; {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load {load_seconds:.0f} s\n"
    )
    print("| page | requests | p50 ms | p95 ms | max ms | CPU p50 ms | query p50 ms | rows shown |")
    print("|---|---|---|---|---|---|---|---|")
    for case in cases:
        print(case.row())
    missed = [case.name for case in cases if case.p95 >= BAR_MS]
    results.write(
        results.Result(
            benchmark="benchmarks.zoom_sync_log",
            title="Zoom sync log page with a million entries",
            argv=results.argv_without_json(argv),
            notes=[f"{database_label}, {loaded:,} entries ({args.rows:,} in the organization)"],
            rows=[
                results.Row(
                    f"{case.name}: p50, p95",
                    f"{case.percentile(case.latencies_ms, 50):.0f} ms, {case.p95:.0f} ms",
                    f"p95 < {BAR_MS:.0f} ms",
                    case.p95 < BAR_MS,
                )
                for case in cases
            ],
        ),
        args.json,
    )
    if missed:
        print(f"\np95 at or over {BAR_MS:.0f} ms: {', '.join(missed)}")
        return 1
    print(f"\nEvery page's p95 is under {BAR_MS:.0f} ms.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://... of a throwaway database (created, then dropped); "
        "default: SQLite in a temporary directory",
    )
    results.json_option(parser)
    args = parser.parse_args(argv)
    postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url and not postgres:
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")

    with tempfile.TemporaryDirectory(prefix="slotlink-bench-synclog-") as data_dir:
        database_url = args.database_url or f"sqlite:///{data_dir}/slotlink.sqlite3"
        configure_environment(data_dir, database_url)
        if postgres:
            postgres_recreate(database_url, create=True)
        try:
            label = "PostgreSQL" if postgres else "SQLite"
            return run(args, label, argv)
        finally:
            from django.db import connections

            connections.close_all()
            if postgres:
                postgres_recreate(database_url, create=False)


if __name__ == "__main__":
    sys.exit(main())
