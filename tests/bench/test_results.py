import json
from pathlib import Path

import pytest

from bench.results import (
    MemoryPeak,
    OperationResult,
    RunResult,
    Skipped,
    markdown,
    median,
    percentile,
    throughput_of,
    write,
)


def sample_run() -> RunResult:
    return RunResult(
        commit="abc1234",
        date="2026-11-30",
        database="sqlite",
        machine="2 vCPU, 24 GiB",
        scale={"accounts": 100000, "interactions": 2000000},
        operations=[
            OperationResult(
                name="account_list_page1_rep",
                n=200,
                median_ms=12.3,
                p95_ms=18.9,
                queries=6,
                raw_sql_ms=1.4,
                budget_ms=50,
                raw_ratio_budget=10,
            ),
            OperationResult(
                name="account_list_page1_director",
                n=200,
                median_ms=25.0,
                p95_ms=28.0,
                queries=10,
                raw_sql_ms=0.5,
                budget_ms=50,
                raw_ratio_budget=10,
            ),
            OperationResult(
                name="battle_map_director",
                n=200,
                median_ms=150.0,
                p95_ms=260.5,
                queries=12,
                raw_sql_ms=90.2,
                budget_ms=200,
            ),
            OperationResult(
                name="account_detail_rep",
                n=200,
                median_ms=27.2,
                p95_ms=30.0,
                queries=19,
                raw_sql_ms=0.4,
                budget_ms=50,
            ),
        ],
        skipped=[Skipped("billing_dashboard_director", "no contracts in the database")],
    )


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 95) == 95
    assert percentile(values, 50) == 50
    assert percentile(values, 100) == 100
    assert percentile([7.0], 95) == 7.0
    # 200 timings: rank ceil(0.95 * 200) = 190, one of the measured values, never interpolated
    assert percentile([float(v) for v in range(1, 201)], 95) == 190


def test_percentile_refuses_no_values_and_impossible_ranks():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 95)
    with pytest.raises(ValueError, match="pct"):
        percentile([1.0], 0)


def test_operation_result_from_timings_rounds_times_to_a_tenth_and_raw_sql_to_a_hundredth():
    timings = [float(v) + 0.04 for v in range(1, 101)]
    result = OperationResult.from_timings(
        "search_zh_rep", timings, queries=5, raw_sql_ms=3.456, budget_ms=100
    )
    assert result == OperationResult(
        name="search_zh_rep", n=100, median_ms=50.5, p95_ms=95.0, queries=5, raw_sql_ms=3.46,
        budget_ms=100,
    )  # fmt: skip
    assert result.raw_ratio == 14.6
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_json_file_has_the_documented_shape(tmp_path: Path):
    json_path, md_path = write(sample_run(), tmp_path)
    assert json_path.name == "2026-11-30-sqlite-abc1234.json"
    assert md_path.name == "2026-11-30-sqlite-abc1234.md"
    assert json.loads(json_path.read_text(encoding="utf-8")) == {
        "commit": "abc1234",
        "date": "2026-11-30",
        "database": "sqlite",
        "machine": "2 vCPU, 24 GiB",
        "scale": {"accounts": 100000, "interactions": 2000000},
        "operations": [
            {"name": "account_list_page1_rep", "n": 200, "median_ms": 12.3, "p95_ms": 18.9,
             "queries": 6, "raw_sql_ms": 1.4, "budget_ms": 50, "raw_ratio_budget": 10},
            {"name": "account_list_page1_director", "n": 200, "median_ms": 25.0,
             "p95_ms": 28.0, "queries": 10, "raw_sql_ms": 0.5, "budget_ms": 50,
             "raw_ratio_budget": 10},
            {"name": "battle_map_director", "n": 200, "median_ms": 150.0, "p95_ms": 260.5,
             "queries": 12, "raw_sql_ms": 90.2, "budget_ms": 200},
            {"name": "account_detail_rep", "n": 200, "median_ms": 27.2, "p95_ms": 30.0,
             "queries": 19, "raw_sql_ms": 0.4, "budget_ms": 50},
        ],
        "skipped": [
            {"name": "billing_dashboard_director", "note": "no contracts in the database"}
        ],
    }  # fmt: skip


