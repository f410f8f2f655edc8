"""P1, P2 and P8 of the Zoom meeting benchmark: invitees book over HTTP at a steady rate
(10 a second) without Zoom (the same host's event type at a custom URL), then with Zoom and
the sandbox slow; the booking POST's latency from its due time (open loop),
each booking's time to link, and whether the first confirmation email has the link."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from benchmarks.results import NO_BAR
from benchmarks.zoom_common import (
    P1_BAR,
    P2_SLACK_SECONDS,
    P8_FIRST_SHARE,
    SECONDS_TO_LINK_TIMEOUT,
    Line,
    percentile,
    take,
    wait_for,
)
from benchmarks.zoom_mailbox import by_recipient
from benchmarks.zoom_seed import Host, Seeds
from benchmarks.zoom_stack import MachineShare, SandboxControl, Stack, mail_dir

# --- P1, P2, P8: bookings over HTTP at a steady rate -------------------------------------


def booking_load(
    stack: Stack,
    control: SandboxControl,
    host: Host,
    args: argparse.Namespace,
    *,
    seconds: float | None = None,
    rate: float | None = None,
    tag: str = "",
    **faults: Any,
) -> tuple[list[Any], list[int]]:
    from benchmarks.zoom_load import post_bookings
    from slotlink.scheduling.models import Booking

    control.faults(**faults)
    rate = rate or args.rate
    starts = take(host, round(rate * (seconds or args.seconds)))
    print(f"  {len(starts)} booking POSTs at {rate:g}/s to {host.name} ...", flush=True)
    share, cpu_before = MachineShare(stack), stack.cpu_seconds()
    posted = post_bookings(
        host.page(stack.web_url), starts, rate=rate, tag=tag or host.name, clients=args.clients
    )
    per_booking = ", ".join(
        f"{name} {(cpu - cpu_before[name]) / len(starts) * 1000:.0f}"
        for name, cpu in stack.cpu_seconds().items()
    )
    print(f"  while posting: {share}; CPU ms per booking: {per_booking}", flush=True)
    emails = [p.email for p in posted if not p.error]
    ids = list(Booking.objects.filter(invitee_email__in=emails).values_list("id", flat=True))
    return posted, ids


def post_p95(posted: list[Any]) -> float:
    """p95 of the POSTs' latency from their due times (open loop)."""
    return percentile([p.latency_ms for p in posted], 95)


def load_summary(posted: list[Any]) -> str:
    errors = [p.error for p in posted if p.error]
    latencies = [p.latency_ms for p in posted]
    return (
        f"{len(posted)} POSTs, from their due times: p50 {percentile(latencies, 50):.0f} ms, "
        f"p95 {percentile(latencies, 95):.0f} ms, p99 {percentile(latencies, 99):.0f} ms "
        f"(from when sent: p95 {percentile([p.service_ms for p in posted], 95):.0f} ms), max "
        f"lag {max(p.lag_ms for p in posted):.0f} ms, errors {len(errors)} "
        f"{sorted(set(errors))[:3]}"
    )


def seconds_to_link(booking_ids: list[int]) -> list[float | None]:
    """Per booking, from Booking.created_at to ZoomMeeting.link_ready_at (None: no link)."""
    from slotlink.scheduling.models import Booking
    from slotlink.zoom.models import ZoomMeeting

    def ready() -> int:
        return ZoomMeeting.objects.filter(
            booking_id__in=booking_ids, link_ready_at__isnull=False
        ).count()

    wait_for(
        "every join link", lambda: ready() == len(booking_ids), timeout=SECONDS_TO_LINK_TIMEOUT
    )
    created = dict(Booking.objects.filter(id__in=booking_ids).values_list("id", "created_at"))
    linked = dict(
        ZoomMeeting.objects.filter(booking_id__in=booking_ids).values_list(
            "booking_id", "link_ready_at"
        )
    )
    return [
        (linked[b] - created[b]).total_seconds() if linked.get(b) else None for b in booking_ids
    ]


