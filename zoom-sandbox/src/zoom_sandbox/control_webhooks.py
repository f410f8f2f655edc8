"""The control API's view of event notifications: deliveries, and the subscription's checks.

`GET /_sandbox/webhooks` lists every event the sandbox sent or skipped, with its attempts;
`GET /_sandbox/webhooks/subscription` shows whether the endpoint passed its last
`endpoint.url_validation`, how many checks failed in a row, and whether Zoom would still
deliver (subscription.py); `POST /_sandbox/webhooks/validate` is the Marketplace's
"Validate" button.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zoom_sandbox.control_input import URL, ControlError, control_body
from zoom_sandbox.runtime import sandbox_of


async def get_webhooks(request: Request) -> Response:
    deliveries = sandbox_of(request).webhooks.deliveries
    event = request.query_params.get("event")
    return JSONResponse([d.as_dict() for d in deliveries if event is None or d.event == event])


async def validate_webhook_url(request: Request) -> Response:
    """Check a URL now; for the subscription's own URL it counts as one of its checks."""
    sandbox = sandbox_of(request)
    body = await control_body(request, {"url": URL})
    url = body.get("url") or sandbox.app.webhook_url
    if not url:
        raise ControlError(400, "No webhook URL: set the app's webhook_url or pass url.")
    result = await sandbox.webhooks.validate_url(url)
    if url == sandbox.subscription.url:
        sandbox.subscription.record(result)
    return JSONResponse(result)


async def get_subscription(request: Request) -> Response:
    return JSONResponse(sandbox_of(request).subscription.as_dict())
