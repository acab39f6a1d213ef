"""Timings → numbers → the results files (`<date>-<database>-<commit>.json` and `.md`)."""

import json
import math
import os
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `pct`% of the values at or
    below it, so it is always one of the measured values (p95 of 1..100 is 95)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(pct / 100 * len(ordered))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class OperationResult:
    name: str
    n: int
    median_ms: float
    p95_ms: float
    queries: int | None
    raw_sql_ms: float | None
    budget_ms: int

    @classmethod
    def from_timings(
        cls,
        name: str,
        timings_ms: Sequence[float],
        *,
        queries: int | None,
        raw_sql_ms: float | None,
        budget_ms: int,
    ) -> "OperationResult":
        return cls(
            name=name,
            n=len(timings_ms),
            median_ms=round(median(timings_ms), 1),
            p95_ms=round(percentile(timings_ms, 95), 1),
            queries=queries,
            raw_sql_ms=None if raw_sql_ms is None else round(raw_sql_ms, 1),
            budget_ms=budget_ms,
        )


@dataclass(frozen=True)
class Skipped:
    name: str
    note: str


@dataclass
class RunResult:
    commit: str
    date: str
    database: str
    machine: str
    scale: dict[str, int]
    operations: list[OperationResult] = field(default_factory=list)
    # Not one of the measured operations: the ones left out, each with the reason.
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "date": self.date,
            "database": self.database,
            "machine": self.machine,
            "scale": dict(self.scale),
            "operations": [asdict(op) for op in self.operations],
            "skipped": [asdict(s) for s in self.skipped],
        }

    def file_stem(self) -> str:
        return f"{self.date}-{self.database}-{self.commit}"


QUERY_BUDGET = 10


def _cell(value: float | int | None) -> str:
    return "–" if value is None else str(value)


def _verdict(op: OperationResult) -> str:
    """'yes', or which budget is exceeded: the p95 time, the query count, or both."""
    over = []
    if op.p95_ms > op.budget_ms:
        over.append("NO: p95")
    if op.queries is not None and op.queries > QUERY_BUDGET:
        over.append("NO: queries" if not over else "queries")
    return ", ".join(over) or "yes"


def markdown(run: RunResult) -> str:
    scale = ", ".join(f"{name} {count:,}" for name, count in run.scale.items())
    lines = [
        f"# Benchmark {run.date} · {run.database} · {run.commit}",
        "",
        f"Machine: {run.machine}. Scale: {scale}.",
        "",
        "| operation | n | median ms | p95 ms | budget ms | queries | raw SQL ms | within budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for op in run.operations:
        lines.append(
            f"| {op.name} | {op.n} | {op.median_ms} | {op.p95_ms} | {op.budget_ms} "
            f"| {_cell(op.queries)} | {_cell(op.raw_sql_ms)} | {_verdict(op)} |"
        )
    if run.skipped:
        lines += ["", "Skipped:", ""]
        lines += [f"- {s.name}: {s.note}" for s in run.skipped]
    return "\n".join(lines) + "\n"


def write(run: RunResult, directory: Path = RESULTS_DIR) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{run.file_stem()}.json"
    md_path = directory / f"{run.file_stem()}.md"
    json_path.write_text(
        json.dumps(run.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    md_path.write_text(markdown(run), encoding="utf-8")
    return json_path, md_path


def machine_description() -> str:
    """'2 vCPU, 24 GiB' from the CPU count and /proc/meminfo (Linux; the memory is left out
    elsewhere)."""
    cpus = f"{os.cpu_count() or 1} vCPU"
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="ascii")
    except OSError:
        return cpus
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{cpus}, {round(kib / 1024 / 1024)} GiB"
    return cpus


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, like a developer
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"
