"""A document's title and published date, read from the top of its text (pure Python).

- A dateline on the first line — `date 2020-10-17` or a leading ISO date
  `2020-10-17` — is the published date; the rest of that line, or else the
  next line, is where the title comes from.
- The title is that line without markup (a wiki heading's `=`, a Markdown
  heading's `#`, emphasis `*`, and `_` around it), cut after its first
  sentence and at MAX_TITLE characters on a word boundary.
"""

import datetime
import re
from dataclasses import dataclass

from claims.extraction.sentences import sentence_spans

MAX_TITLE = 120
# Lines looked at for a title: a text that starts with that many blank or markup-only lines has none.
_LINES = 20

_DATELINE = re.compile(r"\s*(?:date\s*[:\-]?\s*)?(\d{4}-\d{2}-\d{2})(?![\dT])[\s,.:;\-\u2013\u2014|]*", re.IGNORECASE)
_HEADING_MARKS = re.compile(r"^\s*(?:={1,6}|#{1,6})\s*|\s*(?:={1,6}|#{1,6})\s*$")
_EMPHASIS = re.compile(r"\*+|^_+|_+$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Heading:
    title: str
    published: datetime.date | None


def read_heading(text: str) -> Heading:
    """The title and the dateline's date of a document's text (blank title, None when absent)."""
    lines = [line for line in text.splitlines()[:_LINES] if line.strip()]
    if not lines:
        return Heading("", None)
    published, rest = _dateline(lines[0])
    candidates = [rest, *lines[1:]] if published else lines
    for line in candidates:
        title = clean_title(line)
        if title:
            return Heading(title, published)
    return Heading("", published)


def _dateline(line: str) -> tuple[datetime.date | None, str]:
    found = _DATELINE.match(line)
    if not found:
        return None, line
    try:
        day = datetime.date.fromisoformat(found.group(1))
    except ValueError:
        return None, line
    return day, line[found.end() :]


def clean_title(line: str) -> str:
    """One line as a title: markup off, whitespace collapsed, first sentence, at most MAX_TITLE characters."""
    title = _SPACE.sub(" ", line).strip()
    title = _EMPHASIS.sub("", _HEADING_MARKS.sub("", title)).strip()
    spans = sentence_spans(title)
    if spans:
        title = title[spans[0][0] : spans[0][1]]
    if len(title) <= MAX_TITLE:
        return title
    cut = title[: MAX_TITLE - 1]
    space = cut.rfind(" ")
    if space > MAX_TITLE // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"
