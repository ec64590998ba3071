"""Stage 5: claim type (first matching type in the schema's precedence order)
and the confidence of type and stance.

Words are looked up in sets; the few multi-word patterns run only when one
of their trigger words occurs, which keeps classification to one pass over
the quote's words.
"""

import re

from .lexicon import (
    CIVIL_STRUCTURES,
    CLAIM_TYPES,
    DESTRUCTION_WORDS,
    EQUIPMENT,
    GROUND_WORDS,
    HALT_WORDS,
    HALTS,
    MODAL_CLAUSE,
    MODAL_WORDS,
    TYPE_PHRASES,
    TYPE_PREFIXES,
    TYPE_WORDS,
)

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# The same words in lower-case ASCII text, where a plain range is much cheaper
# for the regex engine than the Unicode categories.
_ASCII_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# ASCII text lowered, with every character but letters and hyphens made a
# space: without hyphens, its words are then just what str.split() gives.
_ASCII_LETTERS = str.maketrans(
    {chr(c): chr(c).lower() if chr(c).isalpha() or chr(c) == "-" else " " for c in range(128)}
)
_WORDS: dict[str, str | None] = {}
_UNSEEN = object()
_MAX_WORDS = 200_000
for _name in reversed(CLAIM_TYPES):  # earlier types win a shared word
    for _word in TYPE_WORDS.get(_name, "").split():
        _WORDS[_word] = _name
_PREFIXES = {p: name for name, words in TYPE_PREFIXES.items() for p in words.split()}
_PREFIX_SIZES = sorted({len(p) for p in _PREFIXES}, reverse=True)
_PHRASES: dict[str, list[tuple[str, re.Pattern]]] = {}
for _name, _triggers, _pattern in TYPE_PHRASES:
    _compiled = re.compile(_pattern, re.IGNORECASE)
    for _trigger in _triggers.split():
        _PHRASES.setdefault(_trigger, []).append((_name, _compiled))
_TRIGGERS = frozenset(_PHRASES)
_ORDER = {name: n for n, name in enumerate(CLAIM_TYPES)}
_TOOK_PLACE = re.compile(r"\b(?:took|take|takes|taking|taken)\s+place\b", re.IGNORECASE)
# A finite verb of something done: a warning that reports it ("warned that rebels
# had shelled X") is about that event, not a threat.
_HAPPENED = re.compile(r"\b(?:had|has|have|was|were)\b|\b[a-z]{3,}ed\b", re.IGNORECASE)
_EQUIPMENT = re.compile(rf"\b(?:{EQUIPMENT}|positions?|posts?|depots?)\b", re.IGNORECASE)
# How sure a stance is, by the shape of the attribution that produced it.
STANCE_CONFIDENCE = {
    "verb": 0.95,
    "according": 0.95,
    "agent": 0.9,
    "opponent": 0.7,
    "context": 0.6,
    "quoted": 0.75,
}
# stance_confidence's values, worked out once (it runs for every claim).
_STANCE_CONFIDENCES = {
    (kind, shared): round(base - (0.1 if shared else 0.0), 2)
    for kind, base in STANCE_CONFIDENCE.items()
    for shared in (False, True)
}


