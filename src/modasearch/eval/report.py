"""Named sections of a Markdown report (e.g. benchmarks/RESULTS.md), replaced in place on rerun."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: str | Path, name: str, body: str) -> None:
    """Replace the text between `<!-- name -->` and `<!-- /name -->` in `path`, or append the section."""
    path = Path(path)
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
