"""Annotations drawn on a capture: rectangles, arrows, text labels and redaction boxes.

Shapes are plain values in image pixels (x grows right, y grows down; the box of a rectangle or
a redaction covers x1 <= x < x2, y1 <= y < y2 once normalised). They are stored as JSON beside
the original capture, whose pixels are never changed; the exported copy is rendered from both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ShapeKind(StrEnum):
    RECTANGLE = "rectangle"
    ARROW = "arrow"
    TEXT = "text"
    REDACTION = "redaction"


MAX_TEXT = 500
"""The longest text label kept (longer ones are cut)."""


@dataclass(frozen=True, slots=True)
class Shape:
    """One shape. An arrow points from (x1, y1) to (x2, y2); a text label starts at (x1, y1)."""

    kind: ShapeKind
    x1: int
    y1: int
    x2: int
    y2: int
    text: str = ""

    def box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom), right and bottom exclusive."""
        return (
            min(self.x1, self.x2),
            min(self.y1, self.y2),
            max(self.x1, self.x2),
            max(self.y1, self.y2),
        )

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "kind": str(self.kind),
            "x1": self.x1,
            "y1": self.y1,
            "x2": self.x2,
            "y2": self.y2,
        }
        if self.kind is ShapeKind.TEXT:
            record["text"] = self.text
        return record

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Shape:
        """The shape a stored dict describes; ValueError if it is not one."""
        try:
            kind = ShapeKind(record["kind"])
            coords = [record[name] for name in ("x1", "y1", "x2", "y2")]
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a shape: {record!r}") from error
        if not all(isinstance(c, int) and not isinstance(c, bool) for c in coords):
            raise ValueError(f"shape coordinates must be whole pixels: {record!r}")
        text = record.get("text", "")
        if not isinstance(text, str):
            raise ValueError(f"a text label needs text: {record!r}")
        return cls(
            kind,
            coords[0],
            coords[1],
            coords[2],
            coords[3],
            text[:MAX_TEXT] if kind is ShapeKind.TEXT else "",
        )


def shapes_to_json(shapes: Iterable[Shape]) -> list[dict[str, Any]]:
    return [shape.to_dict() for shape in shapes]


def shapes_from_json(records: Sequence[Mapping[str, Any]]) -> list[Shape]:
    return [Shape.from_dict(record) for record in records]


def has_redaction(shapes: Iterable[Shape]) -> bool:
    return any(shape.kind is ShapeKind.REDACTION for shape in shapes)
