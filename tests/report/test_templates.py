"""Report templates: the shipped ones, a team's own, and broken files that break nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from incident_recorder.report.fills import FILL_FUNCTIONS
from incident_recorder.report.markdown import SECTIONS, SUBSECTIONS
from incident_recorder.report.templates import (
    DEFAULT_TEMPLATE,
    EDITABLE_SECTIONS,
    FILLS,
    TemplateError,
    available_templates,
    load_template,
    parse_template,
    template_problems,
)

TEAM = """
name = "team"
title = "Team review"
description = "Ours"

[[sections]]
key = "summary"
heading = "What happened"
fill = "summary"
prompt = "Tell it."

[[sections]]
heading = "Our timeline"
fill = "timeline"
"""


def test_shipped_templates() -> None:
    names = [t.name for t in available_templates()]
    assert names[0] == DEFAULT_TEMPLATE
    assert set(names) == {"default", "short", "postmortem", "public"}
    default = load_template("default")
    assert [(s.heading, s.level) for s in default.sections] == [
        ("Summary", 2),
        ("Detection", 2),
        ("Impact", 2),
        ("Timeline", 2),
        ("Root cause analysis", 2),
        ("Immediate cause", 3),
        ("Underlying issues", 3),
        ("Resolution", 2),
        ("Prevention", 2),
        ("Action items", 2),
    ]
    assert tuple(s.heading for s in default.sections if s.level == 2) == SECTIONS
    assert tuple(s.heading for s in default.sections if s.level == 3) == SUBSECTIONS
    keys = {s.key for s in default.sections}
    assert {"root_cause_immediate", "root_cause_underlying"} <= keys
    detection = next(s for s in default.sections if s.key == "detection")
    assert "How could we have cut the time to detection in half?" in detection.prompt
    underlying = next(s for s in default.sections if s.key == "root_cause_underlying")
    assert "\u201coperator error\u201d is never a root cause" in underlying.prompt
    assert not default.public and load_template("public").public
    postmortem = [s.heading for s in load_template("postmortem").sections]
    assert postmortem == [
        "Summary", "Leadup", "Fault", "Impact", "Detection", "Response", "Recovery",
        "Timeline", "Five whys", "Related incidents", "Lessons learned", "Corrective actions",
    ]  # fmt: skip
    assert len(load_template("short").sections) < len(default.sections)


def test_every_fill_is_rendered_and_every_template_uses_known_fills() -> None:
    assert set(FILLS) == set(FILL_FUNCTIONS)
    for template in available_templates():
        assert {s.fill for s in template.sections} <= set(FILLS)


def test_editable_sections() -> None:
    keys = [key for key, _ in EDITABLE_SECTIONS]
    assert keys[:7] == [
        "summary", "detection", "impact", "root_cause_immediate", "root_cause_underlying",
        "resolution", "prevention",
    ]  # fmt: skip
    assert "public_summary" in keys
    public_keys = {s.key for s in load_template("public").sections}
    assert all(key.startswith("public_") for key in public_keys)


def test_a_team_template_is_found_in_extra_dirs(tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(TEAM, encoding="utf-8")
    team = load_template("team", [tmp_path])
    assert team.title == "Team review" and team.source == tmp_path / "team.toml"
    assert [s.key for s in team.sections] == ["summary", "our_timeline"]
    assert "team" in [t.name for t in available_templates([tmp_path])]


def test_a_team_file_named_like_a_shipped_one_replaces_it(tmp_path: Path) -> None:
    (tmp_path / "short.toml").write_text(TEAM.replace('"team"', '"short"'), encoding="utf-8")
    assert load_template("short", [tmp_path]).title == "Team review"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = [", "not valid TOML"),
        ('name = "x"', "no [[sections]]"),
        ('[[sections]]\nheading = "A"\nfill = "magic"', "unknown fill 'magic'"),
        ("[[sections]]\nfill = 'none'", "'heading' must be text"),
        ('[[sections]]\nheading = "A"\nlevel = 1', "'level' must be 2, 3 or 4"),
        ('[[sections]]\nheading = "A"\ncolour = "red"', "unknown field 'colour'"),
        ('public = "yes"\n[[sections]]\nheading = "A"', "'public' must be true or false"),
        ('[[sections]]\nheading = "   "', "'heading' is empty"),
    ],
)
def test_bad_templates_get_one_clear_line(text: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, name="x", where="x.toml")
    message = str(caught.value)
    assert problem in message and message.startswith("x.toml") and "\n" not in message


def test_a_broken_team_template_breaks_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("name = [", encoding="utf-8")
    (tmp_path / "undecodable.toml").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "team.toml").write_text(TEAM, encoding="utf-8")
    names = {t.name for t in available_templates([tmp_path])}
    assert names == {"default", "short", "postmortem", "public", "team"}
    problems = template_problems([tmp_path])
    assert len(problems) == 2 and all(str(tmp_path) in p for p in problems)
    with pytest.raises(ValueError, match="template 'broken' cannot be used: .*not valid TOML"):
        load_template("broken", [tmp_path])
    assert load_template("default", [tmp_path, tmp_path / "missing"]).name == "default"


def test_an_unknown_name_lists_the_choices() -> None:
    with pytest.raises(ValueError) as caught:
        load_template("nope")
    assert str(caught.value) == (
        "unknown template 'nope' (one of: default, postmortem, public, short)"
    )
