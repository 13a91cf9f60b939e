"""A Slack channel export: a folder of per-day JSON files (`2026-11-27.json`), each a list of
messages, and `users.json` (in the folder or the export's root above it); or a zip of them, read
in place (importers/slack_source.py). Its files are data from elsewhere: read only as regular
files inside the export, within size caps (importers/files.py); anything else refuses it all.

Each message a person wrote becomes an observation entry, its author the sender's real name and
its time the message's `ts`, within the chosen window only (a message more than a minute in the
future is refused, as `note --at` refuses a future time). Skipped (and counted): joins,
leaves and other channel housekeeping (SKIPPED_SUBTYPES), messages posted by bots or apps
(`bot_message`, or any message with a `bot_id`), and messages with no text (a message that
only shares files reads `Shared file: name`). Slack's markup is
turned into plain text: `<@U123>` → `@Real Name`, `<#C1|name>` → `#name`,
`<https://x|label>` → `label (https://x)`, `<!here>` → `@here`, `&amp;` `&lt;` `&gt;` → & < >,
and emoji shortcodes into the emoji they name (`:tada:` → 🎉, `:+1::skin-tone-3:` → 👍🏼, by the
`emoji` package's Unicode names and aliases); a workspace's own emoji (`:party-parrot:`) stay
as written.

A person's name comes from users.json, else from the `user_profile` Slack copies into their
messages (learnt from any message of the export), else reads `unknown user (U123)`, never a bare
id. A comment on a file (`file_comment`, which names its author only in `comment.user`) keeps
its author.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from incident_recorder.domain import EntryKind
from incident_recorder.domain.imported import ImportedEntry
from incident_recorder.domain.text import clean_note_text
from incident_recorder.domain.times import system_clock
from incident_recorder.importers.common import ImportFailed, Problems, check_not_future
from incident_recorder.importers.files import Budget
from incident_recorder.importers.slack_source import SlackSource, open_source

SKIPPED_SUBTYPES = frozenset(
    {
        "channel_join", "channel_leave", "group_join", "group_leave", "channel_topic",
        "channel_purpose", "channel_name", "channel_archive", "channel_unarchive",
        "group_topic", "group_purpose", "group_name", "group_archive", "group_unarchive",
        "bot_message", "bot_add", "bot_remove", "pinned_item", "unpinned_item",
        "reminder_add", "channel_convert_to_private", "channel_convert_to_public",
        "tombstone", "huddle_thread", "sh_room_created",
    }
)  # fmt: skip
"""Housekeeping and bot messages: not what people observed."""
_MARKUP = re.compile(r"<((?:[@#!]|[A-Za-z][\w+.-]*:)[^<>\s|]*(?:\|[^<>\n]*)?)>")
"""Slack's markup: <@user>, <#channel|name>, <!special>, <scheme:target|label>."""
MAX_TS = Decimal(253402300799)  # 9999-12-31T23:59:59Z
SKIN_TONES = {str(tone): chr(0x1F3FB + tone - 2) for tone in range(2, 7)}
"""Slack's :skin-tone-2: … :skin-tone-6: → the Fitzpatrick modifiers U+1F3FB … U+1F3FF."""
_SKIN_TONE = re.compile(r"(?<=[^\x00-\x7f]):skin-tone-([2-6]):")


@dataclass(frozen=True, slots=True)
class SlackMessages:
    """The entries of a channel export and the messages skipped, by reason."""

    entries: list[ImportedEntry]
    skipped: Counter[str]

    def notes(self) -> list[str]:
        if not self.skipped:
            return []
        counts = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        return [f"skipped {sum(self.skipped.values())} messages: {counts}"]


def unknown_user(user_id: str) -> str:
    """How a person missing from users.json and from their messages' profiles is named."""
    return f"unknown user ({user_id})"


def with_emoji(text: str) -> str:
    """Slack's emoji shortcodes as emoji (:tada: → 🎉, :+1::skin-tone-3: → 👍🏼); names the
    emoji package does not know (a workspace's own emoji) stay as written."""
    if ":" not in text:
        return text
    import emoji  # only a Slack import needs its tables

    shown = emoji.emojize(text, language="alias")
    return _SKIN_TONE.sub(lambda match: SKIN_TONES[match.group(1)], shown)


