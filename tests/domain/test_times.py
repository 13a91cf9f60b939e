"""Times: the stored ISO form, what people type (parse_when), and how offsets read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incident_recorder.domain.times import (
    format_duration,
    format_offset,
    from_iso,
    parse_when,
    system_clock,
    to_iso,
    truncate_ms,
)

NOW = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))
NEW_YORK = timezone(timedelta(hours=-5))

aware = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, PARIS, NEW_YORK, timezone(timedelta(hours=5, minutes=45))]),
)


def test_to_iso_is_utc_with_milliseconds() -> None:
    moment = datetime(2026, 11, 27, 15, 2, 7, 123456, tzinfo=PARIS)
    assert to_iso(moment) == "2026-11-27T14:02:07.123Z"
    assert to_iso(NOW) == "2026-11-27T14:00:00.000Z"


@given(aware)
def test_round_trip_at_millisecond_precision(moment: datetime) -> None:
    text = to_iso(moment)
    back = from_iso(text)
    assert back.tzinfo is not None and back.utcoffset() == timedelta(0)
    assert back == truncate_ms(moment)
    assert to_iso(back) == text


@given(aware)
def test_fixed_width(moment: datetime) -> None:
    assert len(to_iso(moment)) == len("2026-11-27T14:02:07.123Z")


def test_fixed_width_before_year_1000() -> None:
    # Bug fixed: strftime('%Y') gave '999-…', which from_iso could not read back.
    text = to_iso(datetime(999, 1, 1, tzinfo=UTC))
    assert text == "0999-01-01T00:00:00.000Z"
    assert from_iso(text) == datetime(999, 1, 1, tzinfo=UTC)


@given(aware, aware)
def test_text_order_is_time_order(a: datetime, b: datetime) -> None:
    ta, tb = to_iso(a), to_iso(b)
    assert (ta < tb) == (truncate_ms(a) < truncate_ms(b))


def test_naive_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_iso(datetime(2026, 11, 27, 14, 0))
    with pytest.raises(ValueError, match="without a zone"):
        from_iso("2026-11-27T14:00:00.000")


def test_from_iso_accepts_other_zones() -> None:
    assert from_iso("2026-11-27T15:00:00+01:00") == NOW


def test_system_clock_is_aware_and_whole_milliseconds() -> None:
    now = system_clock()
    assert now.tzinfo is not None
    assert now.microsecond % 1000 == 0


# -- parse_when ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-27T14:02:07Z", datetime(2026, 11, 27, 14, 2, 7, tzinfo=UTC)),
        ("2026-11-27T14:02:07.123456Z", datetime(2026, 11, 27, 14, 2, 7, 123000, tzinfo=UTC)),
        ("2026-11-27 15:02+01:00", datetime(2026, 11, 27, 14, 2, tzinfo=UTC)),
        # no zone: local time (here UTC+1)
        ("2026-11-27T15:02:07", datetime(2026, 11, 27, 14, 2, 7, tzinfo=UTC)),
        ("2026-11-27 15:02", datetime(2026, 11, 27, 14, 2, tzinfo=UTC)),
    ],
)
def test_parse_when_iso(typed: str, expected: datetime) -> None:
    assert parse_when(typed, NOW, PARIS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:02", datetime(2026, 11, 27, 13, 2, tzinfo=UTC)),
        ("14:02:07", datetime(2026, 11, 27, 13, 2, 7, tzinfo=UTC)),
        ("9:05", datetime(2026, 11, 27, 8, 5, tzinfo=UTC)),
        ("14:02:07.5", datetime(2026, 11, 27, 13, 2, 7, 500000, tzinfo=UTC)),
        (" 00:00 ", datetime(2026, 11, 26, 23, 0, tzinfo=UTC)),
    ],
)
def test_parse_when_clock_time_is_local_today(typed: str, expected: datetime) -> None:
    assert parse_when(typed, NOW, PARIS) == expected


def test_parse_when_clock_time_uses_the_local_date() -> None:
    # 02:00 UTC on the 28th is still the 27th in New York: '20:30' means the 27th there.
    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    assert parse_when("20:30", now, NEW_YORK) == datetime(2026, 11, 28, 1, 30, tzinfo=UTC)


def test_parse_when_clock_time_is_never_in_the_future() -> None:
    # Typed at 00:05 local: '23:58' is last night, not tonight; '00:05:30' is within a minute.
    now = datetime(2026, 11, 28, 0, 5, tzinfo=UTC)
    assert parse_when("23:58", now, UTC) == datetime(2026, 11, 27, 23, 58, tzinfo=UTC)
    assert parse_when("00:05:30", now, UTC) == datetime(2026, 11, 28, 0, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "back"),
    [
        ("-5m", timedelta(minutes=5)),
        ("-90s", timedelta(seconds=90)),
        ("-2h", timedelta(hours=2)),
        ("-5", timedelta(minutes=5)),
        ("- 10 min", timedelta(minutes=10)),
        ("-1.5h", timedelta(minutes=90)),
        ("-30SEC", timedelta(seconds=30)),
    ],
)
def test_parse_when_offsets(typed: str, back: timedelta) -> None:
    assert parse_when(typed, NOW, PARIS) == NOW - back


def test_parse_when_results_are_utc_and_aware() -> None:
    for typed in ("14:02", "-5m", "2026-11-27T15:02"):
        moment = parse_when(typed, NOW, PARIS)
        assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "typed", ["", "yesterday", "14h02", "-5y", "5m", "2026-13-01", "--5m", "0001-01-01T00:00+01:00"]
)
def test_parse_when_bad_input_gives_a_hint(typed: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_when(typed, NOW, PARIS)
    message = str(caught.value)
    assert repr(typed) in message
    if typed != "0001-01-01T00:00+01:00":
        assert "14:02" in message and "-5m" in message


@pytest.mark.parametrize("typed", ["24:00", "12:60", "12:00:61"])
def test_parse_when_impossible_clock_time(typed: str) -> None:
    with pytest.raises(ValueError, match="not a time of day"):
        parse_when(typed, NOW, PARIS)


# -- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "T+00:00:00"),
        (timedelta(minutes=4, seconds=22), "T+00:04:22"),
        (timedelta(days=1, hours=2), "T+1d 02:00:00"),
        (timedelta(minutes=-1), "T\u221200:01:00"),
        (timedelta(seconds=59, milliseconds=999), "T+00:00:59"),
    ],
)
def test_format_offset(delta: timedelta, text: str) -> None:
    assert format_offset(delta) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=12), "12 s"),
        (timedelta(minutes=42), "42 min"),
        (timedelta(hours=1, minutes=5), "1 h 05 min"),
        (timedelta(hours=47, minutes=59), "47 h 59 min"),
        (timedelta(days=3, hours=2), "3 d 2 h"),
    ],
)
def test_format_duration(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text
