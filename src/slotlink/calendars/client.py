"""The one module that speaks CalDAV: find a host's calendars, read their events, write
the booking's event. Everything else in slotlink asks through these functions.

The maintained `caldav` library builds the requests and parses the answers (its
DAVClient's PROPFIND, REPORT, PUT and DELETE, its multistatus parsers), but never opens a
connection itself: its HTTP session is replaced by `_OutboundSession`, which sends every
request through core/outbound.py. So each connection, redirects included, goes only to
an address the operator allows (checked after DNS, where the socket opens), within a
deadline and a size cap, and the password goes only to the host it was typed for.

caldav parses XML with lxml without resolving entities or fetching anything; on top of
that an XML answer carrying a DTD is refused here before it reaches the parser (no
server has a reason to send one). Failures come out as `CalendarError`s whose `words`
say what went wrong, for the host, and never carry the password.
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit
from xml.sax.saxutils import escape

import httpx
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error
from caldav.response import DAVResponse, PropfindResult

from slotlink.core import outbound
from slotlink.core.logs import silent_handlers_removed
from slotlink.core.outbound import AddressPolicy, Outbound

log = logging.getLogger(__name__)

# caldav and the libraries it imports hang silent handlers on their loggers when imported,
# outside slotlink's redacting one.
silent_handlers_removed()

DEFAULT_TIMEOUT = 15.0
# Enough for a few thousand events in one answer; a calendar larger than that is read in
# pieces by time range.
MAX_RESPONSE_BYTES = 20 * 1024 * 1024

DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"
CALSERVER = "{http://calendarserver.org/ns/}"
APPLE = "{http://apple.com/ns/ical/}"

# Where servers keep CalDAV when /.well-known/caldav isn't set up (RFC 6764 section 5
# leaves it to the client): the root (Radicale, Xandikos, iCloud after its well-known),
# SabreDAV and Baïkal, Nextcloud/ownCloud, and DAViCal/Zimbra-style.
FALLBACK_PATHS = ("/", "/dav/", "/remote.php/dav/", "/caldav/")


class CalendarError(Exception):
    """A calendar server could not be used; `words` say why, for the host (never a
    secret). `code` is a short, stable name for the kind of failure, for storing."""

    code = "error"

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


class CredentialsRefused(CalendarError):
    """The server refused the username or the app password (401/403)."""

    code = "credentials"


class ServerUnreachable(CalendarError):
    """No usable answer: DNS, connection, timeout, an answer too large, or a server error."""

    code = "unreachable"


class NotCalDAV(CalendarError):
    """Something answers at the address, but not a CalDAV server with calendars for us."""

    code = "not_caldav"


class AddressRefused(CalendarError):
    """The address (or where it redirects) is one slotlink doesn't connect to (SSRF policy)."""

    code = "address"


class EventChanged(CalendarError):
    """The event isn't as slotlink last saw it (412 on If-Match or If-None-Match): it was
    changed or created since, by the host or by an earlier try of the same write."""

    code = "changed"


class SyncTokenRefused(CalendarError):
    """The server no longer accepts the sync token: read the calendar in full instead."""

    code = "sync_token"


class _Forbidden(CredentialsRefused):
    """A 403: maybe the credentials, maybe one path closed to everyone (discovery goes on)."""


class _ServerError(ServerUnreachable):
    """The server answered, with a 5xx (discovery tries its other paths)."""


class _DTDRefused(NotCalDAV):
    """XML with a DTD: refused unparsed, and the server isn't probed further."""


class EventRefused(CalendarError):
    """The server refused to store or remove the event (4xx other than the above)."""

    code = "refused"


@dataclass(frozen=True)
class CalDAVAccount:
    """Where a host's calendars are (`url`: the calendar home) and how to sign in."""

    url: str
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class RemoteCalendar:
    """One calendar in the account: `can_write` says whether bookings can be added to it;
    `ctag` and `sync_token` change whenever its events do (either may be "")."""

    url: str
    name: str
    color: str
    can_write: bool
    ctag: str
    sync_token: str


# The HTTP layer: caldav's DAVClient with its session going through Outbound.


