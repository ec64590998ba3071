"""Extraction throughput on one core, beside a tokenizer over the same text.

`bench.extraction.measure` repeats the sample corpus to about 10 MB and times the engine's
`extract` over it five times, in the benchmark process pinned to one core; the baseline is
spaCy's blank English tokenizer over the same text, timed the same way. Words are
whitespace-separated tokens; both figures are words per second.
"""

import contextlib
import os
from collections.abc import Iterator

from bench.harness import Row, Target, log, number

TARGET_BYTES = 10_000_000
SMOKE_BYTES = 200_000
RUNS = 5


def run(*, smoke: bool, runs: int | None = None) -> list[Row]:
    from bench.extraction import measure

    runs = runs or (1 if smoke else RUNS)
    size = SMOKE_BYTES if smoke else TARGET_BYTES
    log(f"extraction: {size / 1e6:g} MB of text, {runs} runs")
    with one_core():
        result = measure(target_bytes=size, runs=runs)
    words = result["words"]
    return [
        Row(
            name=f"Extraction on one core, {result['bytes'] / 1e6:.1f} MB, {number(words)} words",
            unit="words/s",
            samples=[words / seconds for seconds in result["seconds"]],
            baseline_name=result["baseline_name"],
            baseline_samples=[words / seconds for seconds in result["baseline_seconds"]],
            target=Target(">=", 200_000),
        )
    ]


@contextlib.contextmanager
def one_core() -> Iterator[None]:
    """Run the block on a single CPU, so that no library can spread the work over several."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)
