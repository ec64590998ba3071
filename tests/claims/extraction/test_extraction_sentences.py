from claims.extraction.sentences import MAX_SENTENCE, split_sentences


def _texts(text):
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_split_sentences_keeps_clock_times_and_abbreviations():
    text = "At 08:03 Gen. Petrov said fighting began. Dr. Lee disagreed at 17:50 on Oct. 4. It ended."
    assert _texts(text) == [
        "At 08:03 Gen. Petrov said fighting began.",
        "Dr. Lee disagreed at 17:50 on Oct. 4.",
        "It ended.",
    ]


def test_split_sentences_keeps_initials_together():
    assert _texts("J. R. Smith reported it. Then he left.") == ["J. R. Smith reported it.", "Then he left."]


def test_split_sentences_ends_after_a_model_name_with_a_letter():
    assert _texts("It destroyed a TOS-1A. The Ministry said so.") == [
        "It destroyed a TOS-1A.",
        "The Ministry said so.",
    ]


def test_split_sentences_closing_quote_and_non_ascii():
    text = 'He said "the town is ours." \u015e\u00fck\u00fcrb\u0259yli was quiet. Z\u0259ngilan fell.'
    assert _texts(text) == [
        'He said "the town is ours."',
        "\u015e\u00fck\u00fcrb\u0259yli was quiet.",
        "Z\u0259ngilan fell.",
    ]


def test_split_sentences_headings_are_their_own_sentences():
    found = split_sentences("=== 4 October ===\nClashes continued.")
    assert [(s.heading, s.start, s.end) for s in found] == [(True, 0, 17), (False, 18, 36)]


def test_split_sentences_bounds_a_sentence_without_full_stops():
    text = "word " * 100_000
    found = split_sentences(text)
    assert all(s.end - s.start <= MAX_SENTENCE for s in found)
    assert sum(len(text[s.start : s.end].split()) for s in found) == 100_000


def test_split_sentences_empty_and_whitespace():
    assert split_sentences("") == []
    assert split_sentences(" \n\t \n") == []
