"""A time typed by a person, in local time or UTC: parsing, and the field the dialogs share.

Accepted: a clock time (13:58, 13:58:30, 13:58:30.250) or a full date and time
(2026-11-27 13:58[:30], with a T or a space; an explicit zone such as Z or +02:00 wins over the
toggle). A clock time falls on the `anchor` date when one is given (the entry being edited), else
on the latest such moment that is not in the future. The zone the time was typed in is kept as its
offset ('+01:00') beside the UTC time, as the incident file stores it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from incident_recorder.ui.common.style import adapt

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$")
HINT = "type 13:58, 13:58:30 or 2026-11-27 13:58:30"


@dataclass(frozen=True)
class TypedTime:
    moment: datetime
    """In UTC."""
    offset: str
    """The UTC offset it was typed in: '+01:00', '+00:00'."""


def format_utc_offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta(0)).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def parse_typed(text: str, zone: tzinfo, *, now: datetime, anchor: date | None = None) -> TypedTime:
    """The moment `text` names, read in `zone`; ValueError with a one-line reason if unreadable."""
    raw = text.strip()
    if not raw:
        raise ValueError(f"a time is needed: {HINT}")
    clock = _CLOCK.match(raw)
    if clock:
        hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        millis = int((clock[4] or "0").ljust(3, "0"))
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{raw} is not a time of day")
        day = anchor or now.astimezone(zone).date()
        local = datetime.combine(day, time(hour, minute, second, millis * 1000), tzinfo=zone)
        # a fold or gap (DST) resolves through the UTC round trip
        local = local.astimezone(UTC).astimezone(zone)
        if anchor is None and local > now + timedelta(minutes=1):
            local = (local - timedelta(days=1)).astimezone(UTC).astimezone(zone)
        return TypedTime(local.astimezone(UTC), format_utc_offset(local.utcoffset()))
    try:
        moment = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"cannot read {raw!r}: {HINT}") from None
    if len(raw) <= 10:  # a date alone ('2026-11-27') also parses: a time is needed too
        raise ValueError(f"{raw} has no time of day: {HINT}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{raw} is out of range") from None
    return TypedTime(utc, format_utc_offset(moment.utcoffset()))


def describe(moment: datetime, local_zone: tzinfo | None) -> str:
    """'Fri 27 Nov 2026 · 14:58:00 local (UTC+01:00) · 13:58:00 UTC'."""
    local = moment.astimezone(local_zone)
    utc = moment.astimezone(UTC)
    if local.utcoffset() == timedelta(0):
        return f"{utc:%a %d %b %Y · %H:%M:%S} UTC (local time is UTC)"
    offset = format_utc_offset(local.utcoffset())
    return f"{local:%a %d %b %Y · %H:%M:%S} local (UTC{offset}) · {utc:%H:%M:%S} UTC"


class TimeField(QWidget):
    """A line edit, a Local / UTC toggle and, live below, the time in both zones (or why the
    text cannot be read). `changed` on every edit or toggle."""

    changed = Signal()

    def __init__(
        self,
        local_zone: tzinfo | None,
        now: datetime,
        *,
        utc: bool = False,
        anchor: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._local_zone = local_zone
        self._now = now
        self._anchor = anchor
        self._prefill = ""
        self.edit = QLineEdit()
        self.edit.setAccessibleName("Occurred at")
        self.edit.setPlaceholderText("13:58 or 2026-11-27 13:58:30")
        self.edit.setToolTip(f"When it happened: {HINT}")
        self.local = QRadioButton("&Local time")
        self.utc = QRadioButton("&UTC")
        (self.utc if utc else self.local).setChecked(True)
        for radio in (self.local, self.utc):  # Tab goes on to the next field; Alt+L / Alt+U
            radio.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            radio.setToolTip("The zone the time is typed in (Alt+L local time, Alt+U UTC)")
        self.preview = QLabel()
        self.preview.setObjectName("hint")
        self.preview.setAccessibleName("The time in both zones")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.local)
        row.addWidget(self.utc)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.preview)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._refresh)
        self.utc.toggled.connect(self._zone_toggled)
        if anchor is not None:
            self._prefill = self._format(anchor)
            self.edit.setText(self._prefill)
        self._refresh()

    def zone(self) -> tzinfo:
        if self.utc.isChecked():
            return UTC
        return self._local_zone or datetime.now().astimezone().tzinfo or UTC

    def _format(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.zone()):%Y-%m-%d %H:%M:%S}"

    def untouched(self) -> bool:
        """True while the field still shows the time it was opened with."""
        return bool(self._prefill) and self.edit.text().strip() == self._prefill

    def value(self) -> TypedTime:
        """The typed time; ValueError (one line) if it cannot be read."""
        anchor = None
        if self._anchor is not None:
            anchor = self._anchor.astimezone(self.zone()).date()
        return parse_typed(self.edit.text(), self.zone(), now=self._now, anchor=anchor)

    def _zone_toggled(self) -> None:
        """Untouched, the same moment is shown in the other zone; typed text is read in it."""
        if self._anchor is not None:
            untouched = self.untouched()
            self._prefill = self._format(self._anchor)
            if untouched:
                self.edit.setText(self._prefill)
        if self.local.hasFocus() or self.utc.hasFocus():
            self.edit.setFocus()  # back to typing the time
        self._refresh()

    def _refresh(self) -> None:
        if not self.edit.text().strip():  # nothing typed yet: a hint, not an error
            self.preview.setText(f"When it happened: {HINT}")
            self.preview.setStyleSheet("")
            self.changed.emit()
            return
        try:
            typed = self.value()
        except ValueError as error:
            self.preview.setText(str(error)[:1].upper() + str(error)[1:])
            self.preview.setStyleSheet(f"color: {adapt('#b91c1c')};")
        else:
            self.preview.setText("= " + describe(typed.moment, self._local_zone))
            self.preview.setStyleSheet("")
        self.changed.emit()