def _link(inner: str, users: Mapping[str, str]) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or users.get(target[1:]) or unknown_user(target[1:]))
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        if label:
            return label if label.startswith("@") or target.startswith("!date") else "@" + label
        return "@" + target[1:].split("^")[0]
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    if label and label != target:
        return f"{with_emoji(label)} ({target})"
    return target


def plain_text(text: str, users: Mapping[str, str]) -> str:
    """Slack message markup as plain text (see the module docstring): emoji shortcodes are
    read outside the markup only (a link's target is kept exactly)."""
    parts: list[str] = []
    last = 0
    for match in _MARKUP.finditer(text):
        parts += [with_emoji(text[last : match.start()]), _link(match.group(1), users)]
        last = match.end()
    parts.append(with_emoji(text[last:]))
    return "".join(parts).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_ts(value: object) -> datetime:
    """A message's `ts` ('1732716127.000200') as a UTC time; ValueError if it is not one."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"ts {value!r} is not a Slack timestamp")
    try:
        seconds = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"ts {value!r} is not a Slack timestamp") from None
    if not seconds.is_finite() or not 0 <= seconds <= MAX_TS:
        raise ValueError(f"ts {value!r} is not a Slack timestamp")
    whole = int(seconds)
    millis = int((seconds - whole) * 1000)
    return datetime.fromtimestamp(whole, UTC).replace(microsecond=millis * 1000)


def _author(message: Mapping[str, Any], users: Mapping[str, str]) -> str | None:
    profile = message.get("user_profile")
    if isinstance(profile, dict):
        for key in ("real_name", "display_name", "name"):
            name = profile.get(key)
            if isinstance(name, str) and name.strip():
                return name.strip()
    user = message.get("user")
    comment = message.get("comment")
    if not (isinstance(user, str) and user) and isinstance(comment, dict):
        user = comment.get("user")  # a file_comment names its author there only
    if isinstance(user, str) and user:
        return users.get(user) or unknown_user(user)
    username = message.get("username")
    return (username.strip() or None) if isinstance(username, str) else None


def _shared_files(message: Mapping[str, Any]) -> str:
    """'Shared file: graph.png' for a message that only shares files, else ''."""
    files = message.get("files")
    if not isinstance(files, list):
        return ""
    names: list[str] = []
    for item in files:
        name = item.get("name") or item.get("title") if isinstance(item, dict) else None
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return f"Shared file: {', '.join(names)}" if names else ""


def day_messages(
    document: object,
    name: str,
    channel: str,
    users: Mapping[str, str],
    window: tuple[datetime | None, datetime | None],
    problems: Problems,
    skipped: Counter[str],
    now: datetime | None = None,
) -> list[ImportedEntry]:
    """The entries of one day file's parsed JSON (problems named after `name`); a message more
    than a minute after `now` (default: the system clock) is a problem."""
    now = now or system_clock()
    if not isinstance(document, list):
        problems.add(f"{name}: not a list of messages")
        return []
    since, until = window
    entries: list[ImportedEntry] = []
    for number, message in enumerate(document, start=1):
        where = f"{name} message {number}"
        if not isinstance(message, dict):
            problems.add(f"{where}: not a message object")
            continue
        try:
            at = parse_ts(message.get("ts"))
        except ValueError as error:
            problems.add(f"{where}: {error}")
            continue
        subtype = message.get("subtype")
        if subtype is not None and not isinstance(subtype, str):
            problems.add(f"{where}: subtype {subtype!r} is not text")
            continue
        if (since is not None and at < since) or (until is not None and at > until):
            skipped["outside the window"] += 1
            continue
        if subtype in SKIPPED_SUBTYPES or message.get("bot_id"):
            skipped[subtype or "bot_id"] += 1
            continue
        try:
            check_not_future(at, now)
        except ValueError as error:
            problems.add(f"{where}: {error}")
            continue
        raw = message.get("text", "")
        if not isinstance(raw, str):
            problems.add(f"{where}: text is not a string")
            continue
        try:
            shown = plain_text(raw, users) if raw.strip() else _shared_files(message)
            text = clean_note_text(shown)
        except ValueError:
            skipped["without text"] += 1
            continue
        entries.append(
            ImportedEntry(
                kind=EntryKind.OBSERVATION,
                text=text,
                occurred_at=at,
                source=f"import:slack:{channel}",
                author=_author(message, users),
            )
        )
    return entries


def _users(source: SlackSource, problems: Problems) -> dict[str, str]:
    """user id → real name, from users.json in the folder or the export's root."""
    try:
        found = source.users()
    except ImportFailed as failed:
        problems.items.extend(failed.problems)
        return {}
    if found is None:
        return {}
    name, data = found
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        problems.add(f"{name}: cannot be read ({type(error).__name__})")
        return {}
    names: dict[str, str] = {}
    for user in document if isinstance(document, list) else []:
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        profile = user.get("profile")
        if not isinstance(profile, dict):
            profile = {}
        for candidate in (user.get("real_name"), profile.get("real_name"), user.get("name")):
            if isinstance(candidate, str) and candidate.strip():
                names[user["id"]] = candidate.strip()
                break
    return names


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A day file that is not JSON: the problem, told in its turn among the days'."""

    problem: str


