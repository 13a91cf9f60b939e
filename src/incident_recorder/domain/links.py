"""Which links the app opens: http and https only, whatever file or import they came from.

An incident file is mailed around and opened by double-click, so every link in it (an action
item's ticket, a note, a report) is input from someone else. Handing `file:///etc/passwd`,
`smb://host/share` or `javascript:` to the desktop's URL handler would open local files, mount
shares or run whatever handler the scheme names. Every opener in the app asks `web_link` first
and opens only what it returns; `link_refusal` is the line the user sees for anything else.
Stdlib only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
"""The only schemes the app ever opens."""
MAX_LINK = 2048
"""Longer "links" are refused (no ticket link is this long)."""


def web_link(text: str) -> str | None:
    """The http(s) URL to open for `text` (surrounding spaces removed), or None.

    None for any other scheme (case aside: `HTTPS://x` is a web link), for a relative link,
    for one without a host (`http:///etc/passwd`, `http:\\\\host`), and for one holding a space,
    a control character or a backslash anywhere (a handler may read those differently than we do).
    """
    link = text.strip()
    if not link or len(link) > MAX_LINK:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in link):
        return None
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 literal
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc or not host:
        return None
    return link


def link_refusal(text: str) -> str:
    """The one line saying `text` was not opened and why."""
    shown = " ".join(text.split())
    if len(shown) > 80:
        shown = shown[:79] + "…"
    return f"Link not opened: “{shown}” is not an http(s) link"
