"""Each benchmark on tiny data, so that the harness keeps working between full runs.

No thresholds here: the figures of a smoke run mean nothing, only their shape does.
"""

import pytest

from bench import changelist, extraction_rows, ingest, pretag, recovery, stack
from bench.__main__ import main
from tests.conftest import database_url

PREFIX = "test_claimdesk_bench"


@pytest.fixture
def bench_postgres(monkeypatch):
    monkeypatch.setenv("BENCH_POSTGRES_URL", database_url().rsplit("/", 1)[0])
    monkeypatch.setenv("BENCH_DB_PREFIX", PREFIX)


@pytest.fixture
def bench_redis(monkeypatch, broker_url):
    monkeypatch.setenv("BENCH_REDIS_URL", broker_url)


def assert_measured(rows):
    for row in rows:
        assert row.samples and all(value > 0 for value in row.samples), row
        assert all(value > 0 for value in row.baseline_samples), row
        assert row.target is not None


def database_exists(name: str) -> bool:
    return stack.database_comment(name) is not None


def test_extraction_smoke():
    rows = extraction_rows.run(smoke=True)

    assert [(row.unit, row.baseline_name) for row in rows] == [("words/s", "spaCy blank English tokenizer")]
    assert rows[0].name.startswith("Extraction on one core, 0.2 MB")
    assert_measured(rows)


@pytest.mark.postgres
@pytest.mark.redis
def test_ingest_smoke(bench_postgres, bench_redis):
    rows = ingest.run(smoke=True)

    assert [(row.unit, row.baseline_name) for row in rows] == [("claims/s", "PostgreSQL COPY")] * 2
    assert rows[0].name.endswith(", 2 workers through Redis")
    assert rows[1].name.endswith(", in one process (no broker)")
    assert [len(row.samples) for row in rows] == [1, 1]
    assert_measured(rows[:1])
    assert all(value > 0 for value in rows[1].samples)
    assert rows[1].target is None
    assert database_exists(f"{PREFIX}_ingest") is False


@pytest.mark.postgres
@pytest.mark.redis
def test_pretag_smoke(bench_postgres, bench_redis):
    rows = pretag.run(smoke=True)

    assert [(row.unit, row.baseline_name) for row in rows] == [("claims/s", "in-process")]
    assert rows[0].name == "Pre-tagging 500 claims, 2 workers through Redis"
    assert_measured(rows)
    assert database_exists(f"{PREFIX}_pretag") is False


@pytest.mark.postgres
def test_changelist_smoke(bench_postgres):
    rows = changelist.run(smoke=True)

    assert [(row.unit, row.baseline_name) for row in rows] == [("s", ""), ("ms", "/healthz"), ("ms", "/healthz")]
    assert rows[1].name == "Admin claims changelist, 2 000 claims, unfiltered"
    assert rows[2].name == "Admin claims changelist, 2 000 claims, side=azerbaijan, stance=deny"
    assert_measured(rows)


def test_command_prints_table_and_writes_only_where_told(tmp_path, capsys):
    output = tmp_path / "benchmarks.md"

    assert main(["--smoke", "--only", "extraction", "--output", str(output)]) == 0

    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("| Figure | Median |")
    assert printed[2].startswith("| Extraction on one core, 0.2 MB")
    assert "## Machine" in output.read_text().splitlines()


@pytest.mark.postgres
@pytest.mark.redis
def test_recovery_smoke(bench_postgres, bench_redis):
    rows = recovery.run(smoke=True)

    assert [(row.unit, row.baseline_name, len(row.samples)) for row in rows] == [("s", "its extraction alone", 1)]
    assert rows[0].name.startswith("Recovery after a worker SIGKILL mid-extraction")
    assert_measured(rows)
    assert rows[0].samples[0] > rows[0].baseline_samples[0]
    assert database_exists(f"{PREFIX}_recovery") is False
