"""Turn raw bytes or a string into the text that offsets refer to.

Everything the extractor later points into is the normalized text, so the
transformations here (decoding, HTML stripping, line endings, NFC) happen
once, up front, and are reported as flags rather than silently.
"""

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from .lexicon import words

_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|span|a|table|tr|td|h[1-6]|li|ul|ol|"
    r"article|section|script|style|meta|title|b|i|em|strong)\b[^<>]{0,500}>",
    re.IGNORECASE,
)
# Elements whose start and end break a line, and those whose content is not text.
_BLOCKS = frozenset(
    words("p div br h1 h2 h3 h4 h5 h6 li ul ol tr table article section header footer blockquote pre title dd dt")
)
_SKIPPED = frozenset({"script", "style", "noscript", "template"})
# What can open markup, and how far its end may lie (a tag with a long inline
# style or data URI still ends well within it).
_OPENING = re.compile(r"<(?:!--|!\[|[A-Za-z/!?])")
_MAX_MARKUP = 65_536
_STRAY = re.compile(r"<(?![A-Za-z/!?])")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_RUN = re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t]*)+")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Document text plus what had to be done to it."""

    text: str
    invalid_utf8: bool = False
    html_stripped: bool = False
    nul_removed: bool = False
    binary: bool = False
    control_removed: bool = False
    newlines_normalized: bool = False

    @property
    def flags(self) -> tuple[str, ...]:
        names = (
            "invalid_utf8",
            "html_stripped",
            "nul_removed",
            "binary",
            "control_removed",
            "newlines_normalized",
        )
        return tuple(name for name in names if getattr(self, name))


def normalize_text(raw: bytes | str) -> NormalizedText:
    """Decode, clean and NFC-normalize a document."""
    invalid = False
    if isinstance(raw, (bytes, bytearray, memoryview)):
        text, invalid = _decode(bytes(raw))
    else:
        text = str(raw)
    binary = _looks_binary(text)
    nul_removed = "\x00" in text
    if nul_removed:
        text = text.replace("\x00", "")
    newlines = "\r" in text
    if newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    stripped = _looks_like_html(text)
    if stripped:
        text = strip_html(text)
    control_removed = _CONTROL.search(text) is not None
    if control_removed:
        text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return NormalizedText(
        text=text,
        invalid_utf8=invalid,
        html_stripped=stripped,
        nul_removed=nul_removed,
        binary=binary,
        control_removed=control_removed,
        newlines_normalized=newlines,
    )


def _decode(data: bytes) -> tuple[str, bool]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    utf16 = _utf16(data)
    if utf16 is not None:
        return utf16, False
    return data.decode("utf-8", errors="replace"), True


def _utf16(data: bytes) -> str | None:
    """UTF-16 text with a byte-order mark, if the bytes really are that."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return None
    sample = text[:4096]
    # Junk that happens to start with a mark decodes to unrelated scripts.
    latin = sum(1 for ch in sample if ch < "\u0250" or ch.isspace())
    return text if sample and latin * 2 >= len(sample) else None


def _looks_binary(text: str) -> bool:
    """Control characters in more than a tenth of the opening sample."""
    sample = text[:4096]
    if not sample:
        return False
    # Replacement characters are a decoding problem, not binary content.
    controls = len(_CONTROL.findall(sample)) + sample.count("\x00")
    return controls * 10 > len(sample)


def _looks_like_html(text: str) -> bool:
    # A couple of stray angle brackets in prose are not markup.
    head = text[:200_000]
    if "<" not in head:
        return False
    return len(_HTML_HINT.findall(head[:20_000])) >= 2


def strip_html(text: str) -> str:
    """Drop tags, comments, script and style bodies; decode entities; keep paragraphs.

    The standard library's HTML parser reads the markup, so a comment holding
    tags or an attribute value holding ">" ends where HTML says it does."""
    parser = _TextParser()
    parser.feed(_guard(text))
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return _BLANK_RUN.sub("\n\n", text).strip()


class _TextParser(HTMLParser):
    """Collects a page's text; block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: str | None = None  # inside <script>, <style>, ...

    def handle_starttag(self, tag: str, attrs) -> None:
        if self._skipping is not None:
            return
        if tag in _SKIPPED:
            self._skipping = tag
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if self._skipping is None and tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping is not None:
            if tag == self._skipping:
                self._skipping = None
            return
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping is None:
            self.parts.append(data)


def _guard(text: str) -> str:
    """`text` with every "<" that cannot open complete markup written "&lt;".

    The parser reads an unterminated tag or comment to the end of the input
    and, finding no end, starts again one character on: quadratic time on a
    page full of stray "<". Here each opening gets its terminator within
    _MAX_MARKUP characters or is text, a comment that is never closed runs
    to the end of the document and "<![...>" is a comment, as HTML has it.
    Each terminator is searched for once per occurrence, so the pass is
    linear."""
    text = _STRAY.sub("&lt;", text)  # "a < b": text, and the parser is slow on it
    parts: list[str] = []
    pos = 0
    following = _Following(text)
    for match in _OPENING.finditer(text):
        at = match.start()
        if at < pos:
            continue
        opener = match.group()
        if opener == "<!--":
            if following.find("-->", at + 4) < 0:
                parts.append(text[pos:at])
                return "".join(parts)
            continue
        end = following.find(">", at + 1)
        if opener == "<![":  # a bogus comment in HTML, to "]]>" when it is a CDATA section
            section = following.find("]]>", at + 3)
            end = section + 2 if section >= 0 and section - at <= _MAX_MARKUP else end
        if end < 0 or end - at > _MAX_MARKUP:
            parts.append(text[pos:at])
            parts.append("&lt;")
            pos = at + 1
        elif opener == "<![":
            parts.append(text[pos:at])
            pos = end + 1
    parts.append(text[pos:])
    return "".join(parts)


class _Following:
    """The next occurrence of a string at or after a position that only moves
    forward: each string is searched for once per occurrence, not per query."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: dict[str, int] = {}

    def find(self, needle: str, pos: int) -> int:
        found = self._found.get(needle, -2)
        if found == -1 or pos <= found:
            return found
        found = self.text.find(needle, pos)
        self._found[needle] = found
        return found
