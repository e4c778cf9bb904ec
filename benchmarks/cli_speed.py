"""Wall time of `modasearch search` from the command line (a new process each time: imports, opening
the index, loading the models a request needs, the search, the output), per mode.

python benchmarks/cli_speed.py --index INDEX [--index INDEX ...] [--runs 10]

Targets (issue 16): bm25 <= 0.8 s, hybrid <= 1.5 s on this machine. Writes the `cli-speed` section.
"""

from __future__ import annotations

import argparse
import json
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


def shard_load(index: Path, runs: int) -> float:
    """Median seconds Qdrant Edge takes to open the index's shard (and close it), in process."""
    code = (
        "import time, sys, qdrant_edge as qe\n"
        "t = time.perf_counter(); qe.EdgeShard.load(sys.argv[1]).close(); print(time.perf_counter() - t)"
    )
    out = [
        float(
            subprocess.run(
                [sys.executable, "-c", code, str(index / "shard")], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(out)


def products(index: Path) -> int:
    return int(json.loads((index / "manifest.json").read_text())["counts"]["products"])


def index_row(exe: str, index: Path, runs: int) -> str:
    wall([exe, "search", str(index), "warm up the page cache", "--json"])
    cells = []
    for mode in ("bm25", "hybrid", None):
        times = []
        for i in range(runs):
            query = QUERIES[i % len(QUERIES)]
            command = [exe, "search", str(index), query, "--json"] + (["--mode", mode] if mode else [])
            times.append(wall(command))
        cells.append(f"{statistics.median(times):.2f} ({max(times):.2f})")
    return f"| {index} ({products(index):,}) | {' | '.join(cells)} | {shard_load(index, runs):.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, action="append", help="repeat for several indexes")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    indexes = args.index or [Path("benchmarks/out/eval/hm-judged/index")]
    exe = str(Path(sys.executable).parent / "modasearch")
    rows = [index_row(exe, index, args.runs) for index in indexes]
    flags = " ".join(f"--index {index}" for index in indexes)
    body = f"""## Command line: `modasearch search` wall time

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/cli_speed.py {flags}
--runs {args.runs}`: a new `modasearch search INDEX QUERY --json` process each run (imports, opening the
index, the models the request needs, the search, the output), {args.runs} runs per cell: median seconds
(max). The last column is Qdrant Edge alone opening and closing the index's shard (in a bare process).

| index (products) | bm25 | hybrid | default preset (shop) | shard open + close alone |
|---|---|---|---|---|
{chr(10).join(rows)}

Targets: bm25 <= 0.8 s, hybrid <= 1.5 s."""
    write_section("cli-speed", body)
    print(body)


if __name__ == "__main__":
    main()
