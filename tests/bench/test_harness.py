"""The harness's arithmetic and rendering, without running any benchmark."""

import pytest

from bench.changelist import median_ms
from bench.harness import BenchError, Row, Target, number, render_document, render_table

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:18765/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.39ms    1.47ms   8.30ms   84.92%
    Req/Sec     0.87k   330.35     1.20k    80.00%
  Latency Distribution
     50%  646.00us
     75%    1.75ms
     90%    3.76ms
     99%    7.14ms
  870 requests in 1.01s, 1.51MB read
Requests/sec:    864.79
Transfer/sec:      1.50MB
"""


def test_row_median_baseline_and_ratio():
    row = Row(
        name="x",
        unit="claims/s",
        samples=[30.0, 10.0, 20.0],
        baseline_name="COPY",
        baseline_samples=[100.0, 200.0, 300.0],
        target=Target(">=", 0.2, of="ratio"),
    )
    assert row.median == 20.0
    assert row.baseline_median == 200.0
    assert row.ratio == 0.1
    assert row.passed() is False


def test_target_on_figure_below_bound():
    assert Target("<", 300).met(299.9, None) is True
    assert Target("<", 300).met(300.0, None) is False
    assert Target(">=", 100_000).met(100_000, None) is True


def test_row_without_target_neither_passes_nor_fails():
    assert Row(name="x", unit="s", samples=[1.0]).passed() is None


def test_number_groups_thousands_and_keeps_three_digits():
    assert number(1_234_567.4) == "1 234 567"
    assert number(12.345) == "12.3"
    assert number(0.2) == "0.2"
    assert number(0) == "0"


def test_table_has_one_line_per_row_with_verdicts():
    rows = [
        Row(
            name="fast",
            unit="ms",
            samples=[10.0, 12.0, 11.0],
            baseline_name="/healthz",
            baseline_samples=[2.0],
            target=Target("<", 300),
        ),
        Row(name="slow", unit="ms", samples=[400.0], target=Target("<", 300)),
        Row(name="broken", unit="", samples=[], note="PostgreSQL does not answer"),
    ]
    lines = render_table(rows).splitlines()
    assert lines[0] == "| Figure | Median | Min\u2013max | Runs | Baseline (same run) | Ratio | Target | Result |"
    assert lines[2] == "| fast | 11 ms | 10\u201312 | 3 | /healthz: 2 ms | 5.50 | < 300 ms | pass |"
    assert lines[3] == "| slow | 400 ms | 400\u2013400 | 1 | — | — | < 300 ms | **FAIL** |"
    assert lines[4] == "| broken | — | — | 0 | — | — | — | error: PostgreSQL does not answer |"


def test_smoke_table_has_no_verdicts():
    row = Row(name="slow", unit="ms", samples=[400.0], target=Target("<", 300))
    assert render_table([row], smoke=True).splitlines()[2].endswith("| < 300 ms | — |")


def test_document_lists_machine_and_explanations():
    text = render_document(
        [Row(name="a", unit="s", samples=[1.0])],
        described={"CPU": "Test CPU"},
        about=[("Ingest", "What ingest measures.")],
        seconds=90,
    )
    assert "- CPU: Test CPU" in text.splitlines()
    assert "### Ingest" in text.splitlines()
    assert "The whole run took 1.5 minutes." in text.splitlines()


def test_wrk_median_in_milliseconds():
    assert median_ms(WRK_OUTPUT) == pytest.approx(0.646)
    assert median_ms(WRK_OUTPUT.replace("646.00us", "1.25s")) == pytest.approx(1250.0)


def test_wrk_failed_responses_are_an_error():
    with pytest.raises(BenchError, match="Non-2xx or 3xx responses: 870"):
        median_ms(WRK_OUTPUT + "  Non-2xx or 3xx responses: 870\n")
