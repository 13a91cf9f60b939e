"""The strace reader itself (sync_trace.py), on traces written out by hand: threads interleaved,
calls split into `<unfinished ...>` and `resumed`, escaped buffers."""

from __future__ import annotations

from pathlib import Path

from sync_trace import parse, reply_starting, sync_problems

WAL = Path("/data/x.incident-wal")

COMMIT = """\
501  pwrite64(4</data/x.incident-wal>, "\\0\\0\\0\\5", 24, 32) = 24
501  pwrite64(4</data/x.incident-wal>, "\\r\\0\\0\\0the \\"probe\\" note\\n", 4096, 56) = 4096
"""


def test_a_sync_between_the_write_and_the_reply_passes() -> None:
    trace = COMMIT + (
        "501  fdatasync(4</data/x.incident-wal>) = 0\n"
        '501  write(1<pipe:[7]>, "Saved entry 1 (observation)", 27) = 27\n'
    )
    calls = parse(trace)
    assert b'the "probe" note\n' in calls[1].data
    assert sync_problems(calls, WAL, reply_starting(b"Saved entry"), entry=b'"probe"') == []


def test_no_sync_is_reported() -> None:
    trace = COMMIT + '501  write(1<pipe:[7]>, "Saved entry 1 (observation)", 27) = 27\n'
    problems = sync_problems(parse(trace), WAL, reply_starting(b"Saved entry"), entry=b"probe")
    assert len(problems) == 1 and "no fsync/fdatasync" in problems[0], problems


def test_a_sync_that_returns_after_the_reply_started_does_not_count() -> None:
    trace = COMMIT + (
        "501  fdatasync(4</data/x.incident-wal> <unfinished ...>\n"
        '502  sendto(7<TCP:[127.0.0.1:8765->127.0.0.1:4000]>, "HTTP/1.1 200 OK\\r\\n", 17, 0, '
        "NULL, 0) = 17\n"
        "501  <... fdatasync resumed>) = 0\n"
    )
    calls = parse(trace)
    assert [c.name for c in calls] == ["pwrite64", "pwrite64", "fdatasync", "sendto"]
    assert calls[2].start < calls[3].start < calls[2].end
    assert calls[3].path == "TCP:[127.0.0.1:8765->127.0.0.1:4000]"
    problems = sync_problems(calls, WAL, reply_starting(b"HTTP/1."), entry=b"probe")
    assert len(problems) == 1 and "no fsync/fdatasync" in problems[0], problems


def test_a_failed_sync_or_a_sync_of_another_file_does_not_count() -> None:
    trace = COMMIT + (
        "501  fdatasync(4</data/x.incident-wal>) = -1 EIO (Input/output error)\n"
        "501  fdatasync(3</data/x.incident>) = 0\n"
        '501  write(1<pipe:[7]>, "Saved entry 1", 13) = 13\n'
    )
    problems = sync_problems(parse(trace), WAL, reply_starting(b"Saved entry"), entry=b"probe")
    assert len(problems) == 1 and "no fsync/fdatasync" in problems[0], problems


def test_a_write_of_the_entry_after_the_sync_needs_a_sync_of_its_own() -> None:
    trace = COMMIT + (
        "501  fdatasync(4</data/x.incident-wal>) = 0\n"
        '501  pwrite64(4</data/x.incident-wal>, "\\1\\2 the last frame", 4096, 4152) = 4096\n'
        '501  write(1<pipe:[7]>, "Saved entry 1", 13) = 13\n'
    )
    problems = sync_problems(parse(trace), WAL, reply_starting(b"Saved entry"), entry=b"probe")
    assert len(problems) == 1 and "(line 4)" in problems[0], problems


def test_no_write_of_the_entry_is_reported() -> None:
    trace = COMMIT + '501  write(1<pipe:[7]>, "Saved entry 1", 13) = 13\n'
    problems = sync_problems(parse(trace), WAL, reply_starting(b"Saved"), entry=b"another text")
    assert len(problems) == 1 and "no write to" in problems[0], problems
