"""bench.calibration on an invented annotated set (no evaluation data is read)."""

import json

import pytest

from bench import calibration as bench

REGISTRY = [
    {"name": "Northland army", "side": "northland", "aliases": ["Northland army"]},
    {"name": "Southland government", "side": "southland", "aliases": ["Southland"]},
]
TEXT = (
    "The Northland army said that Southland artillery shelled Velka. "
    "Southland denied it. "
    "The Northland army said that the weather was calm.\n"
)


@pytest.fixture
def annotated(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "actors.json").write_text(json.dumps(REGISTRY), encoding="utf-8")
    first = "The Northland army said that Southland artillery shelled Velka."
    rows = [
        {
            "doc": "doc.txt",
            "id": "doc-0001",
            "sentence": first,
            "quote": "Southland artillery shelled Velka",
            "claimant": "Northland army",
            "side": "northland",
            "stance": "assert",
            "claim_type": "attack",
        },
        {
            "doc": "doc.txt",
            "id": "doc-0002",
            "sentence": "Southland denied it.",
            "quote": "Southland denied it",
            "claimant": "Southland government",
            "side": "southland",
            "stance": "deny",
            "claim_type": "materiel",  # the engine says attack: matched, not right
        },
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_load_set_scores_only_the_annotated_stretch(annotated):
    pairs = bench.load_set(annotated)
    assert [(p["quote"], g is not None, bench.is_right(p, g)) for p, g in pairs] == [
        ("Southland artillery shelled Velka", True, True),
        ("Southland denied it", True, False),
    ]


def test_reliability_bins_claims_by_confidence():
    table, error = bench.reliability([(0.85, True), (0.82, False), (0.55, False), (0.95, True)])
    assert table == [("0.5-0.6", 1, 0.55, 0.0), ("0.8-0.9", 2, 0.835, 0.5), ("0.9-1.0", 1, 0.95, 1.0)]
    assert round(error, 4) == round((0.55 + 2 * 0.335 + 0.05) / 4, 4)


def test_fit_learns_that_a_signal_predicts_rightness():
    samples = [((1.0, x), x > 0.5) for x in (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9)] + [((1.0, 0.45), True)]
    bias, weight = bench.fit(samples, ridge=0.01)
    assert weight > 5
    assert bias < 0


def test_main_prints_the_reliability_table(annotated, capsys):
    assert bench.main([str(annotated)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2 claims, 1 right (0.500); extractor ")
    assert lines[1:3] == ["| confidence | claims | mean confidence | right |", "|---|---|---|---|"]
    assert lines[-1].startswith("expected calibration error: ")
