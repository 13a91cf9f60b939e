"""Bringing records in from outside: CSV timelines, our own JSON export, Slack channel exports,
and merging two incident files. No Qt: the command line and the GUI both use these."""

from incident_recorder.importers.common import ImportFailed, ImportSummary, store

__all__ = ["ImportFailed", "ImportSummary", "store"]
