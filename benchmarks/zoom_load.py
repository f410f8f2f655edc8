"""What invitees do over HTTP in the Zoom meeting benchmark: book at a steady rate (an open
loop: request i is due at i / rate seconds, however long earlier ones take), and book,
reschedule and cancel through the links in their emails."""

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
    latency_ms: float
    lag_ms: float  # how late the request went out against its due time (all clients busy)
    error: str  # "" for the expected 302


def invitee_email(tag: str, number: int) -> str:
    return f"{tag}-{number}@invitee.test"


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
    sessions = []
    for _ in range(clients):
        http = httpx.Client(timeout=60)
        sessions.append((http, csrf_token(http.get(page, params={"tz": "UTC"}).text)))
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
            sent = time.perf_counter()
            try:
                response = http.post(
                    page,
                    data={
                        "csrfmiddlewaretoken": token,
                        "start": starts[number].isoformat(),
                        "time_zone": "UTC",
                        "name": f"Invitee {tag} {number}",
                        "email": email,
                    },
                    headers={"referer": page},
                )
                error = "" if response.status_code == 302 else f"HTTP {response.status_code}"
            except httpx.HTTPError as failure:
                error = type(failure).__name__
            latency = (time.perf_counter() - sent) * 1000
            with lock:
                results.append(Posted(email, latency, lag, error))

    threads = [threading.Thread(target=loop, args=session) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for http, _ in sessions:
        http.close()
    return results


def book_once(http: httpx.Client, page: str, start: datetime, *, email: str) -> None:
    token = csrf_token(http.get(page, params={"tz": "UTC"}).text)
    response = http.post(
        page,
        data={
            "csrfmiddlewaretoken": token,
            "start": start.isoformat(),
            "time_zone": "UTC",
            "name": "Lifecycle Invitee",
            "email": email,
        },
        headers={"referer": page},
    )
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
