"""The claim record the engine returns."""

from dataclasses import dataclass
from datetime import date

EXTRACTOR_VERSION = "rules-1.4"


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    """One (source, proposition) pair, with offsets into the document text.

    `text[start:end] == quote` and
    `text[sentence_start:sentence_start + len(sentence)] == sentence`.
    """

    index: int
    sentence: str
    sentence_start: int
    quote: str
    start: int
    end: int
    claimant_mention: str | None
    claimant: str | None
    claimant_known: bool
    side: str
    stance: str
    claim_type: str
    event_date: date | None
    time: str | None
    locations: tuple[str, ...]
    responds_to: int | None
    confidence: float
    type_confidence: float
    stance_confidence: float
    version: str = EXTRACTOR_VERSION
