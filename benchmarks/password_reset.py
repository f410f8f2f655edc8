"""Password reset: the answer for an email with an account against one without.

The page must not tell whether an email has an account, by its words or by its time (the
reset email was sent in the request: 59 ms against 10 ms). This runs the real stack as
`slotlink run` does (gunicorn and a task worker, in a fresh data directory, SQLite or the
throwaway PostgreSQL database of `--database-url`) with one account, and posts "forgot
password" for that account's email and for an unknown one in alternating rounds at a steady
rate (open loop: each latency counts from when its request was due), so a drifting machine
weighs on both alike. The reset limits are lifted for the run: every request comes from
this one address.

    python -m benchmarks.password_reset [--rate 10] [--seconds 5] [--rounds 3]
        [--database-url postgres://...]

Prints p50/p95 per email kind and their ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from benchmarks import results
from benchmarks.ports import free_port
from benchmarks.scheduling_booking import (
    Phase,
    csrf_token,
    print_phases,
    run_phase,
    stack_env,
    start_stack,
    wait_until_up,
)

KNOWN = "owner@bench.test"
UNKNOWN = "nobody@bench.test"
NO_RESET_LIMITS = {
    "SLOTLINK_RESET_LIMIT_PER_ADDRESS": "1000000000",
    "SLOTLINK_RESET_LIMIT_PER_EMAIL_AND_ADDRESS": "1000000000",
}


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, organization_create, user_create

    call_command("migrate", interactive=False, verbosity=0)
    organization = organization_create(name="Bench", slug="bench")
    owner = user_create(email=KNOWN, full_name="Bench Owner", password=None, time_zone="UTC")
    owner.set_password("a long benchmark passphrase")
    owner.save()
    membership_create(user=owner, organization=organization, role=Membership.Role.ADMIN)


class ResetPost:
    def __init__(self, url: str, email: str, tokens: dict[int, str]) -> None:
        self.url, self.email, self.tokens = url, email, tokens

    def __call__(self, client: httpx.Client, number: int) -> str:
        answer = client.post(
            self.url,
            data={"email": self.email, "csrfmiddlewaretoken": self.tokens[id(client)]},
            headers={"Referer": self.url},
        )
        if answer.status_code != 302 or answer.headers.get("location") != "/password/reset/sent":
            return f"{answer.status_code} {answer.headers.get('location')}"
        return ""


def merged(name: str, phases: list[Phase]) -> Phase:
    whole = Phase(name)
    for phase in phases:
        whole.latencies_ms += phase.latencies_ms
        whole.errors += phase.errors
        whole.seconds += phase.seconds
    return whole


def measure(args: argparse.Namespace, data_dir: str, database_url: str) -> list[Phase]:
    port = free_port()
    env = stack_env(data_dir, port, NO_RESET_LIMITS)
    if args.database_url:
        env["DATABASE_URL"] = database_url
    subprocess.run(
        [sys.executable, "-m", "benchmarks.password_reset", "--prepare"], env=env, check=True
    )
    processes = start_stack(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz")
        url = f"{base}/password/reset"
        clients = [httpx.Client(timeout=30) for _ in range(4)]
        tokens = {id(c): csrf_token(c.get(url).text) for c in clients}
        known, unknown = ResetPost(url, KNOWN, tokens), ResetPost(url, UNKNOWN, tokens)
        run_phase("warm-up", clients, 1, args.rate, unknown)
        rounds: dict[str, list[Phase]] = {"account": [], "no account": []}
        for _ in range(args.rounds):
            for name, post in (("account", known), ("no account", unknown)):
                rounds[name].append(run_phase(name, clients, args.seconds, args.rate, post))
        for client in clients:
            client.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
    return [merged(f"reset POST, email {name}", phases) for name, phases in rounds.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="per round and email kind")
    parser.add_argument("--rate", type=float, default=10, help="requests due a second")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="", help="postgres://... of a throwaway database")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    results.json_option(parser)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare()
        return 0
    from benchmarks.zoom_sync_log import throwaway_database

    with (
        tempfile.TemporaryDirectory(prefix="slotlink-bench-") as data_dir,
        throwaway_database(args.database_url, Path(data_dir)) as database_url,
    ):
        account, no_account = measure(args, data_dir, database_url)
    database = "PostgreSQL" if args.database_url else "SQLite"
    ratio50 = account.percentile(50) / no_account.percentile(50)
    ratio95 = account.percentile(95) / no_account.percentile(95)
    setup = (
        f"{database}, {args.rate:g} requests due a second, {args.rounds} alternating rounds of "
        f"{args.seconds:g} s per email kind; latency from each request's due time"
    )
    print(f"\n{setup}\n")
    print_phases([account, no_account])
    print(f"\naccount / no account: p50 {ratio50:.2f}, p95 {ratio95:.2f}")
    results.write(
        results.Result(
            benchmark="benchmarks.password_reset",
            title="Password reset: an email with an account against one without",
            argv=results.argv_without_json(argv),
            notes=[setup],
            rows=[
                results.Row(
                    "p50 and p95, account / no account",
                    f"{ratio50:.2f}, {ratio95:.2f}",
                    "within 0.8-1.25",
                    0.8 <= ratio50 <= 1.25 and 0.8 <= ratio95 <= 1.25,
                )
            ],
        ),
        args.json,
    )
    errors = account.errors + no_account.errors
    if errors:
        print(f"\n{len(errors)} errors, e.g. {sorted(set(errors))[:5]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
