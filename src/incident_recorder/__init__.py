"""Incident Recorder: record an outage live and turn the record into an incident report."""

__version__ = "0.1.0"