def _learn_names(documents: list[tuple[str, object]], users: dict[str, str]) -> None:
    """Add the names users.json lacks from the `user_profile` Slack copies into messages."""
    for _, document in documents:
        for message in document if isinstance(document, list) else []:
            if not isinstance(message, dict):
                continue
            user, profile = message.get("user"), message.get("user_profile")
            if not isinstance(user, str) or user in users or not isinstance(profile, dict):
                continue
            for key in ("real_name", "display_name", "name"):
                name = profile.get(key)
                if isinstance(name, str) and name.strip():
                    users[user] = name.strip()
                    break


def read_slack(
    folder: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> SlackMessages:
    """Every message of a channel export folder in [since, until], oldest first; ImportFailed
    (nothing imported) if one is more than a minute after `now` (default: the system clock)."""
    now = now or system_clock()
    if since is not None and until is not None and since > until:
        raise ImportFailed(
            [
                f"--since ({since:%Y-%m-%d %H:%M:%S} UTC) is after --until "
                f"({until:%Y-%m-%d %H:%M:%S} UTC): no message can be in between"
            ]
        )
    budget = Budget()
    source = open_source(folder, budget)
    try:
        return _read_days(source, (since, until), now)
    finally:
        source.close()


def _read_days(
    source: SlackSource, window: tuple[datetime | None, datetime | None], now: datetime
) -> SlackMessages:
    problems = Problems()
    users = _users(source, problems)
    skipped: Counter[str] = Counter()
    entries: list[ImportedEntry] = []
    documents: list[tuple[str, object]] = []  # (day, its messages, or why it cannot be read)
    for day in source.days:
        try:
            document = json.loads(source.read(day).decode("utf-8"))
        except ImportFailed as failed:  # a link, a device, too large: nothing is imported
            raise ImportFailed([*problems.items, *failed.problems]) from None
        except json.JSONDecodeError as error:
            document = _Unreadable(f"{day} line {error.lineno}: not JSON ({error.msg})")
        except RecursionError:
            document = _Unreadable(f"{day}: not JSON (nested too deeply)")
        except UnicodeDecodeError as error:
            document = _Unreadable(f"{day}: cannot be read ({error})")
        documents.append((day, document))
    _learn_names(documents, users)  # every day first: a name may be told after its mention
    for day, document in documents:
        if isinstance(document, _Unreadable):
            problems.add(document.problem)
            continue
        entries += day_messages(
            document, PurePosixPath(day).name, source.channel, users, window, problems,
            skipped, now,
        )  # fmt: skip
    problems.check()
    entries.sort(key=lambda entry: entry.occurred_at)
    return SlackMessages(entries, skipped)
