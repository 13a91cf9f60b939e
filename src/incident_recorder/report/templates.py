"""Report templates: which sections a report has, in which order, with which prompts.

A template is a TOML file (resources/templates/*.toml ships "default", "short", "postmortem"
and "public"; a team adds its own in a folder passed as `extra_dirs`, the app passes
<data dir>/templates):

    name = "default"                  # what --template names; defaults to the file's stem
    title = "Incident report"
    description = "The eight sections …"
    public = false                    # true: a customer-facing report (public entries only)

    [[sections]]
    key = "summary"                   # the report editor's free text shown under the heading
    heading = "Summary"
    fill = "summary"                  # what the app adds from the record (FILLS)
    prompt = "In two or three …"      # the editor's placeholder (never exported)
    level = 2                         # optional: 3 for a sub-part (Immediate cause)

A broken team template is skipped by `available_templates` (and explained by `load_template`
when asked for by name): it never breaks the others. A team file named like a shipped one
replaces it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from incident_recorder.domain.record import PUBLIC_TEXTS

DEFAULT_TEMPLATE = "default"
PUBLIC_TEMPLATE = "public"

FILLS = (
    "none",
    "summary",
    "metrics",
    "detection",
    "impact",
    "impact_window",
    "timeline",
    "root_cause",
    "resolution",
    "cause_and_fix",
    "response",
    "recovery",
    "leadup",
    "communication",
    "prevention",
    "action_items",
)
"""What a section can be filled with from the record (report/document.py renders each)."""

EDITABLE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("detection", "Detection"),
    ("impact", "Impact"),
    ("root_cause_immediate", "Root cause: immediate cause"),
    ("root_cause_underlying", "Root cause: underlying issues"),
    ("resolution", "Resolution"),
    ("prevention", "Prevention"),
    *PUBLIC_TEXTS,
)
"""The report editor's free-text sections (key, label); public_* ones go to the public report."""


class TemplateError(ValueError):
    """A template file that cannot be used; str() is one line naming the file and the problem."""


@dataclass(frozen=True, slots=True)
class TemplateSection:
    key: str
    heading: str
    prompt: str
    fill: str
    level: int = 2


@dataclass(frozen=True, slots=True)
class ReportTemplate:
    name: str
    title: str
    description: str
    sections: tuple[TemplateSection, ...]
    public: bool = False
    source: Path | None = None


def shipped_dir() -> Path:
    """resources/templates inside the installed package, or of a source checkout."""
    packaged = Path(__file__).resolve().parents[1] / "resources" / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "resources" / "templates"


def _text(
    table: Mapping[str, object], field: str, where: str, *, default: str | None = None
) -> str:
    value = table.get(field, default)
    if not isinstance(value, str):
        raise TemplateError(f"{where}: {field!r} must be text")
    return value


def _section(raw: object, number: int, where: str) -> TemplateSection:
    here = f"{where}, section {number}"
    if not isinstance(raw, dict):
        raise TemplateError(f"{here}: must be a [[sections]] table")
    key = _text(raw, "key", here, default="").strip()
    heading = " ".join(_text(raw, "heading", here).split())
    if not heading:
        raise TemplateError(f"{here}: 'heading' is empty")
    fill = _text(raw, "fill", here, default="none")
    if fill not in FILLS:
        raise TemplateError(f"{here}: unknown fill {fill!r} (one of: {', '.join(FILLS)})")
    level = raw.get("level", 2)
    if not isinstance(level, int) or isinstance(level, bool) or level not in (2, 3, 4):
        raise TemplateError(f"{here}: 'level' must be 2, 3 or 4")
    unknown = set(raw) - {"key", "heading", "prompt", "fill", "level"}
    if unknown:
        raise TemplateError(f"{here}: unknown field {sorted(unknown)[0]!r}")
    prompt = " ".join(_text(raw, "prompt", here, default="").split())
    return TemplateSection(key or heading.lower().replace(" ", "_"), heading, prompt, fill, level)


def parse_template(text: str, *, name: str, where: str = "template") -> ReportTemplate:
    """A template from TOML text; TemplateError (one line) for anything unusable."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{where}: not valid TOML ({error})") from None
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise TemplateError(f"{where}: no [[sections]]")
    parsed = tuple(_section(raw, n, where) for n, raw in enumerate(sections, start=1))
    public = data.get("public", False)
    if not isinstance(public, bool):
        raise TemplateError(f"{where}: 'public' must be true or false")
    unknown = set(data) - {"name", "title", "description", "public", "sections"}
    if unknown:
        raise TemplateError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    return ReportTemplate(
        name=_text(data, "name", where, default=name).strip() or name,
        title=_text(data, "title", where, default="Incident report"),
        description=_text(data, "description", where, default=""),
        sections=parsed,
        public=public,
    )


def read_template(path: Path) -> ReportTemplate:
    """The template in `path`; TemplateError naming the file if it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise TemplateError(f"{path}: cannot be read ({reason})") from None
    template = parse_template(text, name=path.stem, where=str(path))
    return ReportTemplate(
        template.name,
        template.title,
        template.description,
        template.sections,
        template.public,
        path,
    )


def _scan(
    extra_dirs: Sequence[Path],
) -> tuple[dict[str, ReportTemplate], list[tuple[Path, str]]]:
    """name → template (team folders after the shipped one: the last wins), and the problems."""
    found: dict[str, ReportTemplate] = {}
    problems: list[tuple[Path, str]] = []
    for folder in (shipped_dir(), *map(Path, extra_dirs)):
        try:
            paths = sorted(folder.glob("*.toml"))
        except OSError:
            continue
        for path in paths:
            try:
                template = read_template(path)
            except TemplateError as error:
                problems.append((path, str(error)))
                continue
            found[template.name] = template
    return found, problems


def available_templates(extra_dirs: Sequence[Path] = ()) -> list[ReportTemplate]:
    """Every usable template, the default first, then by name; broken files are left out."""
    found, _ = _scan(extra_dirs)
    return sorted(found.values(), key=lambda t: (t.name != DEFAULT_TEMPLATE, t.name))


def template_problems(extra_dirs: Sequence[Path] = ()) -> list[str]:
    """One line per template file that could not be used (for a settings page or a log)."""
    return [problem for _, problem in _scan(extra_dirs)[1]]


def load_template(name: str, extra_dirs: Sequence[Path] = ()) -> ReportTemplate:
    """The template called `name`; ValueError naming the choices (and a broken file's problem)."""
    found, problems = _scan(extra_dirs)
    if name in found:
        return found[name]
    broken = [problem for path, problem in problems if path.stem == name]
    if broken:
        raise TemplateError(f"template {name!r} cannot be used: {broken[0]}")
    choices = ", ".join(t.name for t in available_templates(extra_dirs))
    raise TemplateError(f"unknown template {name!r} (one of: {choices})")
