"""Any text either is refused with a clear ValueError or reads back exactly as cleaned."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from incident_recorder.domain.text import clean_note_text
from incident_recorder.storage import IncidentFile

# Every code point, surrogates and controls included, plus some line-end-heavy text.
ANY_TEXT = st.text(st.characters(codec=None), max_size=300) | st.text(
    st.sampled_from(["\r", "\n", " ", "\t", "\x00", "\x1b", "a", "\u05d0", "\ud83d"])
)


def test_any_text_round_trips_or_is_refused(tmp_path: Path) -> None:
    with IncidentFile.create(tmp_path / "fuzz.incident", "Fuzz") as handle:

        @settings(max_examples=300, deadline=None)
        @given(text=ANY_TEXT)
        def check(text: str) -> None:
            try:
                cleaned = clean_note_text(text)
            except ValueError as error:
                assert "empty" in str(error) or "too long" in str(error)
                return
            entry = handle.add_note(text)
            assert entry.text == cleaned
            assert handle.entry(entry.id).text == cleaned
            assert clean_note_text(cleaned) == cleaned  # cleaning is idempotent

        check()
        texts = [entry.text for entry in handle.entries()]
        assert all(text == clean_note_text(text) for text in texts)
