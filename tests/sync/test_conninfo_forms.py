"""A connection string keeps the form it was given in: a URL with a password is saved (`kept`)
and shown (`shown`) as the same URL without it, not turned into key=value pairs; whatever the
form, no password is left in either."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict

from incident_recorder.sync.conninfo import kept, shown

CASES = [
    (
        "postgresql://ada:s3cret@db.example.com:5432/incidents?sslmode=verify-full",
        "postgresql://ada@db.example.com:5432/incidents?sslmode=verify-full",
        "postgresql://ada:***@db.example.com:5432/incidents?sslmode=verify-full",
    ),
    (
        "postgres://ada:s%40cret@db/incidents?password=s3cret&application_name=x",
        "postgres://ada@db/incidents?application_name=x",
        "postgres://ada:***@db/incidents?password=***&application_name=x",
    ),
    (
        "postgresql://ada@h1:5432,h2:5433/incidents?target_session_attrs=read-write&password=p1",
        "postgresql://ada@h1:5432,h2:5433/incidents?target_session_attrs=read-write",
        "postgresql://ada@h1:5432,h2:5433/incidents?target_session_attrs=read-write&password=***",
    ),
]


@pytest.mark.parametrize(("given", "saved", "printed"), CASES)
def test_a_url_stays_a_url_without_its_password(given: str, saved: str, printed: str) -> None:
    assert kept(given) == saved
    assert shown(given) == printed
    without = {k: v for k, v in conninfo_to_dict(given).items() if k != "password"}
    assert conninfo_to_dict(saved) == without, "the same connection, but the password"


def test_key_value_pairs_and_strings_without_a_password() -> None:
    pairs = "host=db user=ada password='s3 cret' dbname=incidents"
    assert "s3 cret" not in kept(pairs) and "s3 cret" not in shown(pairs)
    assert conninfo_to_dict(kept(pairs)) == {"host": "db", "user": "ada", "dbname": "incidents"}
    for plain in ("postgresql://ada@db/incidents", "service=team"):
        assert kept(plain) == plain == shown(plain)


@pytest.mark.parametrize("odd", ["se?cret-42", "se#cret-42"])
def test_a_password_urlsplit_reads_otherwise_is_never_shown(odd: str) -> None:
    """urlsplit ends the user part at ? or #, where libpq does not: the URL form printed the
    whole password; such a string is written as key=value pairs instead."""
    given = f"postgresql://ada:{odd}@db.example.com/incidents"
    assert odd not in kept(given) and odd not in shown(given)
    assert conninfo_to_dict(kept(given)).get("host") == "db.example.com"
