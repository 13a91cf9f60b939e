"""Crafted exports are data, never a path to elsewhere: links, devices, FIFOs, `..` names, zip
bombs and oversized files are refused in one line, fast, in bounded memory, importing nothing.

Each case runs `incident-recorder import` as a real process under a 1.5 GiB address-space
limit and a timeout, and reports the process's peak RSS: the old importer read /dev/zero until
memory ran out and blocked forever on a FIFO.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from importer_support import START, ts, write_slack

from incident_recorder.importers import ImportFailed
from incident_recorder.importers.csv_import import read_csv_file
from incident_recorder.importers.files import MAX_FILE_BYTES, Budget, read_inside
from incident_recorder.storage import IncidentFile

RUNNER = """
import resource, sys
from incident_recorder.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
finally:
    print(f"maxrss_kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""
LIMIT_BYTES = 1536 * 1024 * 1024
PAST = START - timedelta(days=7)
MESSAGES = [{"ts": ts(PAST + timedelta(seconds=20)), "user": "U1", "text": "5xx on checkout"}]


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run_import(target: Path, source: Path, *extra: str) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr without the RSS line, peak RSS in KiB) of an import."""
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, "import", str(target), str(source), *extra],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit,
    )
    lines = result.stderr.splitlines()
    peak = [int(line.split()[1]) for line in lines if line.startswith("maxrss_kib ")]
    errors = "\n".join(line for line in lines if not line.startswith("maxrss_kib "))
    return result.returncode, result.stdout, errors, peak[0] if peak else 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "t.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        handle.add_note("before the import")
    return path


@pytest.fixture
def baseline_kib(target: Path, tmp_path: Path) -> int:
    """The peak RSS of an import of a good export: the hostile ones must stay near it."""
    good = write_slack(tmp_path / "good", "inc", {"2026-11-20": MESSAGES})
    copy = tmp_path / "copy.incident"
    shutil.copy(target, copy)
    code, out, err, peak = run_import(copy, good, "--format", "slack")
    assert code == 0, err
    assert out.startswith("imported 1 entry")
    return peak


def refused(target: Path, source: Path, baseline_kib: int, *expected: str) -> str:
    """Import `source`; assert it was refused in one line naming the file, nothing imported, in
    memory close to a good import's."""
    before = digest(target)
    code, out, err, peak = run_import(target, source, "--format", "slack")
    assert code == 1, (out, err)
    problems = [line for line in err.splitlines() if ": error: " in line]
    assert len(problems) == 2, err  # the refusal, then "nothing was imported (1 problem)"
    assert problems[-1].endswith("nothing was imported (1 problem)")
    for fragment in expected:
        assert fragment in problems[0], problems[0]
    assert peak - baseline_kib < 64 * 1024, f"RSS grew {(peak - baseline_kib) // 1024} MiB"
    assert digest(target) == before
    with IncidentFile.open(target, readonly=True) as handle:
        assert [entry.text for entry in handle.entries()] == ["before the import"]
    return problems[0]


