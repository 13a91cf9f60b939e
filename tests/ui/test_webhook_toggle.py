"""Incident ▸ Receive Webhooks and Write Status Page… in the recorder window: a real server on
loopback, a real HTTP POST, the entry in the timeline through the live poll within a second;
the status page kept current from a worker."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

from PySide6.QtWidgets import QApplication

from incident_recorder.domain import EntryKind

DATA = Path(__file__).resolve().parents[1] / "data"


def post(url: str, token: str, body: bytes) -> dict:
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:  # accepted just as the listening socket closed
        return False
    return False


def turn_on(window, qtbot):
    window.webhooks.port = 0  # any free port: tests run side by side
    act = window.actions_by_id["receive_webhooks"]
    assert act.isCheckable() and act.menu() is None
    with qtbot.waitSignal(window.webhooks.running_changed, timeout=10_000) as on:
        act.trigger()
    assert on.args == [True] and act.isChecked()
    return window.webhooks.server


def test_an_alert_posted_over_http_shows_in_the_timeline_within_a_second(
    make_window, qtbot
) -> None:
    window = make_window()
    server = turn_on(window, qtbot)
    assert server.host == "127.0.0.1"
    assert server.token == window.file.webhook_token()  # the incident's stored token
    dialog = window.webhooks.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.fields["url"].text() == server.url
    assert dialog.fields["token"].text() == server.token
    assert f"Bearer {server.token}" in dialog.fields["curl"].text()

    reply = post(
        f"{server.url}/alertmanager", server.token, (DATA / "alertmanager-firing.json").read_bytes()
    )
    recorded = reply["recorded"]
    assert recorded  # the payload's firing alerts, each a detection entry

    def detection_shown() -> bool:
        shown = [window.model.entry_by_id(entry_id) for entry_id in recorded]
        return all(e is not None and e.kind is EntryKind.DETECTION for e in shown)

    qtbot.waitUntil(detection_shown, timeout=1000)

    port = server.port
    act = window.actions_by_id["receive_webhooks"]
    with qtbot.waitSignal(window.webhooks.running_changed, timeout=10_000) as off:
        act.trigger()
    assert off.args == [False] and not act.isChecked()
    assert refused(port)


def test_the_dialog_copies_the_curl_line(make_window, qtbot) -> None:
    window = make_window()
    server = turn_on(window, qtbot)
    dialog = window.webhooks.dialog
    dialog.copy(dialog.fields["curl"].text(), "Try")
    assert QApplication.clipboard().text().startswith("curl -sS -H 'Authorization: Bearer ")
    assert QApplication.clipboard().text().endswith(f"{server.url}/events")
    assert dialog.copied.text() == "Try copied"


def test_closing_the_window_stops_the_server_without_waiting(make_window, qtbot) -> None:
    window = make_window()
    port = turn_on(window, qtbot).port
    window.close()
    assert window.webhooks.server is None
    qtbot.waitUntil(lambda: refused(port), timeout=10_000)


def test_a_failed_start_unchecks_the_toggle(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    window.webhooks.path = tmp_path / "gone.incident"  # cannot be opened
    with qtbot.waitSignal(window.webhooks.failed, timeout=10_000):
        window.actions_by_id["receive_webhooks"].trigger()
    assert not window.actions_by_id["receive_webhooks"].isChecked()
    assert window.last_error


def test_the_status_page_follows_public_updates(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    window.model.add(
        [window.file.add_note("We are investigating", EntryKind.COMMUNICATION, public=True)]
    )
    out = tmp_path / "site"
    writes: list[object] = []
    window.report_controller.status_page.written.connect(writes.append)
    window.write_status_page(out)
    qtbot.waitUntil(lambda: len(writes) == 1, timeout=5000)
    page = out / "index.html"
    assert "We are investigating" in page.read_text(encoding="utf-8")

    window.model.add([window.file.add_note("internal detail", EntryKind.CAUSE)])
    window.model.add(
        [window.file.add_note("A fix is in place", EntryKind.COMMUNICATION, public=True)]
    )
    qtbot.waitUntil(lambda: len(writes) == 2, timeout=5000)
    text = page.read_text(encoding="utf-8")
    assert text.index("A fix is in place") < text.index("We are investigating")
    assert "internal detail" not in text

    with qtbot.waitSignal(window.report_controller.status_page.checked, timeout=5000):
        window.model.add([window.file.add_note("another internal one", EntryKind.ACTION)])
    assert len(writes) == 2  # read again, but nothing public changed: nothing written
