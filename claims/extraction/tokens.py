"""Word tokens with offsets, and the noun-phrase walks built on them.

A source's name is found by walking from a cue verb over the words that can
make up a name (capitalised words, determiners, words such as "ministry" or
"correspondent") until a clause word or punctuation stops the walk.
"""

import re
from itertools import accumulate

from .lexicon import (
    ADVERBS,
    ASSERT_VERBS,
    AUXILIARIES,
    CLAUSE_WORDS,
    CONFIRM_VERBS,
    DENY_VERBS,
    NOT_NAMES,
    NP_FUNCTION,
    PRONOUNS,
    SOURCE_WORDS,
)

_TOKEN = re.compile(r"\w+(?:[-\u2013/.:'\u2019]\w+)*|[^\w\s]")
# The same pattern captured: split() then alternates whitespace gaps and
# tokens, all built in C, and the running sum of their lengths gives offsets.
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
# The same for ASCII text (the other joiners are not ASCII), where plain ranges
# are cheaper for the regex engine than Unicode categories.
_ASCII_TOKEN_SPLIT = re.compile(r"([A-Za-z0-9_]+(?:[-/.:'][A-Za-z0-9_]+)*|[^A-Za-z0-9_\s])")
# The one character str.lower() maps by context (final sigma): where it occurs
# a token lowered on its own may differ from the same span of the lowered text.
_CONTEXT_LOWER = "\u03a3"
MAX_NP = 16
_NP_WORDS = (NP_FUNCTION | SOURCE_WORDS) - CLAUSE_WORDS
_QUOTE_MARKS = '"\u201c\u201d'
_MAX_MODIFIERS = 3
_POSSESSIVE = ("'s", "\u2019s")
_ARTICLES = frozenset({"the", "a", "an"})
_PLACE_JOINERS = frozenset({"the", "of"})  # "the envoy at the Concord of Nations"
PREPOSITION_WORDS = frozenset(["from", "in", "at", "on", "for", "to", "with", "by", "near", "into", "of"])
_CLAUSE_PUNCTUATION = frozenset({",", ";", ":", "(", '"', "\u201c"})
# Lower-case words that never modify a source's head.
_NOT_MODIFIERS = (
    CLAUSE_WORDS
    | NP_FUNCTION
    | NOT_NAMES
    | PRONOUNS
    | AUXILIARIES
    | ADVERBS
    | frozenset(form for verbs in (ASSERT_VERBS, DENY_VERBS, CONFIRM_VERBS) for f in verbs.values() for form in f)
    | frozenset({"to", "by", "into", "near", "over", "than", "not", "no", "said"})
)


# A token is a plain tuple (start, end, text, lower): cheap to build by the
# hundred thousand. These name its fields.
START, END, TEXT, LOWER = 0, 1, 2, 3
Token = tuple[int, int, str, str]


def capitalized(token: Token) -> bool:
    return token[TEXT][:1].isupper()


def is_word(token: Token) -> bool:
    return token[TEXT][:1].isalnum()


def tokenize(text: str, low: str | None = None) -> list[Token]:
    """Tokens of `text`; `low` is text.lower() when the caller has it.

    A token's lower case is the token lowered on its own, which is its span
    of text.lower() except around a capital sigma (see _CONTEXT_LOWER); only
    then, and only when lowering keeps every offset, is the span sliced."""
    # Every non-space character belongs to a token, so the parts alternate
    # gap, token, gap, ..., gap, and the gaps are whitespace only.
    parts = (_ASCII_TOKEN_SPLIT if text.isascii() else _TOKEN_SPLIT).split(text)
    words = parts[1::2]
    if _CONTEXT_LOWER in text:
        if low is None:
            low = text.lower()
        if len(low) == len(text):
            bounds = list(accumulate(map(len, parts)))
            starts, ends = bounds[0:-1:2], bounds[1::2]
            lows = map(low.__getitem__, map(slice, starts, ends))
            return list(zip(starts, ends, words, lows, strict=True))
    # The running lengths are each token's start then its end, in turn: zip
    # takes them two at a time from the one iterator (whose last value, the
    # end of the text, is left over: hence not strict).
    bounds = accumulate(map(len, parts))
    return list(zip(bounds, bounds, words, map(str.lower, words), strict=False))


