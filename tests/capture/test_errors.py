"""check_capture_possible over fake environments, and exceptions turned into clear lines."""

from __future__ import annotations

import sys

import pytest
from mss.exception import ScreenShotError

from incident_recorder.capture import CaptureError, Grabber, check_capture_possible
from incident_recorder.capture.errors import XCB_PACKAGES, capture_error_from


def test_x11_session_passes() -> None:
    check_capture_possible({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, platform="linux")


def test_no_display() -> None:
    with pytest.raises(CaptureError, match=r"no display: .*X11.*DISPLAY is not set"):
        check_capture_possible({}, platform="linux")


@pytest.mark.parametrize(
    "environ",
    [
        {"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"},
        {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"},
        {"WAYLAND_DISPLAY": "wayland-0"},
    ],
)
def test_wayland_is_refused_with_reason(environ: dict[str, str]) -> None:
    with pytest.raises(CaptureError) as info:
        check_capture_possible(environ, platform="linux")
    message = str(info.value)
    assert "Wayland" in message and "not supported" in message and "black" in message


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_need_nothing(platform: str) -> None:
    check_capture_possible({}, platform=platform)


def test_connection_error_names_the_display() -> None:
    exc = ScreenShotError("Cannot connect to display: connection refused")
    error = capture_error_from(exc, display=":5")
    assert str(error).startswith("no display:") and "':5'" in str(error)


def test_missing_xcb_names_the_packages() -> None:
    error = capture_error_from(ScreenShotError("Library libxcb.so not found"))
    assert XCB_PACKAGES in str(error)


def test_protocol_error_is_one_line() -> None:
    error = capture_error_from(ScreenShotError("X11 Protocol Error\nX Error of failed request: 8"))
    assert str(error) == "screen capture failed: X11 Protocol Error"


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 only")


@linux_only
def test_display_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real mss connection attempt to a display nobody serves gives a clear CaptureError."""
    monkeypatch.setenv("DISPLAY", ":987")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    grabber = Grabber()
    with pytest.raises(CaptureError) as info:
        grabber.grab(pointer=(0, 0))
    assert str(info.value).startswith("no display:")
    assert "':987'" in str(info.value)
    assert "\n" not in str(info.value)
    grabber.close()


@linux_only
def test_explicit_display_that_does_not_exist(x_session: None) -> None:
    with Grabber(display=":987") as grabber, pytest.raises(CaptureError, match="':987'"):
        grabber.monitors()


@linux_only
def test_unset_display_is_refused_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    with Grabber() as grabber, pytest.raises(CaptureError, match="DISPLAY is not set"):
        grabber.grab()
