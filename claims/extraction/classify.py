"""Stage 5: claim type (first matching type in the schema's precedence order)
and the confidence of type and stance.

Words are looked up in sets; the few multi-word patterns run only when one
of their trigger words occurs, which keeps classification to one pass over
the quote's words.
"""

import re

from .lexicon import CLAIM_TYPES, MODAL_CLAUSE, MODAL_WORDS, TYPE_PHRASES, TYPE_PREFIXES, TYPE_WORDS

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
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
# How sure a stance is, by the shape of the attribution that produced it.
STANCE_CONFIDENCE = {
    "verb": 0.95,
    "according": 0.95,
    "agent": 0.9,
    "opponent": 0.7,
    "context": 0.6,
}


def classify(text: str, *, media: bool = False, warning: bool = False) -> tuple[str, float]:
    """(claim type, confidence) of a proposition.

    A warning ("warned that any attack would be answered") is diplomatic
    unless it reports an event that already happened."""
    words = set(_WORD.findall(text.lower()))
    if not words.isdisjoint(MODAL_WORDS):
        if warning and MODAL_CLAUSE.search(text):
            return "diplomatic", 0.75
        factual = MODAL_CLAUSE.sub(" ", text)
        factual_words = set(_WORD.findall(factual.lower()))
        hits = _types(factual, factual_words)
        if not hits and _types(text, words):
            return "diplomatic", 0.6  # events only in what someone would do
    else:
        hits = _types(text, words)
    if hits:
        return hits[0], 0.9 if len(hits) == 1 else 0.75
    if media:
        return "territorial", 0.6  # footage with no event word shows who holds a place
    return "other", 0.5


def _types(text: str, words: set[str]) -> list[str]:
    found = set()
    for word in words:
        name = _WORDS.get(word, _UNSEEN)
        if name is _UNSEEN:
            name = _prefix_type(word)
            if len(_WORDS) < _MAX_WORDS:
                _WORDS[word] = name  # remember the verdict for this word
        if name is not None:
            found.add(name)
    for word in words & _TRIGGERS:
        for name, pattern in _PHRASES[word]:
            if name in found or (len(found) > 1 and _ORDER[name] > min(map(_ORDER.__getitem__, found))):
                continue  # with two types found, a later one changes neither the first nor the count
            if pattern.search(text):
                found.add(name)
    return sorted(found, key=_ORDER.__getitem__)


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
    base = STANCE_CONFIDENCE.get(kind, 0.8)
    return round(base - (0.1 if shared else 0.0), 2)
