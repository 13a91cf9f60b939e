"""Slack channel exports: people's messages in the window become entries; noise is skipped."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from importer_support import START, ts, write_slack

from incident_recorder.domain import EntryKind
from incident_recorder.importers import ImportFailed, store
from incident_recorder.importers.common import Problems
from incident_recorder.importers.slack_import import day_messages, plain_text, read_slack
from incident_recorder.storage import IncidentFile

USERS = {"U1": "Alice Adams", "U2": "Bob Brown"}


def at(seconds: int) -> str:
    return ts(START + timedelta(seconds=seconds))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    before = {"ts": ts(START - timedelta(hours=2)), "user": "U1", "text": "lunch?"}
    return write_slack(
        tmp_path / "export",
        "inc-checkout",
        {
            "2026-11-27": [
                before,
                {"ts": at(10), "user": "U2", "subtype": "channel_join",
                 "text": "<@U2> has joined the channel"},
                {"ts": at(20), "user": "U1", "user_profile": {"real_name": "Alice A."},
                 "text": "Errors on <#C42|checkout-api> &amp; cart, see "
                         "<https://grafana.example/d/1|the dashboard> cc <@U2> &lt;3"},
                {"ts": at(30), "subtype": "bot_message", "bot_id": "B1",
                 "username": "PagerDuty", "text": "Triggered: checkout 5xx"},
                {"ts": at(40), "user": "U3", "bot_id": "B2", "text": "app post"},
                {"ts": at(50), "user": "U2", "text": "<!here> rolling back <https://x.example>"},
                {"ts": at(60), "user": "U1", "subtype": "channel_leave", "text": "left"},
                {"ts": at(70), "user": "U9", "text": "  "},
            ],
            "2026-11-28": [{"ts": ts(START + timedelta(days=1)), "user": "U1", "text": "late"}],
        },
    )  # fmt: skip


def test_messages_in_the_window_become_observations(
    export: Path, incident_file: IncidentFile
) -> None:
    messages = read_slack(export, since=START, until=START + timedelta(hours=1))
    summary = store(incident_file, messages.entries, messages.notes())
    assert summary.line() == "imported 2 entries (0 milestones, 0 public)"
    first, second = incident_file.entries()
    assert first.text == (
        "Errors on #checkout-api & cart, see the dashboard (https://grafana.example/d/1) "
        "cc @Bob Brown <3"
    )
    assert first.author == "Alice A."  # user_profile beats users.json
    assert first.occurred_at == START + timedelta(seconds=20)
    assert first.kind is EntryKind.OBSERVATION
    assert first.source == "import:slack:inc-checkout"
    assert second.text == "@here rolling back https://x.example"
    assert second.author == "Bob Brown"  # from users.json at the export's root
    assert messages.skipped == Counter(
        {
            "outside the window": 2,
            "channel_join": 1,
            "channel_leave": 1,
            "bot_message": 1,
            "bot_id": 1,
            "without text": 1,
        }
    )
    assert messages.notes() == [
        "skipped 7 messages: 1 bot_id, 1 bot_message, 1 channel_join, 1 channel_leave, "
        "2 outside the window, 1 without text"
    ]


def test_without_a_window_every_message_of_a_person(export: Path) -> None:
    texts = [entry.text for entry in read_slack(export).entries]
    assert texts[0] == "lunch?" and texts[-1] == "late" and len(texts) == 4


def test_bad_day_files_are_all_reported(tmp_path: Path) -> None:
    folder = write_slack(
        tmp_path,
        "c",
        {"2026-11-27": [{"ts": "soon", "text": "x"}, "hello"], "2026-11-28": {"not": "a list"}},
    )
    (folder / "2026-11-29.json").write_text('[{"ts": "1.0",\n "text": }]', encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        read_slack(folder)
    assert failed.value.problems == [
        "2026-11-27.json message 1: ts 'soon' is not a Slack timestamp",
        "2026-11-27.json message 2: not a message object",
        "2026-11-28.json: not a list of messages",
        "2026-11-29.json line 2: not JSON (Expecting value)",
    ]


def test_a_folder_without_day_files(tmp_path: Path, export: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFailed, match="no day files"):
        read_slack(tmp_path / "empty")
    with pytest.raises(ImportFailed) as failed:
        read_slack(export.parent)  # the whole export, not a channel
    assert failed.value.problems == [
        "export: no day files (2026-11-27.json, …) in the folder: this looks like a whole "
        "export, import one channel (inc-checkout)"
    ]


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("<@U1>", "@Alice Adams"),
        ("<@U7>", "@unknown user (U7)"),  # was "@U7": a bare id reads as nobody
        ("<@U7|carol>", "@carol"),
        ("<#C1>", "#C1"),
        ("<!channel>", "@channel"),
        ("<!subteam^S1|@oncall>", "@oncall"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("<mailto:a@example.com|a@example.com>", "a@example.com"),
        ("a &lt;b&gt; &amp;amp;", "a <b> &amp;"),
        ("x < y > z", "x < y > z"),
    ],
)
def test_markup(markup: str, plain: str) -> None:
    assert plain_text(markup, USERS) == plain


def test_day_messages_of_parsed_json() -> None:
    problems, skipped = Problems(), Counter[str]()
    entries = day_messages(
        [{"ts": "1795788000.5", "user": "U1", "text": "hi"}], "d", "c", USERS, (None, None),
        problems, skipped,
    )  # fmt: skip
    assert not problems
    assert entries[0].occurred_at.microsecond == 500_000
    assert entries[0].author == "Alice Adams"


def test_file_shares_usernames_and_tombstones() -> None:
    problems, skipped = Problems(), Counter[str]()
    entries = day_messages(
        [
            {"ts": "1795788000.1", "user": "U2", "text": "", "files": [{"name": "graph.png"}]},
            {"ts": "1795788001.1", "username": "deploy-script", "text": "deployed v2"},
            {"ts": "1795788002.1", "subtype": "tombstone", "text": "This message was deleted."},
        ],
        "d", "c", USERS, (None, None), problems, skipped,
    )  # fmt: skip
    assert [(e.text, e.author) for e in entries] == [
        ("Shared file: graph.png", "Bob Brown"),
        ("deployed v2", "deploy-script"),
    ]
    assert skipped == Counter({"tombstone": 1})


def test_a_window_that_ends_before_it_starts(export: Path) -> None:
    with pytest.raises(ImportFailed, match=r"--since \(2026-11-27 15:00:00 UTC\) is after"):
        read_slack(export, since=START + timedelta(hours=1), until=START)


def test_a_message_in_the_future_is_a_problem() -> None:
    problems, skipped = Problems(), Counter[str]()
    now = datetime.fromtimestamp(1795788000, UTC)
    entries = day_messages(
        [{"ts": "1795788030.1", "user": "U1", "text": "skew"},
         {"ts": "1795788600.1", "user": "U1", "text": "later"}],
        "d.json", "c", USERS, (None, None), problems, skipped, now,
    )  # fmt: skip
    assert [e.text for e in entries] == ["skew"]
    assert problems.items == [
        "d.json message 2: 2026-11-27 14:10:00 UTC is in the future: an entry records what has "
        "happened (now 2026-11-27 14:00:00 UTC)"
    ]


def test_a_file_comment_keeps_its_author_and_unknown_people_read_as_such(tmp_path: Path) -> None:
    """Slack's file_comment names its author in comment.user only; a person missing from
    users.json is named from their messages' user_profile, else 'unknown user (U…)'."""
    folder = write_slack(
        tmp_path / "export",
        "inc-checkout",
        {
            "2026-11-27": [
                {"ts": at(10), "type": "message", "subtype": "file_comment",
                 "text": "<@U2> commented on <@U1>’s file "
                         "<https://acme.slack.com/files/U1/F1/graph.png|graph.png>: "
                         "this spike is the deploy",
                 "file": {"id": "F1", "name": "graph.png", "user": "U1"},
                 "comment": {"id": "Fc1", "created": 1795780810, "timestamp": 1795780810,
                             "user": "U2", "comment": "this spike is the deploy"}},
                {"ts": at(20), "user": "U8", "text": "cc <@U5> who is on the db"},
                {"ts": at(30), "user": "U5", "text": "looking",
                 "user_profile": {"real_name": "", "display_name": "dana"}},
                {"ts": at(40), "user": "U5", "text": "found it"},
            ],
        },
    )  # fmt: skip
    entries = read_slack(folder, now=START + timedelta(days=1)).entries
    assert [(entry.author, entry.text) for entry in entries] == [
        ("Bob Brown", "@Bob Brown commented on @Alice Adams’s file graph.png "
                      "(https://acme.slack.com/files/U1/F1/graph.png): this spike is the deploy"),
        ("unknown user (U8)", "cc @dana who is on the db"),
        ("dana", "looking"),
        ("dana", "found it"),  # learnt from the profile Slack copied into another message
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (":tada: fixed :+1: :white_check_mark:", "🎉 fixed 👍 ✅"),
        ("ship it :+1::skin-tone-3:", "ship it 👍🏼"),
        (":party-parrot: :our_logo:", ":party-parrot: :our_logo:"),  # the workspace's own
        ("at 10:30:00 ports 80:443", "at 10:30:00 ports 80:443"),
        ("<https://x.example/:tada:/|see :fire:>", "see 🔥 (https://x.example/:tada:/)"),
    ],
)
def test_emoji_shortcodes_become_emoji(text: str, shown: str) -> None:
    assert plain_text(text, USERS) == shown
