"""The typing stages alone (pre-tagging) agree with full extraction of the same sentence."""

import pytest

from claims.extraction import extract
from claims.extraction.calibration import calibrated
from claims.extraction.tags import SentenceTag, quote_tags, sentence_tags

# Each sentence with the (quote, stance, type) that full extraction gives its
# claims; the typing stages alone must give the same tags, at the same confidence.
EXTRACTED = [
    (
        "The Northland MoD stated that Southland artillery had shelled Velka overnight.",
        [("Southland artillery had shelled Velka overnight", "assert", "attack")],
    ),
    (
        "Southland authorities denied that any of their aircraft had been shot down.",
        [("Southland authorities denied that any of their aircraft had been shot down", "deny", "materiel")],
    ),
    (
        "According to the Northland army, two soldiers were killed and five wounded near Dorn.",
        [("two soldiers were killed and five wounded near Dorn", "assert", "casualties")],
    ),
    (
        "The Northland MoD published footage showing its troops raising a flag over Ostra.",
        [("its troops raising a flag over Ostra", "assert", "territorial")],
    ),
    (
        "The SDF confirmed that a ceasefire would take effect at midnight, while Norburg rejected the claim.",
        [
            ("The SDF confirmed that a ceasefire would take effect at midnight", "confirm", "ceasefire"),
            ("Norburg rejected the claim", "deny", "other"),
        ],
    ),
]
ANSWERED = "The Northland MoD said Southland drones had struck a fuel depot in Velka; Southland denied it."


def _tags(claim, tags):
    tag = tags[(claim.start, claim.end)]
    return (claim.quote, tag.stance, tag.claim_type)


@pytest.mark.parametrize(("sentence", "expected"), EXTRACTED)
def test_sentence_tags_match_full_extraction_of_the_sentence(sentence, expected, registry):
    found = extract(sentence, registry)
    tags = sentence_tags(sentence)

    assert [(c.quote, c.stance, c.claim_type) for c in found] == expected
    assert [_tags(claim, tags) for claim in found] == expected
    assert [tags[(c.start, c.end)].confidence for c in found] == [c.confidence for c in found]


def test_sentence_tags_of_an_answer_take_the_answered_type_as_extraction_does(registry):
    claim, denial = extract(ANSWERED, registry)
    tags = sentence_tags(ANSWERED)

    assert (denial.stance, denial.claim_type, denial.responds_to) == ("deny", "attack", 0)
    assert _tags(denial, tags) == ("Southland denied it", "deny", "other")  # alone, typed by its own words
    linked = tags[(denial.start, denial.end)].answering(tags[(claim.start, claim.end)])
    assert (linked.stance, linked.claim_type, linked.confidence) == ("deny", "attack", denial.confidence)


def test_sentence_without_attribution_has_no_tags():
    assert sentence_tags("Fighting continued along the whole front line.") == {}


def test_answering_takes_the_answered_type_at_lower_confidence():
    denial = SentenceTag("deny", "other", 0.5, 0.9)
    answered = SentenceTag("assert", "attack", 0.9, 1.0)

    linked = denial.answering(answered)

    assert (linked.stance, linked.claim_type, linked.type_confidence) == ("deny", "attack", 0.81)
    assert linked.confidence == calibrated(0.81, 0.9, "deny", "attack")  # the calibration of its own signals
    assert answered.answering(denial) is answered


def test_quote_tags_keep_the_stored_stance_at_half_confidence():
    tag = quote_tags("artillery shelled the village", "deny")

    assert (tag.stance, tag.claim_type, tag.stance_confidence) == ("deny", "attack", 0.5)
    assert quote_tags("artillery shelled the village", "").stance == "assert"
