"""Helpers shared by the benchmarks: machine description, percentiles, RESULTS.md sections."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import numpy as np

from modasearch.eval import report

RESULTS = Path(__file__).parent / "RESULTS.md"


def machine() -> str:
    cpu = platform.processor() or "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}"


def percentiles(values_ms: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(values_ms, [50, 95])
    return float(p50), float(p95)


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_section(name: str, body: str) -> None:
    """Replace the section between `<!-- name -->` markers in RESULTS.md (or append it)."""
    report.write_section(RESULTS, name, body)
