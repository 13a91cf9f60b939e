"""The action items model: each edit a revision, hide instead of delete, stale saves refused."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from incident_recorder.domain.actions import ActionItem, ActionStatus, ActionType
from incident_recorder.storage import IncidentFile
from incident_recorder.ui.report.action_items_model import (
    DESCRIPTION,
    DUE,
    OWNER,
    STATUS,
    TICKET,
    TYPE,
    ActionItemsModel,
    ticket_problem,
)

EDIT = Qt.ItemDataRole.EditRole


@pytest.fixture
def model(qtbot, incident_file):
    incident_file.save_action_item(ActionItem("Alert on checkout error rate", owner="sam"))
    return ActionItemsModel(incident_file)


def test_passes_the_model_tester(qtmodeltester, model) -> None:
    model.add_item()
    qtmodeltester.check(model)


def test_shows_the_saved_items(model) -> None:
    assert model.rowCount() == 1
    assert model.index(0, DESCRIPTION).data() == "Alert on checkout error rate"
    assert model.index(0, OWNER).data() == "sam"
    assert model.index(0, DUE).data() == "no date"
    assert model.index(0, STATUS).data() == "Open"
    assert model.index(0, TYPE).data() == "Prevent"


def test_each_edit_is_a_revision(model, incident_file) -> None:
    assert model.setData(model.index(0, DUE), QDate(2026, 12, 11), EDIT)
    assert model.setData(model.index(0, STATUS), ActionStatus.IN_PROGRESS.value, EDIT)
    assert model.setData(model.index(0, TYPE), ActionType.MITIGATE.value, EDIT)
    assert model.setData(model.index(0, TICKET), "https://tickets.example/OPS-12", EDIT)
    [item] = incident_file.action_items()
    assert (item.due, item.status, item.type, item.ticket) == (
        date(2026, 12, 11),
        ActionStatus.IN_PROGRESS,
        ActionType.MITIGATE,
        "https://tickets.example/OPS-12",
    )
    history = incident_file.action_item_history(item.id)
    assert [h.revision for h in history] == [1, 2, 3, 4, 5]
    assert history[0].due is None  # the first revision is kept as it was


def test_unchanged_value_saves_nothing(model, incident_file) -> None:
    assert not model.setData(model.index(0, OWNER), "sam", EDIT)
    assert len(incident_file.action_item_history(1)) == 1


def test_a_new_row_is_saved_once_described(model, incident_file) -> None:
    row = model.add_item()
    assert model.setData(model.index(row, OWNER), "kim", EDIT)
    assert len(incident_file.action_items()) == 1  # no description yet: not saved
    assert model.setData(model.index(row, DESCRIPTION), "Canary the payments config", EDIT)
    saved = incident_file.action_items()
    assert [(i.description, i.owner) for i in saved][-1] == ("Canary the payments config", "kim")


def test_remove_hides_it_and_keeps_the_history(model, incident_file) -> None:
    assert model.hide_item(0)
    assert model.rowCount() == 0
    assert incident_file.action_items() == []
    [hidden] = incident_file.action_items(include_hidden=True)
    assert hidden.hidden and hidden.revision == 2


def test_a_ticket_must_be_a_web_link(model, qtbot, incident_file) -> None:
    with qtbot.waitSignal(model.save_failed) as failed:
        assert not model.setData(model.index(0, TICKET), "javascript:alert(1)", EDIT)
    assert "http" in failed.args[0]
    assert incident_file.action_items()[0].ticket == ""
    assert ticket_problem("https://x.example/1") is None
    assert ticket_problem("ftp://x.example/1") is not None
    assert ticket_problem("") is None


def test_a_stale_save_says_so_and_reloads(model, qtbot, incident_path, clock) -> None:
    with IncidentFile.open(incident_path, clock=clock) as other:
        [item] = other.action_items()
        other.save_action_item(ActionItem(**{**_fields(item), "owner": "alex"}))
    with qtbot.waitSignal(model.save_failed) as failed:
        assert not model.setData(model.index(0, OWNER), "robin", EDIT)
    assert "changed elsewhere" in failed.args[0]
    assert model.index(0, OWNER).data() == "alex"  # the table shows what is saved


def test_a_missing_owner_or_date_stands_out(model) -> None:
    colour = model.index(0, DUE).data(Qt.ItemDataRole.ForegroundRole)
    assert colour is not None
    assert model.index(0, OWNER).data(Qt.ItemDataRole.ForegroundRole) is None


def _fields(item: ActionItem) -> dict[str, object]:
    return {name: getattr(item, name) for name in ActionItem.__dataclass_fields__}
