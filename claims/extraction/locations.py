"""Place names in a proposition, found by shape rather than by gazetteer.

A place is a run of capitalised words that is not a demonym ("Southern
positions"), an organisation or unit ("Mountain Rifle Regiment"), a title
("President of X"), a weapon ("a Scud-B", "with rockets") or a month.
Runs split at en dashes and slashes ("Dorn/Velka"); district-like suffixes
are dropped ("Ostra District" -> "Ostra").
"""

import re

from .lexicon import ADVERBS, NOT_NAMES, PLACE_SUFFIXES, SOURCE_WORDS, TYPE_WORDS, words
from .registry import Registry
from .tokens import LOWER, START, TEXT, Token, tokenize

_DEMONYM_ENDINGS = ("ian", "ani", "ish", "ese", "ean", "ians", "anis", "eans")
_SPLIT = re.compile(r"[\u2013/]")
# Letters only, parts joined by dashes or slashes; no single-letter parts as in "Scud-B".
_NAME_SHAPE = re.compile(r"[^\W\d_]{2,}(?:[-\u2013/'\u2019.][^\W\d_]{2,})*")
_NOT_PLACE_WORDS = frozenset(
    words(
        """
        regiment division battalion brigade corps army force forces group statement
        conventions convention council committee ministry mod mofa agency service news
        network union nations organization party command office hero president minister
        mlrs airlines twitter facebook instagram telegram
        """
    )
)
_NOT_PLACE = _NOT_PLACE_WORDS | SOURCE_WORDS
# "Southland artillery": a name used as an adjective for a side's means.
_MILITARY_NOUNS = frozenset(
    words(
        """
        artillery drones drone aircraft jets jet planes helicopters tanks tank missiles
        missile rockets rocket positions position units vehicles convoy airspace navy
        air border
        """
    )
)
# Capitalised only because they open the sentence: "Fighting raged in X".
_OPENING_WORDS = (
    frozenset(
        " ".join(TYPE_WORDS.values()).split()
        + words(
            """
        heavy fierce intense sporadic renewed fresh new further more most many much some
        several few no civilian military enemy rebel government artillery sirens smoke
        fire explosions blasts casualties losses air ground sea naval overnight
        """
        )
    )
    | ADVERBS
)
_OPENING_SUFFIXES = ("ing", "ly")
# Verdicts of _place_word by spelling: names recur throughout a document.
_SHAPES: dict[str, bool] = {}
# Words before a run that make it a thing rather than a place.
_THING_MARKERS = frozenset({"a", "an", "with", "using", "by", "via"})


def find_locations(text: str, registry: Registry | None = None, tokens: list[Token] | None = None) -> tuple[str, ...]:
    """Places named in `text` (or in `tokens`, when the caller has them)."""
    if tokens is None:
        tokens = tokenize(text)
    found: list[str] = []
    for start, end in _runs(tokens):
        if _is_place(tokens, start, end, registry):
            found.extend(_clean([t[TEXT] for t in tokens[start:end]]))
    if len(found) < 2:  # most contents: nothing to deduplicate
        return tuple(found)
    return tuple(dict.fromkeys(found))


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """(start, end) of each run of name-shaped tokens."""
    # A first letter that changes when lowered is a capital. Capitals are
    # few, so they are picked out first and only they are looked at after.
    capitals = [k for k, token in enumerate(tokens) if token[TEXT][0] != token[LOWER][0]]
    runs: list[tuple[int, int]] = []
    start = end = -1
    for k in capitals:
        if not _place_word(tokens[k]):
            continue
        if k != end:  # a gap since the current run: it has ended
            if start >= 0:
                runs.append((start, end))
            start = k
        end = k + 1
    if start >= 0:
        runs.append((start, end))
    return runs


def _place_word(token: Token) -> bool:
    word = token[TEXT]
    found = _SHAPES.get(word)
    if found is None:
        found = token[LOWER] not in NOT_NAMES and _NAME_SHAPE.fullmatch(word) is not None
        if len(_SHAPES) < 100_000:
            _SHAPES[word] = found
    return found


def _is_place(tokens: list[Token], start: int, end: int, registry: Registry | None) -> bool:
    words = [t[LOWER] for t in tokens[start:end]]
    if not _NOT_PLACE.isdisjoint(words):
        return False
    if end - start == 1:
        if tokens[start][START] == 0 and _opening_word(words[0]):
            return False
        if registry is not None and tokens[start][TEXT].isupper() and registry.lookup(words[0]):
            return False  # an actor's acronym: "(DAF)"
    if _is_demonym(tokens[start][TEXT], registry):
        return False
    before = tokens[start - 1][LOWER] if start else ""
    if before in _THING_MARKERS:
        return False
    if before == "the" and registry is not None and registry.lookup(" ".join(words)):
        return False  # "the Front": an actor's name, not a place
    if before == "of" and start >= 2 and tokens[start - 2][LOWER] in SOURCE_WORDS:
        return False  # "President of X"
    following = tokens[end][LOWER] if end < len(tokens) else ""
    return following not in SOURCE_WORDS and following not in _MILITARY_NOUNS


def _opening_word(lower: str) -> bool:
    return lower in _OPENING_WORDS or lower.endswith(_OPENING_SUFFIXES)


def _is_demonym(word: str, registry: Registry | None) -> bool:
    lower = word.lower()
    if lower.endswith(_DEMONYM_ENDINGS):
        return True
    if registry is None or registry.word_actor(lower) is None:
        return False
    return registry.lookup(word) is None  # "Northlandic" is a demonym, "Northland" a place


def _clean(words: list[str]) -> list[str]:
    while words and words[-1].lower() in PLACE_SUFFIXES:
        words = words[:-1]
    if not words:
        return []
    name = " ".join(words)
    if "\u2013" not in name and "/" not in name:  # nearly always: one place
        return [name]
    return [part for part in _SPLIT.split(name) if part]
