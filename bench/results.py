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
    # An export's peak memory on the whole data set (in-process); absent from the JSON otherwise.
    peak_mem_mb: float | None = None
    # A list page's budget for median ÷ raw SQL time; absent from the JSON for other pages.
    raw_ratio_budget: float | None = None

    @classmethod
    def from_timings(
        cls,
        name: str,
        timings_ms: Sequence[float],
        *,
        queries: int | None,
        raw_sql_ms: float | None,
        budget_ms: int,
        peak_mem_mb: float | None = None,
        raw_ratio_budget: float | None = None,
    ) -> "OperationResult":
        return cls(
            name=name,
            n=len(timings_ms),
            median_ms=round(median(timings_ms), 1),
            p95_ms=round(percentile(timings_ms, 95), 1),
            queries=queries,
            # Two decimals: a list page's SQL takes well under a millisecond.
            raw_sql_ms=None if raw_sql_ms is None else round(raw_sql_ms, 2),
            budget_ms=budget_ms,
            peak_mem_mb=peak_mem_mb,
            raw_ratio_budget=raw_ratio_budget,
        )

    @property
    def raw_ratio(self) -> float | None:
        """Page time ÷ the time of the same SQL run raw (median over median)."""
        if not self.raw_sql_ms:
            return None
        return round(self.median_ms / self.raw_sql_ms, 1)

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        for optional in ("peak_mem_mb", "raw_ratio_budget"):
            if values[optional] is None:
                del values[optional]
        return values


@dataclass(frozen=True)
class MemoryPeak:
    """Peak memory growth of one export request, and the rows it wrote."""

    path: str
    rows: int
    peak_mem_mb: float


MAX_ERRORS_LISTED = 50


@dataclass(frozen=True)
class ThroughputOperation:
    name: str
    requests: int
    requests_per_s: float
    p95_ms: float


@dataclass(frozen=True)
class Throughput:
    """Concurrent users looping over a weighted mix for a bounded time; only answered
    requests count, every failed one is listed in `errors`."""

    seconds: float
    users: int
    requests: int
    requests_per_s: float
    operations: list[ThroughputOperation]
    error_count: int
    errors: list[str]  # the first MAX_ERRORS_LISTED


def throughput_of(
    timings_ms: dict[str, list[float]], errors: list[str], *, seconds: float, users: int
) -> Throughput:
    """Requests/s over the measured wall time, overall and per operation (each operation's
    p95 from its own timings); operations without a success are left out of the table."""
    operations = [
        ThroughputOperation(
            name=name,
            requests=len(timings),
            requests_per_s=round(len(timings) / seconds, 1),
            p95_ms=round(percentile(timings, 95), 1),
        )
        for name, timings in sorted(timings_ms.items())
        if timings
    ]
    requests = sum(op.requests for op in operations)
    return Throughput(
        seconds=round(seconds, 1), users=users, requests=requests,
        requests_per_s=round(requests / seconds, 1), operations=operations,
        error_count=len(errors), errors=list(errors[:MAX_ERRORS_LISTED]),
    )  # fmt: skip


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
    # By operation name: an export's peak memory on the whole data and on a part of it.
    memory: dict[str, list[MemoryPeak]] = field(default_factory=dict)
    throughput: Throughput | None = None

    def as_json(self) -> dict[str, Any]:
        """The documented shape; `memory` and `throughput` only when they were measured."""
        values: dict[str, Any] = {
            "commit": self.commit,
            "date": self.date,
            "database": self.database,
            "machine": self.machine,
            "scale": dict(self.scale),
            "operations": [op.as_json() for op in self.operations],
            "skipped": [asdict(s) for s in self.skipped],
        }
        if self.memory:
            values["memory"] = {
                name: [asdict(peak) for peak in peaks] for name, peaks in self.memory.items()
            }
        if self.throughput is not None:
            values["throughput"] = asdict(self.throughput)
        return values

    def file_stem(self) -> str:
        return f"{self.date}-{self.database}-{self.commit}"


QUERY_BUDGET = 10


def _cell(value: float | int | None) -> str:
    return "–" if value is None else str(value)


def _verdict(op: OperationResult) -> str:
    """'yes', or which budgets are exceeded: the p95 time, the query count, a list page's
    ratio to its raw SQL."""
    over = []
    if op.p95_ms > op.budget_ms:
        over.append("p95")
    if op.queries is not None and op.queries > QUERY_BUDGET:
        over.append("queries")
    ratio = op.raw_ratio
    if op.raw_ratio_budget is not None and ratio is not None and ratio > op.raw_ratio_budget:
        over.append("÷ raw")
    return "NO: " + ", ".join(over) if over else "yes"


def markdown(run: RunResult) -> str:
    scale = ", ".join(f"{name} {count:,}" for name, count in run.scale.items())
    lines = [
        f"# Benchmark {run.date} · {run.database} · {run.commit}",
        "",
        f"Machine: {run.machine}. Scale: {scale}.",
        "",
        "| operation | n | median ms | p95 ms | budget ms | queries | raw SQL ms | ÷ raw "
        "| within budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for op in run.operations:
        lines.append(
            f"| {op.name} | {op.n} | {op.median_ms} | {op.p95_ms} | {op.budget_ms} "
            f"| {_cell(op.queries)} | {_cell(op.raw_sql_ms)} | {_cell(op.raw_ratio)} "
            f"| {_verdict(op)} |"
        )
    if run.skipped:
        lines += ["", "Skipped:", ""]
        lines += [f"- {s.name}: {s.note}" for s in run.skipped]
    if run.memory:
        lines += _memory_lines(run.memory)
    if run.throughput is not None:
        lines += _throughput_lines(run.throughput)
    return "\n".join(lines) + "\n"


def _memory_lines(memory: dict[str, list[MemoryPeak]]) -> list[str]:
    lines = [
        "",
        "Peak memory growth of one request (in-process, tracemalloc):",
        "",
        "| operation | URL | rows | peak MB |",
        "| --- | --- | ---: | ---: |",
    ]
    for name, peaks in memory.items():
        lines += [f"| {name} | {p.path} | {p.rows:,} | {p.peak_mem_mb} |" for p in peaks]
    return lines


def _throughput_lines(throughput: Throughput) -> list[str]:
    lines = [
        "",
        f"Throughput: {throughput.users} users for {throughput.seconds} s, "
        f"{throughput.requests:,} requests, {throughput.requests_per_s} requests/s, "
        f"{throughput.error_count} errors.",
        "",
        "| operation | requests | requests/s | p95 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {op.name} | {op.requests:,} | {op.requests_per_s} | {op.p95_ms} |"
        for op in throughput.operations
    ]
    if throughput.errors:
        lines += ["", "Errors:", ""]
        lines += [f"- {error}" for error in throughput.errors]
        if throughput.error_count > len(throughput.errors):
            lines.append(f"- … and {throughput.error_count - len(throughput.errors)} more")
    return lines


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
