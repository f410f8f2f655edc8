"""P4 and P3 of the Zoom meeting benchmark, both about one Zoom account: a refresh storm
(many syncs at once on its expired token), and its sustained create rate under Zoom's
per-second limit."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.zoom_common import (
    P3_429_SHARE,
    P3_LIMIT,
    P3_SHARE,
    Line,
    at,
    refreshes,
    wait_for,
    zoom_calls,
)
from benchmarks.zoom_seed import Seeds, bookings_create
from benchmarks.zoom_stack import MachineShare, SandboxControl, Stack

# --- P4: a refresh storm -------------------------------------------------------------------


def storm_child(job_file: str) -> int:
    """In a child process: sync each meeting in the job in its own thread, all at once."""
    import django

    django.setup()
    from django.db import connection

    from slotlink.zoom.meetings.sync import meeting_sync

    job = json.loads(Path(job_file).read_text())
    outcomes: list[str] = []
    lock = threading.Lock()

    def sync(meeting_id: int) -> None:
        time.sleep(max(0.0, job["start_at"] - time.time()))
        try:
            result = meeting_sync(meeting_id=meeting_id)
            outcome = "in sync" if result.in_sync else f"not in sync (retry {result.retry_at})"
        except Exception as error:
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=sync, args=(m,)) for m in job["meeting_ids"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(outcomes))
    return 0


def storm_size(wanted: int) -> int:
    """On PostgreSQL every concurrent sync holds a connection: stay under max_connections."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return wanted
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        available = int(cursor.fetchone()[0]) - 15  # the server's reserve and ours
    return min(wanted, available)


def p4(stack: Stack, control: SandboxControl, seeds: Seeds, args: argparse.Namespace) -> Line:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from slotlink.zoom.models import ZoomMeeting, ZoomUser

    size = storm_size(args.storm)
    host = seeds.hosts["storm"]
    assert host.zoom_user is not None
    print(f"P4: {size} concurrent syncs on an expired token ...", flush=True)
    booking_ids = bookings_create(host, size, tag="storm")
    meeting_ids = list(
        ZoomMeeting.objects.filter(booking_id__in=booking_ids).values_list("id", flat=True)
    )
    # The workers are stopped; the syncs below are the storm, so their queued tasks go.
    queued = DBTaskResult.objects.filter(status="READY", task_path__endswith="zoom_meeting_sync")
    DBTaskResult.objects.filter(
        id__in=[t.id for t in queued if t.args_kwargs["args"][0] in set(meeting_ids)]
    ).delete()
    ZoomUser.objects.filter(zoom_user_id=host.zoom_user["id"]).update(
        access_expires_at=timezone.now() - timedelta(minutes=1)
    )
    control.expire_tokens(host.zoom_user["id"])
    control.faults(latency_ms=args.latency_ms)
    control.clear_requests()
    processes = args.storm_processes
    start_at = time.time() + 3.0  # time for every child to start and open its threads
    children = []
    for index in range(processes):
        job = Path(stack.data_dir) / f"storm-{index}.json"
        mine = meeting_ids[index::processes]
        job.write_text(json.dumps({"meeting_ids": mine, "start_at": start_at}))
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks.zoom_meetings", "--storm-child", str(job)],
                stdout=subprocess.PIPE,
                env=dict(os.environ),
            )
        )
    outcomes: list[str] = []
    for child in children:
        out, _ = child.communicate(timeout=600)
        outcomes += json.loads(out or b"[]")
    entries = control.requests()
    refreshed = refreshes(entries)
    synced = ZoomMeeting.objects.filter(id__in=meeting_ids, zoom_meeting_id__isnull=False).count()
    unauthorized = sum(1 for e in zoom_calls(entries) if e["status"] == 401)
    limited = sum(1 for e in zoom_calls(entries) if e["status"] == 429)
    problems = sorted({o for o in outcomes if o != "in sync"})
    print(
        f"  refresh calls {refreshed}; meetings created {synced}/{size}; 401 answers "
        f"{unauthorized}; 429 answers {limited} (such a sync waits to retry); not in sync: "
        f"{len(outcomes) - outcomes.count('in sync')} {problems[:3]}",
        flush=True,
    )
    return Line(
        f"P4 refresh calls, {size} concurrent syncs ({processes} processes)",
        f"{refreshed} ({synced}/{size} meetings made at once, {limited} answered 429)",
        "== 1",
        refreshed == 1,
    )


# --- P3: one account's sustained create rate ---------------------------------------------


def p3(stack: Stack, control: SandboxControl, seeds: Seeds, args: argparse.Namespace) -> Line:
    from slotlink.zoom.models import ZoomMeeting

    pace_hosts = [h for name, h in seeds.hosts.items() if name.startswith("pace-")]
    count = round(P3_LIMIT * args.p3_seconds)
    print(
        f"P3: {count} bookings on one Zoom account, {args.p3_workers} workers, sandbox latency "
        f"{args.p3_latency_ms} ms ...",
        flush=True,
    )
    booking_ids: list[int] = []
    for index, host in enumerate(pace_hosts):
        portion = count // len(pace_hosts) + (index < count % len(pace_hosts))
        booking_ids += bookings_create(host, portion, tag=f"pace{index}")
    control.faults(latency_ms=args.p3_latency_ms)
    control.clear_requests()
    began = time.monotonic()
    stack.start_workers(args.p3_workers)
    machine = MachineShare(stack)

    def created() -> int:
        return ZoomMeeting.objects.filter(
            booking_id__in=booking_ids, zoom_meeting_id__isnull=False
        ).count()

    wait_for("every P3 meeting", lambda: created() == count, timeout=count / P3_LIMIT * 3 + 60)
    elapsed = time.monotonic() - began
    workers_cpu = stack.workers_cpu_seconds()
    calls = zoom_calls(control.requests())
    creates = sorted(
        at(e)
        for e in calls
        if e["method"] == "POST" and e["path"].endswith("/meetings") and e["status"] == 201
    )
    limited = sum(1 for e in calls if e["status"] == 429)
    span = creates[-1] - creates[0] if len(creates) > 1 else float("nan")
    rate = (len(creates) - 1) / span if len(creates) > 1 else 0.0
    per_second: dict[int, int] = {}
    for moment in creates:
        per_second[int(moment)] = per_second.get(int(moment), 0) + 1
    full = list(per_second.values())[1:-1]  # whole seconds only
    share = limited / max(1, len(calls))
    print(
        f"  {len(creates)} creates in {span:.1f} s = {rate:.1f}/s; per whole second min "
        f"{min(full, default=0)}, max {max(full, default=0)}; 429: {limited} of {len(calls)} "
        f"Zoom requests ({share:.2%}); workers' CPU {workers_cpu / count * 1000:.0f} ms per "
        f"booking, {workers_cpu / elapsed:.1f} CPUs; "
        f"{machine}",
        flush=True,
    )
    return Line(
        f"P3 creates/s on one account ({len(creates)} creates), share of 429",
        f"{rate:.1f}/s, {share:.2%} ({limited}/{len(calls)})",
        f">= {P3_LIMIT * P3_SHARE:.0f}/s, < {P3_429_SHARE:.0%}",
        rate >= P3_LIMIT * P3_SHARE and share < P3_429_SHARE,
    )