class _Answer:
    """What caldav reads of a niquests/requests response, made from Outbound's answer."""

    def __init__(self, answer: outbound.Answer) -> None:
        self.status_code = answer.status
        self.headers = answer.headers
        self.content = answer.body
        self.url = answer.url
        try:
            self.reason = http.HTTPStatus(answer.status).phrase
        except ValueError:
            self.reason = ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class _OutboundSession:
    """Stands in for DAVClient.session: each request goes through Outbound. caldav's own
    auth, timeout, proxy and TLS options are ignored on purpose (Outbound sends the
    password to the typed origin only, and has the deadline and the address policy)."""

    def __init__(self, outbound_session: Outbound) -> None:
        self.outbound = outbound_session
        self.last_url = ""

    def request(
        self,
        method: str,
        url: str,
        data: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        **ignored: Any,
    ) -> _Answer:
        body = data.encode() if isinstance(data, str) else data
        answer = self.outbound.request(
            method, url, headers=dict(headers or {}), content=body or None
        )
        self.last_url = answer.url
        if _looks_like_xml(answer) and re.search(rb"<!(DOCTYPE|ENTITY)", answer.body, re.I):
            raise _DTDRefused(f"{_host(url)} sent XML with a DTD, which slotlink doesn't read.")
        return _Answer(answer)

    def close(self) -> None:
        self.outbound.close()


def _looks_like_xml(answer: outbound.Answer) -> bool:
    content_type = answer.headers.get("Content-Type", "")
    return "xml" in content_type or answer.body.lstrip()[:1] == b"<"


@contextmanager
def _dav(
    url: str,
    username: str,
    password: str,
    *,
    timeout: float,
    policy: AddressPolicy | None,
) -> Iterator[DAVClient]:
    """A DAVClient rooted at `url` whose requests go through Outbound, with errors turned
    into CalendarErrors. caldav gets no credentials (so it never negotiates or logs
    them): Outbound sends them as Basic auth."""
    session = Outbound(
        auth=(username, password), timeout=timeout, max_bytes=MAX_RESPONSE_BYTES, policy=policy
    )
    # A full URL (with a path), so caldav does no discovery or DNS lookups of its own.
    client = DAVClient(url=url, enable_rfc6764=False, timeout=int(timeout) + 1)
    client.session.close()
    client.session = _OutboundSession(session)  # type: ignore[assignment]
    try:
        with _errors_in_words(url):
            yield client
    finally:
        client.close()


@contextmanager
def _errors_in_words(url: str) -> Iterator[None]:
    host = _host(url)
    try:
        yield
    except CalendarError:
        raise
    except outbound.AddressRefused as refused:
        raise AddressRefused(refused.words) from None
    except (outbound.Unreachable, outbound.ResponseTooLarge) as failure:
        raise ServerUnreachable(f"slotlink couldn't reach {host}: {_reason(failure)}") from None
    except outbound.TooManyRedirects as failure:
        raise NotCalDAV(f"{host} doesn't look like a CalDAV server: {failure.words}") from None
    except caldav_error.AuthorizationError as refused:
        raise _refusal(refused.status) from None
    except caldav_error.RateLimitError:
        raise ServerUnreachable(f"{host} is busy and asked slotlink to come back later.") from None
    except (caldav_error.DAVError, SyntaxError, ValueError) as failure:
        # lxml's XMLSyntaxError is a SyntaxError; caldav's parsers raise DAVErrors.
        log.info("calendars.client: unreadable answer from %s: %s", host, type(failure).__name__)
        raise NotCalDAV(
            f"{host} doesn't look like a CalDAV server: its answer isn't CalDAV."
        ) from None


def _reason(failure: outbound.OutboundError) -> str:
    """Outbound's words as the second half of "slotlink couldn't reach HOST: ..."."""
    if failure.words.startswith("slotlink couldn't connect"):
        return "nothing answered at that address."
    return failure.words[:1].lower() + failure.words[1:]


