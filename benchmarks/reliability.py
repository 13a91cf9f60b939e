"""Run the fault, load and bad-input suite (tests/reliability) and write docs/reliability.md.

    .venv/bin/python benchmarks/reliability.py --full     # the full share: 100 kills, 2 GB, 8 h
    .venv/bin/python benchmarks/reliability.py --quick    # the quick share CI runs, same tables
    .venv/bin/python benchmarks/reliability.py            # the fast share: long tests skipped
    .venv/bin/python benchmarks/reliability.py --rewrite-prose   # new text, the last run's tables

The tests report what they measured as JSON lines (tests/reliability/conftest.py `figures`); this
script runs pytest with RELIABILITY_RESULTS pointing at a temporary file, then builds every table
of docs/reliability.md from those lines: nothing in a table is typed by hand. Without a display
it runs pytest under xvfb-run, so the tests that drive the real app with xdotool run too.

`--rewrite-prose` renders the text of this script around the tables of the doc as it stands
(its header, fault, broken-file, input and load tables kept verbatim, row labels renamed since
only as RENAMED says), and fills a table the doc lacks by running only the tests that measure it
(the sync-order checks, seconds): a change of wording needs no 22-minute full run, and the doc
says which parts come from which run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "reliability.md"
COMMAND = ".venv/bin/python benchmarks/reliability.py --full"
COMMANDS = {"full": COMMAND, "quick": ".venv/bin/python benchmarks/reliability.py --quick",
            "fast": ".venv/bin/python benchmarks/reliability.py"}  # fmt: skip
MODES = {
    "full": "full run",
    "quick": "the quick share CI runs: every long test at reduced counts; the full run repeats "
    "each fault far more",
    "fast": "the fast share: the long tests skipped; the full run repeats each fault far more",
}
RENAMED = {
    "power cut (file + WAL copied at a random instant of writing)":
        "copies of file + WAL taken at a random instant of writing (crash consistency)",
}  # fmt: skip
"""Row labels changed since a run: an older doc or results file is shown with the new ones."""
SYNC_TESTS = "tests/reliability/test_sync_before_reply.py"


def run_suite(share: str, results: Path, junit: Path, extra: list[str]) -> int:
    env = dict(os.environ)
    env["RELIABILITY_RESULTS"] = str(results)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.pop("RELIABILITY_FULL", None)
    env["RELIABILITY_SHARE"] = share
    where = [] if any(arg.startswith("tests/") for arg in extra) else ["tests/reliability"]
    argv = [sys.executable, "-m", "pytest", *where, "-q", "-p", "no:cacheprovider",
            f"--junitxml={junit}", *extra]  # fmt: skip
    if not env.get("DISPLAY") and shutil.which("xvfb-run"):
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *argv]
    return subprocess.run(argv, cwd=REPO, env=env).returncode


def machine() -> str:
    mem_gb = 0.0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 2**20
    disk = "unknown disk"
    source = subprocess.run(["findmnt", "-n", "-o", "SOURCE", "--target", tempfile.gettempdir()],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    name = Path(source).name.rstrip("0123456789") if source.startswith("/dev/") else ""
    rotational = Path(f"/sys/block/{name}/queue/rotational")
    if name and rotational.exists():
        flag = rotational.read_text().strip()
        kind = "virtual disk" if name.startswith(("vd", "xvd")) else "disk"
        disk = f"{source} ({kind}, kernel rotational flag {flag})"
    cpu = platform.processor() or platform.machine()
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem_gb:.0f} GB RAM, temporary files on {disk}; "
            f"Linux {platform.release()}, Python {platform.python_version()}")  # fmt: skip


def outcomes(junit: Path) -> list[dict[str, Any]]:
    """One line per test run: {"table": "outcome", "test": node id, "outcome": ...}."""
    lines: list[dict[str, Any]] = []
    if not junit.exists():
        return lines
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            result = "failed"
        elif case.find("skipped") is not None:
            result = "skipped"
        else:
            result = "passed"
        node = case.get("classname", "").replace(".", "/") + ".py::" + case.get("name", "")
        lines.append({"table": "outcome", "test": node, "outcome": result})
    return lines


def counts(lines: list[dict[str, Any]]) -> dict[str, int]:
    tally = {"passed": 0, "failed": 0, "skipped": 0}
    for line in lines:
        if line["table"] == "outcome":
            tally[line["outcome"]] += 1
    return tally


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def tables(lines: list[dict[str, Any]]) -> dict[str, str]:
    faults: dict[str, dict[str, float]] = {}
    for line in (x for x in lines if x["table"] == "faults"):
        row = faults.setdefault(
            RENAMED.get(line["row"], line["row"]),
            {"runs": 0, "entries": 0, "lost": 0, "recover": 0.0, "notes": []},
        )
        if line.get("note") and line["note"] not in row["notes"]:
            row["notes"].append(line["note"])
        row["runs"] += line["runs"]
        row["entries"] += line["entries"]
        row["lost"] += line["lost"]
        row["recover"] = max(row["recover"], line["recover_s"])
    out = ["| fault | runs | entries checked | entries lost | time to recover (worst) | seen |",
           "| --- | ---: | ---: | ---: | ---: | --- |"]  # fmt: skip
    for name, row in faults.items():
        out.append(f"| {name} | {row['runs']:,.0f} | {row['entries']:,.0f} | "
                   f"**{row['lost']:,.0f}** | {_seconds(row['recover'])} | "
                   f"{'; '.join(row['notes'])} |")  # fmt: skip
    total_lost = sum(row["lost"] for row in faults.values())
    runs = sum(r["runs"] for r in faults.values())
    checked = sum(r["entries"] for r in faults.values())
    out.append(f"| **all faults** | {runs:,.0f} | {checked:,.0f} | **{total_lost:,.0f}** | | |")

    broken: dict[str, dict[str, Any]] = defaultdict(dict)
    for line in (x for x in lines if x["table"] == "broken"):
        broken[line["row"]][line["command"]] = line["exit"]
    commands = sorted({c for per in broken.values() for c in per})
    matrix = ["| file | " + " | ".join(f"`{c}`" for c in commands) + " |",
              "| --- |" + " :---: |" * len(commands)]  # fmt: skip
    words = {0: "done (exit 0)", 1: "refused, 1 line", None: "started (ran on)"}
    for case, per in broken.items():
        cells = [words.get(per[c], str(per[c])) if c in per else "—" for c in commands]
        matrix.append(f"| {case} | " + " | ".join(cells) + " |")

    inputs = defaultdict(int)
    for line in (x for x in lines if x["table"] == "inputs"):
        inputs[line["row"]] += line["tried"]
    bad = ["| input | tried | crashes or tracebacks |", "| --- | ---: | ---: |"]
    bad += [f"| {name} | {count:,} | 0 |" for name, count in inputs.items()]

    load = ["| load | figures |", "| --- | --- |"]
    for line in (x for x in lines if x["table"] == "load"):
        if "skipped" in line:
            load.append(f"| {line['row']} | not run: {line['skipped']} |")
        elif "peak_mb" in line:
            load.append(
                f"| {line['row']} ({line['size_gb']:.2f} GB, {line['entries']:,} entries, "
                f"{line['captures']:,} captures) | open + read every entry "
                f"{_seconds(line['open_records_s'])} (budget 1 s"
                + (
                    f"; within it, the check of the record's pages opening for writing runs "
                    f"{_seconds(line['record_check_s'])}"
                    if "record_check_s" in line
                    else ""
                )
                + "); process start → window painted "
                f"{_seconds(line['painted_s'])}, every entry shown {_seconds(line['loaded_s'])}; "
                f"peak RSS {line['peak_mb']:.0f} MB (budget 300); longest UI stall scrolling "
                f"{line['scroll_stall_ms']:.0f} ms, searching {line['search_stall_ms']:.0f} ms "
                f"(budget 50); window export (Markdown) {line['export_s']:.0f} s with "
                f"{line['export_progress']:,} progress updates, longest UI stall "
                f"{line['export_stall_ms']:.0f} ms"
                + (
                    f" (the same window idle: {line['idle_stall_ms']:.0f} ms)"
                    if "idle_stall_ms" in line
                    else ""
                )
                + "; CLI export (JSON) "
                f"{line['cli_export_s']:.0f} s, "
                f"peak RSS {line['cli_export_peak_mb']:.0f} MB |"
            )
        else:
            load.append(
                f"| {line['row']} ({line['entries']:,} notes typed, {line['captures']:,} "
                f"captures, run in {line['seconds']:.0f} s) | RSS {line['rss_start_mb']:.0f} → "
                f"{line['rss_end_mb']:.0f} MB; slope over the second half "
                f"{line['mb_per_hour']:+.2f} MB per simulated hour (limit 10) |"
            )
    return {"faults": "\n".join(out), "broken": "\n".join(matrix), "inputs": "\n".join(bad),
            "load": "\n".join(load), "lost": f"{total_lost:,.0f}",
            "sync": sync_table(lines)}  # fmt: skip


def sync_table(lines: list[dict[str, Any]]) -> str:
    """The sync-order checks: per path, synced before the reply, and what the meta-test broke."""
    rows: dict[str, dict[str, str]] = {}
    for line in (x for x in lines if x["table"] == "sync"):
        row = rows.setdefault(line["row"], {"reply": line["reply"], "synced": "not run",
                                            "caught": "not run"})  # fmt: skip
        if line.get("synced"):
            row["synced"] = "yes"
        if line.get("caught"):
            row["caught"] = f"fails, as it must (under {line['caught']})"
    if not rows:
        return "*Not run in this run* (strace absent?): see the test outcome above."
    out = ["| entry from | reply | fsync/fdatasync of the WAL returned after the entry's write "
           "and before the reply | the same check with the sync removed |",
           "| --- | --- | :---: | --- |"]  # fmt: skip
    out += [
        f"| {name} | {r['reply']} | {r['synced']} | {r['caught']} |" for name, r in rows.items()
    ]
    return "\n".join(out)


TEMPLATE = """\
# Reliability: nothing recorded is ever lost

