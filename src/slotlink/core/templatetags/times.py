"""Times on pages, as core/times.py writes them: in the zone active where the tag is (the
`{% timezone %}` around it), on the viewer's clock (the `clock` every page gets from the
`viewer_clock` context processor).

    {% load times %}
    {% day_time booking.start "l, j F Y" %}-{% clock_time booking.end %}
    ({% zone_label booking.invitee_time_zone %})
"""

from datetime import datetime

from django import template
from django.utils import timezone

from slotlink.core import times

register = template.Library()


def _clock(context: template.Context) -> times.Clock:
    clock = str(context.get("clock", ""))
    if clock in times.Clock._value2member_map_:
        return times.Clock(clock)
    request = context.get("request")
    return times.request_clock(request) if request is not None else times.DEFAULT_CLOCK


@register.simple_tag(takes_context=True)
def clock_time(context: template.Context, value: datetime | None, seconds: bool = False) -> str:
    """'2:30 PM' or '14:30'."""
    if value is None:
        return ""
    return times.clock_time(timezone.localtime(value), _clock(context), seconds=seconds)


@register.simple_tag(takes_context=True)
def day_time(
    context: template.Context,
    value: datetime | None,
    day_format: str = "D j M Y",
    seconds: bool = False,
) -> str:
    """'Tue 3 Dec 2024, 2:30 PM' or 'Tue 3 Dec 2024, 14:30' (the day as `day_format`)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return times.day_and_time(local, _clock(context), day_format=day_format, seconds=seconds)


@register.simple_tag
def zone_label(name: str) -> str:
    """'Europe/Berlin': a zone written as every time names it."""
    return times.zone_label(name)
