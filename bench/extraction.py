"""Throughput of the claim extractor against a tokenizer baseline.

`python bench/extraction.py` builds the sample corpus repeated to about
10 MB, extracts claims from it on one core, and runs spaCy's blank English
tokenizer over the same text for comparison. Words are whitespace-separated
tokens.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from claims.extraction import DEFAULT_REGISTRY_PATH, Registry, extract  # noqa: E402

CORPUS = ROOT / "claims" / "fixtures" / "corpus"
BASELINE_NAME = "spaCy blank English tokenizer"
_CHUNK = 100_000


def build_text(target_bytes: int) -> str:
    """The corpus documents, repeated in order until `target_bytes` is reached."""
    parts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    unit = "\n\n".join(parts) + "\n\n"
    size = len(unit.encode("utf-8"))
    return unit * max(1, -(-target_bytes // size))


def measure(*, target_bytes: int = 10_000_000, runs: int = 5) -> dict:
    text = build_text(target_bytes)
    registry = Registry.from_file(DEFAULT_REGISTRY_PATH)
    seconds = [_time(lambda: extract(text, registry)) for _ in range(runs)]
    tokenizer = _baseline_tokenizer()
    chunks = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)]
    baseline = [_time(lambda: _tokenize_all(tokenizer, chunks)) for _ in range(runs)]
    return {
        "words": len(text.split()),
        "bytes": len(text.encode("utf-8")),
        "seconds": seconds,
        "baseline_name": BASELINE_NAME,
        "baseline_seconds": baseline,
    }


def _baseline_tokenizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = _CHUNK * 2
    return nlp.tokenizer


def _tokenize_all(tokenizer, chunks: list[str]) -> int:
    return sum(len(doc) for doc in tokenizer.pipe(chunks))


def _time(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    result = measure()
    words = result["words"]
    best, best_base = min(result["seconds"]), min(result["baseline_seconds"])
    print(f"{words} words, {result['bytes']} bytes")
    print(f"extraction: {words / best:,.0f} words/s (best of {len(result['seconds'])})")
    print(f"{result['baseline_name']}: {words / best_base:,.0f} words/s")


if __name__ == "__main__":
    main()
