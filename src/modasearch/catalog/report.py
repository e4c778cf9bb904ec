"""What a loader recovered or skipped, with line numbers, so nothing is lost silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["recovered", "skipped"]


@dataclass(frozen=True)
class RowIssue:
    line: int
    outcome: Outcome
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.outcome}: {self.reason}"


@dataclass
class LoadReport:
    source: str
    rows_read: int = 0
    issues: list[RowIssue] = field(default_factory=list)

    def recovered(self, line: int, reason: str) -> None:
        self.issues.append(RowIssue(line, "recovered", reason))

    def skipped(self, line: int, reason: str) -> None:
        self.issues.append(RowIssue(line, "skipped", reason))

    @property
    def n_recovered(self) -> int:
        return len({i.line for i in self.issues if i.outcome == "recovered"})

    @property
    def n_skipped(self) -> int:
        return sum(1 for i in self.issues if i.outcome == "skipped")

    def summary(self) -> str:
        kinds = Counter(i.reason.split(":")[0] for i in self.issues)
        detail = ", ".join(f"{n} {k}" for k, n in kinds.most_common()) or "no problems"
        return (
            f"{self.source}: {self.rows_read} rows read, {self.n_recovered} recovered, "
            f"{self.n_skipped} skipped ({detail})"
        )
