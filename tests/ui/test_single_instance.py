"""The running app's side of forwarding: requests answered in-process, the Wayland notice.

The transport itself (a real QLocalServer, real client processes, a stale socket) is tested
end to end in tests/cli/test_forwarding.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from incident_recorder.app import WAYLAND_NOTICE, wayland_session
from incident_recorder.app_requests import NO_RECORDER, open_request
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.start.single_instance import ENV, instance_name
from tests.ui.window_support import opened, settled


def make(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    IncidentFile.create(path, name.split(".")[0]).close()
    return path


def test_instance_name_is_per_user_and_overridable(tmp_path: Path) -> None:
    assert instance_name({ENV: "/tmp/x.sock"}) == "/tmp/x.sock"
    assert instance_name({"XDG_RUNTIME_DIR": str(tmp_path)}) == str(
        tmp_path / "incident-recorder.sock"
    )
    # Without a runtime dir: a private folder of this user, never a guessable name in /tmp.
    private = Path(instance_name({}))
    assert private.name == "instance.sock"
    assert private.parent.stat().st_mode & 0o077 == 0
    assert not str(private).startswith(tempfile.gettempdir() + "/incident-recorder")


def test_a_name_held_by_an_unusable_socket_does_not_stop_the_app(tmp_path: Path) -> None:
    """listen() must not raise when the ping itself fails (e.g. another user's socket)."""
    from incident_recorder.ui.start import single_instance

    server = single_instance.InstanceServer(str(tmp_path / "held.sock"))
    original = single_instance.forward

    def refuse(*_args, **_kwargs):
        raise single_instance.ForwardError("the socket belongs to another user")

    single_instance.forward = refuse
    try:
        server._server.listen = lambda _name: False  # type: ignore[method-assign]
        assert server.listen() is True
        assert "another user" in (server.error or "")
    finally:
        single_instance.forward = original
        server.close()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
        ({"XDG_SESSION_TYPE": "wayland"}, True),
        ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, False),
        ({}, False),
    ],
)
def test_wayland_session(environ: dict[str, str], expected: bool) -> None:
    assert wayland_session(environ) is expected


def test_wayland_notice_is_shown_once(application, tmp_path, monkeypatch, qtbot) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # offscreen: no global keys either
    first = application.open_path(make(tmp_path, "a.incident"))
    assert first.statusBar().currentMessage() == WAYLAND_NOTICE
    second = opened(application, make(tmp_path, "b.incident"), qtbot)
    assert second.statusBar().currentMessage() != WAYLAND_NOTICE


def test_no_wayland_notice_on_x11(application, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    window = application.open_path(make(tmp_path, "a.incident"))
    assert "Wayland" not in window.statusBar().currentMessage()


def test_requests_go_to_the_most_recent_recorder(application, clock, tmp_path, qtbot) -> None:
    assert application.handle_request({"cmd": "note", "text": "x"}) == {
        "ok": False,
        "error": NO_RECORDER,
    }
    a, b = make(tmp_path, "a.incident"), make(tmp_path, "b.incident")
    assert application.handle_request(open_request(a))["ok"]
    assert settled(application.handle_request(open_request(b)), qtbot)["ok"]
    reply = application.handle_request(
        {"cmd": "note", "text": "on b", "at": "2026-11-27T13:59:00.000Z"}
    )
    assert reply["ok"] and "b.incident" in reply["message"]
    window_b = application.windows[-1]
    entry = window_b.file.entries()[-1]
    assert entry.text == "on b" and entry.occurred_at.isoformat().startswith("2026-11-27T13:59")
    assert window_b.model.rowCount() == 1  # shown at once, not only on the next poll
    assert application.handle_request(open_request(a))["ok"]  # raise a: now the most recent
    assert application.windows[-1].file.path.name == "a.incident"


def test_focus_note_stamps_the_moment_of_the_command(application, tmp_path) -> None:
    application.open_path(make(tmp_path, "a.incident"))
    reply = application.handle_request({"cmd": "focus_note", "at": "2026-11-27T13:58:30.000Z"})
    assert reply["ok"]
    draft = application.windows[-1].note_bar.draft()
    assert draft.occurred_at.isoformat().startswith("2026-11-27T13:58:30")


@pytest.mark.parametrize(
    ("request_", "fragment"),
    [
        ({"cmd": "frobnicate"}, "unknown request"),
        ({"cmd": "capture", "mode": "region"}, "unknown mode"),
        ({"cmd": "note", "text": "   "}, "nothing was saved"),
        ({"cmd": "note", "text": "x", "at": "yesterday-ish"}, "bad time"),
        ({"cmd": "open", "path": "/nonexistent/x.incident"}, "could not open"),
    ],
)
def test_bad_requests_get_a_clear_error(application, tmp_path, request_, fragment) -> None:
    application.open_path(make(tmp_path, "a.incident"))
    reply = application.handle_request(request_)
    assert reply["ok"] is False and fragment in reply["error"]
