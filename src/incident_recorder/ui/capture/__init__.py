"""Captures: the capture service and keys (global hotkeys, interval, region overlay), paste/drop,
the viewer and annotation."""
