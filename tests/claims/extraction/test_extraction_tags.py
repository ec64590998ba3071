"""The typing stages alone (pre-tagging) agree with full extraction of the same sentence."""

import pytest

from claims.extraction import extract
from claims.extraction.tags import SentenceTag, quote_tags, sentence_tags

SENTENCES = [
    "The Northland MoD stated that Southland artillery had shelled Velka overnight.",
    "Southland authorities denied that any of their aircraft had been shot down.",
    "According to the Northland army, two soldiers were killed and five wounded near Dorn.",
    "The Northland MoD published footage showing its troops raising a flag over Ostra.",
    "The SDF confirmed that a ceasefire would take effect at midnight, while Norburg rejected the claim.",
    "The Northland MoD said Southland drones had struck a fuel depot in Velka; Southland denied it.",
]


def test_sentences_include_an_answer(registry):
    assert any(claim.responds_to is not None for sentence in SENTENCES for claim in extract(sentence, registry))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentence_tags_match_full_extraction_of_the_sentence(sentence, registry):
    found = extract(sentence, registry)
    tags = sentence_tags(sentence)

    assert found
    for claim in found:
        tag = tags[(claim.start, claim.end)]
        if claim.responds_to is None:
            assert (tag.stance, tag.claim_type, tag.confidence) == (claim.stance, claim.claim_type, claim.confidence)
        else:
            answered = tags[(found[claim.responds_to].start, found[claim.responds_to].end)]
            linked = tag.answering(answered)
            assert (linked.stance, linked.claim_type, linked.confidence) == (
                claim.stance,
                claim.claim_type,
                claim.confidence,
            )


def test_sentence_without_attribution_has_no_tags():
    assert sentence_tags("Fighting continued along the whole front line.") == {}


def test_answering_takes_the_answered_type_at_lower_confidence():
    denial = SentenceTag("deny", "other", 0.5, 0.9)
    answered = SentenceTag("assert", "attack", 0.9, 1.0)

    linked = denial.answering(answered)

    assert (linked.stance, linked.claim_type, linked.type_confidence) == ("deny", "attack", 0.81)
    assert linked.confidence == 0.729
    assert answered.answering(denial) is answered


def test_quote_tags_keep_the_stored_stance_at_half_confidence():
    tag = quote_tags("artillery shelled the village", "deny")

    assert (tag.stance, tag.claim_type, tag.stance_confidence) == ("deny", "attack", 0.5)
    assert quote_tags("artillery shelled the village", "").stance == "assert"
