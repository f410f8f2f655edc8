"""What every page needs to write times: the viewer's clock (core/times.py)."""

from django.http import HttpRequest

from slotlink.core.times import Clock, request_clock


def viewer_clock(request: HttpRequest) -> dict[str, Clock]:
    return {"clock": request_clock(request)}
