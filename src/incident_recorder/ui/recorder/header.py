"""The header of the recorder window: what the incident is, how long impact lasts, where it stands.

Top row: the title (a click opens Incident details), the severity badge and the status; on the
right the impact clock ("Impact for 00:42:13", ticking; "Impact lasted 00:12:25" once mitigated or
resolved) above the time now. Below: one chip per milestone — its time, or a dimmed "—" when it
is not recorded (never guessed) — and TTD / TTA / TTM / TTR, each measured from impact start.
When the window is too narrow for both on one row the metrics wrap onto their own row.

The window feeds it (`show_incident`) after its own changes and when another program's commit
moves the file's data_version. The 1 s tick rewrites two labels of the header only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from incident_recorder.domain import Incident
from incident_recorder.domain.details import DEFAULT_SEVERITIES, IncidentDetails, Status
from incident_recorder.domain.milestones import Metric, Milestone, Milestones, order_warning
from incident_recorder.domain.record import current_status
from incident_recorder.domain.text import visible
from incident_recorder.domain.times import Clock, format_offset
from incident_recorder.ui.common.links import plain_tip
from incident_recorder.ui.common.style import adapt, fixed_font
from incident_recorder.ui.recorder.header_parts import MISSING, Chip, ElidedLabel
from incident_recorder.ui.recorder.update_due import UpdateCountdown
from incident_recorder.ui.timeline.timeline_model import TimelineModel

SYNC_STATE_WIDTH = 460
"""The most the sync state takes of the header's second line, in pixels."""
REFRESH_GAP_S = 0.25
"""The entry and capture counts are shown again at most this often (see IncidentHeader)."""
SEVERITY_COLOURS = ("#b91c1c", "#c2410c", "#a16207")
"""Badge colours of the scale's first (worst) severities; the rest are grey."""
SEVERITY_GREY = "#64748b"
STATUS_COLOURS = {
    Status.INVESTIGATING: "#b45309",
    Status.IDENTIFIED: "#7c3aed",
    Status.MONITORING: "#1d4ed8",
    Status.RESOLVED: "#15803d",
}
ONGOING = "#b91c1c"
IMPACT_STATES = {
    "missing": (
        "color: palette(placeholder-text); font-size: 10pt;",
        "Alt+1 records that impact started (now, or at the time of the note being typed)",
    ),
    "ended": ("font-weight: 600;", "From impact started to mitigated (or resolved)"),
    "ongoing": (
        "color: {ongoing}; font-weight: 700;",
        "Since impact started; the clock stops at mitigated or resolved",
    ),
}


def clock_text(delta: timedelta) -> str:
    """'00:42:13' ('1d 02:00:00' past a day; negative shown with a minus)."""
    return format_offset(delta).removeprefix("T").removeprefix("+")


def recorded_message(
    milestone: Milestone,
    before: datetime | None,
    milestones: Milestones,
    format_time: Callable[[datetime], str],
) -> str:
    """The status line after a milestone key: its time and metric, or that it moved."""
    now = milestones[milestone]
    at = format_time(now) if now is not None else MISSING
    if before is not None and before != now:
        return (
            f"{milestone.label} moved from {format_time(before)} to {at} "
            "(the earlier time stays in its history; correct it in Incident Details, Ctrl+I)"
        )
    message = f"{milestone.label} at {at}"
    for metric in Metric:
        if metric.milestone is milestone and (value := milestones.metric(metric)) is not None:
            message += f" · {metric.short_label} {clock_text(value)}"
    order = order_warning(milestones, milestone, format_time)
    if order is not None:
        message += f" · {order} (Ctrl+I corrects it)"
    return message


def severity_colour(severity: str, scale: tuple[str, ...]) -> str:
    index = scale.index(severity) if severity in scale else len(SEVERITY_COLOURS)
    return SEVERITY_COLOURS[index] if index < len(SEVERITY_COLOURS) else SEVERITY_GREY


