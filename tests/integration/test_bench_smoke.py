"""`make bench` still runs end to end on a small scale.

Benchmarks are not tests: nothing here times anything or checks a budget. These only
catch a section that no longer runs (a stage whose seed went stale, a metered call the
cost model no longer finds), which otherwise shows only when someone runs `make bench`.
"""

import json
from pathlib import Path

import pytest

from infra.bench import cold_start, cost, screening, search, throughput


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "seed.json"
    cold_start.build_seed(path, warm=1)
    return path


@pytest.mark.parametrize(
    "key", [cold_start.FLOOR, cold_start.PYDANTIC_REFERENCE, *cold_start.FUNCTIONS]
)
def test_every_function_serves_its_representative_event_cold(seed: Path, key: str) -> None:
    # When the function starts in a fresh interpreter and serves its seeded event
    figures, _ = cold_start.run_child(seed, key)
    # Then the child answered (it checks the handler's reply itself) and reported its parts
    assert figures["first_ms"] >= figures["import_ms"] > 0
    assert 0 <= figures["service_ms"] <= figures["first_ms"]
    assert len(figures["warm_ms"]) == 1 and figures["modules"] > 0


def test_import_culprits_reads_importtime_output() -> None:
    # Given -X importtime lines after the timer's mark: a handler importing a package
    stderr = "\n".join(
        [
            "import time:       100 |        100 | before.the.mark",
            cold_start.MARK,
            "import time:       300 |        300 |     pydantic_core",
            "import time:       200 |        500 |   pydantic",
            "import time:       400 |        900 | functions.approval.handler",
        ]
    )
    # When it is read
    culprits = cold_start.import_culprits(stderr)
    # Then what the handler imported is charged to it, and nothing from before the mark
    assert culprits["first_level"] == [{"module": "pydantic", "cumulative_ms": 0.5}]
    packages = {p["package"]: p["self_ms"] for p in culprits["by_package"]}
    assert packages == {"pydantic_core": 0.3, "pydantic": 0.2, "functions": 0.4}


def test_every_function_the_app_has_has_a_representative_event(seed: Path) -> None:
    # Given the seed the cold section runs from; Then no function is left unmeasured
    measured = json.loads(seed.read_text(encoding="utf-8"))["functions"]
    assert set(cold_start.FUNCTIONS) <= set(measured)


def test_cold_figures_judge_each_budget_against_its_reference() -> None:
    # Given figures of the floor, the pydantic reference, the API and a stage
    def figures(lambda_ms: float) -> dict[str, float]:
        return {"lambda_ms": lambda_ms, "flat_ms": lambda_ms, "raw_ms": lambda_ms}

    results = {
        cold_start.FLOOR: figures(100),
        cold_start.PYDANTIC_REFERENCE: figures(130),
        "api": figures(150),
        "feedback": figures(150),
    }
    # When each is judged
    for key in results:
        cold_start._judge(key, results)
    # Then the API is held to the floor, the stage to the floor plus pydantic
    assert (results["api"]["budget_of"], results["api"]["met"]) == (cold_start.FLOOR, True)
    stage = results["feedback"]
    assert (stage["budget_of"], stage["budget_ratio"]) == (cold_start.PYDANTIC_REFERENCE, 1.15)
    assert results[cold_start.FLOOR]["met"] is None


def test_cost_prices_every_service_of_one_standard_case() -> None:
    # Given INIT durations (the cold section's, or measured); When one case is priced
    init = {key: 300.0 for key in cold_start.FUNCTIONS}
    result = cost.run(cases=1, init_ms=init)
    # Then every service is priced, INIT included, and what is aside is shown aside
    services = {row["service"] for row in result["rows"]}
    assert {"Lambda", "Step Functions", "DynamoDB", "S3", "API Gateway"} <= services
    assert any(row["what"].startswith("INIT") and row["per_case"] > 0 for row in result["rows"])
    assert result["cases"] == 1 and result["total_usd_per_1000"] > 0
    excluded = result["excluded"]
    # Each reviewing department reads each ~1 MB material: megabytes out per case
    assert excluded["data_transfer_out_bytes_per_case"] > 1_000_000
    assert excluded["storage_usd_per_1000_per_month"] > 0


def test_search_measures_each_catalog_size() -> None:
    result = search.run(sizes=(21, 60), rounds=1)
    assert set(result["by_size"]) == {"21", "60"}
    assert all(f["searches"] >= len(search.QUERIES) for f in result["by_size"].values())


def test_screening_measures_both_screenings_and_the_roadmaps() -> None:
    result = screening.run(rounds=1)
    assert result["bundle_screening"]["calls"] == 1 and result["item_screening"]["calls"] == 1
    assert set(result["roadmap_by_cases"]) == {str(n) for n in screening.PROJECT_CASES}
    assert result["bundle_screening"]["first_call"]["items_read"] > 0  # the container's load


def test_throughput_pairs_a_bare_round_with_a_system_round() -> None:
    result = throughput.run(cases=2, rounds=1)
    assert len(result["round_ratios"]) == 1
    assert result["ratio"] == result["round_ratios"][0] > 0
