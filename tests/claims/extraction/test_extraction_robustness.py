"""Bad input: the engine must neither fail nor slow down beyond linear time."""

import time
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extraction import extract, normalize_text

REPORT = "At 10:00, the SDF stated that Northland forces had shelled Velka; Northland issued a denial. "


def _assert_offsets(text, claims):
    for claim in claims:
        assert text[claim.start : claim.end] == claim.quote
        assert text[claim.sentence_start : claim.sentence_start + len(claim.sentence)] == claim.sentence
        assert claim.sentence_start <= claim.start <= claim.end <= claim.sentence_start + len(claim.sentence)
        assert 0.0 <= claim.confidence <= 1.0


def test_extract_empty_and_whitespace(registry):
    assert extract("", registry) == []
    assert extract("   \n\t  \n", registry) == []


def test_extract_nul_bytes_and_binary_junk(registry):
    raw = bytes(range(256)) * 200 + REPORT.encode() + b"\x00\x00"
    text = normalize_text(raw).text
    claims = extract(text, registry)
    _assert_offsets(text, claims)
    assert [c.claimant for c in claims] == ["Southland Defence Forces", "Northland government"]


def test_extract_invalid_utf8_is_decoded_with_replacement(registry):
    normalized = normalize_text(b"\xff\xfe\xfa " + REPORT.encode())
    assert normalized.invalid_utf8 is True
    claims = extract(normalized.text, registry)
    assert [c.quote for c in claims] == ["Northland forces had shelled Velka", "Northland issued a denial"]


def test_extract_html_document(registry):
    raw = f"<html><body><h2>3 May</h2><p>{REPORT}</p><p>&copy; News</p></body></html>"
    normalized = normalize_text(raw)
    claims = extract(normalized.text, registry, document_date=date(2031, 5, 1))
    _assert_offsets(normalized.text, claims)
    assert [(c.stance, c.event_date) for c in claims] == [("assert", date(2031, 5, 3)), ("deny", date(2031, 5, 3))]


def test_extract_windows_line_endings(registry):
    text = normalize_text(("=== 3 May 2031 ===\r\n" + REPORT + "\r\n").encode()).text
    claims = extract(text, registry)
    assert [c.event_date for c in claims] == [date(2031, 5, 3), date(2031, 5, 3)]


def test_extract_huge_sentence_without_full_stop(registry):
    text = ("the SDF said that Northland forces shelled Velka and " * 2000)[:100_000]
    start = time.perf_counter()
    claims = extract(text, registry)
    assert time.perf_counter() - start < 10
    _assert_offsets(text, claims)
    assert len(claims) > 100


def test_extract_twenty_megabytes(registry):
    filler = "Clashes continued along the line of contact while residents sheltered in basements. " * 40
    text = (filler + REPORT + "\n") * (20_000_000 // (len(filler) + len(REPORT) + 1) + 1)
    start = time.perf_counter()
    claims = extract(text, registry)
    assert time.perf_counter() - start < 120
    assert len(text) >= 20_000_000
    assert len(claims) == 2 * text.count(REPORT)


ADVERSARIAL = st.sampled_from(
    [
        "said that ",
        "stated that it ",
        "according to ",
        "issued a denial, ",
        "released footage showing ",
        "allegedly ",
        "Both sides accused each other of ",
        "the SDF ",
        "Northland ",
        '"',
        "\u201c",
        "'",
        ".",
        "...",
        ";",
        ", ",
        "(",
        ")",
        "=== ",
        "\n",
        "10:00 ",
        "On May 3 ",
        "the following day ",
        "ABC ",
        "\u015e\u00fck\u00fcrb\u0259yli ",
        "-",
        "and ",
        " ",
    ]
)


# Attributed sentences built from parts whose claim is known: (source,
# claimant), cue, proposition. Each opens its own line, so that whatever
# junk follows cannot change it.
SOURCES = st.sampled_from(
    [
        ("The SDF", "Southland Defence Forces"),
        ("Northland", "Northland government"),
        ("The Red Cross", "Red Cross"),
        ("Brandt", "President of Northland"),
        ("A spokesman for the Northland MoD", "Northland Ministry of Defence"),
    ]
)
CUES = st.sampled_from(["said that", "stated that", "claimed that", "reported that", "announced that"])
PROPOSITIONS = st.sampled_from(
    [
        "Northland forces shelled Velka",
        "two drones were shot down near Dorn",
        "\u015e\u00fck\u00fcrb\u0259yli was taken at 10:00",
        "the ceasefire held overnight",
        "three soldiers were killed",
    ]
)


@st.composite
def reports(draw):
    """(text, [(claimant, quote)] of its attributed lines), junk in between."""
    lines, expected = [], []
    for _ in range(draw(st.integers(1, 4))):
        (mention, claimant), cue, proposition = draw(SOURCES), draw(CUES), draw(PROPOSITIONS)
        lines.append(f"{mention} {cue} {proposition}.")
        expected.append((claimant, proposition))
        lines.append("".join(draw(st.lists(ADVERSARIAL, max_size=60))).replace("\n", " "))
    return "\n".join(lines), expected


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_extract_attributions_among_adversarial_fragments_keep_valid_offsets(registry, report):
    text, expected = report
    claims = extract(text, registry)
    _assert_offsets(text, claims)
    found = {(claim.claimant, claim.quote) for claim in claims}
    assert set(expected) <= found  # the offsets above were checked on these claims at least


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ADVERSARIAL, max_size=200))
def test_extract_adversarial_fragments_terminate_with_valid_offsets(registry, parts):
    text = "".join(parts)
    _assert_offsets(text, extract(text, registry))


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_extract_random_text_terminates_with_valid_offsets(registry, text):
    _assert_offsets(text, extract(text, registry))


@settings(max_examples=20, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["said that ", ".", '"', "A", "!?", "\u2014", "(", "and "]), st.integers(1_000, 30_000))
def test_extract_long_runs_stay_fast(registry, unit, count):
    text = unit * (count // len(unit))
    _assert_offsets(text, extract(text, registry))