def classify(text: str, *, media: bool = False, warning: bool = False) -> tuple[str, float]:
    """(claim type, confidence) of a proposition.

    A warning ("warned that any attack would be answered", "warned of a
    massacre") is diplomatic unless it reports an event that already happened."""
    if "place" in text and _TOOK_PLACE.search(text):
        text = _TOOK_PLACE.sub("happened", text)  # "clashes took place near X": nothing was taken
    if any(word in text for word in HALT_WORDS):
        text = HALTS.sub("ceasefire", text)  # what a halt stops is not an event of its own
    words = _lower_words(text)
    if warning and "if" in words:
        return "diplomatic", 0.75  # "warned of a massacre if the town fell"
    if not words.isdisjoint(MODAL_WORDS):
        if warning and MODAL_CLAUSE.search(text):
            return "diplomatic", 0.75
        factual = MODAL_CLAUSE.sub(" ", text)
        factual_words = _lower_words(factual)
        hits = _types(factual, factual_words)
        if not hits and _types(text, words):
            return "diplomatic", 0.6  # events only in what someone would do
    else:
        hits = _types(text, words)
    if hits and hits[0] == "materiel" and _civil_damage(text, words):
        hits = sorted({*hits[1:], "attack"}, key=_ORDER.__getitem__)
    if media and "diplomatic" in hits and "territorial" not in hits:
        # footage of troops deployed somewhere shows who holds it; it announces nothing
        hits = sorted({*hits, "territorial"} - {"diplomatic"}, key=_ORDER.__getitem__)
    if warning and not (hits and _HAPPENED.search(text)):
        return "diplomatic", 0.75  # a threat of what is to come
    if hits:
        return hits[0], 0.9 if len(hits) == 1 else 0.75
    if media and _shows_ground(text, words):
        return "territorial", 0.6  # footage of forces or places with no event word shows who holds them
    if "if" in words and not words.isdisjoint(MODAL_WORDS):
        return "diplomatic", 0.6  # a condition and what would follow: a warning
    return "other", 0.5


def _shows_ground(text: str, words: set[str]) -> bool:
    """Footage of forces or places ("Northern troops in Kolno", "Kolno and
    Tarnow"), not of a ship burning or of a meeting."""
    if not words.isdisjoint(GROUND_WORDS):
        return True
    names = text.replace(",", " ").split()
    return all(word[:1].isupper() or word in ("and", "of", "the") for word in names)


def _civil_damage(text: str, words: set[str]) -> bool:
    """Buildings destroyed, no equipment named: the damage of an attack."""
    if words.isdisjoint(DESTRUCTION_WORDS) or words.isdisjoint(CIVIL_STRUCTURES):
        return False
    return _EQUIPMENT.search(text) is None


def _lower_words(text: str) -> set[str]:
    """The words of `text` lower-cased: _WORD's matches in text.lower()."""
    if not text.isascii():
        return set(_WORD.findall(text.lower()))
    letters = text.translate(_ASCII_LETTERS)
    if "-" in letters:
        return set(_ASCII_WORD.findall(letters))
    return set(letters.split())


def _types(text: str, words: set[str]) -> list[str]:
    # Nearly every word has been seen before; a marker shows the rest, which
    # are then typed (and remembered) by the slower way round.
    found = {_WORDS.get(word, _UNSEEN) for word in words}
    if _UNSEEN in found:
        found = {_word_type(word) for word in words}
    found.discard(None)
    for word in words & _TRIGGERS:
        for name, pattern in _PHRASES[word]:
            if name in found or (len(found) > 1 and _ORDER[name] > min(map(_ORDER.__getitem__, found))):
                continue  # with two types found, a later one changes neither the first nor the count
            if pattern.search(text):
                found.add(name)
    if len(found) < 2:
        return list(found)
    return sorted(found, key=_ORDER.__getitem__)


def _word_type(word: str) -> str | None:
    name = _WORDS.get(word, _UNSEEN)
    if name is _UNSEEN:
        name = _prefix_type(word)
        if len(_WORDS) < _MAX_WORDS:
            _WORDS[word] = name  # remember the verdict for this word
    return name


def _prefix_type(word: str) -> str | None:
    if len(word) < _PREFIX_SIZES[-1]:
        return None
    for size in _PREFIX_SIZES:
        if len(word) >= size:
            name = _PREFIXES.get(word[:size])
            if name is not None:
                return name
    return None


def stance_confidence(kind: str, shared: bool) -> float:
    found = _STANCE_CONFIDENCES.get((kind, shared))
    if found is not None:
        return found
    base = STANCE_CONFIDENCE.get(kind, 0.8)
    return round(base - (0.1 if shared else 0.0), 2)
