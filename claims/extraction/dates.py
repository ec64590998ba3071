"""Stage 4: the date and clock time a claim refers to.

A running date follows the document: a dateline (`date 2020-10-17`), dated
section headings (`=== 4 October ===`, `==November==`), and dates in the
text itself, absolute (`On October 2`, `10 October 2020`) or relative
(`the following day`, `Three days later`, `On the 29th`). Year-less dates
take the year the document is about. A wire dateline (`KYIV, May 14
(Reuters) -`) dates the document like `date 2020-10-17` does.

A weekday (`said on Friday`) is the latest such day on or before the date
the text is written on (its section's heading, else its dateline); it dates
its sentence without moving the running date. A date after `since` or
`until` starts or ends a period and dates nothing.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from .lexicon import (
    FIGHTING_SPELLS,
    FOREIGN_ZONES,
    MONTHS,
    NOON_WORDS,
    NUMBER_WORDS,
    ORDINALS,
    RELATIVE_DAYS,
    WEEKDAYS,
)

_MONTH = "|".join(sorted({m.capitalize() for m in MONTHS} | {m.upper() for m in MONTHS}, key=len, reverse=True))
_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_RELATIVE = "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True))
_WEEKDAY = "|".join(day.capitalize() for day in WEEKDAYS)
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True)) + r"|\d{1,2}(?:st|nd|rd|th)"
_SPELLS = "|".join(FIGHTING_SPELLS)
# Month names for patterns that ignore case.
_MONTH_I = "|".join(sorted({m.capitalize() for m in MONTHS}, key=len, reverse=True))
# Letters a date can begin with; the alternatives below start with a digit,
# one of these words or a preposition of "on the 29th".
_DATE_WORDS = (*MONTHS, *NUMBER_WORDS, *RELATIVE_DAYS, *WEEKDAYS, "on", "by", "until", "since", "from")
_DATE_INITIALS = "".join(sorted({word[0] for word in _DATE_WORDS}))
# One leading \b for all alternatives: positions inside words fail at once,
# and word starts that no alternative can begin with fail at the look-ahead
# (under the same IGNORECASE as the words themselves).
_DATES = re.compile(
    rf"\b(?=[\d{_DATE_INITIALS}])(?:(?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}}))\b"
    rf"|(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm>{_MONTH_I})\b\.?(?:,?\s+(?P<dy>\d{{4}})\b)?"
    rf"|(?P<mm>{_MONTH_I})\b\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d)(?:,?\s+(?P<my>\d{{4}})\b)?"
    rf"|(?:on|by|until|since|from)\s+the\s+(?P<od>\d{{1,2}})(?:st|nd|rd|th)\b"
    rf"|(?P<rel>{_RELATIVE})\b"
    # "on Friday" in a report; not "next Friday", not a heading's "Tuesday 3 March".
    rf"|(?<!next )(?P<wd>{_WEEKDAY})\b(?!,?\s+(?:the\s+)?\d|,?\s+(?:{_MONTH_I})\b)"
    rf"|(?P<n>\d{{1,2}}|{_NUMBER})\s+(?P<unit>days?|weeks?)\s+(?P<dir>later|earlier|after|before|on)\b"
    # "the second day of the battle": counted from the day the document's events begin
    rf"|the\s+(?P<ord>{_ORDINAL})\s+day\s+of\s+(?:the\s+)?(?:{_SPELLS})\b)",
    re.IGNORECASE,
)
# Cheap test run first: most sentences hold no date at all. The leading
# character class lets the regex engine skip ahead instead of trying every
# alternative at every position; words of relative dates ("the following
# day", "two weeks later") are found by plain substring tests instead.
_TRIGGER = re.compile(
    r"[JFMASONDTW0-9](?:(?<=[JFMASOND])(?:anuary|ebruary|arch|pril|ay|une|uly|ugust|eptember|ctober|"
    r"ovember|ecember|an|eb|ar|pr|un|ul|ug|ept?|ct|ov|ec)\b"
    r"|(?<=[MTWFS])(?:onday|uesday|ednesday|hursday|riday|aturday|unday)\b"
    r"|(?<=\d)(?:st|nd|rd|th|\d{3}-\d))"
)

# Months as a period in a heading: "(May-June)", "September to November".
_RANGE = re.compile(rf"(?:{_MONTH_I})\.?\s*(?:[-\u2013\u2014]|\bto\b|\buntil\b)\s*(?:{_MONTH_I})\b", re.IGNORECASE)
_PERIOD_START = re.compile(r"\b(?:since|until|till)\s+$", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b(?P<m>{_MONTH})\b(?:\s+(?P<y>\d{{4}}))?")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_DATED_YEAR = re.compile(rf"(?:{_MONTH})\.?\s+(?:\d{{1,2}},?\s+)?(19[5-9]\d|20\d\d)\b")
_DATELINE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "PORT SELA, 12 August 2027 -", "KYIV, May 14 (Reuters) -", "GENEVA (14 June 2024) -".
_WIRE_PLACE = re.compile(r"\s*[A-Z][\w'.\- ]{1,40}(?:,\s*[A-Z][\w'.\- ]{1,30})?(?:,\s+|\s*\()")
_WIRE_END = re.compile(r"\)?\s*(?:\([^()\n]{1,40}\)\s*)?[-\u2013\u2014]")
# Starts with a digit so the regex engine can skip to digits; the character
# before a match is checked by hand ("12:30", not "1:12:30" or "v1.12:30").
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?![\d:])")
_NOON = re.compile(r"\b(?:" + "|".join(NOON_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: date
    relative: bool
    # "on Friday" dates its own sentence but does not move the running date.
    weekday: bool = False


class DateTracker:
    """The running date of a document, advanced sentence by sentence.

    Weekdays ("said on Friday") count back from the date the text is written
    on: the section's heading date, else the dateline, else the running date.
    """

    def __init__(self, text: str, heading_texts: list[str], document_date: date | None):
        self.year = _infer_year(text)
        self.dateline_span: tuple[int, int] = (0, 0)
        self.current: date | None = None
        self.section: date | None = None
        self.document_date: date | None = None
        self.document_date = document_date or self._dateline(text)
        if self.document_date:
            self.year = self.document_date.year
        first_heading = self._first_heading_date(heading_texts)
        self.headed = first_heading is not None
        self.current = first_heading if self.headed else self.document_date
        # Documents dated by their own sentences alone (see _profile).
        self.anchor: date | None = None
        self.topical = False
        self.main: date | None = None
        self.lead: date | None = None
        self.in_lead = False
        self._section_date: date | None = None
        self._opening = False
        if not self.headed and self.document_date is None:
            self._profile(text)

    @property
    def self_dated(self) -> bool:
        """No dated headings and no dateline: the sentences date themselves."""
        return self.anchor is not None

    def _profile(self, text: str) -> None:
        """How an undated document uses its dates.

        A chronological narrative (its dates mostly move forward) keeps a
        running date across paragraphs; a topical article (an encyclopedic
        account that goes back and forth) dates each paragraph afresh, from
        the date of its section, else from the date the article is mostly
        about (the one it gives most often)."""
        values = [m.value for m in self.mentions(text) if not (m.relative or m.weekday)]
        if not values:
            return
        self.anchor = values[0]
        backwards = sum(later < earlier for earlier, later in pairwise(values))
        self.topical = len(values) > 2 and backwards * 5 > len(values) - 1
        self.main = Counter(values).most_common(1)[0][0]
        self.current = self.main if self.topical else self.anchor

    def start_lead(self, lead: str) -> None:
        """The summary before a document's first section is about one day: the
        first it names ("started on 19 May"), whatever later days it mentions."""
        if not self.self_dated:
            return
        days = [m.value for m in self.mentions(lead) if not (m.relative or m.weekday)]
        if days:
            self.lead = self.anchor = days[0]
            self.in_lead = True

    def on_paragraph(self) -> None:
        if self.self_dated and self.topical and not self.in_lead:
            self.current = self._section_date or self.main

    def _dateline(self, text: str) -> date | None:
        """`date 2022-05-14`, or a wire dateline: `KYIV, May 14 (Reuters) -`."""
        iso = _DATELINE.search(text, 0, 300)
        if iso is not None:
            return _make(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        place = _WIRE_PLACE.match(text)
        if place is None:
            return None
        match = _DATES.match(text, place.end())
        if match is None or _WIRE_END.match(text, match.end()) is None:
            return None
        value = self._value(match, None)
        if value is not None:
            self.dateline_span = (match.start(), match.end())
        return value

    def _first_heading_date(self, headings: list[str]) -> date | None:
        """The first day-level heading date, else the first month heading."""
        month_level = None
        for heading in headings:
            found = self.heading_date(heading, None)
            days = [m for m in self.mentions(heading) if not m.relative]
            if found is not None and days:
                return found
            month_level = month_level or found
        return month_level

    def heading_date(self, heading: str, current: date | None) -> date | None:
        """The day (or month) a heading dates its section with; None for a
        heading holding a period ("Autumn raids (3 September-20 October)")."""
        found = self.mentions(heading, current)
        absolute = [m.value for m in found if not m.relative]
        if absolute:
            # "3-4 October" is a day's section still; three days and more, a period.
            return absolute[0] if max(absolute) - min(absolute) < timedelta(days=3) else None
        match = _MONTH_ONLY.search(heading)
        if match is None or (self.year is None and not match.group("y")) or _RANGE.search(heading):
            return None
        year = int(match.group("y") or self.year)
        return _make(year, MONTHS[match.group("m").lower()], 1)

    def on_heading(self, heading: str) -> None:
        if self.self_dated:
            if self.in_lead:
                self.in_lead = False
                self.current = self.main if self.topical else self.lead
            self._section_date, self._opening = None, True
            return
        found = self.heading_date(heading, self.current)
        if found is not None:
            self.current = self.section = found

    def open_section(self, value: date | None) -> None:
        """The date opening a section's first sentence ("By 18 April, ...")
        dates the section's paragraphs in a topical document."""
        if self._opening:
            self._opening = False
            if value is not None and self.topical:
                self._section_date = self.current = value

    def moves_to(self, value: date, opens_paragraph: bool = False) -> bool:
        """Whether a date a sentence gives becomes the running date. In a
        chronological narrative a day before the running one is an aside
        ("On 30 July a channel aired footage of the hill"), unless it opens a
        paragraph."""
        if self.in_lead:
            return False
        if self.self_dated and not self.topical and self.current is not None and not opens_paragraph:
            return value >= self.current
        return True

    def in_dateline(self, offset: int) -> bool:
        """Whether document offset `offset` lies in the wire dateline."""
        return self.dateline_span[0] <= offset < self.dateline_span[1]

    def mentions(self, text: str, current: date | None = None) -> list[DateMention]:
        """Dates written in `text`, relative ones resolved against the running date."""
        if current is None:
            current = self.current
        if _TRIGGER.search(text) is None and " day" not in text and " week" not in text and " night" not in text:
            return []
        out = []
        for match in _DATES.finditer(text):
            if _PERIOD_START.search(text, max(0, match.start() - 8), match.start()):
                continue  # "displaced since 1 June" counts from a date, it does not happen on it
            value = self._value(match, current)
            if value is not None:
                relative = bool(match.group("rel") or match.group("n") or match.group("od"))
                weekday = match.group("wd") is not None
                out.append(DateMention(match.start(), match.end(), value, relative, weekday))
        return out

    def _value(self, match: re.Match, current: date | None) -> date | None:
        if match.group("iso"):
            return _make(int(match.group("iy")), int(match.group("im")), int(match.group("id")))
        if match.group("dm"):
            return self._absolute(match.group("dy"), match.group("dm"), match.group("dd"))
        if match.group("mm"):
            return self._absolute(match.group("my"), match.group("mm"), match.group("md"))
        if match.group("ord"):
            return self._nth_day(match.group("ord").lower())
        if current is None:
            return None
        if match.group("od"):
            return _day_of_month(current, int(match.group("od")))
        if match.group("rel"):
            return current + timedelta(days=RELATIVE_DAYS[match.group("rel").lower()])
        if match.group("wd"):
            anchor = self.section or self.document_date or current
            if anchor is None:
                return None
            back = (anchor.weekday() - WEEKDAYS.index(match.group("wd").lower())) % 7
            return anchor - timedelta(days=back)
        return _shifted(current, match)

    def _nth_day(self, ordinal: str) -> date | None:
        if self.anchor is None:
            return None
        number = ORDINALS.get(ordinal) or int(ordinal[:-2])
        return self.anchor + timedelta(days=number - 1)

    def _absolute(self, year: str | None, month: str, day: str) -> date | None:
        year_value = int(year) if year else self.year
        if year_value is None:
            return None
        return _make(year_value, MONTHS[month.lower()], int(day))


