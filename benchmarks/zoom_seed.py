"""The Zoom meeting benchmark's data, made through the product's own services (after
`django.setup()`), with Zoom connections holding real tokens the sandbox issued, as
tests/zoom/factories.py `connected()` makes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from benchmarks.zoom_stack import SandboxControl

SLOTS_PER_DAY = 96  # 15-minute meetings around the clock
ORGANIZATION = "bench"
# P1's baseline: an event type whose location never touches Zoom (a link of the host's own).
BASELINE_URL = "https://meet.example.test/bench"


@dataclass
class Host:
    """A host with one Zoom event type and the free starts the benchmark may book."""

    name: str
    organization_slug: str
    user_id: int
    event_type_id: int
    event_slug: str
    starts: list[datetime] = field(default_factory=list)
    zoom_user: dict[str, Any] | None = None  # the sandbox user of the host's own Zoom

    def page(self, web_url: str) -> str:
        return f"{web_url}/book/{self.organization_slug}/{self.event_slug}"


@dataclass
class Seeds:
    hosts: dict[str, Host]
    org_zoom_user: dict[str, Any]  # the shared org account (P3's hosts route to it)


def zoom_connect(
    control: SandboxControl,
    *,
    organization: Any,
    owner: Any,
    email: str,
    role: str,
    plan: str = "",
) -> dict[str, Any]:
    """A sandbox Zoom user (its own Zoom account, Pro unless `plan` says) who authorized
    slotlink, stored and connected through the product's services; returns the sandbox
    user."""
    from slotlink.zoom.client import TokenSet
    from slotlink.zoom.connections import ZoomProfile, zoom_connection_create, zoom_user_upsert

    user = control.create_user(
        email,
        first_name="Bench",
        last_name=email.split("@")[0],
        **({"plan": plan} if plan else {}),
    )
    issued = control.tokens(user["id"])
    tokens = TokenSet(
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        expires_in=int(issued["expires_in"]),
        scope=issued.get("scope", ""),
    )
    profile = ZoomProfile(
        zoom_user_id=user["id"],
        zoom_account_id=user["account_id"],
        email=email,
        display_name=f"Bench {email}",
        user_type=2,
        time_zone="UTC",
    )
    stored = zoom_user_upsert(profile=profile, tokens=tokens)
    zoom_connection_create(organization=organization, zoom_user=stored, owner=owner, role=role)
    return user


def host_create(*, organization: Any, name: str, slots: int) -> Host:
    from slotlink.accounts.models import Membership
    from slotlink.accounts.services import membership_create, user_create
    from slotlink.scheduling.models import EventType
    from slotlink.scheduling.selectors import free_slots
    from slotlink.scheduling.services.event_types import availability_replace, event_type_create
    from slotlink.zoom.locations import ZOOM

    user = user_create(
        email=f"{name}@{organization.slug}.test",
        full_name=f"Host {name}",
        password=None,
        time_zone="UTC",
    )
    membership_create(user=user, organization=organization, role=Membership.Role.MEMBER)
    event_type = event_type_create(
        organization=organization,
        host=user,
        title=f"Call with {name}",
        slug=f"call-{name}",
        duration_minutes=15,
        kind=EventType.Kind.ONE_ON_ONE,
        location_kind=ZOOM,
        minimum_notice_minutes=60,
        horizon_days=365,
    )
    availability_replace(host=user, intervals=[(d, time(0), time(23, 59)) for d in range(7)])
    now = datetime.now(UTC)
    since = now + timedelta(days=1)  # far from the notice: every start stays bookable
    until = since + timedelta(days=slots // SLOTS_PER_DAY + 2)
    starts = [
        slot.start for slot in free_slots(event_type=event_type, since=since, until=until, now=now)
    ][:slots]
    return Host(name, organization.slug, user.id, event_type.id, event_type.slug, starts)


def baseline_create(host: Host) -> Host:
    """P1's baseline: a second event type of the same host, in the same organization with
    Zoom on, whose location is a custom URL, so its bookings never touch Zoom (no meeting
    row, no sync, no link to wait for). It books from the host's one list of free starts."""
    from slotlink.accounts.models import Organization, User
    from slotlink.scheduling.models import EventType, LocationKind
    from slotlink.scheduling.services.event_types import event_type_create

    event_type = event_type_create(
        organization=Organization.objects.get(slug=host.organization_slug),
        host=User.objects.get(pk=host.user_id),
        title=f"Call with {host.name} (no Zoom)",
        slug=f"call-{host.name}-no-zoom",
        duration_minutes=15,
        kind=EventType.Kind.ONE_ON_ONE,
        location_kind=LocationKind.CUSTOM_URL,
        location_detail=BASELINE_URL,
        minimum_notice_minutes=60,
        horizon_days=365,
    )
    return Host(
        f"{host.name}-no-zoom",
        host.organization_slug,
        host.user_id,
        event_type.id,
        event_type.slug,
        host.starts,  # the same list: the two event types share the host's calendar
        None,
    )


def seed(control: SandboxControl, *, slots: dict[str, int], pace_hosts: int) -> Seeds:
    """One organization with Zoom on, a shared org account and hosts whose own Zoom is
    connected (P1/P2, P8, P4, P5) or who have none and so route to the org account (P3's
    `pace-N`); P1's baseline (`off`) is the `link` host's event type without Zoom."""
    from slotlink.accounts.models import Membership, User
    from slotlink.accounts.services import membership_create, organization_create, user_create
    from slotlink.zoom.rollout import zoom_enable

    hosts = {}
    organization = organization_create(name="Bench", slug=ORGANIZATION)
    admin = user_create(email="admin@bench.test", full_name="Bench Admin", password=None)
    membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    zoom_enable(organization=organization)
    org_zoom_user = zoom_connect(
        control, organization=organization, owner=admin, email="meetings@bench.test", role="org"
    )
    for name in ("link", "fast", "mail", "slow", "storm", "life"):
        host = host_create(organization=organization, name=name, slots=slots[name])
        host.zoom_user = zoom_connect(
            control,
            organization=organization,
            owner=User.objects.get(pk=host.user_id),
            email=f"{name}-zoom@bench.test",
            role="personal",
        )
        hosts[name] = host
    hosts["off"] = baseline_create(hosts["link"])
    for number in range(1, pace_hosts + 1):
        name = f"pace-{number}"
        hosts[name] = host_create(organization=organization, name=name, slots=slots["pace"])
    return Seeds(hosts, org_zoom_user)


def bookings_create(host: Host, count: int, *, tag: str) -> list[int]:
    """Book the host's next `count` free starts through the product's booking service (as
    the booking POST does, minus HTTP); returns the booking ids. Takes the starts it uses."""
    from slotlink.scheduling.models import EventType
    from slotlink.scheduling.services.bookings import Invitee, booking_create

    event_type = EventType.objects.select_related("host").get(pk=host.event_type_id)
    ids = []
    for number in range(count):
        start = host.starts.pop(0)
        booking = booking_create(
            event_type=event_type,
            start=start,
            invitee=Invitee(
                name=f"Invitee {tag} {number}",
                email=f"{tag}-{number}@invitee.test",
                time_zone="UTC",
            ),
        )
        ids.append(booking.id)
    return ids
