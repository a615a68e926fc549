"""The benchmark in a small form, so it keeps working (timings are printed, never asserted)."""

import pytest

pytestmark = pytest.mark.e2e


def test_small_benchmark_prints_its_table(capsys, tmp_path):
    from eval.bench import main

    results = main(["--articles", "6", "--repeat", "1", "--queries", "5", "--json", str(tmp_path / "b.json")])
    out = capsys.readouterr().out
    assert "pipeline / raw" in out and "retrieval p50 / p95" in out and "serve ready" in out
    assert results["ingest"]["passages"] > 6 and results["query"]["queries"] == 5
    assert results["serve"]["ready_s"] is not None and (tmp_path / "b.json").exists()