def links_in_emails(booking_ids: list[int], mail: Path) -> tuple[int, int]:
    """How many bookings' first invitee email carries the join link, and how many have it
    in some email (waiting for the updates that bring late links)."""
    from slotlink.scheduling.models import Booking
    from slotlink.zoom.models import ZoomMeeting

    invitee = dict(Booking.objects.filter(id__in=booking_ids).values_list("id", "invitee_email"))
    links = dict(
        ZoomMeeting.objects.filter(booking_id__in=booking_ids).values_list("booking_id", "join_url")
    )
    found: dict[str, list[dict[str, Any]]] = {}

    def has_link(booking: int, notes: list[dict[str, Any]]) -> bool:
        return bool(links.get(booking)) and any(links[booking] in n["text"] for n in notes)

    def collect() -> bool:
        found.clear()
        found.update(by_recipient(mail))
        return all(has_link(b, found.get(invitee[b], [])) for b in booking_ids)

    wait_for("a link in every booking's emails", collect, timeout=90, every=1)
    first = eventually = 0
    for booking in booking_ids:
        sent = found.get(invitee[booking], [])
        first += has_link(booking, sent[:1])
        eventually += has_link(booking, sent)
    return first, eventually


def p1_alone(stack: Stack, control: SandboxControl, seeds: Seeds, args: argparse.Namespace) -> Line:
    """P1 with no worker running while the POSTs are made: the booking request's own
    cost with Zoom on and off, without the background work that shares the CPUs."""
    from django_tasks_db.models import DBTaskResult

    print("P1 (no worker running, for comparison): no Zoom, then Zoom ...", flush=True)
    seconds = args.alone_seconds
    off, _ = booking_load(stack, control, seeds.hosts["off"], args, seconds=seconds, tag="alone")
    print(f"  {load_summary(off)}", flush=True)
    on, on_ids = booking_load(
        stack,
        control,
        seeds.hosts["link"],
        args,
        seconds=seconds,
        tag="link-alone",
        latency_ms=args.latency_ms,
    )
    print(f"  {load_summary(on)}", flush=True)
    stack.start_workers(args.workers)
    seconds_to_link(on_ids)  # the workers catch up before the next measure starts
    wait_for(
        "the queue to drain",
        lambda: (
            not DBTaskResult.objects.ready().exists()
            and not DBTaskResult.objects.filter(status="RUNNING").exists()
        ),
        timeout=120,
    )
    ratio = post_p95(on) / post_p95(off)
    return Line(
        "P1 without workers running (for comparison)",
        f"{post_p95(on):.0f} / {post_p95(off):.0f} ms = {ratio:.2f}",
        NO_BAR,
        True,
    )


def p1_interleaved(
    stack: Stack, control: SandboxControl, seeds: Seeds, args: argparse.Namespace
) -> Line:
    """P1 again as blocks without Zoom and with (sandbox at 2 s) in turn, without first in
    even rounds and on first in odd ones, with the workers running: a machine whose speed
    drifts over minutes (a shared host) then weighs on both sides alike, which two phases
    one after the other cannot promise."""
    print(
        f"P1 interleaved: {args.interleaved} rounds of {args.block_seconds:g} s without Zoom "
        "and with it in turn ...",
        flush=True,
    )
    posted: dict[str, list[Any]] = {"off": [], "link": []}
    for round_ in range(args.interleaved):
        for name in ("off", "link") if round_ % 2 == 0 else ("link", "off"):
            zoom = {"latency_ms": args.latency_ms} if name == "link" else {}
            block, _ = booking_load(
                stack,
                control,
                seeds.hosts[name],
                args,
                seconds=args.block_seconds,
                tag=f"{name}-turn-{round_}",
                **zoom,
            )
            posted[name] += block
    on, off = posted["link"], posted["off"]
    print(f"  no Zoom: {load_summary(off)}\n  Zoom: {load_summary(on)}", flush=True)
    ratio = post_p95(on) / post_p95(off)
    return Line(
        f"P1 in {args.interleaved} interleaved rounds (for comparison)",
        f"{post_p95(on):.0f} / {post_p95(off):.0f} ms = {ratio:.2f}",
        NO_BAR,
        True,
    )


def _zoom_on(
    stack: Stack, control: SandboxControl, host: Host, args: argparse.Namespace, latency_ms: int
) -> tuple[list[Any], list[float | None]]:
    """Bookings at the load's rate with the sandbox answering in `latency_ms`: the POSTs,
    and each booking's time to link."""
    posted, ids = booking_load(stack, control, host, args, latency_ms=latency_ms)
    print(f"  {load_summary(posted)}", flush=True)
    to_link = seconds_to_link(ids)
    linked = [s for s in to_link if s is not None]
    print(
        f"  time to link: p50 {percentile(linked, 50):.2f} s, p95 "
        f"{percentile(linked, 95):.2f} s, max {max(linked, default=0):.2f} s, "
        f"{len(to_link) - len(linked)} without a link",
        flush=True,
    )
    return posted, to_link


