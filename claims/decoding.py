"""Decoding a document's bytes: UTF-8, else the encoding they confidently are.

- UTF-8 (a byte-order mark is dropped): no flag;
- UTF-16 or UTF-32 with a byte-order mark, UTF-16 without one (every space,
  digit and Latin letter has a zero byte on the same side), flagged
  `decoded_utf_16_le` and so on;
- UTF-8 with a few bad bytes (its valid non-ASCII characters outnumber them):
  the bad bytes replaced by U+FFFD, flagged `invalid_utf8`;
- else the code page charset-normalizer is confident of (cp1252 when
  Western text reads the same in several), flagged `decoded_<encoding>`;
- else UTF-8 with replacement, flagged `invalid_utf8`, and binary when most
  of it does not decode.

A string with lone surrogates (JSON allows "\\ud800") has them replaced by
U+FFFD and is flagged `surrogates_replaced`: it cannot be stored or hashed.
Pure functions, no Django: claims.reading applies them to every input.
"""

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

_MIB = 1024 * 1024
# Enough text for an encoding guess; detection on the whole of a large
# document costs seconds and decides nothing more.
_DETECT_SAMPLE = 256 * 1024
_BINARY_SAMPLE = 4096
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
# Windows and ISO code pages, KOI8, and the East Asian multi-byte encodings:
# what text that is not UTF-8 is written in, in practice.
_COMMON_ENCODING = re.compile(
    r"cp125\d|latin_1|iso8859_\d+|koi8_\w|cp874|tis_620|"
    r"shift_jis|cp932|euc_jp|iso2022_jp\w*|euc_kr|cp949|johab|gb2312|gbk|gb18030|hz|big5|big5hkscs|cp950"
)


@dataclass(frozen=True)
class Decoded:
    text: str
    flags: tuple[str, ...] = ()
    binary: bool = False


_BOMS = (
    # UTF-32 first: its little-endian mark begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> Decoded:
    """Text of `data`: UTF-8, else the encoding it confidently is, else UTF-8 with replacement."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    else:
        found = _with_bom(data) or _utf16_without_bom(data)
        if found is not None:
            return found
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return _replaced(data)
    return _detected(data) or _replaced(data)


def _flag(encoding: str, prefix: str = "decoded") -> str:
    return f"{prefix}_" + codecs.lookup(encoding).name.replace("-", "_")


def _with_bom(data: bytes) -> Decoded | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return Decoded(data[len(mark) :].decode(encoding), flags=(_flag(encoding),))
            except UnicodeDecodeError:
                return None  # junk that happens to start like a mark
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a mark: every space, digit and Latin letter has a zero byte on the same side."""
    sample = data[: 2 * _BINARY_SAMPLE]
    units = len(sample) // 2
    if units < 2 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd * 10 >= units and even * 100 <= units:
        encoding = "utf-16-le"
    elif even * 10 >= units and odd * 100 <= units:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    head = text[:_BINARY_SAMPLE]
    if len(_CONTROL.findall(head)) * 100 > len(head):  # 16-bit numbers, not text
        return None
    return Decoded(text, flags=(_flag(encoding),))


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes: its valid non-ASCII characters outnumber the bytes that are not."""
    sample = data[:_MIB].decode("utf-8", "surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(sample))
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    valid = non_ascii - invalid
    return valid > 0 and valid >= invalid


def _detected(data: bytes) -> Decoded | None:
    """The legacy encoding charset-normalizer is confident of; cp1252 when it ties with another."""
    sample = data[:_DETECT_SAMPLE]
    if len(data) > len(sample):  # do not cut a multi-byte character: stop at a line end
        cut = sample.rfind(b"\n")
        sample = sample[:cut] if cut > len(sample) // 2 else sample
    matches = [m for m in charset_normalizer.from_bytes(sample, threshold=0.1) if not m.encoding.startswith("utf")]
    if not matches:
        return None
    # Among the decodings that read cleanly, the code pages documents are
    # written in: on a short or mostly-ASCII text charset-normalizer's
    # language coherence may rank a DOS or Mac code page first (cp850, cp775:
    # "erklõrte"), which no newsroom uses.
    least = min(m.chaos for m in matches)
    clean = [m for m in matches if m.chaos <= least + 0.01]
    clean = [m for m in clean if _COMMON_ENCODING.fullmatch(m.encoding)] or clean
    best = max(clean, key=lambda m: m.coherence)
    tied = [m for m in clean if m.coherence >= best.coherence - 0.01]
    # Western text reads the same in several Windows code pages and cp1250
    # may come first ("ministčre"): cp1252 is the one such text is written in.
    western = any(m.encoding == "cp1252" or "cp1252" in m.could_be_from_charset for m in tied)
    encoding = "cp1252" if western else best.encoding
    try:
        return Decoded(data.decode(encoding), flags=(_flag(encoding),))
    except UnicodeDecodeError:  # the sample decoded, a later part does not
        return Decoded(data.decode(encoding, "replace"), flags=(_flag(encoding), _flag(encoding, "invalid")))


def _replaced(data: bytes) -> Decoded:
    text = data.decode("utf-8", "replace")
    head = text[:_BINARY_SAMPLE]
    # Mostly undecodable: compressed or binary data, not a text with bad bytes.
    binary = head.count("\ufffd") * 4 > len(head)
    return Decoded(text, flags=("invalid_utf8",), binary=binary)


def valid_unicode(text: str) -> Decoded:
    """`text` with lone surrogates replaced by U+FFFD (and flagged): they cannot be stored or hashed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Decoded(without_surrogates(text), flags=("surrogates_replaced",))
    return Decoded(text)


def without_surrogates(text: str) -> str:
    """Each lone surrogate replaced by U+FFFD; a pair written as two characters becomes the one it encodes."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
