"""Fakes for the capture tests: an mss stand-in with chosen monitors, and a hot-plug factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeShot:
    """What mss' ScreenShot offers that the Grabber uses: ``raw`` and ``size``."""

    raw: bytearray
    size: tuple[int, int]


def _inside(region: dict[str, Any], monitor: dict[str, Any]) -> bool:
    return (
        monitor["left"] <= region["left"]
        and monitor["top"] <= region["top"]
        and region["left"] + region["width"] <= monitor["left"] + monitor["width"]
        and region["top"] + region["height"] <= monitor["top"] + monitor["height"]
    )


@dataclass
class FakeScreen:
    """A stand-in for ``mss.MSS`` with chosen monitors; counts grabs and closes."""

    layout: list[dict[str, Any]]
    grabbed: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    fail_on: Callable[[dict[str, Any]], bool] = lambda _m: False
    #: The monitors really attached now (X fails a grab outside them); default: ``layout``.
    attached: Callable[[], list[dict[str, Any]]] | None = None

    @property
    def monitors(self) -> list[dict[str, Any]]:
        left = min((m["left"] for m in self.layout), default=0)
        top = min((m["top"] for m in self.layout), default=0)
        right = max((m["left"] + m["width"] for m in self.layout), default=0)
        bottom = max((m["top"] + m["height"] for m in self.layout), default=0)
        whole = {"left": left, "top": top, "width": right - left, "height": bottom - top}
        return [whole, *self.layout]

    def grab(self, monitor: dict[str, Any], /) -> FakeShot:
        attached = self.attached() if self.attached else self.layout
        if self.fail_on(monitor) or not any(_inside(monitor, m) for m in attached):
            from mss.exception import ScreenShotError

            raise ScreenShotError("X11 Protocol Error\nX Error of failed request:  8")
        self.grabbed.append(monitor)
        width, height = monitor["width"], monitor["height"]
        return FakeShot(bytearray(b"\x10\x20\x30\xff" * (width * height)), (width, height))

    def close(self) -> None:
        self.closed = True


def mon(left: int, top: int, width: int, height: int, **extra: Any) -> dict[str, Any]:
    return {"left": left, "top": top, "width": width, "height": height, **extra}


class Screens:
    """A factory handing out FakeScreens over a layout that tests may change (hot-plug)."""

    def __init__(self, layout: list[dict[str, Any]]) -> None:
        self.layout = layout
        self.made: list[FakeScreen] = []
        self.fail_on: Callable[[dict[str, Any]], bool] = lambda _m: False

    def __call__(self) -> FakeScreen:
        screen = FakeScreen(list(self.layout), fail_on=self.fail_on, attached=lambda: self.layout)
        self.made.append(screen)
        return screen
