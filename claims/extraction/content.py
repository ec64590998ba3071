"""Trimming a reported proposition to its quote.

The quote leaves out the attribution words and leading time phrases
("At approximately 10:00,", "in the morning", "the previous day"), which are
kept aside because they date the claim.
"""

import re

from .lexicon import MONTHS, SOURCE_ACTIONS, TIME_WORDS, WEEKDAYS

_MONTH = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
_WEEKDAY = "|".join(day.capitalize() for day in WEEKDAYS)
_CLOCK = (
    r"(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.m\.)?|\d{1,2}\s*[ap]\.m\.)"
    r"(?:\s*(?:local time|hours|GMT|UTC))?(?:\s*\([^()]{0,30}\))?"
)
_DATE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})|(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?"
_APPROX = r"(?:(?:approximately|about|around|roughly|some|at least|just)\s+)?"

_LEADING = re.compile(
    "|".join(
        (
            # a wire dateline, "ALBANOR, March 9 (Reuters) - ", and a liveblog stamp, "14:35 GMT - "
            rf"(?-i:[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+)*)(?:,\s*[A-Z][\w'.\- ]{{1,30}})?(?:,\s*|\s+)"
            rf"(?:\(?{_DATE}\)?\s*)?(?:\([^()]{{1,40}}\)\s*)?[-\u2013\u2014]\s+",
            rf"{_CLOCK}\s*[-\u2013\u2014|]\s+",
            rf"(?:at|from|by|around|about|after|before|until|since|starting at|beginning at)\s+{_APPROX}{_CLOCK},?\s+",
            rf"(?:starting |beginning |early |late |later |earlier )?(?:in|during|on|by|over|throughout|since|at)\s+"
            rf"(?:the\s+)?(?:early\s+|late\s+)?(?:{TIME_WORDS})(?:'s\s+\w+)?(?:\s+of\s+[^,;]{{1,30}})?,?\s+",
            rf"(?:on\s+|by\s+)?{_DATE},?\s+",
            rf"(?:(?:late|early)\s+)?(?:on\s+)?(?:{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?,?\s+",
            r"(?:on|by)\s+the\s+\d{1,2}(?:st|nd|rd|th),?\s+",
            r"(?:the\s+)?(?:previous|following|next|same)\s+(?:day|night|morning|evening|afternoon),?\s+",
            r"the\s+day\s+(?:before|after),\s+",
            r"(?:overnight|earlier|later|meanwhile|subsequently|concurrently|previously|"
            r"initially|then|also|yesterday|today|now|however|in addition|in turn|"
            r"in return|moreover|furthermore|separately|currently|thus),\s+",
        )
    ),
    re.IGNORECASE,
)
# ",? and (then)? issued": the cut is at the comma or the spaces before "and".
# The regex starts at the "and", a literal the regex engine can skip ahead to,
# and its look-behind checks the space before it; the rest is widened by hand.
_ACTION_AND = re.compile(rf"and(?<=\sand)\s+(?:then\s+|later\s+|also\s+)?(?:{SOURCE_ACTIONS})\b")
_TRAILING = " \t\n,;:.\u2014\u2013-"
_DANGLING_WORDS = frozenset(["that", "which", "who", "and", "but", "or", "while", "as", "where", "when", "with", "of"])
_DANGLING_SIZE = max(map(len, _DANGLING_WORDS))  # lowering never shortens a word
_LABEL = re.compile(r",\s+(?:an?|the|this)\s+(?:accusation|allegation|claim|charge|assertion)s?\s*$", re.IGNORECASE)
_NARRATOR_END = re.compile(
    r",\s+(?:but\s+(?:this|that|it|these|those)\s+(?:was|were|is|are|had|has|could|did)\b|"
    r"(?:which|this|that)\s+(?:was|were|is|could|has|had)\s+(?:not|never)\b|(?:although|though|whereas)\s)",
    re.IGNORECASE,
)
_ANSWER_END = re.compile(r",\s+(?:while|whereas|but|although)\b")
_QUOTES = {'"': '"', "\u201c": "\u201d", "'": "'", "\u2018": "\u2019", "\u00ab": "\u00bb"}


def strip_leading(text: str, start: int, end: int) -> int:
    """Offset after the time phrases that open text[start:end]."""
    for _ in range(4):
        match = _LEADING.match(text, start, end)
        if match is None or match.end() >= end:
            return start
        start = match.end()
    return start


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace and trailing punctuation; drop enclosing quotes."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    if end - start >= 2:
        close = _QUOTES.get(text[start])
        inner_end = end - 1
        if close and text[inner_end] == close and close not in text[start + 1 : inner_end]:
            start, end = start + 1, inner_end
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
    if end > start and text[end - 1] in "\"\u201d'\u2019" and _unbalanced(text, start, end):
        end -= 1
        while end > start and text[end - 1] in _TRAILING:
            end -= 1  # 'was evacuated."' closing a quotation opened sentences before
    if end > start and text[start] in '"\u201c' and _unclosed(text, start, end):
        start += 1  # a quotation that runs on into the next sentence
    label = _LABEL.search(text, start, end) if text.find(",", start, end) >= 0 else None
    if label is not None:
        end = label.start()  # "..., an accusation" labels the claim, it is not part of it
    while end > start:
        cut = text.rfind(" ", start, end)
        if cut <= start or end - cut - 1 > _DANGLING_SIZE or text[cut + 1 : end].lower() not in _DANGLING_WORDS:
            break
        end = cut  # "... in areas of Northland that" loses its dangling "that"
    return start, end


def _unclosed(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count('"') % 2 == 1 if piece[0] == '"' else piece.count("\u201d") < piece.count("\u201c")


def _unbalanced(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count('"') % 2 == 1 or piece.count("\u201d") > piece.count("\u201c")


def cut_source_actions(text: str, start: int, end: int) -> int:
    """End the proposition before "and issued a warning" and the like."""
    if text.find(" and ", start, end) < 0:
        return end
    # The space before the "and" must lie inside text[start:end] too.
    match = _ACTION_AND.search(text, start + 1, end)
    if match is None:
        return end
    cut = match.start() - 1
    while cut > start and text[cut - 1].isspace():
        cut -= 1
    return cut - 1 if cut > start and text[cut - 1] == "," else cut


def bound_answer(text: str, start: int, end: int) -> int:
    """A denial or confirmation ends where a contrasting clause begins."""
    if text.find(", ", start, end) < 0:
        return end
    match = _ANSWER_END.search(text, start, end)
    return match.start() if match else end


def bound_assertion(text: str, start: int, end: int) -> int:
    """A claim ends where the narrator takes over: ", but this was limited
    to the outskirts", ", which was not confirmed", ", although ..."."""
    if text.find(", ", start, end) < 0:
        return end
    match = _NARRATOR_END.search(text, start, end)
    return match.start() if match else end


def bound_clause(text: str, start: int, end: int) -> int:
    """End of the clause beginning at `start`: the next semicolon, if any."""
    found = text.find(";", start, end)
    return end if found < 0 else found
