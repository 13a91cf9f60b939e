"""Dialogs shared by windows: details and milestone times, new incident, settings, shortcuts, the
time field, and the file dialogs that never read the files they list."""
