"""P8 with Zoom slower than the bound on waiting for a link: the confirmation goes out at
the bound saying the link follows, and an update brings the link once Zoom answers.

The web and worker processes are restarted with a short bound (`SLOTLINK_LINK_WAIT_SECONDS`,
default 3 s here against the product's 20 s), since Zoom's answers slower than the product's
20 s bound would pass its 15 s HTTP timeout (`ZOOM_HTTP_TIMEOUT_SECONDS`) and never come;
the sandbox then answers meeting creates `--slow-extra-ms` after the bound. Reported: the
share of bookings whose first invitee email says the link follows (the rest had it at
once), the share that get the link in some email, and, from the booking POST's answer, how
long the invitee waits for the first email and for the email with the link.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from benchmarks.results import NO_BAR
from benchmarks.zoom_bookings import booking_load, load_summary, seconds_to_link
from benchmarks.zoom_common import Line, percentile, wait_for
from benchmarks.zoom_mailbox import by_recipient
from benchmarks.zoom_seed import Seeds
from benchmarks.zoom_stack import SandboxControl, Stack, mail_dir

BOUND_VARIABLE = "SLOTLINK_LINK_WAIT_SECONDS"
CREATES = "/v2/users/"  # only meeting creates are slow: POST /v2/users/{id}/meetings


def slow_zoom(stack: Stack, args: argparse.Namespace) -> Line:
    """The lowered bound in force for what follows it (P8 with slow Zoom, P5's race)."""
    stack.restart_with(**{BOUND_VARIABLE: f"{args.slow_link_wait:g}"})
    return Line(
        "Bound on waiting for a link, for what follows",
        f"{args.slow_link_wait:g} s ({BOUND_VARIABLE}; the product's default is 20 s)",
        NO_BAR,
        True,
    )


def invitee_emails(
    booking_ids: list[int], mail: Path, *, timeout: float
) -> dict[int, tuple[str, list[dict[str, Any]]]]:
    """Per booking: its join link and the emails its invitee got, once some email of every
    booking has the link (or `timeout` passed)."""
    from slotlink.scheduling.models import Booking
    from slotlink.zoom.models import ZoomMeeting

    invitee = dict(Booking.objects.filter(id__in=booking_ids).values_list("id", "invitee_email"))
    found: dict[int, tuple[str, list[dict[str, Any]]]] = {}

    def collect() -> bool:
        links = dict(
            ZoomMeeting.objects.filter(booking_id__in=booking_ids).values_list(
                "booking_id", "join_url"
            )
        )
        sent = by_recipient(mail)
        found.clear()
        for booking in booking_ids:
            found[booking] = (links.get(booking) or "", sent.get(invitee[booking], []))
        return all(link and any(link in n["text"] for n in notes) for link, notes in found.values())

    wait_for("a link in every booking's emails", collect, timeout=timeout, every=1)
    return found


def p8_slow(
    stack: Stack, control: SandboxControl, seeds: Seeds, args: argparse.Namespace
) -> list[Line]:
    latency = round(args.slow_link_wait * 1000) + args.slow_extra_ms
    print(
        f"P8, Zoom slower than the bound: creates answer in {latency}-{latency + 500} ms, "
        f"bound {args.slow_link_wait:g} s ...",
        flush=True,
    )
    posted, ids = booking_load(
        stack,
        control,
        seeds.hosts["slow"],
        args,
        seconds=args.slow_seconds,
        rate=args.slow_rate,
        latency_ms=latency,
        latency_jitter_ms=500,
        paths=[CREATES],
    )
    print(f"  {load_summary(posted)}", flush=True)
    seconds_to_link(ids)
    control.faults()
    answered = {p.email: p.answered for p in posted if not p.error}
    found = invitee_emails(ids, mail_dir(stack.data_dir), timeout=120)
    follows = eventually = 0
    first_delay: list[float] = []
    link_delay: list[float] = []
    for link, notes in found.values():
        if not notes:
            continue
        since = answered[notes[0]["to"][0]]
        first_delay.append(notes[0]["at"] - since)
        with_link = [n for n in notes if link and link in n["text"]]
        follows += not with_link or with_link[0] is not notes[0]
        if with_link:
            eventually += 1
            link_delay.append(with_link[0]["at"] - since)
    total = max(1, len(ids))
    print(
        f"  first email says the link follows: {follows}/{len(ids)}; link in an email: "
        f"{eventually}/{len(ids)}; first email after p50 {percentile(first_delay, 50):.2f} s, "
        f"link email after p50 {percentile(link_delay, 50):.2f} s, p95 "
        f"{percentile(link_delay, 95):.2f} s",
        flush=True,
    )
    scene = (
        f"Zoom at {latency / 1000:g}-{(latency + 500) / 1000:g} s, bound {args.slow_link_wait:g} s"
    )
    return [
        Line(
            f"P8, {scene}: first email says the link follows",
            f"{follows / total:.1%} ({follows}/{len(ids)}); it came after p50 "
            f"{percentile(first_delay, 50):.2f} s, p95 {percentile(first_delay, 95):.2f} s",
            NO_BAR,
            True,
        ),
        Line(
            f"P8, {scene}: link in an email eventually, after (p50, p95)",
            f"{eventually / total:.1%} ({eventually}/{len(ids)}); "
            f"{percentile(link_delay, 50):.2f} s, {percentile(link_delay, 95):.2f} s",
            "100%",
            eventually == len(ids) and bool(ids) and not any(p.error for p in posted),
        ),
    ]
