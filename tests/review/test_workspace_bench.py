"""The workspace benchmark on tiny data, so that it keeps working between full runs (no thresholds)."""

import pytest

from bench import workspace
from tests.conftest import database_url


@pytest.mark.postgres
def test_workspace_bench_smoke(monkeypatch):
    monkeypatch.setenv("BENCH_POSTGRES_URL", database_url().rsplit("/", 1)[0])
    monkeypatch.setenv("BENCH_DB_PREFIX", "test_claimdesk_bench_workspace")
    rows = workspace.run(smoke=True)

    assert [row.name for row in rows] == [
        "Workspace: review page of a claim with answers, 2 000 claims",
        'Workspace: "review next" (reserve, redirect), 2 000 claims',
        "Workspace: workspace queue, search q=Stepanakert, 2 000 claims",
        "Workspace: admin claims changelist, search q=Stepanakert, 2 000 claims",
    ]
    for row in rows:
        assert len(row.samples) == 1 and row.samples[0] > 0
        assert row.baseline_name == "/healthz" and row.baseline_samples[0] > 0
        assert (row.target.op, row.target.value) == ("<", 150)
