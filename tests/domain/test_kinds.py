"""EntryKind: the order of the kind keys, parsing what people type, labels."""

from __future__ import annotations

import pytest

from incident_recorder.domain.kinds import DEFAULT_KIND, EntryKind


def test_order_is_the_order_of_the_kind_keys() -> None:
    assert [kind.value for kind in EntryKind] == [
        "observation",
        "detection",
        "impact",
        "action",
        "decision",
        "communication",
        "cause",
        "resolution",
        "mitigation",
    ]
    assert [kind.key_number for kind in EntryKind] == list(range(1, 10))
    assert EntryKind.OBSERVATION.key_number == 1
    assert EntryKind.RESOLUTION.key_number == 8
    assert EntryKind.MITIGATION.key_number == 9  # added later: the first eight keys kept


def test_default_kind_and_labels() -> None:
    assert DEFAULT_KIND is EntryKind.OBSERVATION
    assert EntryKind.COMMUNICATION.label == "Communication"
    assert str(EntryKind.CAUSE) == "cause"


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("observation", EntryKind.OBSERVATION),
        ("  Decision ", EntryKind.DECISION),
        ("IMPACT", EntryKind.IMPACT),
        ("res", EntryKind.RESOLUTION),
        ("a", EntryKind.ACTION),
        ("com", EntryKind.COMMUNICATION),
        ("ca", EntryKind.CAUSE),
    ],
)
def test_parse_names_and_unique_prefixes(typed: str, kind: EntryKind) -> None:
    assert EntryKind.parse(typed) is kind


@pytest.mark.parametrize("typed", ["x", "observations", "de-tection"])
def test_parse_refuses_unknown_with_the_choices(typed: str) -> None:
    with pytest.raises(ValueError, match="one of: observation, detection"):
        EntryKind.parse(typed)


@pytest.mark.parametrize(
    ("typed", "options"),
    [("d", "detection or decision"), ("c", "communication or cause")],
)
def test_parse_names_the_kinds_an_ambiguous_prefix_could_mean(typed: str, options: str) -> None:
    with pytest.raises(ValueError, match=f"ambiguous kind '{typed}': {options}"):
        EntryKind.parse(typed)


@pytest.mark.parametrize("typed", ["", "   "])
def test_parse_refuses_empty(typed: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        EntryKind.parse(typed)
