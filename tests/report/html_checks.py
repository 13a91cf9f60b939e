"""Reading an exported HTML report back with html.parser, and what a safe one must look like."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VECTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "xss-vectors.txt"

FORBIDDEN_ELEMENTS = {
    *("script", "iframe", "frame", "object", "embed", "form", "input", "button", "base"),
    *("link", "video", "audio", "source", "picture", "noscript", "template", "math"),
    *("details", "animate", "textarea", "select", "applet"),
}
"""Elements no report body may hold (the page's own <svg> is checked separately)."""

LOADING_ATTRIBUTES = {"src", "srcset", "data", "background", "poster", "action", "formaction"}


def xss_vectors() -> list[str]:
    return [line for line in VECTORS_FILE.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: tuple[str, ...]


@dataclass
class Parsed(HTMLParser):
    elements: list[Element] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append(Element(tag, values, tuple(self.stack)))
        if tag not in {"meta", "img", "br", "hr", "input", "link", "circle", "rect", "line"}:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append(Element(tag, values, tuple(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def tags(self, name: str) -> list[Element]:
        return [element for element in self.elements if element.tag == name]


def parse(html: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(html)
    parsed.close()
    return parsed


def unsafe_parts(html: str, *, document: bool = True, named: Collection[str] = ()) -> list[str]:
    """Everything that would let a report run code or load something; [] for a safe report.

    `named`: image sources that are resource names (the PDF variant), not URLs."""
    parsed = parse(html)
    problems: list[str] = []
    for element in parsed.elements:
        where = f"<{element.tag}> in {'/'.join(element.parents)}"
        if element.tag in FORBIDDEN_ELEMENTS:
            problems.append(f"forbidden element {where}")
        equiv = element.attrs.get("http-equiv", "content-security-policy").lower()
        if element.tag == "meta" and equiv != "content-security-policy":
            problems.append(f"meta http-equiv {element.attrs['http-equiv']!r}")
        if element.tag == "style" and element.parents[-1:] != ("head",):
            problems.append(f"style element outside head: {where}")
        for name, value in element.attrs.items():
            lowered = "".join(value.split()).lower()
            if name.startswith("on"):
                problems.append(f"event attribute {name} on {where}")
            if name == "style" and ("url(" in lowered or "@import" in lowered):
                problems.append(f"style loads something on {where}")
            if name == "href" and lowered.startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"href {value[:40]!r} on {where}")
            if name in LOADING_ATTRIBUTES and not (
                element.tag == "img"
                and name == "src"
                and (lowered.startswith("data:image/") or value in named)
            ):
                problems.append(f"{name}={value[:40]!r} on {where}")
            if name in {"href", "xlink:href"} and element.tag != "a":
                problems.append(f"{name} on {where}")
    if document:
        csp = [
            m.attrs.get("content", "")
            for m in parsed.tags("meta")
            if m.attrs.get("http-equiv", "").lower() == "content-security-policy"
        ]
        required = ("default-src 'none'", "img-src data:", "style-src 'unsafe-inline'")
        if len(csp) != 1 or not all(part in csp[0] for part in required):
            problems.append(f"missing or weak Content-Security-Policy: {csp}")
        if not any(m.attrs.get("name") == "referrer" for m in parsed.tags("meta")):
            problems.append("no referrer policy")
    return problems
