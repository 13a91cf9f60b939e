"""Webhook bodies → events to record: strict JSON, the generic event format, and the shared checks.

Pure functions, no I/O: `load_json` reads a body, `parse_events` a generic event (or a list of
them), and webhooks/alerts.py the Alertmanager and Grafana formats. Every problem is a
PayloadError (a ValueError) whose message is one line naming the field, fit to send back in a
400 response; nothing else is ever raised for any JSON value (tests fuzz this). Given `now`, an
event dated more than a minute after it is a FutureTime (422), by the rule `note --at` and the
importers follow (domain.times.check_not_future).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.kinds import EntryKind
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import check_not_future

GENERIC_FIELDS = ("text", "kind", "occurred_at", "source", "public", "key")
"""The fields of a generic event; any other is refused."""
MAX_SOURCE_CHARS = 100
MAX_KEY_CHARS = 200


class PayloadError(ValueError):
    """A body that cannot be recorded; str() is one line saying why."""


class FutureTime(PayloadError):
    """An event dated in the future (more than a minute after it arrived): 422."""


def not_future(moment: datetime | None, where: str, now: datetime | None) -> datetime | None:
    """`moment`, or FutureTime naming the field if it is in the future (None `now`: no check)."""
    if moment is not None and now is not None:
        try:
            check_not_future(moment, now)
        except ValueError as error:
            raise FutureTime(f"{where}: {error}") from None
    return moment


def _name(value: str) -> str:
    """A field name from a payload, quoted and shortened for a one-line message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…'"


def load_json(body: bytes | bytearray) -> Any:
    """The JSON value of `body` (UTF-8, no field twice, no NaN or Infinity), or PayloadError.
    The caller hands `body` over: it is let go once decoded, before the parse (a large body is
    then held once as text, not twice)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise PayloadError(f"malformed JSON: field {_name(key)} appears twice")
            result[key] = value
        return result

    def no_constant(name: str) -> Any:
        raise PayloadError(f"malformed JSON: {name} is not a JSON number")

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(f"the body is not UTF-8 (byte {error.start})") from None
    del body
    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except PayloadError:
        raise
    except json.JSONDecodeError as error:
        raise PayloadError(
            f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise PayloadError("malformed JSON: nested too deeply") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise PayloadError(f"malformed JSON: {str(error).splitlines()[0]}") from None


def expect_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be a JSON object, not {json_type(value)}")
    return value


def expect_string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise PayloadError(f"{where} must be a string, not {json_type(value)}")
    return value


def string_map(value: Any, where: str) -> dict[str, str]:
    """An object whose every value is a string (labels, annotations)."""
    mapping = expect_object(value, where)
    for key, item in mapping.items():
        named = key.isprintable() and 0 < len(key) <= 40
        expect_string(item, f"{where}.{key}" if named else f"{where}[{_name(key)}]")
    return mapping


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def parse_time(value: Any, where: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 time with a zone (None for Go's zero time, year 1)."""
    text = expect_string(value, where)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise PayloadError(
            f"{where} is not an ISO 8601 time: {_name(text)} (e.g. 2026-11-27T14:02:07Z)"
        ) from None
    if moment.tzinfo is None:
        raise PayloadError(f"{where} needs a time zone: {_name(text)} (e.g. 2026-11-27T14:02:07Z)")
    if moment.year <= 1:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise PayloadError(f"{where} is out of range: {_name(text)}") from None


def clean_text(text: str, where: str) -> str:
    try:
        return clean_note_text(text)
    except ValueError as error:
        raise PayloadError(f"{where}: {error}") from None


def field(where: str, name: str) -> str:
    """How a message names field `name` of the object at `where` ('' for the body itself)."""
    return f"{where}.{name}" if where else name


def check_fields(data: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = [key for key in data if key not in known]
    if unknown:
        names = ", ".join(_name(key) for key in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise PayloadError(
            f"{where + ': ' if where else ''}unknown field{'s' if len(unknown) > 1 else ''} "
            f"{names}{more} (known: {', '.join(known)})"
        )


def _kind(value: Any, where: str) -> EntryKind:
    name = expect_string(value, where).strip().lower()
    for kind in EntryKind:
        if kind.value == name:
            return kind
    names = ", ".join(kind.value for kind in EntryKind)
    raise PayloadError(f"{where} is {_name(value)}, not a kind (one of: {names})")


def _bounded(value: Any, where: str, limit: int) -> str:
    text = expect_string(value, where).strip()
    if not text or len(text) > limit or not text.isprintable():
        raise PayloadError(f"{where} needs 1 to {limit} printable characters")
    return text


def _generic(data: Any, where: str, now: datetime | None) -> NewEvent:
    event = expect_object(data, where or "the body")
    check_fields(event, GENERIC_FIELDS, where)
    if "text" not in event:
        raise PayloadError(f"{where + ': ' if where else ''}the field 'text' is required")
    at = field(where, "text")
    text = clean_text(expect_string(event["text"], at), at)
    kind = EntryKind.OBSERVATION
    if event.get("kind") is not None:
        kind = _kind(event["kind"], field(where, "kind"))
    occurred = None
    if event.get("occurred_at") is not None:
        at = field(where, "occurred_at")
        occurred = not_future(parse_time(event["occurred_at"], at), at, now)
    source = "webhook"
    if event.get("source") is not None:
        source += ":" + _bounded(event["source"], field(where, "source"), MAX_SOURCE_CHARS)
    public = event.get("public", False)
    if not isinstance(public, bool):
        raise PayloadError(
            f"{field(where, 'public')} must be true or false, not {json_type(public)}"
        )
    key = None
    if event.get("key") is not None:
        key = "events:" + _bounded(event["key"], field(where, "key"), MAX_KEY_CHARS)
    return NewEvent(text, kind, occurred, source, public, key)


def parse_events(data: Any, now: datetime | None = None) -> list[NewEvent]:
    """A generic event `{"text", "kind", "occurred_at", "source", "public", "key"}` (only
    `text` required), or a non-empty array of them; PayloadError otherwise (FutureTime for one
    dated more than a minute after `now`)."""
    if isinstance(data, list):
        if not data:
            raise PayloadError("the array holds no events")
        return [_generic(item, f"[{number}]", now) for number, item in enumerate(data)]
    if not isinstance(data, dict):
        raise PayloadError(
            f"the body must be a JSON object (an event) or an array of them, not {json_type(data)}"
        )
    return [_generic(data, "", now)]


def finite_number(value: Any) -> bool:
    """A JSON number a float can show (an integer of 400 digits is not: no OverflowError)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
