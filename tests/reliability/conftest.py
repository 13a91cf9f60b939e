"""Fixtures for the fault, load and bad-input suite (issue 7).

Three shares (reliability_support.SHARES): by default the tests marked `reliability_full` are
skipped and the fast subset runs; RELIABILITY_SHARE=quick (CI) runs them too, each at reduced
counts (the same test code, a parameter from `long_run`); RELIABILITY_SHARE=full (or
RELIABILITY_FULL=1, or `-m reliability_full`) runs them at full counts. Every test reports what it
measured through `figures`: with RELIABILITY_RESULTS set (benchmarks/reliability.py does) each
figure is appended as one JSON line, and the runner turns them into docs/reliability.md.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from reliability_support import share


def long_runs_wanted(config: pytest.Config) -> bool:
    return share() != "fast" or "reliability_full" in (
        config.getoption("markexpr", "") or ""
    ).replace("not reliability_full", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if long_runs_wanted(config):
        return
    skip = pytest.mark.skip(
        reason="long run: RELIABILITY_SHARE=quick (reduced counts) or RELIABILITY_SHARE=full"
    )
    for item in items:
        if "reliability_full" in item.keywords:
            item.add_marker(skip)


class Figures:
    """Measured results of one test, appended to RELIABILITY_RESULTS as JSON lines."""

    def __init__(self, test: str) -> None:
        self.test = test
        self.target = os.environ.get("RELIABILITY_RESULTS")

    def add(self, table: str, row: str, **values: Any) -> None:
        if not self.target:
            return
        line = json.dumps({"table": table, "row": row, "test": self.test, **values})
        with open(self.target, "a", encoding="utf-8") as sink:
            sink.write(line + "\n")


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Figures:
    return Figures(request.node.nodeid)
