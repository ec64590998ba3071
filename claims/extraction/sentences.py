"""Stage 1: split the document into sentences with exact character offsets.

Lines are blocks (a timeline keeps one paragraph a line; a heading is a line
of its own), and within a line a sentence ends at `.`, `!`, `?` or an ellipsis
followed by space and a capital, a digit or an opening quote, unless the
word before the full stop is an abbreviation or an initial. Clock times and
decimals never end a sentence because no space follows their punctuation.
"""

import re
from dataclasses import dataclass

from .lexicon import ABBREVIATIONS

# Sentences longer than this are cut at a clause or word boundary so that a
# document without full stops still yields bounded units of work.
MAX_SENTENCE = 1500
_MIN_CUT = 200

_LINE = re.compile(r"[^\n]+")
# A run of terminators matches once, from its start: the look-behind after
# the first character rejects starts inside a run (in linear time, with the
# possessive rest of the run), and starting with a character set lets the
# regex engine skip straight to candidates.
_END = re.compile(r"[.!?\u2026](?<![.!?\u2026].)[.!?\u2026]*+[\"'\u201d\u2019\u00bb)\]]*(?=\s)\s*")
# The word before a full stop: letters and inner dots ("U.S").
_WORD_BEFORE = re.compile(r"(?:[^\W\d_]|\.)+\Z")
# How far back to look for it: a word longer than every abbreviation is none,
# and one character more than the longest tells it apart (at most 12 were read).
_WORD_REACH = min(12, max(map(len, ABBREVIATIONS)) + 1)
_HEADING = re.compile(r"\s*(?:={1,6}|#{1,6})\s*\S")
_OPENERS = "\"'\u201c\u2018\u00ab([¿¡"


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    heading: bool = False


# (start, end, heading) of a sentence. The engine takes these plain tuples,
# which the garbage collector stops tracking, rather than an object per
# sentence alive for the whole of a long document.
Span = tuple[int, int, bool]


def split_sentences(text: str) -> list[Sentence]:
    """All sentences of `text`, in order, without surrounding whitespace."""
    return [Sentence(start, end, heading) for start, end, heading in sentence_spans(text)]


def sentence_spans(text: str) -> list[Span]:
    """split_sentences(text) as (start, end, heading) tuples."""
    out: list[Span] = []
    for line in _LINE.finditer(text):
        start, end = _strip(text, line.start(), line.end())
        if start >= end:
            continue
        if _HEADING.match(text, start, end):
            out.append((start, end, True))
            continue
        _split_line(text, start, end, out)
    return out


def _split_line(text: str, start: int, end: int, out: list[Span]) -> None:
    begin = start
    for match in _END.finditer(text, start, end):
        following = match.end()  # the whitespace after the terminator is part of the match
        if following >= end or not _opens_sentence(text[following]):
            continue
        dot = match.start()
        if text[dot] == "." and _is_abbreviation(text, dot):
            continue
        _emit(text, begin, following, out)
        begin = following
    _emit(text, begin, end, out)


def _emit(text: str, start: int, end: int, out: list[Span]) -> None:
    start, end = _strip(text, start, end)
    while end - start > MAX_SENTENCE:
        cut = _cut_point(text, start, start + MAX_SENTENCE)
        piece_start, piece_end = _strip(text, start, cut)
        if piece_start < piece_end:
            out.append((piece_start, piece_end, False))
        start, end = _strip(text, cut, end)
    if start < end:
        out.append((start, end, False))


def _cut_point(text: str, start: int, limit: int) -> int:
    for mark in ("; ", ", ", " "):
        found = text.rfind(mark, start + _MIN_CUT, limit)
        if found >= 0:
            return found + len(mark)
    return limit


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _opens_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in _OPENERS


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the word ending at `dot` is an abbreviation or an initial."""
    found = _WORD_BEFORE.search(text, max(0, dot - _WORD_REACH), dot)
    if found is None:
        return False
    begin = found.start()
    word = text[begin:dot]
    if len(word) == 1:
        # An initial stands alone ("J. Smith"); "TOS-1A." ends a sentence.
        alone = begin == 0 or text[begin - 1].isspace() or text[begin - 1] in "(\"'\u201c"
        return word.isupper() and alone
    return word.lower() in ABBREVIATIONS