Generated by `{command}` on {date} ({mode}); do not edit by hand: run it again.
Machine: {machine}.
Test outcome: {passed} passed, {failed} failed, {skipped} skipped (tests/reliability).{failures}
{provenance}
## Which command runs which share

```sh
xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest
RELIABILITY_SHARE=quick xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest
{full_command}
```

- **fast** (no `RELIABILITY_SHARE`): the whole suite; of tests/reliability the short tests: 10
  kills of the CLI and 2 of the app, 20 mid-write copies, 10 s of three writers, a 1-hour soak,
  12 bad-file pairs, a few hundred fuzzed inputs each, the sync-order checks.
- **quick** (`RELIABILITY_SHARE=quick`: the README's test command, what CI runs in `.ci/run`): the
  fast share, plus the 40 long (`reliability_full`) tests, the same code at reduced counts: 12 + 3
  kills, 50 copies, 15 s of three writers, a 2-hour soak, a 10,000-entry, 100-capture incident
  held to the 2 GB test's budgets, the other 30 bad-file pairs, a tenth of the full fuzzing;
  {quick_time}.
- **full** (`--full` sets `RELIABILITY_SHARE=full`): tests/reliability with the long tests at full
  counts: 100 + 100 kills, 500 copies, 60 s of three writers, an 8-hour soak, the 2 GB incident,
  every bad-file pair, thousands of fuzzed inputs each; about 22 minutes. It writes this file.

`benchmarks/reliability.py --quick` writes this file from the quick share instead (the header
then says so). The counts are the tests' parameters (`runs(fast, full=…, quick=…)` in
tests/reliability).

