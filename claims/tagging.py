"""Pre-tagging: claim type, stance and confidence of stored claims.

New claims are born tagged: the extraction pass runs these same stages with
the whole document in view and stores its tags with the claim
(services._claim_row). This module tags claims already stored, in batches:
after a tagger upgrade (`manage.py retag`, the admin action) and for claims
stored without tags (the sweep). The tags come from the extraction engine's own attribution and typing stages
(claims.extraction.tags), run over each claim's sentence once per distinct
sentence in a batch. A denial or confirmation takes the type of the claim it
answers, tagged the same way. A claim the engine no longer finds in its
sentence (the engine changed) is typed from its quote alone and keeps its
stance. Reading one sentence, the tagger cannot see what the extraction pass
saw around it: a denial of "this" that answers the previous sentence's
unattributed narrative, and so has no claim to link to, is typed from its own
words here and from that narrative at extraction.
"""

from typing import NamedTuple

from claims.extraction import EXTRACTOR_VERSION
from claims.extraction.tags import SentenceTag, quote_tags, sentence_tags

# The tagger is the engine's typing stage, so it is versioned with it.
TAGGER_VERSION = EXTRACTOR_VERSION


class ClaimText(NamedTuple):
    """What the tagger reads of a stored claim."""

    sentence: str
    quote: str
    stance: str


class Tags(NamedTuple):
    stance: str
    claim_type: str
    confidence: float


def tag_claims(claims: dict[int, tuple[ClaimText, ClaimText | None]]) -> dict[int, Tags]:
    """Tags by claim id, from {id: (the claim, the claim it answers or None)}."""
    by_sentence: dict[str, dict[tuple[int, int], SentenceTag]] = {}

    def own(claim: ClaimText) -> SentenceTag:
        found = by_sentence.get(claim.sentence)
        if found is None:
            found = by_sentence[claim.sentence] = sentence_tags(claim.sentence)
        start = claim.sentence.find(claim.quote)
        tag = found.get((start, start + len(claim.quote)))
        return tag if tag is not None else quote_tags(claim.quote, claim.stance)

    tags = {}
    for pk, (claim, answered) in claims.items():
        tag = own(claim)
        if answered is not None:
            tag = tag.answering(own(answered))
        tags[pk] = Tags(tag.stance, tag.claim_type, tag.confidence)
    return tags
