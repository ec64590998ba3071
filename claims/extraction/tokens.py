"""Word tokens with offsets, and the noun-phrase walks built on them.

A source's name is found by walking from a cue verb over the words that can
make up a name (capitalised words, determiners, words such as "ministry" or
"correspondent") until a clause word or punctuation stops the walk.
"""

import re
from .lexicon import CLAUSE_WORDS, NOT_NAMES, NP_FUNCTION, PRONOUNS, SOURCE_WORDS

_TOKEN = re.compile(r"\w+(?:[-–/.:'’]\w+)*|[^\w\s]")
MAX_NP = 16
_QUOTE_MARKS = "\"“”"


class Token:
    """A word or punctuation mark with its offsets in the sentence."""

    __slots__ = ("start", "end", "text", "lower")

    def __init__(self, start: int, end: int, text: str, lower: str):
        self.start, self.end, self.text, self.lower = start, end, text, lower

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r})"

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


def tokenize(text: str) -> list[Token]:
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lowered
        return [Token(m.start(), m.end(), m.group(), m.group().lower()) for m in _TOKEN.finditer(text)]
    return [Token(m.start(), m.end(), m.group(), low[m.start() : m.end()]) for m in _TOKEN.finditer(text)]


def is_name_word(token: Token) -> bool:
    """A capitalised word that is not a function word, month or the like."""
    return token.capitalized and token.is_word and token.lower not in NOT_NAMES


def np_word(token: Token) -> bool:
    if token.lower in CLAUSE_WORDS:
        return False
    if token.lower in NP_FUNCTION or token.lower in SOURCE_WORDS:
        return True
    if token.text[:1].isdigit():
        return False
    return is_name_word(token) or _name_part(token)


def _name_part(token: Token) -> bool:
    # "MoD-related", "pro-government": hyphenated words with a capital inside.
    return "-" in token.text and any(part[:1].isupper() for part in token.text.split("-"))


def walk_np_left(tokens: list[Token], j: int) -> int:
    """Index of the first token of the phrase ending at tokens[j], or j + 1."""
    if j < 0:
        return j + 1
    if tokens[j].lower in PRONOUNS:
        return j
    i = j
    while i >= 0 and j - i < MAX_NP:
        token = tokens[i]
        if token.text == ")" or (token.text in _QUOTE_MARKS and i < j):
            opener = _matching_open(tokens, i)
            if opener < 0:
                break
            i = opener - 1
            continue
        if not np_word(token) or (token.lower == "and" and not _joins(tokens, i)):
            break
        i -= 1
    return _trim_left(tokens, i + 1, j)


def _joins(tokens: list[Token], i: int) -> bool:
    """Whether the "and" at i joins two names ("Armenia and Azerbaijan")."""
    if i == 0 or i + 1 >= len(tokens):
        return False
    left, right = tokens[i - 1], tokens[i + 1]
    if right.lower in ("its", "their", "his", "her"):
        return False
    return left.lower in SOURCE_WORDS or is_name_word(left)


def walk_np_right(tokens: list[Token], i: int, limit: int) -> int:
    """Index one past the last token of the phrase starting at tokens[i]."""
    j = i
    while j < limit and j - i < MAX_NP:
        token = tokens[j]
        if token.text == "(":
            closer = _matching_close(tokens, j, limit)
            if closer < 0:
                break
            j = closer + 1
            continue
        if token.text == '"' or not np_word(token):
            break
        j += 1
    return _trim_right(tokens, i, j)


def _trim_left(tokens: list[Token], i: int, j: int) -> int:
    # Drop leading connectives and prepositions that the walk swept in.
    while i <= j and tokens[i].lower in ("and", "of", "for", "at", "in", "on", "from", "&"):
        i += 1
    return i


def _trim_right(tokens: list[Token], i: int, j: int) -> int:
    keep = ("the", "a", "an", "both", "its", "their", "his", "her")
    while j > i and tokens[j - 1].lower in NP_FUNCTION and tokens[j - 1].lower not in keep:
        j -= 1
    while j > i and tokens[j - 1].lower in keep:
        j -= 1
    return j


def _matching_open(tokens: list[Token], i: int) -> int:
    """Index of the "(" or opening quote that pairs with tokens[i]."""
    wanted = "(" if tokens[i].text == ")" else _QUOTE_MARKS
    for k in range(i - 1, max(-1, i - 8), -1):
        if tokens[k].text in wanted:
            return k
        if not tokens[k].is_word:
            return -1
    return -1


def _matching_close(tokens: list[Token], i: int, limit: int) -> int:
    for k in range(i + 1, min(limit, i + 8)):
        if tokens[k].text == ")":
            return k
        if not tokens[k].is_word:
            return -1
    return -1


def has_content_word(tokens: list[Token], i: int, j: int) -> bool:
    """True when tokens[i:j] hold a name or a word that can head a source."""
    for token in tokens[i:j]:
        if token.lower in SOURCE_WORDS or is_name_word(token) or _name_part(token):
            return True
        if token.lower in PRONOUNS:
            return True
    return False