def is_name_word(token: Token) -> bool:
    """A capitalised word that is not a function word, month or the like."""
    return capitalized(token) and is_word(token) and token[LOWER] not in NOT_NAMES


def np_word(token: Token) -> bool:
    lower = token[LOWER]
    if lower in _NP_WORDS or (lower.endswith(_POSSESSIVE) and lower[:-2] in _NP_WORDS):
        return True  # "the ministry's spokesman"
    if lower in CLAUSE_WORDS:
        return False
    first = token[TEXT][0]
    if first == lower[0]:  # not a capital: only hyphenated names qualify
        return "-" in lower and _name_part(token)
    return first.isalpha() and lower not in NOT_NAMES


def _name_part(token: Token) -> bool:
    # "MoD-related", "pro-government": hyphenated words with a capital inside.
    return "-" in token[TEXT] and any(part[:1].isupper() for part in token[TEXT].split("-"))


def walk_np_left(tokens: list[Token], j: int) -> int:
    """Index of the first token of the phrase ending at tokens[j], or j + 1."""
    if j < 0:
        return j + 1
    if tokens[j][LOWER] in PRONOUNS:
        return j
    i = j
    while i >= 0 and j - i < MAX_NP:
        token = tokens[i]
        if token[TEXT] == ")" or (token[TEXT] in _QUOTE_MARKS and i < j):
            opener = _matching_open(tokens, i)
            if opener < 0:
                break
            i = opener - 1
            continue
        if _plural_possessive(tokens, i):
            i -= 1  # "the rebels' navy"
            continue
        if not np_word(token) or (token[LOWER] == "and" and not _joins(tokens, i)):
            anchor = _placed_from(tokens, i, j)
            if anchor is None:
                anchor = _modified_from(tokens, i, j)
            if anchor is None:
                break
            i = anchor
            continue
        i -= 1
    return _trim_left(tokens, i + 1, j)


def _plural_possessive(tokens: list[Token], i: int) -> bool:
    """The apostrophe of "the rebels' navy", between a plural and its noun."""
    if tokens[i][TEXT] not in ("'", "\u2019") or i < 1 or i + 1 >= len(tokens):
        return False
    before = tokens[i - 1]
    return before[END] == tokens[i][START] and before[LOWER].endswith("s") and np_word(before)


def _placed_from(tokens: list[Token], i: int, j: int) -> int | None:
    """'Health officials in Port Amar': a source word, then where it is."""
    if tokens[i][LOWER] not in ("in", "at", "from") or i < 1 or tokens[i - 1][LOWER] not in SOURCE_WORDS:
        return None
    place = tokens[i + 1 : j + 1]
    if i == j or not is_name_word(place[-1]) or not all(is_name_word(t) or t[LOWER] in _PLACE_JOINERS for t in place):
        return None
    return i - 1


def _modified_from(tokens: list[Token], i: int, j: int) -> int | None:
    """Where a name continues left past lower-case modifiers of its head:
    "UN human rights monitors" (the walk stopped at "rights"). Only a name or
    a clause-opening article anchors them, so "in the town local officials"
    keeps just "local officials"."""
    if tokens[j][LOWER] not in SOURCE_WORDS or tokens[i + 1][LOWER] in NP_FUNCTION:
        return None  # "an accusation the rebels": an article opens its phrase
    if any(capitalized(t) for t in tokens[i + 1 : j + 1]):
        return None  # a name opens its phrase: nothing modifies it from the left
    m = i
    while m >= 0 and i - m < _MAX_MODIFIERS and _modifier(tokens[m]):
        m -= 1
    if m == i:
        return None
    if m < 0 or tokens[m][TEXT] in _CLAUSE_PUNCTUATION:
        return m  # the phrase opens the clause
    anchor = tokens[m]
    if anchor[LOWER] in _ARTICLES:
        return m if m == 0 or tokens[m - 1][TEXT] in _CLAUSE_PUNCTUATION else None
    return m if is_name_word(anchor) and np_word(anchor) else None