class IncidentHeader(QWidget):
    title_clicked = Signal()
    """The title was clicked: the window opens Incident details."""

    def __init__(
        self,
        incident: Incident,
        file_name: str,
        model: TimelineModel,
        clock: Clock,
        local_zone: tzinfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._model = model
        self._clock = clock
        self._zone = local_zone
        self._display = "local"
        self._file_name = file_name
        self._loading: int | None = None
        self._created = incident.created_at
        self._details = IncidentDetails(incident.title)
        self._milestones = Milestones()
        self._severities: tuple[str, ...] = DEFAULT_SEVERITIES

        self.title = ElidedLabel(visible(incident.title))
        self.title.setObjectName("incidentTitle")
        self.title.setAccessibleName("Incident title")
        self.title.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title.clicked.connect(self.title_clicked)
        self.severity = QLabel()
        self.severity.setAccessibleName("Severity")
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.details = ElidedLabel()
        self.details.setObjectName("incidentDetails")
        self.impact = QLabel()
        self.impact.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.impact.setAccessibleName("Impact duration")
        self.now = QLabel()
        self.now.setFont(fixed_font(0))
        self.now.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.now.setAccessibleName("Current time")
        self.now.setObjectName("incidentDetails")
        self.chips = {m: Chip(m.label) for m in Milestone}
        self.metric_chips = {metric: Chip(metric.short_label) for metric in Metric}
        self.countdown = UpdateCountdown(model, incident.created_at, local_zone, self)
        """The "next update due" chip (ui/recorder/update_due.py), after the metrics."""
        self.update_due = self.countdown.due

        heading = QHBoxLayout()
        heading.setSpacing(10)
        heading.addWidget(self.title, 0)
        heading.addWidget(self.severity, 0, Qt.AlignmentFlag.AlignVCenter)
        heading.addWidget(self.status, 0, Qt.AlignmentFlag.AlignVCenter)
        heading.addStretch(1)
        heading.addSpacing(16)
        heading.addWidget(self.impact)
        subline = QHBoxLayout()
        subline.addWidget(self.details, 1)
        # a shared incident's sync state (ui/recorder/team_sync.py): a long error is cut short
        # with "…" (its tooltip has it whole) rather than pushing the clock off the line
        self.sync_state = ElidedLabel()
        self.sync_state.setMaximumWidth(SYNC_STATE_WIDTH)
        self.sync_state.hide()
        subline.addWidget(self.sync_state)
        subline.addWidget(self.now)

        self.milestone_group = self._group(self.chips.values())
        self.metric_group = self._group(
            [*self.metric_chips.values(), self.countdown.chip], separator=True
        )
        self._strip = QGridLayout()
        self._strip.setContentsMargins(0, 4, 0, 0)
        self._strip.setHorizontalSpacing(18)
        self._strip.setVerticalSpacing(6)
        self._strip.addWidget(self.milestone_group, 0, 0)
        self._strip.setColumnStretch(2, 1)
        self._wrapped: bool | None = None
        self._impact_state = ""

        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(2)
        layout.addLayout(heading)
        layout.addLayout(subline)
        layout.addLayout(self._strip)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)  # see minimumSizeHint
        self._place_metrics(wrapped=False)

        # The counts follow the model at most every REFRESH_GAP_S: each new text lays the
        # window out again, and a teammate's catch-up inserts a block of rows per event-loop turn.
        self._refreshed = float("-inf")
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.refresh)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._counts_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.show_incident(self._details, self._milestones)
        self.refresh()

    @staticmethod
    def _group(chips: object, *, separator: bool = False) -> QWidget:
        group = QWidget()
        row = QHBoxLayout(group)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(18)
        if separator:
            line = QFrame()
            line.setObjectName("separator")
            line.setFrameShape(QFrame.Shape.VLine)
            line.setStyleSheet("color: palette(midlight);")
            row.addWidget(line)
        for chip in chips:  # type: ignore[attr-defined]
            row.addWidget(chip)
        return group

    # -- what it shows -----------------------------------------------------------------------

    def show_incident(self, details: IncidentDetails, milestones: Milestones) -> None:
        """Show these details and milestones (read from the file by the window)."""
        self._details, self._milestones = details, milestones
        title = visible(details.title)  # a U+202E in the file cannot turn the title around
        self.title.setText(title)
        self.title.setToolTip(plain_tip(f"{title}\n\nClick (or Ctrl+I) for the incident details"))
        self._show_severity()
        self.countdown.set_incident(details, milestones)
        status = current_status(details, milestones)
        colour = adapt(STATUS_COLOURS[status])
        self.status.setText(status.label)
        self.status.setStyleSheet(
            f"color: {colour}; border: 1px solid {colour}; border-radius: 9px; padding: 1px 8px;"
        )
        self.status.setAccessibleName(f"Status: {status.label}")
        for number, (milestone, chip) in enumerate(self.chips.items(), start=1):
            when = milestones[milestone]
            if when is None:
                chip.show_value(None, f"{milestone.label}: not recorded — press Alt+{number}")
            else:
                chip.show_value(self._time(when), f"{milestone.label}: {self._time(when, True)}")
        for metric, chip in self.metric_chips.items():
            value = milestones.metric(metric)
            definition = f"{metric.label}: {metric.definition} — measured from impact start."
            if value is None:
                chip.show_value(None, f"{definition}\n{milestones.why_missing(metric)}")
            else:
                chip.show_value(clock_text(value), definition)
        self.tick()

    def restyle(self) -> None:
        """Colours again for a new light/dark palette."""
        self._impact_state = ""
        self.show_incident(self._details, self._milestones)

    @property
    def milestones(self) -> Milestones:
        """The milestones shown (as last read from the file)."""
        return self._milestones

    def set_severities(self, scale: tuple[str, ...]) -> None:
        """The team's severity scale (its order gives the badge colours)."""
        self._severities = scale
        self._show_severity()

    def set_update_cadence(self, cadence: Mapping[str, int]) -> None:
        """Minutes between public updates per severity (settings.update_cadence_minutes)."""
        self.countdown.set_cadence(cadence)
        self.tick()

    def _show_severity(self) -> None:
        severity = self._details.severity
        if severity is None:
            self.severity.setText("No severity")
            self.severity.setStyleSheet(
                "color: palette(placeholder-text); border: 1px dashed palette(mid);"
                " border-radius: 4px; padding: 1px 7px;"
            )
        else:
            self.severity.setText(severity)
            self.severity.setStyleSheet(
                f"background: {severity_colour(severity, self._severities)}; color: white;"
                " border-radius: 4px; padding: 1px 7px; font-weight: 700;"
            )
        self.severity.setAccessibleName(f"Severity: {severity or 'not set'}")

    def set_time_display(self, display: str) -> None:
        """Local time, UTC or T+ (the milestone chips then lead with their T+)."""
        self._display = display
        self.show_incident(self._details, self._milestones)
        self.refresh()

    def _time(self, when: datetime, long: bool = False) -> str:
        utc = self._display == "utc"
        shown = when.astimezone(UTC if utc else self._zone)
        if self._display == "offset":
            offset = self._model.format_offset(when)
            return f"{offset} · {shown:%a %d %b %Y, %H:%M:%S}" if long else offset
        text = f"{shown:%a %d %b %Y, %H:%M:%S}" if long else f"{shown:%H:%M:%S}"
        return f"{text} UTC" if long and utc else text

    def set_loading(self, total: int | None) -> None:
        """The file holds `total` entries, not all read yet (None: every entry is shown)."""
        self._loading = total
        self.refresh()

    def _counts_changed(self) -> None:
        wait = self._refreshed + REFRESH_GAP_S - time.monotonic()
        if wait <= 0:
            self.refresh()
        elif not self._later.isActive():
            self._later.start(max(1, round(wait * 1000)))

    def refresh(self) -> None:
        self._refreshed = time.monotonic()
        self._later.stop()
        count = self._model.rowCount()
        captures = self._model.capture_count
        utc = self._display == "utc"
        created = self._created.astimezone(UTC if utc else self._zone)
        parts = [
            f"Created {created:%a %d %b %Y, %H:%M}" + (" UTC" if utc else ""),
            f"{count:,} entr{'y' if count == 1 else 'ies'}"
            if self._loading is None
            else f"reading {self._loading:,} entries…",
        ]
        if captures and self._loading is None:
            parts.append(f"{captures:,} capture{'s' if captures != 1 else ''}")
        parts.append(self._file_name)
        self.details.setText("  ·  ".join(parts))
        self.details.setToolTip(plain_tip(self.details.text()))
        self.tick()

    def tick(self) -> None:
        """Once a second: the time now, the impact clock and the next-update countdown."""
        now = self._clock()
        self.countdown.tick(now)
        local = now.astimezone(self._zone)
        utc = now.astimezone(UTC)
        if local.utcoffset() == utc.utcoffset():
            self.now.setText(f"{utc:%H:%M:%S} UTC")
        else:
            self.now.setText(f"{local:%H:%M:%S} {local:%Z}  ·  {utc:%H:%M:%S} UTC")
        lasted = self._milestones.impact_duration(now)
        ended = (
            self._milestones[Milestone.MITIGATED] or self._milestones[Milestone.RESOLVED]
        ) is not None
        if lasted is None:
            self.impact.setText("Impact start not recorded")
            state = "missing"
        elif ended:
            self.impact.setText(f"Impact lasted {clock_text(lasted)}")
            state = "ended"
        else:
            self.impact.setText(f"Impact for {clock_text(lasted)}")
            state = "ongoing"
        if state != self._impact_state:  # restyled only when it changes, not every second
            self._impact_state = state
            style, tip = IMPACT_STATES[state]
            self.impact.setFont(self.font() if state == "missing" else fixed_font(3))
            self.impact.setStyleSheet(style.format(ongoing=adapt(ONGOING)))
            self.impact.setToolTip(tip)

    # -- narrow windows ----------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider chip group (the metrics then wrap), not both side by side."""
        hint = super().minimumSizeHint()
        margins = self._layout.contentsMargins()
        groups = max(self.milestone_group.sizeHint().width(), self.metric_group.sizeHint().width())
        heading = sum(
            widget.sizeHint().width() + 10 for widget in (self.severity, self.status, self.impact)
        )
        heading += self.title.minimumSizeHint().width()
        return QSize(max(groups, heading) + margins.left() + margins.right(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        margins = self._layout.contentsMargins()
        room = event.size().width() - margins.left() - margins.right()
        needed = (
            self.milestone_group.sizeHint().width()
            + self._strip.horizontalSpacing()
            + self.metric_group.sizeHint().width()
        )
        self._place_metrics(wrapped=needed > room)

    def _place_metrics(self, *, wrapped: bool) -> None:
        """The metrics beside the milestones, or on a row of their own when there is no room."""
        if wrapped == self._wrapped:
            return
        self._wrapped = wrapped
        self._strip.removeWidget(self.metric_group)
        separator = self.metric_group.findChild(QFrame, "separator")
        if separator is not None:
            separator.setVisible(not wrapped)
        if wrapped:
            self._strip.addWidget(self.metric_group, 1, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self._strip.addWidget(self.metric_group, 0, 1)

    @property
    def metrics_wrapped(self) -> bool:
        return bool(self._wrapped)
