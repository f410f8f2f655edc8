"""What invitees do over HTTP in the Zoom meeting benchmark: book at a steady rate (an open
loop: request i is due at i / rate seconds, however long earlier ones take, and its latency
counts from that due time, so a server that stalls cannot hide the queue behind it), and
book, reschedule and cancel through the links in their emails."""

from __future__ import annotations

import queue
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import httpx

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESCHEDULE_LINK = re.compile(r"https?://[^\s\"'<>]+/booking/[^/\s\"'<>]+/reschedule")
CANCEL_LINK = re.compile(r"https?://[^\s\"'<>]+/booking/[^/\s\"'<>]+/cancel")


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


@dataclass
class Posted:
    email: str
    latency_ms: float  # from the request's due time to its answer (open loop)
    lag_ms: float  # how late the request went out against its due time (all clients busy)
    error: str  # "" for the expected 302
    answered: float = 0.0  # time.time() of the answer

    @property
    def service_ms(self) -> float:
        """From when the request was actually sent (what a closed loop would report)."""
        return self.latency_ms - self.lag_ms


def invitee_email(tag: str, number: int) -> str:
    return f"{tag}-{number}@invitee.test"


def browser_sessions(page: str, count: int) -> list[tuple[httpx.Client, str]]:
    """Keep-alive clients that loaded the booking page, each with its CSRF cookie and the
    form's token."""
    sessions = []
    for _ in range(count):
        http = httpx.Client(timeout=60)
        sessions.append((http, csrf_token(http.get(page, params={"tz": "UTC"}).text)))
    return sessions


def post_bookings(
    page: str, starts: list[datetime], *, rate: float, tag: str, clients: int
) -> list[Posted]:
    """POST one booking per start, request i due at i / rate s after the start; each client
    thread holds one keep-alive httpx client with its own CSRF cookie."""
    jobs: queue.Queue[int] = queue.Queue()
    for number in range(len(starts)):
        jobs.put(number)
    results: list[Posted] = []
    lock = threading.Lock()
    sessions = browser_sessions(page, clients)
    began = time.monotonic() + 0.2

    def loop(http: httpx.Client, token: str) -> None:
        while True:
            try:
                number = jobs.get_nowait()
            except queue.Empty:
                return
            due = began + number / rate
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            lag = max(0.0, time.monotonic() - due) * 1000
            email = invitee_email(tag, number)
            try:
                response = booking_post(
                    http, page, token, starts[number], name=f"Invitee {tag} {number}", email=email
                )
                error = "" if response.status_code == 302 else f"HTTP {response.status_code}"
            except httpx.HTTPError as failure:
                error = type(failure).__name__
            latency = (time.monotonic() - due) * 1000
            with lock:
                results.append(Posted(email, latency, lag, error, time.time()))

    run_threads([threading.Thread(target=loop, args=session) for session in sessions])
    for http, _ in sessions:
        http.close()
    return results


def run_threads(threads: list[threading.Thread], *, started: bool = False) -> None:
    """Start the threads (unless they are), and wait for every one of them."""
    for thread in threads if not started else []:
        thread.start()
    for thread in threads:
        thread.join()


def booking_post(
    http: httpx.Client, page: str, token: str, start: datetime, *, name: str, email: str
) -> httpx.Response:
    """The booking form's POST, as the invitee's browser sends it."""
    return http.post(
        page,
        data={
            "csrfmiddlewaretoken": token,
            "start": start.isoformat(),
            "time_zone": "UTC",
            "name": name,
            "email": email,
        },
        headers={"referer": page},
    )


def book_once(http: httpx.Client, page: str, start: datetime, *, email: str) -> None:
    token = csrf_token(http.get(page, params={"tz": "UTC"}).text)
    response = booking_post(http, page, token, start, name="Lifecycle Invitee", email=email)
    if response.status_code != 302:
        raise RuntimeError(f"booking: HTTP {response.status_code}")


def reschedule_via(http: httpx.Client, link: str, start: datetime) -> None:
    token = csrf_token(http.get(link).text)
    response = http.post(
        link,
        data={"csrfmiddlewaretoken": token, "start": start.isoformat(), "time_zone": "UTC"},
        headers={"referer": link},
    )
    if response.status_code != 302:
        raise RuntimeError(f"reschedule: HTTP {response.status_code}")


def cancel_via(http: httpx.Client, link: str) -> None:
    token = csrf_token(http.get(link).text)
    response = http.post(
        link,
        data={"csrfmiddlewaretoken": token, "reason": "Benchmark lifecycle"},
        headers={"referer": link},
    )
    if response.status_code != 302:
        raise RuntimeError(f"cancel: HTTP {response.status_code}")
