"""Turn raw bytes or a string into the text that offsets refer to.

Everything the extractor later points into is the normalized text, so the
transformations here (decoding, HTML stripping, line endings, NFC) happen
once, up front, and are reported as flags rather than silently.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|span|a|table|tr|td|h[1-6]|li|ul|ol|"
    r"article|section|script|style|meta|title|b|i|em|strong)\b[^<>]{0,500}>",
    re.IGNORECASE,
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|table|article|section|header|footer|"
    r"blockquote|pre|title|dd|dt)\b[^<>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[/!?]?[A-Za-z][^<>]*>|<!--[^<>]*-->")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_RUN = re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t]*)+")
_BLOCK_OPEN = re.compile(r"<(script|style|noscript|template)\b")


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
    """Drop tags, script and style bodies; decode entities; keep paragraphs."""
    text = _drop_blocks(text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _ANY_TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = text.replace("\xa0", " ")
    return _BLANK_RUN.sub("\n\n", text).strip()


def _drop_blocks(text: str) -> str:
    """Remove <script>...</script> and similar, scanning forward only."""
    lower = text.lower()
    parts, pos = [], 0
    for match in _BLOCK_OPEN.finditer(lower):
        if match.start() < pos:
            continue
        parts.append(text[pos : match.start()])
        end = lower.find(f"</{match.group(1)}", match.end())
        if end < 0:
            return "".join(parts)
        close = lower.find(">", end)
        pos = len(text) if close < 0 else close + 1
    parts.append(text[pos:])
    return "".join(parts)
