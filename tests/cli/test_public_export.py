"""The scenario imported and exported as docs/cli.md says: what each folder ends up holding.

A public export is named report-public.* and goes into a folder of its own (refused beside an
internal export, and the reverse); it holds no internal file and removes none; no export
(Markdown, HTML, PDF, public or internal, or the status page) holds a writing prompt or, when
public, an internal milestone; an existing report file is replaced only with --force.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from incident_recorder.report import available_templates

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "checkout-outage.csv"
PROMPTS = {s.prompt for t in available_templates() for s in t.sections if s.prompt}
INTERNAL = ("Detected", "Acknowledged", "PagerDuty", "IC decides", "Mitigation", "Mitigated")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def ok(*args: str) -> str:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.incident"
    ok("new", str(path), "--title", "Checkout outage")
    ok("import", str(path), str(SCENARIO), "--start", "2026-11-27T14:00:00Z")
    return path


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def shown(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return path.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_public_and_internal_exports_of_the_scenario(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for fmt in ("markdown", "html", "pdf", "json"):
        ok("export", str(scenario), "--format", fmt, "--out", str(out))
    internal = digests(out)
    beside = run("export", str(scenario), "--public", "--out", str(out))
    assert beside.returncode == 1
    assert "holds an internal export" in beside.stderr and f"{out / 'public'}" in beside.stderr
    assert digests(out) == internal  # nothing written, nothing removed

    public = out / "public"
    for fmt in ("markdown", "html", "pdf", "json"):
        ok("export", str(scenario), "--format", fmt, "--public", "--out", str(public))
    files = set(digests(public))
    assert files == {
        "report-public.md",
        "report-public.html",
        "report-public.pdf",
        "incident-public.json",
        "images/timeline.png",
        "images/timeline.svg",
    }
    assert {
        name: digest
        for name, digest in digests(out).items()
        if "/" not in name or name.startswith("images/")
    } == internal  # the internal export untouched

    for name in ("report-public.md", "report-public.html", "report-public.pdf"):
        text = shown(public / name)
        assert not [prompt for prompt in PROMPTS if prompt[:40] in " ".join(text.split())]
        for word in INTERNAL:
            assert word not in text, (name, word)
        assert "What we are doing about it" not in text  # empty: left out
    picture = (public / "images" / "timeline.svg").read_text(encoding="utf-8")
    for word in ("Detected", "Acknowledged", "Mitigated"):
        assert word not in picture
    for name in ("report.md", "report.html", "report.pdf"):
        text = " ".join(shown(out / name).split())
        assert not [prompt for prompt in PROMPTS if prompt[:40] in text], name

    page = tmp_path / "status"
    ok("status-page", str(scenario), "--out", str(page))
    for name in ("index.html", "feed.xml"):
        text = (page / name).read_text(encoding="utf-8")
        assert not [prompt for prompt in PROMPTS if prompt[:40] in text]


def test_an_existing_report_is_replaced_only_with_force(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok("export", str(scenario), "--out", str(out))
    (out / "report.md").write_text("edited by hand\n", encoding="utf-8")
    again = run("export", str(scenario), "--out", str(out))
    assert again.returncode == 1
    assert again.stderr.strip() == (
        f"incident-recorder: error: {out / 'report.md'} already exists: nothing was written "
        "(--force replaces it)"
    )
    assert (out / "report.md").read_text(encoding="utf-8") == "edited by hand\n"
    ok("export", str(scenario), "--format", "json", "--out", str(out))  # another file: fine
    ok("export", str(scenario), "--out", str(out), "--force")
    assert "# Checkout outage" in (out / "report.md").read_text(encoding="utf-8")
    # an internal export is refused where a public one is (it would share its images/)
    public = tmp_path / "public"
    ok("export", str(scenario), "--public", "--out", str(public))
    refused = run("export", str(scenario), "--out", str(public))
    assert refused.returncode == 1 and "holds a public export" in refused.stderr
    assert sorted(p.name for p in public.iterdir()) == ["images", "report-public.md"]