## What each test proves: crash, mid-write copy, power loss

- **Crash consistency** (the process dies: SIGKILL, a crash, the OOM killer). The SIGKILL tests
  prove that after a kill at any moment the file passes `integrity_check` and holds every entry
  that was reported saved, whole. A killed process's writes are already in the kernel's page
  cache, which outlives it, so these tests pass with `PRAGMA synchronous = OFF` too: they say
  nothing about fsync.
- **Consistency at any instant** (the mid-write copies). The file and its WAL copied while the
  writer is frozen at a random instant must open as a consistent prefix of the record (a torn last
  frame is discarded by SQLite's frame checksums). The copies come from the page cache, so this
  passes with `synchronous = OFF` as well. Earlier versions of this file called it "power cut",
  which claimed more than it shows.
- **Power loss** (needs the fsync). A power cut keeps what was synced to the disk. The sync-order
  checks (`test_sync_before_reply.py`) run each way an entry comes in under `strace` and require
  an `fsync`/`fdatasync` of the `-wal` file to have returned after the entry's write to it and
  before the reply: "Saved entry" on the CLI's stdout, the HTTP response of `serve`, the row in the
  window's timeline (a marker written from the model's `rowsInserted`). Each check also runs with
  the sync taken away, under `eatmydata` (fsync becomes a no-op) or with the connections at
  `synchronous = OFF`, and must then fail, on every run. *Limit*: strace shows that the sync was
  issued and returned before the reply; it cannot show that the disk honours it. A disk or
  virtual disk that acknowledges a flush from a volatile cache (or a VM host set to ignore
  flushes) can still lose synced entries, and no software can tell.

