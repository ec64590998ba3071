"""Pre-tagging: claim type, stance and confidence of stored claims.

The tags come from the extraction engine's own type and stance stages, run
over each claim's sentence (once per distinct sentence in a batch). A denial
or confirmation takes the type of the claim it answers, tagged the same way.
A claim the engine no longer finds in its sentence (the engine changed) is
typed from its quote alone and keeps its stance.
"""

from dataclasses import dataclass

from claims.enums import Stance
from claims.extraction import EXTRACTOR_VERSION, ExtractedClaim, Registry, extract
from claims.extraction.classify import classify
from claims.models import Claim

# The tagger is the engine's typing stage, so it is versioned with it.
TAGGER_VERSION = EXTRACTOR_VERSION


@dataclass(frozen=True)
class Tags:
    stance: str
    claim_type: str
    confidence: float


def tag_claims(claims: list[Claim], registry: Registry) -> dict[int, Tags]:
    """Tags for each claim, by claim id."""
    by_sentence: dict[str, dict[tuple[int, str], ExtractedClaim]] = {}

    def own(claim) -> Tags:
        if claim.sentence not in by_sentence:
            by_sentence[claim.sentence] = {(c.start, c.quote): c for c in extract(claim.sentence, registry)}
        found = by_sentence[claim.sentence].get((claim.sentence.find(claim.quote), claim.quote))
        return _tags(found) if found else _from_quote(claim)

    tags = {}
    for claim in claims:
        mine = own(claim)
        answered = claim.responds_to
        if mine.stance != Stance.ASSERT and answered is not None:
            mine = Tags(mine.stance, own(answered).claim_type, mine.confidence)
        tags[claim.pk] = mine
    return tags


def _tags(item: ExtractedClaim) -> Tags:
    return Tags(stance=item.stance, claim_type=item.claim_type, confidence=item.confidence)


def _from_quote(claim: Claim) -> Tags:
    claim_type, confidence = classify(claim.quote)
    # With no attribution to read a stance from, the weakest reading is kept.
    return Tags(stance=claim.stance or Stance.ASSERT, claim_type=claim_type, confidence=round(confidence * 0.5, 3))
