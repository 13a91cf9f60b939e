"""The link rule (domain/links.py): http and https only, however the text was written."""

from __future__ import annotations

import pytest

from incident_recorder.domain.links import link_refusal, web_link


@pytest.mark.parametrize(
    ("text", "opened"),
    [
        ("https://tickets.example/OPS-1", "https://tickets.example/OPS-1"),
        ("HTTPS://example.com", "HTTPS://example.com"),
        ("  http://x  ", "http://x"),
        ("http://user@host:8080/a?b=c#d", "http://user@host:8080/a?b=c#d"),
    ],
)
def test_web_links_open(text: str, opened: str) -> None:
    assert web_link(text) == opened


@pytest.mark.parametrize(
    "text",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "smb://host/share",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:a@example.com",
        "tickets/OPS-1",
        "/etc/passwd",
        "//host/share",
        "http:///etc/passwd",
        "http:\\\\host\\share",
        "https://host/a b",
        "https://host/\x00file",
        "http://[::1",
        "",
        "   ",
        "https://" + "a" * 3000,
    ],
)
def test_everything_else_is_refused(text: str) -> None:
    assert web_link(text) is None


def test_the_refusal_names_the_link_on_one_line() -> None:
    message = link_refusal("file:///etc/passwd\nsecond line")
    assert message == "Link not opened: “file:///etc/passwd second line” is not an http(s) link"
