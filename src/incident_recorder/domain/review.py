"""The review before export: a check list of what would make the report weaker, never blocking.

`review()` looks at an IncidentRecord and returns findings, most important first: captures not
yet reviewed for redaction, blame-oriented language (domain/blame.py), empty public sections once
something is public, the missing impact-start and detection milestones, milestones out of order
(detected after acknowledged, …), entries still at the default kind, long silent gaps in the
timeline, action items without owner or due date; then the informational ones (other missing
milestones, no action items, overdue ones). Times in messages are shown in the zone of `now`.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from incident_recorder.domain.actions import ActionStatus
from incident_recorder.domain.blame import BlamePhrases, BlameScanner, BlameSentence
from incident_recorder.domain.entry import Entry
from incident_recorder.domain.kinds import DEFAULT_KIND, EntryKind
from incident_recorder.domain.milestones import ORDER, Milestone
from incident_recorder.domain.record import PUBLIC_TEXTS, IncidentRecord
from incident_recorder.domain.times import elapsed, format_duration_exact, in_zone

Severity = Literal["warning", "info"]
_LISTED = 8
"""How many entries a finding about many entries names before '… and N more'."""
_ORDER = (
    "captures", "blame", "public-text", "milestone-order", "milestone", "unclassified", "gap",
    "action-item", "action-items",
)  # fmt: skip
_SEQUENCE = ORDER  # detected → acknowledged → mitigated → resolved
_CALENDAR_WORDS = frozenset(
    word.lower()
    for word in itertools.chain(
        calendar.month_name, calendar.month_abbr, calendar.day_name, calendar.day_abbr
    )
    if word
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One item of the check list. `check` names the rule ('blame', 'gap', …); `entry_ids` lists
    the entries a finding about several entries is about; a gap has `start` and `end`."""

    check: str
    severity: Severity
    message: str
    entry_id: int | None = None
    sentence: str | None = None
    hint: str | None = None
    entry_ids: tuple[int, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    action_item_id: int | None = None
    section: str | None = None


def review(
    record: IncidentRecord,
    *,
    phrases: BlamePhrases,
    now: datetime,
    gap: timedelta = timedelta(minutes=15),
) -> list[Finding]:
    """The check list for `record`, most important first (warnings before information)."""
    zone = now.tzinfo
    entries = record.visible_entries()
    findings = [
        *_captures(record, entries, zone),
        *_blame(record, entries, phrases),
        *_public_texts(record, entries),
        *_milestones(record),
        *_milestone_order(record, zone),
        *_unclassified(record, entries, zone),
        *_gaps(record, entries, gap, zone),
        *_action_items(record, now),
    ]
    rank = {check: number for number, check in enumerate(_ORDER)}
    return sorted(findings, key=lambda f: (f.severity != "warning", rank.get(f.check, len(rank))))


def _clock(moment: datetime, zone: tzinfo | None) -> str:
    return f"{in_zone(moment, zone):%H:%M:%S}"


def _listed(entries: list[Entry], zone: tzinfo | None) -> str:
    named = ", ".join(f"{e.id} ({_clock(e.occurred_at, zone)})" for e in entries[:_LISTED])
    more = len(entries) - _LISTED
    noun = "entry" if len(entries) == 1 else "entries"
    return f"{noun} {named}" + (f" and {more} more" if more > 0 else "")


def _captures(
    record: IncidentRecord, entries: list[Entry], zone: tzinfo | None
) -> Iterator[Finding]:
    unreviewed = [
        e for e in entries if e.capture is not None and e.capture.id not in record.reviewed_captures
    ]
    if not unreviewed:
        return
    count = len(unreviewed)
    noun = "capture is" if count == 1 else "captures are"
    yield Finding(
        "captures",
        "warning",
        f"{count} {noun} not yet reviewed for redaction (open each and hide tokens, customer "
        f"data or anything private before sharing): {_listed(unreviewed, zone)}",
        entry_id=unreviewed[0].id if count == 1 else None,
        entry_ids=tuple(e.id for e in unreviewed),
    )


def _blame(
    record: IncidentRecord, entries: list[Entry], phrases: BlamePhrases
) -> Iterator[Finding]:
    items = [item for item in record.action_items if not item.hidden]
    details = record.details

    def corpus() -> Iterator[str]:
        yield details.title
        yield from (e.text for e in entries)
        yield from record.report_texts.values()
        yield from (item.description for item in items)

    never = [
        *(word for service in details.services for word in service.name.replace("-", " ").split()),
        *details.title.split(),
        *(kind.value for kind in EntryKind),
        *(word for m in Milestone for word in m.value.split("_")),
        *_CALENDAR_WORDS,
    ]
    names = [*details.roles.values(), *(e.author for e in entries if e.author)]
    scanner = BlameScanner(phrases, names=names, never_names=never, corpus=corpus)

    def finding(
        found: BlameSentence,
        where: str,
        entry_id: int | None = None,
        section: str | None = None,
        item_id: int | None = None,
    ) -> Finding:
        terms = ", ".join(f"“{term}”" for term in found.terms)
        people = " and ".join(found.people)
        subject = f" ({people} as the subject of a failure)" if people else ""
        return Finding(
            "blame",
            "warning",
            f"blame-oriented language {where}: {terms}{subject}",
            entry_id=entry_id,
            sentence=found.sentence,
            hint=found.hint,
            action_item_id=item_id,
            section=section,
        )

    for entry in entries:
        for found in scanner.scan(entry.text):
            yield finding(found, f"in entry {entry.id}", entry_id=entry.id)
    for key, text in record.report_texts.items():
        for found in scanner.scan(text):
            label = key.replace("_", " ")
            yield finding(found, f"in the report’s “{label}” section", section=key)
    for item in items:
        for found in scanner.scan(item.description):
            yield finding(found, "in an action item", item_id=item.id)


def _public_texts(record: IncidentRecord, entries: list[Entry]) -> Iterator[Finding]:
    """An empty public section once something is public (an entry, or another public text):
    the public report prints no prompt in its place (an empty section is left out), so
    customers would get none of the team's words there."""
    texts = record.report_texts
    published = any(e.public for e in entries) or any(
        texts.get(key, "").strip() for key, _ in PUBLIC_TEXTS
    )
    if not published:
        return
    for key, label in PUBLIC_TEXTS:
        if not texts.get(key, "").strip():
            yield Finding(
                "public-text",
                "warning",
                f"the “{label}” section is empty: customers read none of your words there "
                "(the public report prints no writing prompt; write it in the report window)",
                section=key,
            )


def _milestones(record: IncidentRecord) -> Iterator[Finding]:
    consequences = {
        Milestone.IMPACT_STARTED: "no metric can be given (each is measured from impact start)",
        Milestone.DETECTED: "the time to detect cannot be given",
        Milestone.ACKNOWLEDGED: "the time to acknowledge cannot be given",
        Milestone.MITIGATED: "the time to mitigate cannot be given",
        Milestone.RESOLVED: "the time to resolve cannot be given",
    }
    important = (Milestone.IMPACT_STARTED, Milestone.DETECTED)
    for milestone in record.milestones.missing():
        yield Finding(
            "milestone",
            "warning" if milestone in important else "info",
            f"no “{milestone.label.lower()}” milestone: {consequences[milestone]}",
        )


def _milestone_order(record: IncidentRecord, zone: tzinfo | None) -> Iterator[Finding]:
    """A milestone set before one that comes earlier (detected after acknowledged, mitigated
    after resolved): one of the two times is wrong, and the metrics built on it with it."""
    reached = [(m, when) for m in _SEQUENCE if (when := record.milestones[m]) is not None]
    for (first, first_at), (later, later_at) in itertools.combinations(reached, 2):
        if later_at < first_at:
            yield Finding(
                "milestone-order",
                "warning",
                f"“{later.label}” ({_clock(later_at, zone)}) is before “{first.label.lower()}” "
                f"({_clock(first_at, zone)}): milestones run detected → acknowledged → "
                "mitigated → resolved, so one of these times is wrong (and every metric "
                "measured to it)",
                hint=f"correct it in Incident ▸ Details, or `milestone {first.cli_name} --at …`",
                start=later_at,
            )


def _unclassified(
    record: IncidentRecord, entries: list[Entry], zone: tzinfo | None
) -> Iterator[Finding]:
    plain = [e for e in entries if e.kind is DEFAULT_KIND and e.id not in record.milestone_entries]
    if not plain:
        return
    count = len(plain)
    what = (
        "1 entry is still an observation: give it"
        if count == 1
        else (f"{count} entries are still observations: give each")
    )
    yield Finding(
        "unclassified",
        "warning",
        f"{what} the kind it is (Ctrl+1…9), so it lands in the right report section: "
        f"{_listed(plain, zone)}",
        entry_id=plain[0].id if count == 1 else None,
        entry_ids=tuple(e.id for e in plain),
    )


def _gaps(
    record: IncidentRecord, entries: list[Entry], gap: timedelta, zone: tzinfo | None
) -> Iterator[Finding]:
    times = sorted(e.occurred_at for e in entries)
    milestones = record.milestones
    start = milestones[Milestone.IMPACT_STARTED] or (times[0] if times else None)
    end = milestones[Milestone.RESOLVED] or (times[-1] if times else None)
    if start is None or end is None or end <= start:
        return
    inside = [t for t in times if start < t < end]
    inside += [when for _, when in milestones.reached() if start < when < end]
    points = [start, *sorted(inside), end]
    for before, after in itertools.pairwise(points):
        if after - before > gap:
            name = in_zone(after, zone).tzname()
            label = f" {name}" if name else ""
            yield Finding(
                "gap",
                "warning",
                f"nothing recorded for {format_duration_exact(elapsed(before, after))}, "
                f"{_clock(before, zone)}–{_clock(after, zone)}{label}: add what happened "
                "then, or a note that it was quiet",
                start=before,
                end=after,
            )


def _action_items(record: IncidentRecord, now: datetime) -> Iterator[Finding]:
    items = [item for item in record.action_items if not item.hidden]
    if not items:
        yield Finding(
            "action-items",
            "info",
            "no action items: what will the team do so this does not happen again, or hurts less?",
        )
        return
    today = now.date()
    for item in items:
        if item.status in (ActionStatus.DONE, ActionStatus.WONT_DO):
            continue
        missing = [
            what for what, ok in (("owner", item.owner.strip()), ("due date", item.due)) if not ok
        ]
        title = item.description.strip().splitlines()[0] if item.description.strip() else "…"
        if missing:
            yield Finding(
                "action-item",
                "warning",
                f"action item “{title}” has no {' and no '.join(missing)}",
                action_item_id=item.id,
            )
        elif item.due is not None and item.due < today:
            yield Finding(
                "action-item",
                "info",
                f"action item “{title}” was due {item.due.isoformat()} and is still "
                f"{item.status.label.lower()}",
                action_item_id=item.id,
            )
