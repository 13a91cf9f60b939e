"""A strict Atom 1.0 check (RFC 4287), for feeds we write: the rules of the W3C feed validator
that apply to them, written out since its `feedvalidator` package is not on PyPI for Python 3.

`problems(xml_bytes)` lists every rule broken (empty: the feed is valid):

- the document is well-formed XML whose root is `atom:feed`; no unknown element in the Atom
  namespace (§4);
- the feed has exactly one `id`, `title` and `updated`, at most one `generator`, `icon`,
  `logo`, `rights`, `subtitle`, and an `author` unless every entry has one (§4.1.1);
- each entry has exactly one `id`, `title` and `updated`, at most one `content`, `published`,
  `rights`, `source` and `summary`, and a `link rel="alternate"` when it has no `content`
  (§4.1.2); no two `link rel="alternate"` share a type and hreflang (§4.1.1, §4.1.2);
- every `id` is an absolute IRI (§4.2.6); a `urn:uuid:` id is a valid UUID URN (RFC 4122 §3:
  `urn:uuid:` and 8-4-4-4-12 hex digits, nothing after), as the validator's InvalidURN rule;
- entry ids are unique in the feed (the validator's DuplicateEntries);
- every date (`updated`, `published`) is an RFC 3339 date-time (§3.3) that exists (no
  2026-02-30, no hour 24), and an entry's `updated` is not before its `published`;
- text constructs (`title`, `subtitle`, `summary`, `rights`) have type text, html or xhtml,
  and a type="text" one has no child elements (§3.1); `content` type is text, html, xhtml or
  a MIME type (§4.1.3); `link` has an `href` (§4.2.7); a person construct has exactly one
  `name` (§3.2).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

ATOM = "http://www.w3.org/2005/Atom"
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
_UUID_URN = re.compile(r"^urn:uuid:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_MIME = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")
_FEED_CHILDREN = {
    "author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights",
    "subtitle", "title", "updated", "entry",
}  # fmt: skip
_ENTRY_CHILDREN = {
    "author", "category", "content", "contributor", "id", "link", "published", "rights",
    "source", "summary", "title", "updated",
}  # fmt: skip
_TEXT_CONSTRUCTS = ("title", "subtitle", "summary", "rights")


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _local(element: ET.Element) -> str | None:
    if element.tag.startswith(f"{{{ATOM}}}"):
        return element.tag[len(ATOM) + 2 :]
    return None


def check_date(text: str | None, where: str) -> tuple[list[str], datetime | None]:
    value = (text or "").strip()
    match = _RFC3339.match(value)
    if match is None or value != text:
        return [f"{where}: {text!r} is not an RFC 3339 date-time"], None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return [f"{where}: {text!r} is not a date that exists"], None
    return [], moment


def check_id(text: str | None, where: str) -> list[str]:
    value = text or ""
    if value != value.strip() or not value:
        return [f"{where}: id {value!r} is empty or has white space around it"]
    parts = urlsplit(value)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or "") or " " in value:
        return [f"{where}: id {value!r} is not an absolute IRI"]
    if value.lower().startswith("urn:uuid:") and not _UUID_URN.match(value):
        return [f"{where}: id {value!r} is not a valid UUID URN (RFC 4122)"]
    return []


def _counts(
    element: ET.Element, where: str, exactly: tuple[str, ...], at_most: tuple[str, ...]
) -> list[str]:
    found = []
    for name in exactly:
        count = len(element.findall(_tag(name)))
        if count != 1:
            found.append(f"{where}: {count} <{name}> elements, exactly one is required")
    for name in at_most:
        count = len(element.findall(_tag(name)))
        if count > 1:
            found.append(f"{where}: {count} <{name}> elements, at most one is allowed")
    return found


def _children(element: ET.Element, allowed: set[str], where: str) -> list[str]:
    found = []
    for child in element:
        name = _local(child)
        if child.tag.startswith("{") and name is None:
            continue  # an extension element in another namespace
        if name is None or name not in allowed:
            found.append(f"{where}: unexpected element {child.tag!r}")
    return found


def _texts(element: ET.Element, where: str) -> list[str]:
    found = []
    for name in _TEXT_CONSTRUCTS:
        for text in element.findall(_tag(name)):
            kind = text.get("type", "text")
            if kind not in ("text", "html", "xhtml"):
                found.append(f"{where}: <{name}> has type {kind!r}")
            if kind in ("text", "html") and len(text):
                found.append(f"{where}: <{name} type={kind!r}> holds elements")
    return found


def _links(element: ET.Element, where: str) -> list[str]:
    found, alternates = [], set()
    for link in element.findall(_tag("link")):
        if not link.get("href"):
            found.append(f"{where}: <link> without href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                found.append(f"{where}: two alternate links with type and hreflang {key}")
            alternates.add(key)
    return found


def _people(element: ET.Element, where: str) -> list[str]:
    found = []
    for name in ("author", "contributor"):
        for person in element.findall(_tag(name)):
            count = len(person.findall(_tag("name")))
            if count != 1:
                found.append(f"{where}: <{name}> has {count} <name> elements")
    return found


def _entry(entry: ET.Element, where: str) -> list[str]:
    found = _children(entry, _ENTRY_CHILDREN, where)
    found += _counts(
        entry,
        where,
        ("id", "title", "updated"),
        ("content", "published", "rights", "source", "summary"),
    )
    found += _texts(entry, where) + _links(entry, where) + _people(entry, where)
    for element in entry.findall(_tag("id")):
        found += check_id(element.text, where)
    problems, updated = [], None
    for element in entry.findall(_tag("updated")):
        problems, updated = check_date(element.text, f"{where} <updated>")
        found += problems
    for element in entry.findall(_tag("published")):
        problems, published = check_date(element.text, f"{where} <published>")
        found += problems
        if updated is not None and published is not None and updated < published:
            found.append(f"{where}: <updated> is before <published>")
    content = entry.find(_tag("content"))
    if content is None:
        if not [
            ln for ln in entry.findall(_tag("link")) if ln.get("rel", "alternate") == "alternate"
        ]:
            found.append(f"{where}: neither <content> nor an alternate link")
    else:
        kind = content.get("type", "text")
        if kind not in ("text", "html", "xhtml") and not _MIME.match(kind):
            found.append(f"{where}: <content> has type {kind!r}")
        if kind in ("text", "html") and len(content):
            found.append(f"{where}: <content type={kind!r}> holds elements")
    return found


def problems(document: bytes) -> list[str]:
    """Every rule of the module docstring that `document` breaks."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != _tag("feed"):
        return [f"the root element is {root.tag!r}, not the Atom feed"]
    found = _children(root, _FEED_CHILDREN, "feed")
    found += _counts(
        root,
        "feed",
        ("id", "title", "updated"),
        ("generator", "icon", "logo", "rights", "subtitle"),
    )
    found += _texts(root, "feed") + _links(root, "feed") + _people(root, "feed")
    for element in root.findall(_tag("id")):
        found += check_id(element.text, "feed")
    for element in root.findall(_tag("updated")):
        found += check_date(element.text, "feed <updated>")[0]
    entries = root.findall(_tag("entry"))
    if root.find(_tag("author")) is None and any(e.find(_tag("author")) is None for e in entries):
        found.append("feed: no <author>, and not every entry has one")
    ids: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        found += _entry(entry, f"entry {number}")
        for element in entry.findall(_tag("id")):
            ids[element.text or ""] = ids.get(element.text or "", 0) + 1
    found += [f"entry id {key!r} is used {count} times" for key, count in ids.items() if count > 1]
    return found