def _shifted(current: date, match: re.Match) -> date:
    raw = match.group("n").lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw, 1)
    if match.group("unit").lower().startswith("week"):
        count *= 7
    sign = -1 if match.group("dir").lower() in ("earlier", "before") else 1
    return current + timedelta(days=sign * count)


def _day_of_month(current: date, day: int) -> date | None:
    value = _make(current.year, current.month, day)
    if value is not None and day + 7 < current.day:
        month = current.month % 12 + 1
        year = current.year + (1 if month == 1 else 0)
        return _make(year, month, day)
    return value


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(text: str) -> int | None:
    """The year the document is about: the one most written next to a month."""
    dated = Counter(_DATED_YEAR.findall(text))
    if dated:
        return int(dated.most_common(1)[0][0])
    plain = Counter(_YEAR.findall(text))
    return int(plain.most_common(1)[0][0]) if plain else None


# --- clock times --------------------------------------------------------------


def clock_times(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """(offset, "HH:MM") of local clock times in text[start:end]."""
    end = len(text) if end is None else end
    out = []
    if ":" in text:
        for match in _CLOCK.finditer(text, start, end):
            at = match.start()
            if at and (text[at - 1].isdecimal() or text[at - 1] in ":."):
                continue
            if not _foreign_zone(text, match.end()):
                out.append((match.start(), f"{int(match.group(1)):02d}:{match.group(2)}"))
    if "noon" in text or "midday" in text or "mid-day" in text:
        out.extend((match.start(), "12:00") for match in _NOON.finditer(text, start, end))
        out.sort()
    return out


def _foreign_zone(text: str, pos: int) -> bool:
    after = text[pos : pos + 16].lower().lstrip()
    return after.startswith(FOREIGN_ZONES)