## Power loss: the WAL synced before every reply

{sync}

Checked by hand when these tests were written: with `synchronous = NORMAL` the CLI check still
passes (closing the file checkpoints, and the checkpoint syncs the WAL before "Saved entry" is
printed, so the note is durable), while the window and `serve`, whose connections stay open, fail
it, as they must: NORMAL commits without a sync.

## Faults injected

Entries lost across every fault: **{lost}**.

{faults}

*Time to recover*: from the fault to the file opened again and `PRAGMA integrity_check` done
(the worst run). *Entries checked*: entries the recorder had reported saved before the fault (for
the mid-write copies, entries written while copies were taken; for bad files, nothing is written).

### Foreign and broken files, command by command

Every cell: no traceback, and the file's SHA-256 the same before and after (a command that
writes and succeeded is the exception, by design). "Refused, 1 line" is exit 1 with one line
naming the problem (not an incident file, damaged, newer version, read-only, locked by another
program, no such file). The app's own open path (the start window) is tested with the same files
offscreen and shows the same message; a read-only file opens in a view-and-export window
(timeline, captures, report preview, exports; nothing that records).

{broken}

## Bad inputs tried

{inputs}

## Load held

{load}

## What each test does, for real

- **SIGKILL of the CLI recorder** (`test_crash.py`): a driver process records through the CLI's
  own `note` code (`cli.main` in a loop, printing the CLI's "Saved entry N" line), with a capture
  of real PNG bytes (`IncidentFile.add_capture`) every fifth note; the test sends it SIGKILL at a
  random moment, checks `integrity_check`, opens the file read-write (which replays the WAL) and
  looks up every id the driver printed with the exact text and capture checksum. The full run
  does it 100 times on one file.
- **SIGKILL of the real app** (`test_crash.py`, needs Xvfb): `incident-recorder FILE` is started
  on a virtual X display, xdotool types notes and presses Enter and Ctrl+Alt+S; what the window
  had saved (read from the file by another process after each Enter: the window shows an entry
  only once it is on disk) must still be there after SIGKILL at a random moment, whole and in
  typing order. 100 kills in the full run.
- **Mid-write copies** (`test_mid_write_copies.py`): a writer commits notes and captures; at
  random instants the test freezes it (SIGSTOP), copies the main file and its `-wal` (never the
  `-shm`, which a power cut wipes), and lets it run on. Each copy is opened read-only and
  read-write, must pass `integrity_check` and hold entries 1..k with the texts written, k at
  least every id reported. *What it shows*: any state of the written bytes is a consistent prefix
  that keeps every reported commit. *What it cannot show*: whether those bytes were ever synced
  (the copy is of the page cache); that is the sync-order checks' part.
- **Sync before reply** (`test_sync_before_reply.py`, strace; the window capture needs Xvfb): the
  CLI `note` runs under `strace -f`; the window (in the test process) and `serve` are traced by
  `strace -p` attached to every thread. `tests/reliability/sync_trace.py` parses the trace and
  finds the entry's first write to the WAL (the one holding its text, or for a capture its PNG
  bytes), the reply after it, and an fsync/fdatasync of the WAL returning 0 between the last
  write to the WAL and the reply. The meta-tests run the same checks under `eatmydata` (CLI,
  `serve`) and with `synchronous = OFF` (window) and require them to report the missing sync.
- **Disk full** (`test_disk_full.py`, needs root for the tmpfs): the file on a 3 MB tmpfs that a
  filler fills to the last byte. A CLI `note` exits 1 with one line, a note typed in the window
  stays in the field with the message, a capture raises a one-line error, `serve` answers 503;
  the entry count and `integrity_check` are unchanged; after deleting the filler each of the four
  records again.
- **Foreign and broken files** (`test_broken_files.py`): the table above, every pair in the full
  run, each bad note and a foreign file through every command in CI; the locked file is held by a
  second process inside `BEGIN EXCLUSIVE`, so `note` waits the busy timeout (5 s) and then says
  "locked by another program". The garbage page is a leaf of old entries (found with SQLite's
  `dbstat`); the commands that read every entry meet it, and the ones that write are refused
  before their first write by the check opening for writing runs: `PRAGMA quick_check` of every
  table but the captures' pixels (tens of milliseconds for 100,000 entries, where checking the
  whole 2 GB file would take seconds; a damaged image is refused when it is read).