def test_markdown_table_names_the_budgets_an_operation_exceeds():
    assert markdown(sample_run()) == (
        "# Benchmark 2026-11-30 · sqlite · abc1234\n"
        "\n"
        "Machine: 2 vCPU, 24 GiB. Scale: accounts 100,000, interactions 2,000,000.\n"
        "\n"
        "| operation | n | median ms | p95 ms | budget ms | queries | raw SQL ms | ÷ raw "
        "| within budget |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        "| account_list_page1_rep | 200 | 12.3 | 18.9 | 50 | 6 | 1.4 | 8.8 | yes |\n"
        "| account_list_page1_director | 200 | 25.0 | 28.0 | 50 | 10 | 0.5 | 50.0 "
        "| NO: ÷ raw |\n"
        "| battle_map_director | 200 | 150.0 | 260.5 | 200 | 12 | 90.2 | 1.7 "
        "| NO: p95, queries |\n"
        "| account_detail_rep | 200 | 27.2 | 30.0 | 50 | 19 | 0.4 | 68.0 | NO: queries |\n"
        "\n"
        "Skipped:\n"
        "\n"
        "- billing_dashboard_director: no contracts in the database\n"
    )


def run_with_export_and_throughput() -> RunResult:
    run = sample_run()
    run.operations = [
        OperationResult.from_timings(
            "battle_map_export_director", [800.0, 900.0, 1000.0], queries=14, raw_sql_ms=20.04,
            budget_ms=2000, peak_mem_mb=4.6,
        ),
    ]  # fmt: skip
    run.skipped = []
    run.memory = {
        "battle_map_export_director": [
            MemoryPeak("/battle-map/export/", rows=9820, peak_mem_mb=4.6),
            MemoryPeak("/battle-map/export/?owner=16", rows=982, peak_mem_mb=4.1),
        ]
    }
    run.throughput = throughput_of(
        {"account_list_page1_rep": [10.0, 20.0, 30.0], "pool_claim_rep": [15.0]},
        ["pool_claim_rep: RequestFailed: POST /pool/accounts/7/claim/ answered 403"],
        seconds=2.0, users=8,
    )  # fmt: skip
    return run


def test_json_has_peak_memory_and_the_throughput_section(tmp_path: Path):
    json_path, _md_path = write(run_with_export_and_throughput(), tmp_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["operations"] == [
        {"name": "battle_map_export_director", "n": 3, "median_ms": 900.0, "p95_ms": 1000.0,
         "queries": 14, "raw_sql_ms": 20.04, "budget_ms": 2000, "peak_mem_mb": 4.6},
    ]  # fmt: skip
    assert data["memory"] == {
        "battle_map_export_director": [
            {"path": "/battle-map/export/", "rows": 9820, "peak_mem_mb": 4.6},
            {"path": "/battle-map/export/?owner=16", "rows": 982, "peak_mem_mb": 4.1},
        ]
    }
    assert data["throughput"] == {
        "seconds": 2.0, "users": 8, "requests": 4, "requests_per_s": 2.0,
        "operations": [
            {"name": "account_list_page1_rep", "requests": 3, "requests_per_s": 1.5,
             "p95_ms": 30.0},
            {"name": "pool_claim_rep", "requests": 1, "requests_per_s": 0.5, "p95_ms": 15.0},
        ],
        "error_count": 1,
        "errors": ["pool_claim_rep: RequestFailed: POST /pool/accounts/7/claim/ answered 403"],
    }  # fmt: skip


def test_markdown_has_the_memory_and_throughput_tables_after_the_operations():
    text = markdown(run_with_export_and_throughput())
    assert text.endswith(
        "| battle_map_export_director | 3 | 900.0 | 1000.0 | 2000 | 14 | 20.04 | 44.9 "
        "| NO: queries |\n"
        "\n"
        "Peak memory growth of one request (in-process, tracemalloc):\n"
        "\n"
        "| operation | URL | rows | peak MB |\n"
        "| --- | --- | ---: | ---: |\n"
        "| battle_map_export_director | /battle-map/export/ | 9,820 | 4.6 |\n"
        "| battle_map_export_director | /battle-map/export/?owner=16 | 982 | 4.1 |\n"
        "\n"
        "Throughput: 8 users for 2.0 s, 4 requests, 2.0 requests/s, 1 errors.\n"
        "\n"
        "| operation | requests | requests/s | p95 ms |\n"
        "| --- | ---: | ---: | ---: |\n"
        "| account_list_page1_rep | 3 | 1.5 | 30.0 |\n"
        "| pool_claim_rep | 1 | 0.5 | 15.0 |\n"
        "\n"
        "Errors:\n"
        "\n"
        "- pool_claim_rep: RequestFailed: POST /pool/accounts/7/claim/ answered 403\n"
    )
