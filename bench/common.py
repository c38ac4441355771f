"""What every benchmark shares: percentiles computed as such, and a verdict that sets the exit code."""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], pct: int) -> float:
    """The `pct`-th percentile (linear interpolation between order statistics, as NumPy's default)."""
    if not values:
        raise ValueError("no samples")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def p95(values: Sequence[float]) -> float:
    return percentile(values, 95)


def finish(results: dict[str, Any], checks: dict[str, bool]) -> None:
    """Print the figures and each target's verdict as JSON; exit 1 when any target is missed."""
    missed = [name for name, ok in checks.items() if not ok]
    print(json.dumps({**results, "targets": checks, "missed": missed}, indent=2, ensure_ascii=False, default=str))
    sys.exit(1 if missed else 0)
