"""Issue 20: the server CPU and the queries of one public booking POST, in-process, on any
checkout's code (docs/benchmarks.md, "Issue 20"). Run by booking_cpu.sh, which puts
CHECKOUT's src and tests first on the path; a pytest module so that pytest-django makes
the throwaway database (SQLite, or PostgreSQL from DATABASE_URL) the same way at any
commit.

Books one event type (a phone call, as 793060a's benchmark does) through Django's test
client: WARMUP bookings first (as on a server that has run a while), then POSTS more, each
timed with process_time (CPU of this process: the view, the middleware, the ORM and the
database driver; on PostgreSQL the server's own work is not counted). Prints the mean and
median CPU per POST, the queries of the last POST, and the Python function calls of 20
more (a count, the same at every run of one commit: it compares commits where CPU time on
a shared machine is noisy). PROFILE=path writes a cProfile of the timed POSTs there. The
booking limits are whatever the environment sets (booking_cpu.sh turns them off, as the
side-by-side benchmark does).

ZOOM=1 books a Zoom event type instead, in an organization with Zoom on, whose host has
their own Zoom connected with tokens a sandbox issued (as tests/zoom/test_booking_queries.py
sets it up); the POST never calls Zoom (it writes the desired meeting and its sync task),
so the sandbox is stopped before the first POST. Compare with the same checkout's run
without it: Zoom's own cost per POST.
"""

import cProfile
import os
import statistics
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.factories import make_organization
from tests.scheduling.builders import make_event_type, make_host, next_free_starts

from slotlink.scheduling.models import LocationKind

WARMUP = int(os.environ.get("WARMUP", "20"))
POSTS = int(os.environ.get("POSTS", "400"))
COUNTED = 20  # POSTs whose Python function calls are counted (a count: no noise)


@pytest.mark.django_db(transaction=True)
def test_booking_post_cpu() -> None:
    organization = make_organization("Bench")
    if os.environ.get("ZOOM"):
        event_type = _zoom_event_type(organization)
    else:
        event_type = make_event_type(
            organization, make_host(organization), location_kind=LocationKind.PHONE
        )
    starts = next_free_starts(event_type, WARMUP + POSTS + COUNTED, days=30)
    if os.environ.get("KEEP_CONNECTION"):  # as outside test mode: one connection per thread
        connection.settings_dict["CONN_MAX_AGE"] = 60
    client = Client(REMOTE_ADDR="203.0.113.5")
    path = f"/book/{organization.slug}/{event_type.slug}"

    def post(n: int) -> None:
        response = client.post(
            path,
            {
                "start": starts[n].isoformat(),
                "time_zone": "Europe/Berlin",
                "name": "Ivy Invitee",
                "email": f"ivy{n}@example.test",
                "phone": "+1 212 555 0100",
            },
        )
        assert response.status_code == 302, response.content[:2000]

    for n in range(WARMUP):
        post(n)
    profiler = cProfile.Profile() if os.environ.get("PROFILE") else None
    spent = []
    for n in range(WARMUP, WARMUP + POSTS - 1):
        if profiler:
            profiler.enable()
        began = time.process_time()
        post(n)
        spent.append(time.process_time() - began)
        if profiler:
            profiler.disable()
    with CaptureQueriesContext(connection) as queries:
        post(WARMUP + POSTS - 1)
    sql = [query["sql"] for query in queries.captured_queries]  # the next request clears them
    calls = _calls_per_post(post, range(WARMUP + POSTS, WARMUP + POSTS + COUNTED))
    if profiler:
        profiler.dump_stats(os.environ["PROFILE"])
    print(
        f"\nBOOKING POST CPU {connection.vendor}: mean {statistics.mean(spent) * 1000:.2f} ms, "
        f"median {statistics.median(spent) * 1000:.2f} ms over {len(spent)} POSTs; "
        f"{len(sql)} queries; {calls:.0f} Python function calls per POST"
    )
    if os.environ.get("SHOW_QUERIES"):
        for query in sql:
            print("   ", query[:300])


def _zoom_event_type(organization):
    """A Zoom event type of a host with their own Zoom connected, Zoom on for the
    organization; a sandbox issues the tokens and is stopped again (the POST never calls
    Zoom). Needs a checkout with Zoom (not 793060a)."""
    from tests.fixtures.zoom_sandbox import SandboxServer, ZoomSandbox
    from tests.zoom.factories import connected

    from slotlink.accounts.models import Membership
    from slotlink.zoom.locations import ZOOM
    from slotlink.zoom.models import ZoomRollout
    from zoom_sandbox.config import SandboxConfig

    server = SandboxServer(SandboxConfig())
    server.start()
    try:
        sandbox = ZoomSandbox(server)
        sandbox.reset()
        for name, value in sandbox.env().items():
            setattr(settings, name, value)
        ZoomRollout.objects.create(organization=organization, enabled=True)
        host = make_host(organization)  # as the phone event type's host
        membership = Membership.objects.get(organization=organization, user=host)
        connected(sandbox, membership, email="hana@zoom.test")
        sandbox.close()
    finally:
        server.stop()
    return make_event_type(organization, membership.user, location_kind=ZOOM)


def _calls_per_post(post, numbers) -> float:
    """Python function calls (not C builtins) per POST: the same at every run of one
    commit, so it compares commits where CPU time on a shared machine is noisy."""
    calls = 0

    def count(frame, event, arg) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        for n in numbers:
            post(n)
    finally:
        sys.setprofile(None)
    return calls / len(numbers)
