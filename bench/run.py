"""Benchmark the app against an existing generated database (`demo_load --scale`).

Per operation: the query count and raw-SQL time in this process, then, through gunicorn as in
production, a warm-up and --n sequential timed requests (median and nearest-rank p95; the
export --export-n). Writes are undone after each repetition, untimed. With --throughput,
--users concurrent users then loop over a mix of the operations for that many seconds. Results
go to <out>/<date>-<database>-<commit>.json and .md. The database is the one config/settings.py
picks: KAM_VAR_DIR (SQLite) or DATABASE_URL.

    uv run python bench/run.py --n 200
    uv run python bench/run.py --throughput 60 --users 8
"""

import argparse
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Run as a script, Python puts bench/ on the path, not the project.
    sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from bench.results import RESULTS_DIR

    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="timed requests per operation (200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (20)")
    parser.add_argument(
        "--export-n", type=int, default=20, help="timed requests of the export (20)"
    )
    parser.add_argument(
        "--raw-repeats",
        type=int,
        help="times the captured SQL is re-executed for raw_sql_ms (default: --n)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: one per core)")
    parser.add_argument(
        "--only", action="append", default=[], metavar="TEXT",
        help="run only operations whose name contains TEXT (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, default=RESULTS_DIR, help=f"results directory ({RESULTS_DIR})"
    )
    parser.add_argument(
        "--throughput", type=float, metavar="SECONDS",
        help="after the sequential pass, run concurrent users for SECONDS (e.g. 60)",
    )  # fmt: skip
    parser.add_argument("--users", type=int, default=8, help="throughput users (8)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.export_n < 1 or args.warmup < 0:
        parser.error("--n and --export-n must be at least 1 and --warmup not negative")
    if args.throughput is not None and (args.throughput <= 0 or args.users < 1):
        parser.error("--throughput must be positive and --users at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.db import connection

    from bench import operations as ops
    from bench.measure import (
        ApiTokens,
        export_permission,
        http_clients,
        measure_http,
        measure_in_process,
    )
    from bench.results import RunResult, git_commit, machine_description, markdown, write
    from bench.throughput import run_throughput
    from bench.writes import pool_limits_lifted

    try:
        people = ops.personas()
    except ops.NoGeneratedData as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    scale = ops.scale_counts()
    planned, skipped = ops.plan(people, scale)
    if args.only:
        planned = [op for op in planned if any(text in op.name for text in args.only)]
        skipped = [s for s in skipped if any(text in s.name for text in args.only)]
    run = RunResult(
        commit=git_commit(),
        date=datetime.now(UTC).date().isoformat(),
        database=connection.vendor,
        machine=machine_description(),
        scale=scale,
        skipped=skipped,
    )
    with ApiTokens(people) as tokens, pool_limits_lifted(), export_permission(people.director):
        profiles = measure_in_process(
            planned, people, tokens, args.raw_repeats or args.n, run.skipped, run.memory
        )
        measurable = [op for op in planned if op.name in profiles]
        with http_clients(people, tokens, args.workers) as (base_url, clients):
            run.operations = measure_http(
                measurable, clients, profiles, run.memory, n=args.n, export_n=args.export_n,
                warmup=args.warmup, skipped=run.skipped,
            )  # fmt: skip
            if args.throughput is not None:
                measured = {op.name for op in run.operations}
                run.throughput = run_throughput(
                    [op for op in measurable if op.name in measured], base_url, people, tokens,
                    seconds=args.throughput, users=args.users,
                )  # fmt: skip
    json_path, md_path = write(run, args.out)
    print(markdown(run))
    print(f"bench: wrote {json_path} and {md_path}", file=sys.stderr)
    # A refused write or a failed request under load is a failure, not a footnote.
    failed_writes = {op.name for op in planned if op.write is not None} - {
        op.name for op in run.operations
    }
    errors = run.throughput.error_count if run.throughput is not None else 0
    if failed_writes or errors:
        failed = ", ".join(sorted(failed_writes)) or "none"
        print(f"bench: FAILED: writes {failed}; {errors} errors under load", file=sys.stderr)
        return 1
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    # A plain kill stops the run like Ctrl-C: gunicorn stopped, API tokens revoked.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
