"""Which Host headers the webhook server answers: a defence against DNS rebinding.

A web page can make a browser post to http://127.0.0.1:8765 under a name of its own: its DNS
name first points at the attacker's server, then at 127.0.0.1. The browser then sends that name
in the Host header, so a server that answers only its own names is out of reach. Accepted:
`localhost`, `127.0.0.1`, `::1`, the address the connection came in on (what a client that
dialled an address sends), the configured --host, and each --allow-host name (what a reverse
proxy passes on). The port is not checked: an SSH tunnel or a proxy forwards another one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})
_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$")


def host_name(value: str) -> str:
    """The name (or address) of a Host header value, without its port, lower case."""
    text = value.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    name, colon, port = text.rpartition(":")
    name = name if colon and port.isdigit() and ":" not in name else text
    return name.rstrip(".")


def check_allowed_name(name: str) -> str:
    """A --allow-host NAME, normalised; ValueError if it is not a host name or an address."""
    value = name.strip().lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(value.strip("[]")))
    except ValueError:
        pass
    if not _NAME.match(value):
        raise ValueError(f"--allow-host {name!r} is not a host name (e.g. webhooks.example.org)")
    return value


def accepted_names(host: str, allowed: Iterable[str]) -> frozenset[str]:
    """The names a server listening on `host` answers (besides its connection's address)."""
    names = set(LOOPBACK_NAMES)
    if host.lower() not in _WILDCARDS:
        names.add(host_name(f"[{host}]" if ":" in host else host))
    names.update(check_allowed_name(name) for name in allowed)
    return frozenset(names)


def host_refusal(values: list[str], local_address: str, names: frozenset[str]) -> str | None:
    """Why a request with these Host headers is refused (None: it is not)."""
    if not values:
        return "a Host header is required"
    if len(values) > 1:
        return "one Host header is required"
    name = host_name(values[0])
    if name in names or name == local_address.lower().removeprefix("::ffff:"):
        return None
    shown = values[0].strip()[:80]
    return (
        f"Host {shown!r} is not a name of this server (a page of another site must not reach "
        "it: DNS rebinding); use the address serve printed, or start serve with "
        f"--allow-host {host_name(shown) or 'NAME'} for a reverse proxy that sends this name"
    )
