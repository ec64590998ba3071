"""How well the engine's confidence predicts that a claim is right.

    python -m bench.calibration GOLD.jsonl [GOLD.jsonl ...] [--fit]

Each annotation file (one claim a line, the schema of docs/schema.md) is
scored against the engine's claims for the documents it names. The documents
are read from a `corpus/` folder beside the file, else from `../corpus/`; the
registry is `actors_<name>.json` beside the file (for `<name>.jsonl`), else
`actors.json` there. Where an annotation file covers only a stretch of its
document, only the claims found in that stretch count.

A predicted claim is right when it matches an annotated claim by the
schema's matching rule and its claimant, side, stance and type are the
annotated ones. The command prints the reliability table: claims binned by
confidence, the mean confidence and the share right in each bin, and the
expected calibration error. With --fit it fits the logistic coefficients of
claims.extraction.calibration on these claims and prints them as the block
to put there (the table is then that of the new coefficients).
"""

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from itertools import pairwise
from math import exp
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from claims.extraction import EXTRACTOR_VERSION, Registry, calibration, extract, normalize_text  # noqa: E402

_TOKEN = re.compile(r"\w+")
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
FIELDS = ("claimant", "side", "stance", "claim_type")


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _label(value) -> str | None:
    return None if value is None else _norm(str(value)).lower()


def _token_f1(a: str, b: str) -> float:
    ta, tb = Counter(_TOKEN.findall(_norm(a).lower())), Counter(_TOKEN.findall(_norm(b).lower()))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ta.values()), common / sum(tb.values())
    return 2 * precision * recall / (precision + recall)


# --- reading an annotated set ------------------------------------------------------


def load_set(path: Path) -> list[tuple[dict, dict | None]]:
    """(prediction, matched annotation or None) for every claim the engine
    finds in the stretches that `path` annotates."""
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    registry = Registry.from_file(_registry_for(path))
    corpus = path.parent / "corpus" if (path.parent / "corpus").is_dir() else path.parent.parent / "corpus"
    out = []
    by_doc = defaultdict(list)
    for row in gold:
        by_doc[row["doc"]].append(row)
    for doc, rows in by_doc.items():
        text = normalize_text((corpus / doc).read_bytes()).text
        predicted = [_prediction(claim) for claim in extract(text, registry)]
        predicted = _in_stretch(predicted, rows, text)
        out.extend(_matched(predicted, rows))
    return out


def _registry_for(path: Path) -> Path:
    own = path.parent / f"actors_{path.stem}.json"
    return own if own.exists() else path.parent / "actors.json"


def _prediction(claim) -> dict:
    return {
        "sentence": claim.sentence,
        "sentence_start": claim.sentence_start,
        "quote": claim.quote,
        "claimant": claim.claimant,
        "side": claim.side,
        "stance": claim.stance,
        "claim_type": claim.claim_type,
        "confidence": claim.confidence,
        "type_confidence": claim.type_confidence,
        "stance_confidence": claim.stance_confidence,
    }


def _in_stretch(predicted: list[dict], rows: list[dict], text: str) -> list[dict]:
    starts = [text.find(row["sentence"]) for row in rows]
    starts = [s for s in starts if s >= 0]
    if not starts:
        return predicted
    last = max(starts)
    end = last + len(next(r["sentence"] for r, s in zip(rows, starts, strict=False) if s == last))
    return [p for p in predicted if min(starts) <= p["sentence_start"] < end]


def _matched(predicted: list[dict], rows: list[dict]) -> list[tuple[dict, dict | None]]:
    """The schema's matching rule: same sentence, quotes sharing half their
    tokens, best pairs first (claimant and side agreeing break ties)."""
    pairs = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(rows):
            if _norm(p["sentence"]) != _norm(g["sentence"]):
                continue
            f1 = _token_f1(p["quote"], g["quote"])
            if f1 >= 0.5:
                agree = sum(_label(p[f]) == _label(g.get(f)) for f in ("claimant", "side"))
                pairs.append((f1, agree, -i, -j))
    match: dict[int, dict] = {}
    used = set()
    for _, _, i, j in sorted(pairs, reverse=True):
        if -i in match or -j in used:
            continue
        match[-i] = rows[-j]
        used.add(-j)
    return [(p, match.get(i)) for i, p in enumerate(predicted)]


