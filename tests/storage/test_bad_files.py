"""Bad files get a clear IncidentFileError and are left byte-for-byte as they were."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from storage_support import damage_page, fingerprint, png_bytes, remount_readonly

from incident_recorder.domain import NewCapture
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.errors import (
    CorruptFileError,
    DiskFullError,
    FileExistsError_,
    FileMissingError,
    NewerSchemaError,
    NotAnIncidentFileError,
    ReadOnlyFileError,
)


def _good(path: Path, notes: int = 300) -> Path:
    with IncidentFile.create(path, "Checkout outage") as handle:
        for number in range(notes):
            handle.add_note(f"note {number} " + "x" * 200)
    return path


def _assert_clear(error: IncidentFileError) -> None:
    message = str(error)
    assert message and "\n" not in message
    assert "Traceback" not in message and "sqlite3." not in message
    # no chained sqlite3 traceback shown under it
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def _refused(path: Path, error_type: type[IncidentFileError], match: str, **kw: Any) -> None:
    before = fingerprint(path)
    with pytest.raises(error_type, match=match) as caught:
        IncidentFile.open(path, **kw)
    _assert_clear(caught.value)
    assert fingerprint(path) == before


@pytest.mark.parametrize("readonly", [False, True])
def test_missing_path(tmp_path: Path, readonly: bool) -> None:
    missing = tmp_path / "nope.incident"
    _refused(missing, FileMissingError, "no such incident file", readonly=readonly)
    assert list(tmp_path.iterdir()) == []


def test_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "folder.incident"
    folder.mkdir()
    _refused(folder, NotAnIncidentFileError, "is a folder")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.incident"
    path.write_bytes(b"")
    _refused(path, NotAnIncidentFileError, "is empty")


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.incident"
    path.write_text("14:02 checkout down\n" * 20)
    _refused(path, NotAnIncidentFileError, "not an SQLite database")


def test_png_file(tmp_path: Path) -> None:
    path = tmp_path / "screen.incident"
    path.write_bytes(png_bytes(40, 40))
    _refused(path, NotAnIncidentFileError, "not an SQLite database")


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_foreign_sqlite_database(tmp_path: Path, journal: str) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO entries (text) VALUES ('someone else''s data')")
    conn.commit()
    conn.close()
    _refused(path, NotAnIncidentFileError, "another program")
    _refused(path, NotAnIncidentFileError, "another program", readonly=True)


@pytest.mark.parametrize("readonly", [False, True])
def test_newer_schema(tmp_path: Path, readonly: bool) -> None:
    path = _good(tmp_path / "newer.incident", notes=3)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    _refused(path, NewerSchemaError, "newer Incident Recorder .file format 99", readonly=readonly)


def test_truncated_file(tmp_path: Path) -> None:
    path = _good(tmp_path / "cut.incident")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _refused(path, CorruptFileError, "is damaged")


def test_truncated_inside_the_header(tmp_path: Path) -> None:
    path = _good(tmp_path / "cut.incident", notes=1)
    path.write_bytes(path.read_bytes()[:60])
    _refused(path, NotAnIncidentFileError, "not an SQLite database")


def _open_and_read(path: Path) -> None:
    with IncidentFile.open(path, readonly=True) as handle:
        handle.incident()
        handle.entries()


def test_garbage_page_in_the_entries(tmp_path: Path) -> None:
    path = _good(tmp_path / "garbage.incident")
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page) * 3 // 4  # a leaf page of the entries table
    data[middle * page : (middle + 1) * page] = os.urandom(page)
    path.write_bytes(bytes(data))
    before = fingerprint(path)
    with (
        pytest.raises(CorruptFileError, match="is damaged") as caught,
        IncidentFile.open(path) as handle,
    ):
        handle.entries()
    _assert_clear(caught.value)
    assert "Traceback" not in "".join(traceback.format_exception_only(caught.value))
    assert fingerprint(path) == before


def test_garbage_on_any_page_never_escapes_as_a_raw_error(tmp_path: Path) -> None:
    """Whatever page is damaged: either it reads, or a clear IncidentFileError; never altered."""
    good = _good(tmp_path / "good.incident", notes=100)
    data = good.read_bytes()
    page = 4096
    for number in range(len(data) // page):
        path = tmp_path / f"page{number}.incident"
        damaged = bytearray(data)
        damaged[number * page : (number + 1) * page] = bytes(range(256)) * (page // 256)
        path.write_bytes(bytes(damaged))
        before = fingerprint(path)
        try:
            _open_and_read(path)
        except IncidentFileError as error:
            _assert_clear(error)
        assert fingerprint(path) == before, f"page {number}"
        path.unlink()


def test_create_on_an_existing_path(tmp_path: Path) -> None:
    for path in (_good(tmp_path / "kept.incident", notes=2), tmp_path / "some.txt"):
        if not path.exists():
            path.write_text("mine")
        before = fingerprint(path)
        with pytest.raises(FileExistsError_, match="already exists") as caught:
            IncidentFile.create(path, "again")
        _assert_clear(caught.value)
        assert fingerprint(path) == before


def test_create_in_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "x.incident"
    with pytest.raises(FileMissingError, match="does not exist") as caught:
        IncidentFile.create(path, "t")
    _assert_clear(caught.value)
    assert not path.parent.exists()


# -- mounts: read-only and full disks (tests run as root: chmod would not stop a write) --


def test_read_only_mount(tmpfs: Callable[..., Path]) -> None:
    mount = tmpfs("4m")
    path = _good(mount / "archived.incident", notes=5)
    remount_readonly(mount)
    before = fingerprint(path)
    with pytest.raises(ReadOnlyFileError, match="read-only") as caught:
        IncidentFile.open(path)
    _assert_clear(caught.value)
    # bug fixed: read-only open on a read-only mount used to say "the file or its folder is gone"
    with IncidentFile.open(path, readonly=True) as reader:
        assert len(reader.entries()) == 5
        assert reader.incident().title == "Checkout outage"
        with pytest.raises(ReadOnlyFileError, match="read-only"):
            reader.add_note("nope")
    assert fingerprint(path) == before
    with pytest.raises(ReadOnlyFileError, match="read-only"):
        IncidentFile.create(mount / "new.incident", "t")


def test_disk_full(tmpfs: Callable[..., Path]) -> None:
    mount = tmpfs("1m")
    path = mount / "full.incident"
    with IncidentFile.create(path, "t") as handle:
        saved = [handle.add_note(f"before {n}") for n in range(5)]
        filler = mount / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError, match="No space left"):
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        for _ in range(3):
            with pytest.raises(DiskFullError, match="full.*nothing was saved") as caught:
                handle.add_note("y" * 20_000)
            _assert_clear(caught.value)
        assert not handle._db.conn.in_transaction
        assert handle._db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert handle.entries() == saved
        filler.unlink()
        after = handle.add_note("after freeing space")
        assert handle.entries() == [*saved, after]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def test_copy_of_an_open_file_reads(tmp_path: Path) -> None:
    """Copying just the main file while the app holds it (mailing it) gives a readable file."""
    path = _good(tmp_path / "live.incident", notes=3)
    with IncidentFile.open(path) as live:
        live.add_note("committed, maybe still only in the WAL")
        copy = tmp_path / "copy.incident"
        # by another program, as a user would (this process opening it would drop its locks)
        subprocess.run(["cp", str(path), str(copy)], check=True)
        with IncidentFile.open(copy, readonly=True) as reader:
            assert reader.incident().title == "Checkout outage"
            assert len(reader.entries()) in (3, 4)


@pytest.mark.parametrize(
    ("table", "pagetype"),
    [("entries", "leaf"), ("entries_occurred_at", "leaf"), ("revisions", "leaf")],
)
def test_a_damaged_page_of_the_record_refuses_writing_before_anything_is_written(
    tmp_path: Path, table: str, pagetype: str
) -> None:
    """A note only appends, so it would have gone into a file whose old entries cannot be read:
    opening for writing checks the record's pages first (captures' pixels aside)."""
    path = _good(tmp_path / "garbage.incident")
    with IncidentFile.open(path) as handle:
        for entry_id in range(1, 301):
            handle.revise(entry_id, text=f"revised note {entry_id} " + "y" * 200)
    damage_page(path, table, pagetype=pagetype)
    before = fingerprint(path)
    _refused(path, CorruptFileError, "is damaged .*nothing was written")
    with pytest.raises(CorruptFileError, match="is damaged") as caught:
        IncidentFile.open(path).add_note("would have been written into a damaged file")
    _assert_clear(caught.value)
    assert fingerprint(path) == before
    # read-only still opens (to export what can be read); reading the damaged page refuses
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.incident().title == "Checkout outage"
    assert fingerprint(path) == before


def test_a_damaged_capture_image_does_not_stop_recording(tmp_path: Path) -> None:
    """The captures' pixels are not checked on open (seconds on a 2 GB file): a damaged image
    page is found when that image is read, and notes can still be recorded."""
    path = tmp_path / "images.incident"
    with IncidentFile.create(path, "Checkout outage") as handle:
        for _ in range(4):
            png = os.urandom(40_000)  # incompressible: the image spills onto overflow pages
            handle.add_capture(
                NewCapture(png, png_bytes(8, 8), 100, 100, hashlib.sha256(png).hexdigest(), None)
            )
    damage_page(path, "captures", pagetype="overflow")
    with IncidentFile.open(path) as handle:
        handle.add_note("recorded while one image is damaged")
        assert handle.entry_count() == 5
        with pytest.raises(CorruptFileError, match="is damaged"):
            for capture_id in range(1, 5):
                handle.capture_png(capture_id)
