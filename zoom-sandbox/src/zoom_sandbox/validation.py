"""Rejecting request bodies the way Zoom does, by the contract's own schemas.

Zoom answers a body it cannot use with HTTP 400 and
`{"code": 300, "message": "Validation Failed.", "errors": [{"field": ..., "message": ...}]}`
(or "Request Body should be a valid JSON object." when it is not JSON at all). The checks
here read the request-body schemas in Zoom's OpenAPI file: types, enums, lengths, ranges,
required fields and `anyOf`. One deliberate leniency: Zoom takes a `start_time` in local
time without an offset (`2026-05-04T09:00:00` plus a `timezone`), which strict
`date-time` would refuse, so date-times only need to be readable.

A field sent as JSON `null` counts as not sent, as on Zoom: working clients send
`"agenda": null` (cal.com), `"start_time": null` (Indico) and null in a dozen meeting
settings (pyzoom), and Zoom takes them. So nulls are left out before anything else
looks at the body (`without_nulls`): not checked, not applied, not stored, never shown.
A required field sent as null is then missing, and refused as such.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from zoom_sandbox.contract import request_schemas
from zoom_sandbox.errors import ZoomError, invalid_body

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        raise invalid_body()
    return body


def without_nulls(value: Any) -> Any:
    """`value` without the null members of its objects, at any depth.

    Null items of an array stay (and are refused by the schema): an item is not a field
    a client may leave out.
    """
    if isinstance(value, dict):
        return {name: without_nulls(item) for name, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def validate_body(operation_id: str, body: dict[str, Any]) -> None:
    schema = request_schemas()[operation_id]
    errors = schema_errors(schema, body, "")
    if errors:
        raise ZoomError(
            400,
            300,
            "Validation Failed.",
            extra={"errors": [{"field": f, "message": "Invalid field."} for f in errors]},
        )


def schema_errors(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    """The dotted names of the fields of `value` that break `schema` (empty when valid)."""
    if value is None:
        return [] if schema.get("nullable") else [where or "body"]
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            alternatives = [schema_errors(s, value, where) for s in schema[keyword]]
            if all(alternatives):
                return min(alternatives, key=len)
    for sub in schema.get("allOf", []):
        if broken := schema_errors(sub, value, where):
            return broken
    kind = schema.get("type")
    if kind and not _is_type(value, kind):
        return [where or "body"]
    if not _scalar_ok(schema, value):
        return [where or "body"]
    problems: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append(_join(where, name))
        for name, item in value.items():
            if name in properties:
                problems += schema_errors(properties[name], item, _join(where, name))
    elif isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(where)
        if "items" in schema:
            for index, item in enumerate(value):
                problems += schema_errors(schema["items"], item, f"{where}[{index}]")
    return problems


def _is_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind != "boolean":
        return False
    return isinstance(value, TYPES.get(kind, (object,)))


def _scalar_ok(schema: dict[str, Any], value: Any) -> bool:
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)):
            return False
        if len(value) < schema.get("minLength", 0):
            return False
        fmt = schema.get("format")
        if fmt == "date-time" and not _readable_time(value):
            return False
        if fmt == "email" and not EMAIL.match(value):
            return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if "minimum" in schema and value < schema["minimum"]:
            return False
    return True


def _readable_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        return False
    return True


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
