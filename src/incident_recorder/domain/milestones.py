"""The five milestones of an incident and the metrics they give, each measured from impact start.

A milestone is a moment, set with one key during the incident and corrected later. A missing
milestone stays missing: no metric is ever guessed from the entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from incident_recorder.domain.kinds import EntryKind
from incident_recorder.domain.times import elapsed


class Milestone(StrEnum):
    """The milestones, in the order an incident reaches them (and of their keys)."""

    IMPACT_STARTED = "impact_started"
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        """'Impact started', 'Detected', …"""
        return self.value.replace("_", " ").capitalize()

    @property
    def cli_name(self) -> str:
        """The name on the command line: 'impact-started', 'detected', …"""
        return self.value.replace("_", "-")

    @property
    def entry_kind(self) -> EntryKind:
        """The kind of the timeline entry recorded when the milestone key is pressed."""
        return _ENTRY_KINDS[self]

    @classmethod
    def parse(cls, text: str) -> Milestone:
        """The milestone named by `text` ('impact-started', 'impact_started', 'Impact started',
        or a unique prefix such as 'ack'); ValueError naming the choices otherwise."""
        wanted = "_".join(text.strip().lower().replace("-", " ").split())
        if not wanted:
            raise ValueError("empty milestone name")
        for milestone in cls:
            if milestone.value == wanted:
                return milestone
        matches = [milestone for milestone in cls if milestone.value.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        names = ", ".join(milestone.cli_name for milestone in cls)
        raise ValueError(f"unknown milestone {text!r} (one of: {names})")


_ENTRY_KINDS = {
    Milestone.IMPACT_STARTED: EntryKind.IMPACT,
    Milestone.DETECTED: EntryKind.DETECTION,
    Milestone.ACKNOWLEDGED: EntryKind.OBSERVATION,
    Milestone.MITIGATED: EntryKind.MITIGATION,
    Milestone.RESOLVED: EntryKind.RESOLUTION,
}


class Metric(StrEnum):
    """A metric: the time from impact start to one milestone."""

    TIME_TO_DETECT = "time_to_detect"
    TIME_TO_ACKNOWLEDGE = "time_to_acknowledge"
    TIME_TO_MITIGATE = "time_to_mitigate"
    TIME_TO_RESOLVE = "time_to_resolve"

    @property
    def milestone(self) -> Milestone:
        """The milestone the metric measures up to."""
        return _METRIC_MILESTONES[self]

    @property
    def label(self) -> str:
        """'Time to detect', …"""
        return self.value.replace("_", " ").capitalize()

    @property
    def short_label(self) -> str:
        """'TTD', 'TTA', 'TTM', 'TTR' (the header's compact form)."""
        return "TT" + self.value.split("_")[-1][0].upper()

    @property
    def definition(self) -> str:
        """What the metric measures, as a report states it."""
        return (
            f"from the moment impact started to the moment the incident was "
            f"{self.milestone.label.lower()}"
        )


_METRIC_MILESTONES = {
    Metric.TIME_TO_DETECT: Milestone.DETECTED,
    Metric.TIME_TO_ACKNOWLEDGE: Milestone.ACKNOWLEDGED,
    Metric.TIME_TO_MITIGATE: Milestone.MITIGATED,
    Metric.TIME_TO_RESOLVE: Milestone.RESOLVED,
}


@dataclass(frozen=True, slots=True)
class Milestones:
    """When each milestone was reached (None: not recorded)."""

    times: Mapping[Milestone, datetime | None] = field(default_factory=dict)

    def __getitem__(self, milestone: Milestone) -> datetime | None:
        return self.times.get(milestone)

    def reached(self) -> list[tuple[Milestone, datetime]]:
        """The recorded milestones with their times, in milestone order."""
        return [(m, when) for m in Milestone if (when := self.times.get(m)) is not None]

    def missing(self) -> list[Milestone]:
        return [m for m in Milestone if self.times.get(m) is None]

    def metric(self, metric: Metric) -> timedelta | None:
        """The metric's value in whole seconds, between the times shown (domain.times.elapsed),
        or None when impact start or its milestone is missing."""
        start = self.times.get(Milestone.IMPACT_STARTED)
        end = self.times.get(metric.milestone)
        if start is None or end is None:
            return None
        return elapsed(start, end)

    def metrics(self) -> dict[Metric, timedelta | None]:
        return {metric: self.metric(metric) for metric in Metric}

    def why_missing(self, metric: Metric) -> str | None:
        """Why a metric has no value ('no impact-started milestone'), or None if it has one."""
        absent = [
            m.label.lower()
            for m in (Milestone.IMPACT_STARTED, metric.milestone)
            if self.times.get(m) is None
        ]
        if not absent:
            return None
        return "not recorded: no " + " and no ".join(f"“{name}” milestone" for name in absent)

    def impact_duration(self, now: datetime) -> timedelta | None:
        """How long impact lasted: to mitigation (or resolution) if reached, else until `now`."""
        start = self.times.get(Milestone.IMPACT_STARTED)
        if start is None:
            return None
        end = self.times.get(Milestone.MITIGATED) or self.times.get(Milestone.RESOLVED)
        return elapsed(start, end or now)


ORDER = (Milestone.DETECTED, Milestone.ACKNOWLEDGED, Milestone.MITIGATED, Milestone.RESOLVED)
"""The milestones that come in this order. Impact may start after detection (an alert that
fires before customers notice), so impact start is not part of it."""


def out_of_order(
    milestones: Milestones, milestone: Milestone
) -> list[tuple[Milestone, datetime, bool]]:
    """The set milestones `milestone`'s time contradicts, each with its time and whether
    `milestone` is (wrongly) before it: one of the two times is wrong, and every metric measured
    to it. Said the moment a milestone is set (the CLI and the window), and by `review`."""
    when = milestones[milestone]
    if when is None or milestone not in ORDER:
        return []
    place = ORDER.index(milestone)
    found = []
    for index, other in enumerate(ORDER):
        other_at = milestones[other]
        if other is milestone or other_at is None:
            continue
        if index < place and other_at > when:
            found.append((other, other_at, True))
        elif index > place and other_at < when:
            found.append((other, other_at, False))
    return found


def order_warning(
    milestones: Milestones, milestone: Milestone, clock: Callable[[datetime], str]
) -> str | None:
    """One line naming what `milestone`'s time contradicts, or None when it is in order."""
    conflicts = out_of_order(milestones, milestone)
    if not conflicts:
        return None
    said = "; ".join(
        f"{'before' if before else 'after'} {other.label.lower()} ({clock(at)})"
        for other, at, before in conflicts
    )
    return (
        f"{milestone.label} is {said}: milestones run detected → acknowledged → mitigated → "
        "resolved, so one of these times is wrong"
    )