def _modifier(token: Token) -> bool:
    lower = token[LOWER]
    # Hyphenated modifiers too: "pro-government sources", "so-called officials".
    if not lower.replace("-", "").isalpha() or token[TEXT][0] != lower[0] or lower in _NOT_MODIFIERS:
        return False
    return not lower.endswith(("ing", "ly"))


def _joins(tokens: list[Token], i: int) -> bool:
    """Whether the "and" at i joins two names ("Northland and Southland")."""
    if i == 0 or i + 1 >= len(tokens):
        return False
    left, right = tokens[i - 1], tokens[i + 1]
    if right[LOWER] in ("its", "their", "his", "her"):
        return False
    return left[LOWER] in SOURCE_WORDS or is_name_word(left)


def walk_np_right(tokens: list[Token], i: int, limit: int) -> int:
    """Index one past the last token of the phrase starting at tokens[i]."""
    j = i
    while j < limit and j - i < MAX_NP:
        token = tokens[j]
        if token[TEXT] == "(":
            closer = _matching_close(tokens, j, limit)
            if closer < 0:
                break
            j = closer + 1
            continue
        if token[TEXT] == '"' or not np_word(token):
            break
        j += 1
    return _trim_right(tokens, i, j)


def walk_source_right(tokens: list[Token], i: int, limit: int) -> int:
    """walk_np_right, going on over lower-case modifiers to the word that
    heads a source: "the coast guard", "the regional health department"."""
    j = walk_np_right(tokens, i, limit)
    while j < limit:
        begin = j + 1 if j == i and tokens[i][LOWER] in _ARTICLES else j
        for k in range(begin, min(limit, begin + _MAX_MODIFIERS + 1)):
            lower = tokens[k][LOWER]
            if lower in SOURCE_WORDS and k > begin:
                break
            # Names among the modifiers too: "independent Russian online newspaper".
            if not (_modifier(tokens[k]) or is_name_word(tokens[k])) or lower in PREPOSITION_WORDS:
                return j
        else:
            return j
        j = max(k + 1, walk_np_right(tokens, k, limit))
    return j


def _trim_left(tokens: list[Token], i: int, j: int) -> int:
    # Drop leading connectives and prepositions that the walk swept in.
    while i <= j and tokens[i][LOWER] in ("and", "of", "for", "at", "in", "on", "from", "&"):
        i += 1
    return i


def _trim_right(tokens: list[Token], i: int, j: int) -> int:
    keep = ("the", "a", "an", "both", "its", "their", "his", "her")
    while j > i and tokens[j - 1][LOWER] in NP_FUNCTION and tokens[j - 1][LOWER] not in keep:
        j -= 1
    while j > i and tokens[j - 1][LOWER] in keep:
        j -= 1
    return j


def _matching_open(tokens: list[Token], i: int) -> int:
    """Index of the "(" or opening quote that pairs with tokens[i]."""
    wanted = "(" if tokens[i][TEXT] == ")" else _QUOTE_MARKS
    for k in range(i - 1, max(-1, i - 8), -1):
        if tokens[k][TEXT] in wanted:
            return k
        if not is_word(tokens[k]):
            return -1
    return -1


def _matching_close(tokens: list[Token], i: int, limit: int) -> int:
    for k in range(i + 1, min(limit, i + 8)):
        if tokens[k][TEXT] == ")":
            return k
        if not is_word(tokens[k]):
            return -1
    return -1


def has_content_word(tokens: list[Token], i: int, j: int) -> bool:
    """True when tokens[i:j] hold a name or a word that can head a source."""
    for token in tokens[i:j]:
        lower = token[LOWER]
        if lower in SOURCE_WORDS or lower in PRONOUNS:
            return True
        text = token[TEXT]
        if text[0].isupper() and text[0].isalnum() and lower not in NOT_NAMES:
            return True  # a name word
        if "-" in text and _name_part(token):
            return True
    return False
