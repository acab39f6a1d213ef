from contextlib import nullcontext

from bench.operations import Operation, Persona
from bench.results import MAX_ERRORS_LISTED, ThroughputOperation, throughput_of
from bench.throughput import READ_WEIGHT, WRITE_WEIGHT, mix_weight
from bench.writes import Step, Write


def test_rates_are_over_the_measured_seconds_and_p95_per_operation():
    timings = {
        "account_list_page1_rep": [float(v) for v in range(1, 101)],
        "pool_claim_rep": [20.0, 40.0],
        "search_zh_rep": [],  # every request failed: no row, only errors
    }
    errors = ["search_zh_rep: RequestFailed: GET /search/ answered 500"]
    result = throughput_of(timings, errors, seconds=10.04, users=8)
    assert result.operations == [
        ThroughputOperation("account_list_page1_rep", requests=100, requests_per_s=10.0,
                            p95_ms=95.0),
        ThroughputOperation("pool_claim_rep", requests=2, requests_per_s=0.2, p95_ms=40.0),
    ]  # fmt: skip
    assert (result.requests, result.requests_per_s, result.seconds) == (102, 10.2, 10.0)
    assert (result.users, result.error_count, result.errors) == (8, 1, errors)


def test_errors_are_counted_all_and_listed_up_to_the_limit():
    errors = [f"pool_claim_rep: refused {n}" for n in range(MAX_ERRORS_LISTED + 7)]
    result = throughput_of({"pool_claim_rep": [1.0]}, errors, seconds=1.0, users=1)
    assert result.error_count == MAX_ERRORS_LISTED + 7
    assert result.errors == errors[:MAX_ERRORS_LISTED]


def test_the_mix_weighs_reads_over_writes_and_leaves_the_export_out():
    write = Write(lambda: nullcontext(Step("/", {})), accepted_status=302)
    read = Operation("account_list_page1_rep", Persona.REP, "/accounts/", 50)
    claim = Operation("pool_claim_rep", Persona.REP, "/pool/", 50, write=write)
    export = Operation(
        "battle_map_export_director", Persona.DIRECTOR, "/battle-map/export/", 2000,
        subset_path="/battle-map/export/?owner=1",
    )  # fmt: skip
    assert (mix_weight(read), mix_weight(claim), mix_weight(export)) == (
        READ_WEIGHT, WRITE_WEIGHT, 0,
    )  # fmt: skip
    assert (read.method, claim.method) == ("GET", "POST")