def zip_with(path: Path, *members: tuple[zipfile.ZipInfo | str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def symlink_entry(name: str, target: str) -> zipfile.ZipInfo:
    """A zip entry as `zip -y` stores a symbolic link (unzip re-creates the link)."""
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    info.create_system = 3  # Unix
    return info


def test_a_zip_holding_a_link_to_dev_zero(target: Path, tmp_path: Path, baseline_kib: int) -> None:
    archive = zip_with(
        tmp_path / "inc.zip",
        ("users.json", b"[]"),
        (symlink_entry("2026-11-20.json", "/dev/zero"), b"/dev/zero"),
    )
    line = refused(
        target, archive, baseline_kib, "error: inc.zip: 2026-11-20.json", "symbolic link"
    )
    assert "/dev/zero" not in line.split("error:", 1)[1].split("symbolic")[0]


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip is not installed")
def test_the_same_zip_unzipped_by_unzip_then_imported_as_a_folder(
    target: Path, tmp_path: Path, baseline_kib: int
) -> None:
    archive = zip_with(
        tmp_path / "inc.zip", (symlink_entry("inc/2026-11-20.json", "/dev/zero"), b"/dev/zero")
    )
    subprocess.run(["unzip", "-q", str(archive), "-d", str(tmp_path / "x")], check=True)
    folder = tmp_path / "x" / "inc"
    assert (folder / "2026-11-20.json").is_symlink()  # unzip made the link: the real hazard
    refused(target, folder, baseline_kib, "2026-11-20.json", "symbolic link")


@pytest.mark.parametrize("where", ["day", "users"])
def test_a_folder_with_a_link_to_etc_passwd(
    target: Path, tmp_path: Path, baseline_kib: int, where: str
) -> None:
    folder = write_slack(tmp_path / "export", "inc", {"2026-11-20": MESSAGES})
    name = "2026-11-21.json" if where == "day" else "users.json"
    os.symlink("/etc/passwd", folder / name)
    refused(target, folder, baseline_kib, name, "symbolic link")


def test_a_folder_with_a_fifo(target: Path, tmp_path: Path, baseline_kib: int) -> None:
    folder = write_slack(tmp_path / "export", "inc", {"2026-11-20": MESSAGES})
    os.mkfifo(folder / "2026-11-21.json")  # reading it would wait for a writer forever
    refused(target, folder, baseline_kib, "2026-11-21.json", "FIFO")


@pytest.mark.parametrize("name", ["../../evil.json", "/tmp/evil.json", "inc/../../evil.json"])
def test_a_zip_naming_a_file_outside(
    target: Path, tmp_path: Path, baseline_kib: int, name: str
) -> None:
    evil = json.dumps(MESSAGES).encode()
    archive = zip_with(tmp_path / "inc.zip", ("2026-11-20.json", evil), (name, evil))
    refused(target, archive, baseline_kib, f"error: inc.zip: {name}", "nothing read")


def _bomb(path: Path, inflated: int, declared: int | None) -> Path:
    """A zip whose day file inflates to `inflated` bytes of JSON (a list padded with spaces),
    its header declaring `declared` bytes (None: the truth)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("2026-11-20.json")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            member.write(b"[")
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
            member.write(b"]")
    data = bytearray(path.read_bytes())
    assert len(data) < inflated // 500  # highly compressible: a few hundred KB
    if declared is not None:
        size = (inflated // (1024 * 1024) * 1024 * 1024 + 2).to_bytes(4, "little")
        local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
        assert data[local + 22 : local + 26] == size and data[central + 24 : central + 28] == size
        data[local + 22 : local + 26] = declared.to_bytes(4, "little")
        data[central + 24 : central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def test_a_zip_bomb_declaring_a_small_size(target: Path, tmp_path: Path, baseline_kib: int) -> None:
    archive = _bomb(tmp_path / "inc.zip", 256 * 1024 * 1024, declared=200)
    refused(target, archive, baseline_kib, "error: inc.zip: 2026-11-20.json")


def test_a_zip_bomb_declaring_its_size(target: Path, tmp_path: Path, baseline_kib: int) -> None:
    archive = _bomb(tmp_path / "inc.zip", 256 * 1024 * 1024, declared=None)
    refused(target, archive, baseline_kib, "error: inc.zip: 2026-11-20.json", "too large")


def test_an_oversized_channel_file(target: Path, tmp_path: Path, baseline_kib: int) -> None:
    folder = write_slack(tmp_path / "export", "inc", {"2026-11-20": MESSAGES})
    with open(folder / "2026-11-21.json", "wb") as huge:
        huge.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used, every byte reads as NUL
    refused(target, folder, baseline_kib, "2026-11-21.json", "too large", "64 MiB per file")


def test_a_json_export_whose_captures_folder_is_a_link(
    target: Path, tmp_path: Path, baseline_kib: int
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n secret")
    export = tmp_path / "export"
    export.mkdir()
    os.symlink(elsewhere, export / "images")
    capture = {"file": "images/x.png", "sha256": digest(elsewhere / "x.png")}
    entry = {"id": 1, "kind": "observation", "text": "graph", "capture": capture,
             "occurred_at": "2026-11-20T14:00:00Z"}  # fmt: skip
    document = {"format": "incident-recorder/1", "entries": [entry]}
    (export / "incident.json").write_text(json.dumps(document), encoding="utf-8")
    before = digest(target)
    code, _, err, peak = run_import(target, export)
    assert code == 1
    assert "images/x.png: images is a symbolic link: not read" in err
    assert digest(target) == before
    assert peak - baseline_kib < 64 * 1024


def test_a_csv_named_as_a_fifo_or_a_link_to_a_device(tmp_path: Path) -> None:
    fifo = tmp_path / "timeline.csv"
    os.mkfifo(fifo)
    with pytest.raises(ImportFailed, match=r"^the file: a FIFO \(named pipe\), not a reg"):
        read_csv_file(fifo)
    link = tmp_path / "zero.csv"
    os.symlink("/dev/zero", link)
    with pytest.raises(ImportFailed, match=r"^the file: a symbolic link"):
        read_csv_file(link)


def test_the_total_cap_counts_every_file(tmp_path: Path) -> None:
    for name in ("a.json", "b.json", "c.json"):
        (tmp_path / name).write_bytes(b"x" * 4000)
    budget = Budget(total=10_000, per_file=5_000)
    read_inside(tmp_path, "a.json", budget)
    read_inside(tmp_path, "b.json", budget)
    with pytest.raises(ImportFailed, match=r"^c\.json: the import is too large"):
        read_inside(tmp_path, "c.json", budget)
    (tmp_path / "d.json").write_bytes(b"x" * 5001)
    with pytest.raises(ImportFailed, match=r"^d\.json: too large"):
        read_inside(tmp_path, "d.json", Budget(total=10_000, per_file=5_000))
