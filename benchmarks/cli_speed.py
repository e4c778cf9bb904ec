"""Wall time of `modasearch search` from the command line (a new process each time: imports, opening
the index, loading the models a request needs, the search, the output), per mode.

python benchmarks/cli_speed.py --index benchmarks/out/eval/hm-judged/index [--runs 10]

Targets (issue 16): bm25 <= 0.8 s, hybrid <= 1.5 s on this machine. Writes the `cli-speed` section.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import git_commit, machine, write_section

QUERIES = ("black dress", "mens running shoes", "ribbed cardigan with buttons", "white sneakers", "tee")


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/eval/hm-judged/index"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "modasearch")
    wall([exe, "search", str(args.index), "warm up the page cache", "--json"])
    rows = []
    for mode in ("bm25", "hybrid", None):
        times = []
        for i in range(args.runs):
            query = QUERIES[i % len(QUERIES)]
            command = [exe, "search", str(args.index), query, "--json"] + (["--mode", mode] if mode else [])
            times.append(wall(command))
        label = mode or "default preset (shop: hybrid, spelling, synonyms, fashion-rank, collapse)"
        rows.append(f"| {label} | {statistics.median(times):.2f} | {max(times):.2f} |")
    body = f"""## Command line: `modasearch search` wall time

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/cli_speed.py --index {args.index}
--runs {args.runs}`: a new `modasearch search INDEX QUERY --json` process each run (imports, opening the
index, the models the request needs, the search, the output), {args.runs} runs per row.

| mode | median s | max s |
|---|---|---|
{chr(10).join(rows)}

Targets: bm25 <= 0.8 s, hybrid <= 1.5 s."""
    write_section("cli-speed", body)
    print(body)


if __name__ == "__main__":
    main()
