"""The five milestone times as the Incident details dialog edits them.

Each milestone is a line of text — a clock time (HH:MM or HH:MM:SS, on the date the field showed,
else impact start's date, else the incident's) or a full date and time, with or without a UTC
offset — in local time or UTC (one toggle for all), a Clear button and an inline message: what
the text is read as, or why it cannot be read. Only fields the user touched count as changed, so
an untouched time is never re-saved at whole-second precision. Saving is the dialog's job: it
asks `changes()` for (milestone, time or None, entered offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from incident_recorder.domain.milestones import Milestone, Milestones
from incident_recorder.ui.common.style import adapt

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
FUTURE_SLACK = timedelta(minutes=1)


def aware(naive: datetime, zone: tzinfo | None) -> datetime:
    """`naive` read in `zone` (None: the system's local time)."""
    return naive.astimezone() if zone is None else naive.replace(tzinfo=zone)


def parse_entered(text: str, zone: tzinfo | None, reference: date) -> datetime | None:
    """The moment typed in `text` (None when empty); ValueError saying what is accepted.

    A clock time is on `reference` in `zone`; a date and time without an offset is in `zone`;
    one with an offset ('+01:00', 'Z') keeps it.
    """
    raw = " ".join(text.split())
    if not raw:
        return None
    clock = _CLOCK.match(raw)
    if clock:
        hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{raw} is not a time of day")
        return aware(datetime.combine(reference, time(hour, minute, second)), zone)
    if ":" not in raw:
        raise ValueError("Use HH:MM:SS, or a date and time such as 2026-11-27 14:06:10")
    try:
        moment = datetime.fromisoformat(
            raw.removesuffix(" UTC") + ("Z" if raw.endswith(" UTC") else "")
        )
    except ValueError:
        raise ValueError("Use HH:MM:SS, or a date and time such as 2026-11-27 14:06:10") from None
    return aware(moment, zone) if moment.tzinfo is None else moment


def offset_text(moment: datetime) -> str:
    """The UTC offset `moment` was entered in: '+01:00', '-05:00', '+00:00'."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class _Row:
    milestone: Milestone
    edit: QLineEdit
    clear: QPushButton
    message: QLabel
    original: datetime | None
    touched: bool = False


class MilestoneTimes(QWidget):
    """The milestone rows; `validity_changed(bool)` when the rows become readable or not."""

    validity_changed = Signal(bool)

    def __init__(
        self,
        milestones: Milestones,
        history: dict[Milestone, list[datetime | None]],
        *,
        created: datetime,
        now: datetime,
        local_zone: tzinfo | None,
        utc: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._zone = local_zone
        self._created = created
        self._now = now
        self._valid = True
        self.utc_box = QCheckBox("Times in &UTC")
        self.utc_box.setAccessibleName("Milestone times in UTC (unchecked: local time)")
        self.utc_box.setChecked(utc)
        self.utc_box.toggled.connect(self._zone_changed)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.rows: dict[Milestone, _Row] = {}
        for index, milestone in enumerate(Milestone):
            label = QLabel(milestone.label)
            edit = QLineEdit()
            edit.setAccessibleName(f"{milestone.label} time")
            edit.setPlaceholderText("not recorded")
            label.setBuddy(edit)
            clear = QPushButton("Clear")
            clear.setAutoDefault(False)  # Enter saves the dialog, never clears a time
            clear.setAccessibleName(f"Clear {milestone.label.lower()}")
            message = QLabel()
            message.setAccessibleName(f"{milestone.label}: check")
            message.setWordWrap(True)
            row = _Row(milestone, edit, clear, message, milestones[milestone])
            earlier = [self._show(v) if v else "cleared" for v in history.get(milestone, [])[:-1]]
            if earlier:
                edit.setToolTip("Earlier values (kept in the file): " + ", ".join(earlier))
            edit.textEdited.connect(lambda _t, r=row: self._touched(r))
            clear.clicked.connect(lambda _=False, r=row: self._clear(r))
            grid.addWidget(label, 2 * index, 0)
            grid.addWidget(edit, 2 * index, 1)
            grid.addWidget(clear, 2 * index, 2)
            grid.addWidget(message, 2 * index + 1, 1, 1, 2)
            self.rows[milestone] = row
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(
            "Type HH:MM:SS (on the date the field shows) or YYYY-MM-DD HH:MM:SS; "
            "Clear removes a milestone set by mistake. Earlier values stay in the file."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.utc_box)
        layout.addWidget(hint)
        layout.addLayout(grid)
        self._fill()

    # -- reading -----------------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo | None:
        return UTC if self.utc_box.isChecked() else self._zone

    def _show(self, when: datetime) -> str:
        shown = when.astimezone(self.zone)
        return f"{shown:%Y-%m-%d %H:%M:%S}" + (" UTC" if self.utc_box.isChecked() else "")

    def _reference(self, row: _Row, zone: tzinfo | None) -> date:
        """The date a bare clock time is on: the field's own, impact start's, or the incident's."""
        if row.original is not None:
            return row.original.astimezone(zone).date()
        impact = self.rows[Milestone.IMPACT_STARTED]
        if row is not impact:
            try:
                start = self._value_in(impact, zone)
            except ValueError:
                start = None
            if start is not None:
                return start.astimezone(zone).date()
        return self._created.astimezone(zone).date()

    def _value(self, row: _Row) -> datetime | None:
        """The row's moment (its text read in the zone shown)."""
        return self._value_in(row, self.zone)

    def _value_in(self, row: _Row, zone: tzinfo | None) -> datetime | None:
        if not row.touched:
            return row.original
        return parse_entered(row.edit.text(), zone, self._reference(row, zone))

    def changes(self) -> list[tuple[Milestone, datetime | None, str | None]]:
        """(milestone, new time or None to clear, entered offset) for every touched row whose
        value differs; ValueError if one cannot be read."""
        found = []
        for row in self.rows.values():
            value = self._value(row)
            if row.touched and value != row.original:
                found.append((row.milestone, value, offset_text(value) if value else None))
        return found

    def saved(self, milestone: Milestone, value: datetime | None) -> None:
        """`milestone` is now stored as `value`: it is the row's untouched state."""
        row = self.rows[milestone]
        row.original, row.touched = value, False
        self._check()

    # -- editing -----------------------------------------------------------------------------

    def _fill(self) -> None:
        for row in self.rows.values():
            if not row.touched:
                row.edit.setText("" if row.original is None else self._show(row.original))
        self._check()

    def _touched(self, row: _Row) -> None:
        row.touched = True
        self._check()

    def _clear(self, row: _Row) -> None:
        row.edit.clear()
        row.touched = True
        row.edit.setFocus()
        self._check()

    def _zone_changed(self) -> None:
        """Show every readable time in the new zone (a touched one keeps its moment)."""
        previous = self._zone if self.utc_box.isChecked() else UTC
        values = {}
        for row in self.rows.values():
            try:
                values[row.milestone] = self._value_in(row, previous)
            except ValueError:
                continue
        for milestone, value in values.items():
            row = self.rows[milestone]
            row.edit.setText("" if value is None else self._show(value))
        self._check()

    def _check(self) -> bool:
        """Inline messages: what each touched time is read as, or why it cannot be; True if
        every row can be saved."""
        ok = True
        start: datetime | None = None
        for row in self.rows.values():
            style, text = "color: palette(placeholder-text);", ""
            try:
                value = self._value(row)
            except ValueError as error:
                ok = False
                style, text = f"color: {adapt('#b91c1c')};", str(error)
            else:
                if row.milestone is Milestone.IMPACT_STARTED:
                    start = value
                if value is not None and value > self._now + FUTURE_SLACK:
                    ok = False
                    style, text = f"color: {adapt('#b91c1c')};", "This is in the future"
                elif row.touched:
                    text = self._reading(row, value, start)
                    if value is not None and start is not None and value < start:
                        style = f"color: {adapt('#b45309')};"
            row.message.setText(text)
            row.message.setStyleSheet(style)
            row.message.setVisible(bool(text))
        if ok != self._valid:
            self._valid = ok
            self.validity_changed.emit(ok)
        return ok

    def _reading(self, row: _Row, value: datetime | None, start: datetime | None) -> str:
        if value is None:
            return "Will be cleared (the earlier time stays in the file's history)"
        text = f"Read as {value:%a %d %b %Y, %H:%M:%S} (UTC{offset_text(value)})"
        if start is not None and value < start and row.milestone is not Milestone.IMPACT_STARTED:
            text += " — before impact started"
        return text

    def is_valid(self) -> bool:
        return self._check()
