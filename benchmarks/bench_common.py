"""What the benchmark scripts share: percentiles, and peak memory read by a child process."""

from __future__ import annotations

PEAK_SNIPPET = """
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
"""Source for a child process: its peak memory in kB from /proc (VmHWM). ru_maxrss would carry
the parent's peak over fork+exec."""


def percentile(values: list[float], fraction: float) -> float:
    """The value at `fraction` (0..1) of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
