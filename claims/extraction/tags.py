"""The engine's typing stages on their own: type, stance and confidence of a claim.

Pre-tagging stored claims needs neither claimants, dates, places nor links:
only the attribution a claim's quote comes from (its stance and how it was
found) and the content's type. `sentence_tags` runs just those stages over one
sentence, about half the cost of extracting it again, and gives the values
`extract` gives a claim of that sentence when read alone.
"""

from dataclasses import dataclass

from .attributions import analyse
from .calibration import calibrated
from .classify import classify, stance_confidence
from .cues import ASSERT

# A denial or confirmation of a known claim is about the same kind of event,
# a little less surely than the claim itself (the engine's linking stage).
ANSWER_CONFIDENCE = 0.9


@dataclass(frozen=True, slots=True)
class SentenceTag:
    stance: str
    claim_type: str
    type_confidence: float
    stance_confidence: float

    @property
    def confidence(self) -> float:
        return calibrated(self.type_confidence, self.stance_confidence, self.stance, self.claim_type)

    def answering(self, answered: "SentenceTag") -> "SentenceTag":
        """The tags of a denial or confirmation of `answered`: its type, this stance."""
        if self.stance == ASSERT:
            return self
        type_confidence = round(ANSWER_CONFIDENCE * answered.type_confidence, 3)
        return SentenceTag(self.stance, answered.claim_type, type_confidence, self.stance_confidence)


def sentence_tags(sentence: str) -> dict[tuple[int, int], SentenceTag]:
    """Tags of each claim the engine can find in `sentence`, by the quote's (start, end)."""
    attributions, _ = analyse(sentence)
    tags = {}
    for attribution in attributions:
        content = sentence[attribution.content_start : attribution.content_end]
        if attribution.stance == ASSERT:
            claim_type, type_confidence = classify(content, media=attribution.media, warning=attribution.stem == "warn")
        else:  # typed as an event of its own until it is known what it answers
            claim_type, type_confidence = classify(content)
        stance = stance_confidence(attribution.kind, attribution.shared)
        tags[attribution.quote] = SentenceTag(attribution.stance, claim_type, type_confidence, stance)
    return tags


def quote_tags(quote: str, stance: str) -> SentenceTag:
    """Tags from the quote alone, for a claim the engine no longer finds in its sentence.

    With no attribution to read a stance from, the stored stance (or a plain
    assertion) is kept, at half the confidence.
    """
    claim_type, type_confidence = classify(quote)
    return SentenceTag(stance or ASSERT, claim_type, type_confidence, 0.5)