def p1_p2_p8(
    stack: Stack,
    control: SandboxControl,
    seeds: Seeds,
    args: argparse.Namespace,
    samples: dict[str, Any],
) -> list[Line]:
    """The rows of P1, P2 and P8; `samples` gets each load's POST latencies and times to
    link, without Zoom, Zoom fast and slow, for the plot of `make bench`."""
    print("P1: no Zoom (the Zoom host's event type at a custom URL) ...", flush=True)
    off, _ = booking_load(stack, control, seeds.hosts["off"], args)
    print(f"  {load_summary(off)}", flush=True)
    print(f"P1/P2: Zoom on, sandbox latency {args.latency_ms} ms ...", flush=True)
    on, to_link = _zoom_on(stack, control, seeds.hosts["link"], args, args.latency_ms)
    linked = [s for s in to_link if s is not None]
    print(f"Zoom on, fast: sandbox latency {args.fast_latency_ms} ms ...", flush=True)
    fast, fast_to_link = _zoom_on(stack, control, seeds.hosts["fast"], args, args.fast_latency_ms)
    fast_linked = [s for s in fast_to_link if s is not None]
    samples["rate"], samples["workers"] = f"{args.rate:g}", args.workers
    samples["post_ms"] = {
        "No Zoom (custom URL)": [p.latency_ms for p in off],
        f"Zoom on, answering in {args.fast_latency_ms} ms": [p.latency_ms for p in fast],
        f"Zoom on, answering in {args.latency_ms} ms": [p.latency_ms for p in on],
    }
    samples["link_s"] = {
        f"Zoom answering in {args.fast_latency_ms} ms": fast_linked,
        f"Zoom answering in {args.latency_ms} ms": linked,
    }
    print("P8: sandbox latency 1500-2000 ms ...", flush=True)
    mail, mail_ids = booking_load(
        stack, control, seeds.hosts["mail"], args, latency_ms=1500, latency_jitter_ms=500
    )
    print(f"  {load_summary(mail)}", flush=True)
    mail_links = [s for s in seconds_to_link(mail_ids) if s is not None]
    first, eventually = links_in_emails(mail_ids, mail_dir(stack.data_dir))
    total = max(1, len(mail_ids))
    print(
        f"  time to link p95 {percentile(mail_links, 95):.2f} s; first email has the link: "
        f"{first}/{len(mail_ids)}, eventually: {eventually}/{len(mail_ids)}",
        flush=True,
    )

    ratio = post_p95(on) / post_p95(off)
    p2 = percentile([s if s is not None else float("inf") for s in to_link], 95)
    p2_bar = args.latency_ms / 1000 + P2_SLACK_SECONDS
    load_ok = not any(p.error for p in (*off, *on, *fast, *mail))
    return [
        Line(
            "P1 booking POST p95 from its due time, Zoom / no Zoom (same host)",
            f"{post_p95(on):.0f} / {post_p95(off):.0f} ms = {ratio:.2f}"
            + ("" if load_ok else " (failed POSTs)"),
            f"<= {P1_BAR}",
            ratio <= P1_BAR and load_ok,
        ),
        Line(
            f"P2 time to link p95 ({len(to_link)} bookings at {args.rate:g}/s)",
            f"{p2:.2f} s (p50 {percentile(linked, 50):.2f} s)",
            f"<= {p2_bar:.1f} s",
            p2 <= p2_bar,
        ),
        Line(
            f"Time to link p95 with Zoom answering in {args.fast_latency_ms} ms "
            f"(POST p95 {post_p95(fast):.0f} ms)",
            f"{percentile(fast_linked, 95):.2f} s (p50 {percentile(fast_linked, 50):.2f} s)",
            NO_BAR,
            len(fast_linked) == len(fast_to_link),
        ),
        Line(
            "P8 link in the first confirmation email",
            f"{first / total:.1%} ({first}/{len(mail_ids)})",
            f">= {P8_FIRST_SHARE:.0%}",
            first / total >= P8_FIRST_SHARE,
        ),
        Line(
            "P8 link in an email eventually",
            f"{eventually / total:.1%} ({eventually}/{len(mail_ids)})",
            "100%",
            eventually == len(mail_ids) and bool(mail_ids),
        ),
    ]
