"""Calendars on the members page and when a member leaves (accounts' member providers).

Each member's calendar connections are shown with how many are connected or broken. A
member who leaves takes their calendar connections with them: each is removed with its
stored password, in the removal's transaction. Events slotlink wrote in their calendars
stay there (their calendars are theirs; slotlink no longer holds a way in), and each
booking given to another member is written afresh in that member's calendar
(services/events.py).
"""

import logging

from slotlink.accounts.member_providers import MemberStatus
from slotlink.calendars.models import CalendarConnection

log = logging.getLogger("slotlink.calendars")


class CalendarMembers:
    label = "Calendars"

    def member_statuses(
        self, *, organization_id: int, user_ids: list[int]
    ) -> dict[int, MemberStatus]:
        """Only members with a calendar connection have a line: calendars are optional,
        and a member without one books as before."""
        found: dict[int, list[CalendarConnection]] = {}
        for connection in CalendarConnection.objects.filter(
            organization_id=organization_id, owner_id__in=user_ids
        ).order_by("id"):
            found.setdefault(connection.owner_id, []).append(connection)
        statuses = {}
        for user_id, connections in found.items():
            broken = [c for c in connections if not c.is_connected]
            statuses[user_id] = MemberStatus(
                provider="Calendars",
                label="Connection broken" if broken else "Connected",
                tone="bad" if broken else "ok",
                detail=", ".join(str(c) for c in connections),
            )
        return statuses

    def departure_notes(self, *, organization_id: int, user_id: int) -> list[str]:
        connections = list(
            CalendarConnection.objects.filter(organization_id=organization_id, owner_id=user_id)
        )
        if not connections:
            return []
        names = ", ".join(str(c) for c in connections)
        return [
            f"Their calendar connections ({names}) are removed with their passwords. Events "
            "slotlink added to their calendars stay there; the bookings you give to someone "
            "else are added to that person's calendar, if they chose one for bookings."
        ]

    def member_leaving(self, *, organization_id: int, user_id: int, successor_id: int) -> None:
        removed, _ = CalendarConnection.objects.filter(
            organization_id=organization_id, owner_id=user_id
        ).delete()
        if removed:
            log.info(
                "calendars.connections.member-left organization=%s user=%s",
                organization_id,
                user_id,
            )
