"""Pre-tagging: claim type, stance and confidence of stored claims.

The tags come from the extraction engine's own type and stance stages, run
over the stretch of the claim's document that holds the batch's claims plus
the paragraphs before it, so that context (what a denial answers, whom "it"
refers to) counts as it did at extraction, while a batch of a long document
costs only its own stretch. A claim the engine no longer finds at the same
offsets (the text was edited, or the engine changed) is tagged from its
sentence alone.
"""

from collections import defaultdict
from dataclasses import dataclass

from claims.enums import Stance
from claims.extraction import EXTRACTOR_VERSION, ExtractedClaim, Registry, extract
from claims.extraction.classify import classify
from claims.models import Claim, Document

# The tagger is the engine's typing stage, so it is versioned with it.
TAGGER_VERSION = EXTRACTOR_VERSION
# Text read before a batch's first claim: enough for the claims a denial may answer.
CONTEXT_CHARS = 4000


@dataclass(frozen=True)
class Tags:
    stance: str
    claim_type: str
    confidence: float


def tag_claims(claims: list[Claim], registry: Registry) -> dict[int, Tags]:
    """Tags for each claim, by claim id; one engine run per document."""
    by_document: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_document[claim.document_id].append(claim)
    documents = Document.objects.filter(pk__in=by_document).values_list("pk", "text", "published_date")
    tags: dict[int, Tags] = {}
    for document_id, text, published in documents.iterator(chunk_size=20):
        found = _extract_around(text, by_document[document_id], registry, published)
        for claim in by_document[document_id]:
            item = found.get((claim.start, claim.end)) or _from_sentence(claim, registry)
            tags[claim.pk] = _tags(item) if item else _from_quote(claim)
    return tags


def _extract_around(text, claims, registry, published) -> dict[tuple[int, int], ExtractedClaim]:
    """Engine claims by offsets, over the paragraphs that hold `claims` and some before."""
    first = min(c.start for c in claims)
    last = max(c.end for c in claims)
    low = text.rfind("\n", 0, max(0, first - CONTEXT_CHARS)) + 1
    high = text.find("\n", last)
    high = len(text) if high < 0 else high
    found = extract(text[low:high], registry, document_date=published)
    return {(c.start + low, c.end + low): c for c in found}


def _from_sentence(claim: Claim, registry: Registry) -> ExtractedClaim | None:
    offset = claim.sentence.find(claim.quote)
    if offset < 0:
        return None
    for item in extract(claim.sentence, registry):
        if item.start == offset and item.quote == claim.quote:
            return item
    return None


def _tags(item: ExtractedClaim) -> Tags:
    return Tags(stance=item.stance, claim_type=item.claim_type, confidence=item.confidence)


def _from_quote(claim: Claim) -> Tags:
    claim_type, confidence = classify(claim.quote)
    # With no attribution to read a stance from, the weakest reading is kept.
    return Tags(stance=claim.stance or Stance.ASSERT, claim_type=claim_type, confidence=round(confidence * 0.5, 3))
