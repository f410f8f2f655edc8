"""The providers' side of a member: what a provider (conferencing today, calendars next)
says and does about one person.

Accounts knows no provider, and imports none: providers sit above it and register here in
their AppConfig, as they do on the booking side (conferencing/seam.py). The members page
asks each provider for its status of every member at once (`member_statuses`: one query per
provider, not per member), and removing a member asks each provider what that means
(`departure_notes`, for the confirmation page) and then tells it (`member_leaving`, inside
the removal's transaction; a provider does its outside calls after the commit).
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MemberStatus:
    provider: str  # e.g. "Zoom"
    label: str  # e.g. "Connected", "Connection broken", "None"
    tone: str  # "ok", "bad" or "" (a badge's colour)
    detail: str = ""  # e.g. the connected account, or what happens without one


class MemberProvider(Protocol):
    label: str

    def member_statuses(
        self, *, organization_id: int, user_ids: list[int]
    ) -> dict[int, MemberStatus]:
        """Each member's status with this provider, by user id, in one query."""
        ...

    def departure_notes(self, *, organization_id: int, user_id: int) -> list[str]:
        """What removing this member does at this provider, in words for the admin."""
        ...

    def member_leaving(self, *, organization_id: int, user_id: int, successor_id: int) -> None:
        """The member leaves the organization (call inside its transaction): end their use
        of the provider here; what they held for others passes to `successor_id`."""
        ...


_member_providers: list[MemberProvider] = []


def register_member_provider(provider: MemberProvider) -> None:
    if all(type(existing) is not type(provider) for existing in _member_providers):
        _member_providers.append(provider)


def member_statuses(*, organization_id: int, user_ids: list[int]) -> dict[int, list[MemberStatus]]:
    """Every provider's status of each member, by user id."""
    statuses: dict[int, list[MemberStatus]] = {user_id: [] for user_id in user_ids}
    for provider in _member_providers:
        found = provider.member_statuses(organization_id=organization_id, user_ids=user_ids)
        for user_id, status in found.items():
            statuses.setdefault(user_id, []).append(status)
    return statuses


def departure_notes(*, organization_id: int, user_id: int) -> list[str]:
    return [
        note
        for provider in _member_providers
        for note in provider.departure_notes(organization_id=organization_id, user_id=user_id)
    ]


def member_leaving(*, organization_id: int, user_id: int, successor_id: int) -> None:
    for provider in _member_providers:
        provider.member_leaving(
            organization_id=organization_id, user_id=user_id, successor_id=successor_id
        )