- **Three writers** (`test_two_writers.py`): the window (offscreen, real key events, a note every
  100 ms), two threads running `incident-recorder note` processes back to back and a thread
  posting to a `serve` process, for 10 s (15 s in the quick share, 60 s in the full run): every
  CLI exit 0, every HTTP 200, no error in the window, every reported id in the file, the counts
  add up, and the window's row count is polled against the file's: it must follow within a
  second.
- **Load** (`test_load.py`): `benchmarks/make_incident.py` builds 100,000 entries and 2,000
  noisy 900×680 screenshots (~1 MB each) in a temporary folder (only in the full run, only with
  6 GB free, deleted after); `load_child.py` opens the real window on it in its own process and
  measures process start → painted, peak RSS (VmHWM), the longest UI-thread stall (a 1 ms timer)
  while scrolling top to bottom and filtering, and the window's export with its progress; the CLI
  export is timed with its peak RSS. A stall is held to 50 ms above the same window left idle
  for three seconds in the same run (what the machine alone costs), and the export's progress
  must count up while images are written and end at every image (how many updates arrive is a
  figure: it follows the machine's disk). The soak types a note into the window every 5 simulated
  seconds (FakeClock) with a capture every simulated minute and fits RSS over the second half.
- **Bad input** (`test_fuzz.py`, hypothesis): note texts (control characters, lone surrogates,
  RTL, HTML, Markdown, 40 KB) through `add_note` → JSON and Markdown export → parse (the JSON
  holds each text as stored; the Markdown has no HTML); random argument lists for every command
  through `main()` (exit 0, 1 or 2, never a traceback, exit 1 is one line); and JSON export →
  import → export: identical but for the new file's identity (uuid, creation and export time)
  and, on the first hop, each entry's id, source and revision number (an import stores an entry
  as it last read). The importers' and webhook parsers' own fuzzing is in tests/importers and
  tests/webhooks.