def _refusal(status: int | None) -> CredentialsRefused:
    if status == 403:
        return _Forbidden("The server refused access with this username and app password.")
    return CredentialsRefused("The server refused the username or app password.")


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _status_words(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _server_error(url: str, status: int) -> ServerUnreachable:
    return _ServerError(
        f"slotlink couldn't reach {_host(url)}: it answered {_status_words(status)}."
    )


# Discovery.


def discover(
    address: str,
    username: str,
    password: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> CalDAVAccount:
    """The account behind what a host typed: a full URL (the server's, or their principal
    or calendar home), a bare host ("caldav.fastmail.com"), or an email address or its
    domain ("ada@fastmail.com"). Tries the typed URL, then RFC 6764's /.well-known/caldav,
    then the usual paths, asking each for the signed-in user's principal (PROPFIND
    current-user-principal) and the principal for its calendar home. No DNS SRV/TXT
    lookups: every request goes through Outbound's address check."""
    origin, path = _typed(address)
    candidates = [origin + path] if path not in ("", "/") else []
    candidates += [origin + p for p in ("/.well-known/caldav", *FALLBACK_PATHS)]
    refused: CalendarError | None = None
    failed: CalendarError | None = None
    for candidate in dict.fromkeys(candidates):
        # A 401 is the password, and a host that doesn't answer won't on another path
        # either: those end the search. A 403, a 5xx or a non-CalDAV answer may be this
        # path only.
        try:
            with _dav(candidate, username, password, timeout=timeout, policy=policy) as client:
                home = _calendar_home(client, candidate)
        except _Forbidden as error:
            refused = error
            continue
        except _DTDRefused:
            raise
        except (_ServerError, NotCalDAV) as error:
            failed = error
            continue
        if home is not None:
            return CalDAVAccount(url=home, username=username, password=password)
    if refused is not None:
        raise refused
    if isinstance(failed, ServerUnreachable):
        raise failed
    raise NotCalDAV(
        f"{_host(origin)} doesn't look like a CalDAV server: slotlink found no calendars for "
        "this username there. Check the server address in your calendar provider's help."
    )


def _typed(address: str) -> tuple[str, str]:
    """(origin, path) of what the host typed: https unless they wrote http://; an email
    address stands for its domain; any user:password@ in a URL is dropped (the form's
    fields are what counts)."""
    typed = address.strip()
    unusable = NotCalDAV(f"“{typed}” isn't a server address slotlink can use.")
    if "://" not in typed:
        if "@" in typed and "/" not in typed:
            typed = typed.rsplit("@", 1)[1]
        typed = "https://" + typed
    try:
        parts = urlsplit(typed)  # ValueError: an unclosed IPv6 bracket
        port = parts.port  # ValueError: a port that is no number
    except ValueError:
        raise unusable from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise unusable
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host if port is None else f"{host}:{port}"
    origin = urlunsplit((parts.scheme, netloc, "", "", ""))
    try:
        httpx.URL(origin + parts.path)  # a host name with no IDNA form, a control character
    except httpx.InvalidURL:
        raise unusable from None
    return origin, parts.path


def _calendar_home(client: DAVClient, url: str) -> str | None:
    """The calendar home reached from `url` (where redirects end), or None when `url`
    answers but not as a CalDAV principal's way in."""
    answer = client.propfind(
        url,
        _propfind([f"{DAV}current-user-principal", f"{CALDAV}calendar-home-set"]),
        depth=0,
    )
    found = _properties_of_first(client, answer, url)
    if found is None:
        return None
    where, properties = found
    home = properties.get(f"{CALDAV}calendar-home-set")
    principal = properties.get(f"{DAV}current-user-principal")
    if not home and isinstance(principal, str):
        principal_url = urljoin(where, principal)
        answer = client.propfind(principal_url, _propfind([f"{CALDAV}calendar-home-set"]), depth=0)
        found = _properties_of_first(client, answer, principal_url)
        if found is None:
            return None
        where, properties = found
        home = properties.get(f"{CALDAV}calendar-home-set")
    if isinstance(home, list):
        home = home[0] if home else None
    if not isinstance(home, str) or not home.strip():
        return None
    return _as_collection(urljoin(where, home.strip()))


def _properties_of_first(
    client: DAVClient, answer: DAVResponse, url: str
) -> tuple[str, dict[str, Any]] | None:
    """(final URL, properties) of a Depth 0 PROPFIND's answer, or None when the answer
    isn't a multistatus (a 404, a web page, a method not allowed) or names nothing there
    (a multistatus whose response is a 404, as Xandikos gives for a removed calendar)."""
    if answer.status >= 500:
        raise _server_error(url, answer.status)
    if answer.status != 207 or getattr(answer, "tree", None) is None:
        return None
    results = _propfind_results(answer)
    if not results or results[0].status == 404:
        return None
    where = client.session.last_url or url  # type: ignore[attr-defined]
    return where, results[0].properties


def _propfind_results(answer: DAVResponse) -> list[PropfindResult]:
    return [r for r in answer.results or [] if isinstance(r, PropfindResult)]


def _propfind(names: list[str]) -> str:
    """A PROPFIND body asking for `names` (Clark notation: "{namespace}name")."""
    prefixes = {DAV: "D", CALDAV: "C", CALSERVER: "CS", APPLE: "I"}
    props = "".join(
        f"<{prefixes[name[: name.index('}') + 1]]}:{name[name.index('}') + 1 :]}/>"
        for name in names
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" '
        'xmlns:CS="http://calendarserver.org/ns/" xmlns:I="http://apple.com/ns/ical/">'
        f"<D:prop>{props}</D:prop></D:propfind>"
    )


def _as_collection(url: str) -> str:
    return url if url.endswith("/") else url + "/"


# Calendars.

CALENDAR_PROPS = [
    f"{DAV}resourcetype",
    f"{DAV}displayname",
    f"{APPLE}calendar-color",
    f"{CALDAV}supported-calendar-component-set",
    f"{DAV}current-user-privilege-set",
    f"{CALSERVER}getctag",
    f"{DAV}sync-token",
]
# Privileges that let slotlink add an event (RFC 3744: bind adds a resource to the
# collection, write includes it, all includes everything).
WRITE_PRIVILEGES = {f"{DAV}write", f"{DAV}bind", f"{DAV}all"}


def calendars(
    account: CalDAVAccount,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> list[RemoteCalendar]:
    """The account's calendars that hold events (task lists and the like are left out),
    in the server's order, with their names, colors, whether slotlink may add events,
    and their change tags."""
    with _dav(account.url, account.username, account.password, timeout=timeout, policy=policy) as c:
        answer = c.propfind(account.url, _propfind(CALENDAR_PROPS), depth=1)
        if answer.status >= 500:
            raise _server_error(account.url, answer.status)
        if answer.status != 207 or getattr(answer, "tree", None) is None:
            raise NotCalDAV(
                f"{_host(account.url)} doesn't look like a CalDAV server: it didn't list "
                f"the calendars ({_status_words(answer.status)})."
            )
        where = c.session.last_url or account.url  # type: ignore[attr-defined]
        found = []
        for result in _propfind_results(answer):
            properties = result.properties
            kinds = properties.get(f"{DAV}resourcetype") or []
            if f"{CALDAV}calendar" not in _as_list(kinds):
                continue
            components = properties.get(f"{CALDAV}supported-calendar-component-set")
            if components is not None and "VEVENT" not in _as_list(components):
                continue
            url = _as_collection(urljoin(where, result.href))
            privileges = properties.get(f"{DAV}current-user-privilege-set")
            can_write = privileges is None or bool(WRITE_PRIVILEGES & set(_as_list(privileges)))
            found.append(
                RemoteCalendar(
                    url=url,
                    name=_text(properties.get(f"{DAV}displayname")) or _last_segment(url),
                    color=_color(_text(properties.get(f"{APPLE}calendar-color"))),
                    can_write=can_write,
                    ctag=_text(properties.get(f"{CALSERVER}getctag")),
                    sync_token=_text(properties.get(f"{DAV}sync-token")),
                )
            )
        return found


def state(
    account: CalDAVAccount,
    calendar_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> tuple[str, str]:
    """(ctag, sync token) of one calendar: one small PROPFIND, to see whether anything
    changed since the last read."""
    with _dav(
        calendar_url, account.username, account.password, timeout=timeout, policy=policy
    ) as c:
        answer = c.propfind(
            calendar_url, _propfind([f"{CALSERVER}getctag", f"{DAV}sync-token"]), depth=0
        )
        found = _properties_of_first(c, answer, calendar_url)
        if found is None:
            raise _missing_calendar(calendar_url, _status_of(answer))
        _, properties = found
        return (
            _text(properties.get(f"{CALSERVER}getctag")),
            _text(properties.get(f"{DAV}sync-token")),
        )


def _status_of(answer: DAVResponse) -> int:
    """The answer's status, or its first response's when a multistatus holds one."""
    if answer.status == 207 and getattr(answer, "tree", None) is not None:
        results = _propfind_results(answer)
        if results:
            return results[0].status
    return int(answer.status)


def _missing_calendar(url: str, status: int) -> NotCalDAV:
    if status == 404:
        return NotCalDAV(f"The calendar at {url} is no longer on {_host(url)}.")
    return NotCalDAV(
        f"{_host(url)} didn't answer for the calendar at {url} ({_status_words(status)})."
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or url


def _color(value: str) -> str:
    """A color as #rrggbb from what servers send (Apple's "#RRGGBBAA" too), or "" for none."""
    match = re.fullmatch(r"#([0-9a-fA-F]{6})(?:[0-9a-fA-F]{2})?", value)
    return f"#{match.group(1).lower()}" if match else ""


# Events.


def events_between(
    account: CalDAVAccount,
    calendar_url: str,
    start: datetime,
    end: datetime,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> list[str]:
    """The iCalendar texts of the calendar's events that touch [start, end) (aware
    datetimes): one calendar-query REPORT with a time range. A recurring event comes
    whole, its master with its rules and overridden instances, when any instance
    touches the range; nothing is expanded here (busy.py does that)."""
    query = CALENDAR_QUERY.format(start=_utc(start), end=_utc(end))
    with _dav(
        calendar_url, account.username, account.password, timeout=timeout, policy=policy
    ) as c:
        answer = c.report(calendar_url, query, depth=1)
        _check_report(answer, calendar_url)
        results = answer.parse_calendar_query()
        texts = [r.calendar_data for r in results if r.status == 200 and r.calendar_data]
        missing = [r.href for r in results if r.status == 200 and not r.calendar_data]
        if missing:
            texts += [ics for _, ics, _ in _multiget(c, calendar_url, missing)]
        return texts


CALENDAR_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""

MULTIGET = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  {hrefs}
</C:calendar-multiget>"""

SYNC_COLLECTION = """<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:sync-token>{token}</D:sync-token>
  <D:sync-level>1</D:sync-level>
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
</D:sync-collection>"""


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("events_between takes aware datetimes")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _check_report(answer: DAVResponse, url: str) -> None:
    if answer.status >= 500:
        raise _server_error(url, answer.status)
    if answer.status != 207:
        raise _missing_calendar(url, answer.status)


def _multiget(client: DAVClient, calendar_url: str, hrefs: list[str]) -> list[tuple[str, str, str]]:
    """(href, iCalendar text, etag) of the events at `hrefs` (a servers that leaves
    calendar-data out of a query's or a sync's answer gives it here)."""
    # caldav hands hrefs over decoded: quoted again to send.
    quoted = (escape(quote(h, safe="/@")) for h in hrefs)
    body = MULTIGET.format(hrefs="".join(f"<D:href>{h}</D:href>" for h in quoted))
    answer = client.report(calendar_url, body, depth=None)
    _check_report(answer, calendar_url)
    return [
        (r.href, r.calendar_data, r.etag or "")
        for r in answer.parse_calendar_query()
        if r.status == 200 and r.calendar_data
    ]


@dataclass(frozen=True)
class Changes:
    """What changed in a calendar since a sync token: the events now there (href,
    iCalendar text), the hrefs of those removed, and the token to ask with next time."""

    changed: list[tuple[str, str]]
    deleted: list[str]
    sync_token: str


# A server may answer a sync in pieces (RFC 6578 section 3.6); this many at most.
MAX_SYNC_ROUNDS = 50


def changes_since(
    account: CalDAVAccount,
    calendar_url: str,
    sync_token: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> Changes:
    """The calendar's changes since `sync_token` (RFC 6578 sync-collection; "" for
    everything). Raises SyncTokenRefused when the server no longer accepts the token (or
    doesn't do sync at all): the caller then reads the calendar in full."""
    changed: dict[str, str] = {}
    deleted: set[str] = set()
    token = sync_token
    with _dav(
        calendar_url, account.username, account.password, timeout=timeout, policy=policy
    ) as c:
        where = calendar_url
        for _ in range(MAX_SYNC_ROUNDS):
            try:
                answer = c.report(calendar_url, SYNC_COLLECTION.format(token=escape(token)), 0)
            except caldav_error.AuthorizationError as refused:
                if refused.status == 403 and any(
                    "valid-sync-token" in p for p in refused.preconditions or []
                ):
                    raise SyncTokenRefused(_token_refused(calendar_url)) from None
                raise
            if answer.status in (400, 403, 409, 412, 501):
                raise SyncTokenRefused(_token_refused(calendar_url))
            _check_report(answer, calendar_url)
            where = c.session.last_url or calendar_url  # type: ignore[attr-defined]
            result = answer.parse_sync_collection()
            missing = []
            for item in result.changed:
                href = event_href(where, item.href)
                if href.rstrip("/") == where.rstrip("/"):
                    continue  # the calendar itself, which some servers list
                deleted.discard(href)
                if item.calendar_data:
                    changed[href] = item.calendar_data
                else:
                    missing.append(item.href)
            if missing:
                for href, ics, _ in _multiget(c, calendar_url, missing):
                    changed[event_href(where, href)] = ics
            for href in result.deleted:
                changed.pop(event_href(where, href), None)
                deleted.add(event_href(where, href))
            if not result.sync_token:
                raise SyncTokenRefused(_token_refused(calendar_url))
            token = result.sync_token
            if not result.truncated:
                break
        return Changes(sorted(changed.items()), sorted(deleted), token)


def _token_refused(url: str) -> str:
    return f"{_host(url)} didn't accept slotlink's sync token for this calendar."


def event_url(calendar_url: str, uid: str) -> str:
    """Where slotlink keeps the event with `uid`: <uid>.ics in the calendar, written as
    changes_since writes hrefs, so the two compare equal."""
    return event_href(calendar_url, quote(uid, safe="@") + ".ics")


def event_href(base: str, href: str) -> str:
    """`href` made absolute against `base`, its path in one spelling: servers differ in
    writing "@" as is or as %40 (and other characters likewise), so a path is decoded and
    quoted again, keeping "/" and "@"."""
    parts = urlsplit(urljoin(_as_collection(base), href))
    path = quote(unquote(parts.path), safe="/@")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def event_put(
    account: CalDAVAccount,
    calendar_url: str,
    uid: str,
    ics: str,
    etag: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> str:
    """Stores the event; its new ETag. Without `etag` it is created only if there is
    none at its URL (If-None-Match: *), with one it replaces only that version (If-Match):
    otherwise EventChanged, and nothing is written. So a retried create can't make a
    second event, and a change never overwrites the host's own edit. (A create that timed
    out after the server stored it comes back EventChanged on retry: compare with
    event_get.)"""
    url = event_url(calendar_url, uid)
    condition = {"If-None-Match": "*"} if etag is None else {"If-Match": etag}
    headers = {"Content-Type": "text/calendar; charset=utf-8", **condition}
    with _dav(url, account.username, account.password, timeout=timeout, policy=policy) as c:
        answer = c.put(url, ics, headers)
        _check_write(answer, url, "store")
        new_etag = answer.headers.get("ETag")
        if new_etag:
            return str(new_etag)
        # Servers that change what was PUT may leave the ETag out (RFC 4791 5.3.4).
        found = _get(c, url)
        if found is None:
            raise EventChanged(_changed_words(url))
        return found[1]


def event_get(
    account: CalDAVAccount,
    calendar_url: str,
    uid: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> tuple[str, str] | None:
    """(iCalendar text, ETag) of slotlink's event with `uid`, or None when it isn't
    there (never written, or deleted by the host)."""
    url = event_url(calendar_url, uid)
    with _dav(url, account.username, account.password, timeout=timeout, policy=policy) as c:
        return _get(c, url)


def event_delete(
    account: CalDAVAccount,
    calendar_url: str,
    uid: str,
    etag: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    policy: AddressPolicy | None = None,
) -> bool:
    """Removes the event if it is still the version with `etag` (If-Match), else
    EventChanged and nothing is removed. False when it was already gone."""
    url = event_url(calendar_url, uid)
    with _dav(url, account.username, account.password, timeout=timeout, policy=policy) as c:
        answer = c.delete(url, {"If-Match": etag})
        if answer.status == 404:
            return False
        _check_write(answer, url, "remove")
        return True


def _get(client: DAVClient, url: str) -> tuple[str, str] | None:
    answer = client.request(url, "GET", "", {"Accept": "text/calendar"})
    if answer.status in (404, 410):
        return None
    if answer.status >= 500:
        raise _server_error(url, answer.status)
    if answer.status != 200:
        raise EventRefused(
            f"{_host(url)} didn't give slotlink the event ({_status_words(answer.status)})."
        )
    etag = answer.headers.get("ETag")
    if not etag:
        props = client.propfind(url, _propfind([f"{DAV}getetag"]), depth=0)
        found = _properties_of_first(client, props, url)
        etag = _text(found[1].get(f"{DAV}getetag")) if found else ""
    raw = answer._raw_body or answer._raw
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return text, str(etag)


def _check_write(answer: DAVResponse, url: str, verb: str) -> None:
    if answer.status == 412:
        raise EventChanged(_changed_words(url))
    if answer.status >= 500:
        raise _server_error(url, answer.status)
    if not 200 <= answer.status < 300:
        raise EventRefused(
            f"{_host(url)} refused to {verb} the event ({_status_words(answer.status)})."
        )


def _changed_words(url: str) -> str:
    return f"The event at {url} was changed or removed in the calendar since slotlink wrote it."
