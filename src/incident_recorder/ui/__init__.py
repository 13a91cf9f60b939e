"""The PySide6 user interface: windows, the timeline model and view, the note bar."""