Bugs these tests found, fixed with a test each: error lines echoed control characters from the
user's arguments raw (a carriage return split the "one line" on a terminal).
"""


QUICK_TIME = "about 2 minutes more than the fast share on 2 cores (113 s for the long tests here)"


def render(lines: list[dict[str, Any]], share: str) -> str:
    built = tables(lines)
    return TEMPLATE.format(
        command=COMMANDS[share],
        date=_now(),
        mode=MODES[share],
        machine=machine(),
        failures="".join(
            f"\n- FAILED (a budget or check not met, figures below): `{line['test']}`"
            for line in lines
            if line["table"] == "outcome" and line["outcome"] == "failed"
        ),
        provenance="",
        full_command=COMMAND,
        quick_time=QUICK_TIME,
        **counts(lines),
        **built,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


SECTIONS = {"## Faults injected": "faults", "### Foreign and broken files": "broken",
            "## Bad inputs tried": "inputs", "## Load held": "load",
            "## Power loss: the WAL synced": "sync"}  # fmt: skip
"""Heading (its start) → the table under it that a run measured."""


def measured(doc: str) -> dict[str, str]:
    """The parts of a generated doc that a run measured: header values and tables, verbatim."""
    header = re.search(r"^Generated by `(?P<command>[^`]+)` on (?P<date>[^(]+?) \((?P<mode>.+?)\);"
                       r" do not edit by hand", doc, re.M)  # fmt: skip
    machine_line = re.search(r"^Machine: (?P<machine>.+)\.$", doc, re.M)
    outcome = re.search(r"^Test outcome: (?P<passed>\d+) passed, (?P<failed>\d+) failed, "
                        r"(?P<skipped>\d+) skipped \(tests/reliability\)\.(?P<failures>(?:\n- "
                        r"FAILED .*)*)", doc, re.M)  # fmt: skip
    lost = re.search(r"^Entries lost across every fault: \*\*(?P<lost>[^*]+)\*\*\.$", doc, re.M)
    if not (header and machine_line and outcome and lost):
        raise SystemExit("--rewrite-prose: the doc's header is not one this script wrote")
    found: dict[str, str] = {**header.groupdict(), **machine_line.groupdict(),
                             **outcome.groupdict(), **lost.groupdict()}  # fmt: skip
    section, block = None, []
    for line in [*doc.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block and section and section not in found:
            found[section] = "\n".join(block)
        block = []
        if line.startswith("#"):
            section = next((key for head, key in SECTIONS.items() if line.startswith(head)), None)
    for old, new in RENAMED.items():
        found["faults"] = found["faults"].replace(f"| {old} |", f"| {new} |")
    return found


def rewrite_prose(doc: str, sync_lines: list[dict[str, Any]]) -> str:
    """The doc re-rendered with this script's text around its own measured parts; the sync table,
    if the doc has none, from `sync_lines` (a run of the sync tests alone)."""
    parts = measured(doc)
    provenance = (f"Text around the tables rewritten on {_now()} (`benchmarks/reliability.py "
                  "--rewrite-prose`); the tables are from the run above, unchanged but for row "
                  "labels renamed since.")  # fmt: skip
    earlier = re.search(r"The sync-order table is from a run of .*?skipped\)\.", doc)
    if "sync" in parts and earlier:
        provenance += " " + earlier.group(0)
    if "sync" not in parts:
        tally = counts(sync_lines)
        parts["sync"] = sync_table(sync_lines)
        provenance += (f" The sync-order table is from a run of `{SYNC_TESTS}` alone on {_now()}"
                       f" ({tally['passed']} passed, {tally['failed']} failed, "
                       f"{tally['skipped']} skipped).")  # fmt: skip
    provenance += "\n"
    return TEMPLATE.format(**parts, provenance=provenance, full_command=COMMAND,
                           quick_time=QUICK_TIME)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--full", action="store_true", help="long tests at full counts (~22 min)")
    which.add_argument("--quick", action="store_true", help="long tests at reduced counts (CI)")
    which.add_argument(
        "--rewrite-prose",
        action="store_true",
        help="re-render the text around the tables --out already has (runs only the sync tests "
        "if its sync table is missing)",
    )
    parser.add_argument("--out", type=Path, default=DOC, help="the Markdown file to write")
    parser.add_argument("--results", type=Path, help="keep the raw JSON lines here")
    parser.add_argument(
        "--keep-results",
        action="store_true",
        help="add to --results instead of starting afresh: the tests run again (named after --) "
        "replace their earlier lines, the others keep theirs",
    )
    parser.add_argument(
        "--render-only", action="store_true", help="write the doc from --results without running"
    )
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args(argv)
    share = "full" if args.full else "quick" if args.quick else "fast"
    if args.render_only:
        lines = [json.loads(x) for x in args.results.read_text().splitlines()]
        args.out.write_text(render(lines, share), encoding="utf-8")
        return 0
    if args.rewrite_prose:
        doc = args.out.read_text(encoding="utf-8")
        sync_lines: list[dict[str, Any]] = []
        code = 0
        if "sync" not in measured(doc):
            with tempfile.TemporaryDirectory() as folder:
                results, junit = Path(folder) / "results.jsonl", Path(folder) / "junit.xml"
                code = run_suite("fast", results, junit, [SYNC_TESTS])
                if results.exists():
                    sync_lines = [json.loads(x) for x in results.read_text().splitlines()]
                sync_lines += outcomes(junit)
        args.out.write_text(rewrite_prose(doc, sync_lines), encoding="utf-8")
        print(f"rewrote the text of {args.out}")
        return code
    with tempfile.TemporaryDirectory() as folder:
        results = args.results or Path(folder) / "results.jsonl"
        earlier = []
        if args.keep_results and results.exists():
            earlier = [json.loads(x) for x in results.read_text().splitlines()]
        results.unlink(missing_ok=True)
        junit = Path(folder) / "junit.xml"
        code = run_suite(share, results, junit, args.pytest_args)
        new = [json.loads(x) for x in results.read_text().splitlines()] if results.exists() else []
        new += outcomes(junit)
        rerun = {line["test"] for line in new}
        lines = [line for line in earlier if line["test"] not in rerun] + new
        results.write_text("".join(json.dumps(line) + "\n" for line in lines))
    args.out.write_text(render(lines, share), encoding="utf-8")
    tally = counts(lines)
    print(f"wrote {args.out} ({tally['passed']} passed, {tally['failed']} failed)")
    return code


if __name__ == "__main__":
    sys.exit(main())
