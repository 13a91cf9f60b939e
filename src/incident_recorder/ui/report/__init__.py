"""The report window: sections, action items, drafts, the export dialog and its child-process job,
the status page."""
