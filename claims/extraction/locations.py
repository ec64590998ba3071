"""Place names in a proposition, found by shape rather than by gazetteer.

A place is a run of capitalised words that is not a demonym ("Armenian
positions"), an organisation or unit ("Mountain Rifle Regiment"), a title
("President of X"), a weapon ("a Tochka-U", "with Smerch") or a month.
Runs split at dashes and slashes ("Madagiz–Talış"); district-like suffixes
are dropped ("Goranboy District" -> "Goranboy").
"""

import re

from .lexicon import NOT_NAMES, PLACE_SUFFIXES, SOURCE_WORDS
from .registry import Registry
from .tokens import Token, tokenize

_DEMONYM = re.compile(r"(?:ian|ani|ish|ese|ean)s?$")
_SPLIT = re.compile(r"[–/]")
_NOT_PLACE_WORDS = frozenset(
    """regiment division battalion brigade corps army force forces group statement
    conventions convention council committee ministry mod mofa agency service
    news network union nations organization party command office hero president
    minister mlrs airlines twitter facebook instagram telegram""".split()
)
# Words before a run that make it a thing rather than a place.
_THING_MARKERS = frozenset({"a", "an", "with", "using", "by", "via"})


def find_locations(
    text: str, registry: Registry | None = None, tokens: list[Token] | None = None
) -> tuple[str, ...]:
    """Places named in `text` (or in `tokens`, when the caller has them)."""
    if tokens is None:
        tokens = tokenize(text)
    found: list[str] = []
    i = 0
    while i < len(tokens):
        end = _read_run(tokens, i)
        if end == i:
            i += 1
            continue
        if _is_place(tokens, i, end, registry):
            found.extend(_clean([t.text for t in tokens[i:end]]))
        i = end
    return tuple(dict.fromkeys(found))


def _read_run(tokens: list[Token], k: int) -> int:
    end = k
    while end < len(tokens) and _place_word(tokens[end]):
        end += 1
    return end


def _place_word(token: Token) -> bool:
    text = token.text
    if not text[:1].isupper() or not text[:1].isalpha() or token.lower in NOT_NAMES:
        return False
    if any(ch.isdigit() for ch in text) or re.search(r"-[A-Z]$", text):
        return False
    return not text.endswith(("'s", "’s"))


def _is_place(tokens: list[Token], start: int, end: int, registry: Registry | None) -> bool:
    words = [t.lower for t in tokens[start:end]]
    if any(w in _NOT_PLACE_WORDS or w in SOURCE_WORDS for w in words):
        return False
    if _is_demonym(tokens[start].text, registry):
        return False
    before = tokens[start - 1].lower if start else ""
    if before in _THING_MARKERS:
        return False
    if before == "the" and registry is not None and registry.lookup(" ".join(words)):
        return False  # "the Front": an actor's name, not a place
    if before == "of" and start >= 2 and tokens[start - 2].lower in SOURCE_WORDS:
        return False  # "President of X"
    return not (end < len(tokens) and tokens[end].lower in SOURCE_WORDS)


def _is_demonym(word: str, registry: Registry | None) -> bool:
    if _DEMONYM.search(word.lower()):
        return True
    if registry is None:
        return False
    actor = registry.stem_actor(word)
    return actor is not None and registry.lookup(word) is None


def _clean(words: list[str]) -> list[str]:
    while words and words[-1].lower() in PLACE_SUFFIXES:
        words = words[:-1]
    if not words:
        return []
    return [part for part in _SPLIT.split(" ".join(words)) if part]
