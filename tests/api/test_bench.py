"""The API benchmark (bench/api.py) on tiny data, so that it keeps working between full runs."""

import pytest

from bench import api
from tests.conftest import database_url

PREFIX = "test_claimdesk_bench_api"


@pytest.mark.postgres
def test_api_bench_smoke(monkeypatch):
    monkeypatch.setenv("BENCH_POSTGRES_URL", database_url().rsplit("/", 1)[0])
    monkeypatch.setenv("BENCH_DB_PREFIX", PREFIX)

    rows = api.run(smoke=True)

    assert [row.unit for row in rows] == ["ms", "ms", "ms", "req/s", "ms"]
    assert rows[3].baseline_name == "GET /api/v1/me/"
    assert all(len(row.samples) == 1 and row.samples[0] > 0 for row in rows)
    assert rows[3].baseline_samples[0] > 0
    assert rows[4].baseline_name == "/healthz (SELECT 1), p50"
    assert [row.target is not None for row in rows] == [False, True, False, True, True]