def is_right(prediction: dict, annotation: dict | None) -> bool:
    return annotation is not None and all(_label(prediction[f]) == _label(annotation.get(f)) for f in FIELDS)


# --- fitting and the table ---------------------------------------------------------


def _vector(p: dict) -> tuple:
    return calibration.feature_vector(p["type_confidence"], p["stance_confidence"], p["stance"], p["claim_type"])


def fit(samples: list[tuple], *, ridge: float = 1.0, rounds: int = 50) -> tuple[float, ...]:
    """Logistic regression by Newton's method over (features, right[, weight])
    samples, with a small ridge penalty (not on the bias) so that rare
    features stay bounded."""
    size = len(samples[0][0])
    w = [0.0] * size
    for _ in range(rounds):
        grad = [0.0] * size
        hess = [[0.0] * size for _ in range(size)]
        for x, y, *rest in samples:
            weight = rest[0] if rest else 1.0
            p = 1.0 / (1.0 + exp(-sum(a * b for a, b in zip(w, x, strict=True))))
            for a in range(size):
                grad[a] += weight * (p - float(y)) * x[a]
                for b in range(size):
                    hess[a][b] += weight * p * (1 - p) * x[a] * x[b]
        for a in range(1, size):
            grad[a] += ridge * w[a]
            hess[a][a] += ridge
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return tuple(round(wi, 4) for wi in w)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems are tiny)."""
    n = len(vector)
    rows = [[*matrix[i], vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] if abs(rows[i][i]) > 1e-12 else 0.0 for i in range(n)]


def reliability(scored: list[tuple[float, bool]]) -> tuple[list[tuple[str, int, float, float]], float]:
    """(bin label, claims, mean confidence, share right) per bin, and the expected calibration error."""
    table, error = [], 0.0
    for low, high in pairwise(BINS):
        inside = [(c, r) for c, r in scored if low <= c < high]
        if not inside:
            continue
        mean = sum(c for c, _ in inside) / len(inside)
        right = sum(r for _, r in inside) / len(inside)
        label = f"{low:.1f}-{min(high, 1.0):.1f}"
        table.append((label, len(inside), mean, right))
        error += len(inside) / len(scored) * abs(mean - right)
    return table, error


def print_table(scored: list[tuple[float, bool]], out=None) -> None:
    out = out or sys.stdout
    table, error = reliability(scored)
    right = sum(r for _, r in scored)
    print(f"{len(scored)} claims, {right} right ({right / len(scored):.3f}); extractor {EXTRACTOR_VERSION}", file=out)
    print("| confidence | claims | mean confidence | right |", file=out)
    print("|---|---|---|---|", file=out)
    for label, count, mean, share in table:
        print(f"| {label} | {count} | {mean:.3f} | {share:.3f} |", file=out)
    print(f"expected calibration error: {error:.3f}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calibration", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="+", type=Path, help="annotation files (JSON lines)")
    parser.add_argument("--fit", action="store_true", help="fit the coefficients and print them")
    args = parser.parse_args(argv)
    conflicts: dict[Path, list] = defaultdict(list)  # by registry: one conflict's files together
    for path in args.gold:
        conflicts[_registry_for(path).resolve()].extend(load_set(path))
    claims = [pair for found in conflicts.values() for pair in found]
    if not claims:
        parser.error("no claims found for these annotation files")
    if args.fit:
        # Each conflict weighs the same: the war the engine was built on must
        # not drown the ones it was not.
        share = len(claims) / len(conflicts)
        samples = [(_vector(p), is_right(p, g), share / len(found)) for found in conflicts.values() for p, g in found]
        coefficients = fit(samples)
        calibration.COEFFICIENTS = coefficients
        print(f"# Fitted by `python -m bench.calibration --fit` (extractor {EXTRACTOR_VERSION}, {len(claims)} claims).")
        print(f"COEFFICIENTS = {coefficients!r}")
        print()
    scored = [(_confidence(p), is_right(p, g)) for p, g in claims]
    print_table(scored)
    return 0


def _confidence(p: dict) -> float:
    return calibration.calibrated(p["type_confidence"], p["stance_confidence"], p["stance"], p["claim_type"])


if __name__ == "__main__":
    sys.exit(main())
