"""What every benchmark hands to `make bench`: its rows (measured, bar, verdict), the command
that reproduces it, and raw samples for plots, written as JSON with `--json PATH`.

The benchmarks keep printing their own tables; this is the same numbers in a form
benchmarks/report.py can put side by side in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NO_BAR = "none (for comparison)"


@dataclass
class Row:
    """One measure: what was measured (as text, with its unit), its bar, and whether it
    holds (None when there is no bar)."""

    measure: str
    measured: str
    bar: str = NO_BAR
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return "-" if self.passed is None else "pass" if self.passed else "MISSED"


@dataclass
class Result:
    benchmark: str  # the module, e.g. "benchmarks.zoom_meetings"
    title: str
    argv: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the database and worker setup
    samples: dict[str, Any] = field(default_factory=dict)  # raw numbers for the plots

    @property
    def command(self) -> str:
        return shlex.join([".venv/bin/python", "-m", self.benchmark, *self.argv])

    @property
    def passed(self) -> bool:
        return all(row.passed is not False for row in self.rows)


def json_option(parser: Any) -> None:
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")


def argv_without_json(argv: list[str] | None) -> list[str]:
    """The options a benchmark ran with, for its reproducing command (not --json)."""
    words = list(sys.argv[1:] if argv is None else argv)
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--json":
            skip = True
            continue
        if word.startswith("--json="):
            continue
        kept.append(word)
    return kept


def write(result: Result, path: str | None) -> None:
    if not path:
        return
    data = asdict(result)
    data["command"] = result.command
    data["passed"] = result.passed
    Path(path).write_text(json.dumps(data, indent=1, default=str))


def read(path: Path) -> Result:
    data = json.loads(path.read_text())
    rows = [Row(**row) for row in data.pop("rows")]
    data.pop("command", None)
    data.pop("passed", None)
    return Result(rows=rows, **data)
