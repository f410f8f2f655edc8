"""Zoom's OpenAPI contract, as the sandbox and its tests read it.

`ZoomMeetingAPISpec.slotlink.json` beside this module is a verbatim copy of the
project's `shared/zoom/ZoomMeetingAPISpec.slotlink.json` (Zoom's own OpenAPI 3 file
trimmed to the paths slotlink uses), shipped inside the package (as package data) so the
sandbox runs where `shared/` is absent.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SPEC_FILE = "ZoomMeetingAPISpec.slotlink.json"


@cache
def spec() -> dict[str, Any]:
    text = resources.files("zoom_sandbox").joinpath(SPEC_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def request_schemas() -> dict[str, dict[str, Any]]:
    """Each operation's JSON request-body schema, by operationId."""
    schemas: dict[str, dict[str, Any]] = {}
    for path_item in spec()["paths"].values():
        for method, operation in path_item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schemas[operation["operationId"]] = content["application/json"]["schema"]
    return schemas
