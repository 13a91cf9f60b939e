"""argparse types for option values: a kind, a time typed by a person, a zone, a JPEG quality."""

from __future__ import annotations

import argparse


def kind_help() -> str:
    """Every kind, from EntryKind itself: 'observation (default), detection, …, or mitigation'."""
    from incident_recorder.domain import EntryKind

    names = [kind.value for kind in EntryKind]
    names[0] += " (default)"
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def _kind(text: str) -> object:
    """argparse type for --kind: a kind name or a unique prefix of one."""
    from incident_recorder.domain import EntryKind

    try:
        return EntryKind.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _when(text: str) -> object:
    """argparse type for --at: a moment that is not in the future."""
    from incident_recorder.domain.times import in_zone, is_future, parse_when, system_clock

    now = system_clock()
    try:
        moment = parse_when(text, now)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if is_future(moment, now):  # the rule the importers and `serve` share
        local = in_zone(moment, None)
        raise argparse.ArgumentTypeError(
            f"{text!r} is in the future ({local:%Y-%m-%d %H:%M:%S %Z}): a note records what "
            "has happened"
        )
    return moment


def _moment(text: str) -> object:
    """argparse type for --start/--since/--until: a moment (the future allowed)."""
    from incident_recorder.domain.times import parse_when, system_clock

    try:
        return parse_when(text, system_clock())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _jpeg_quality(text: str) -> int:
    from incident_recorder.settings import JPEG_QUALITIES

    if not text.strip().isdigit() or int(text) not in JPEG_QUALITIES:
        low, high = JPEG_QUALITIES.start, JPEG_QUALITIES.stop - 1
        raise argparse.ArgumentTypeError(f"JPEG quality must be a number from {low} to {high}")
    return int(text)


def _zone(text: str) -> object:
    from incident_recorder.domain.zones import parse_zone

    try:
        return parse_zone(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
