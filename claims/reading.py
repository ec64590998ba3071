"""Reading documents: files, directories, stdin, uploads and pasted text.

Every way a document arrives (the `ingest` and `extract` commands, the
admin's upload, a pasted text) goes through here, so the same input gets the
same answer everywhere:

- reads stop at CLAIMDESK_MAX_DOCUMENT_BYTES plus one byte, whatever the
  source; a regular file's size is checked before it is opened;
- only regular files are read: a FIFO or a device given as a path is refused
  (never waited on), and a directory entry that is not a regular file is
  skipped with the reason;
- names that are not valid UTF-8 are shown and stored with U+FFFD for the
  bytes that are not;
- bytes are decoded as UTF-8, else as the encoding they confidently are
  (UTF-16 with or without a byte-order mark, cp1252 and the other code pages
  charset-normalizer recognises), flagged `decoded_<encoding>`; only bytes
  that decode in no such way are replaced, flagged `invalid_utf8`;
- a string with lone surrogates (JSON allows "\\ud800") has them replaced by
  U+FFFD and is flagged `surrogates_replaced`, instead of failing to encode.
"""

import codecs
import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import charset_normalizer
from django.conf import settings

from claims.extraction import normalize_text

KIB = 1024
MIB = 1024 * KIB
_CHUNK = MIB
# Enough text for an encoding guess; detection on the whole of a large
# document costs seconds and decides nothing more.
_DETECT_SAMPLE = 256 * KIB
_BINARY_SAMPLE = 4096
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STDIN_NAME = "<stdin>"
# Windows and ISO code pages, KOI8, and the East Asian multi-byte encodings:
# what text that is not UTF-8 is written in, in practice.
_COMMON_ENCODING = re.compile(
    r"cp125\d|latin_1|iso8859_\d+|koi8_\w|cp874|tis_620|"
    r"shift_jis|cp932|euc_jp|iso2022_jp\w*|euc_kr|cp949|johab|gb2312|gbk|gb18030|hz|big5|big5hkscs|cp950"
)


class IngestError(ValueError):
    """The input cannot become a document; the message says why, for a person."""


# --- sizes --------------------------------------------------------------------


def max_document_bytes() -> int:
    return settings.CLAIMDESK_MAX_DOCUMENT_BYTES


def format_size(size: int, *, unit_of: int) -> str:
    """`size` in the unit `unit_of` is best written in (MiB for the 20 MiB limit)."""
    for name, scale in (("MiB", MIB), ("KiB", KIB)):
        if unit_of >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} bytes"


def size_error(size: int | None = None) -> IngestError:
    """The message for a document over the limit; `size` None when reading stopped at the limit."""
    limit = max_document_bytes()
    where = f"the limit of {format_size(limit, unit_of=limit)} (CLAIMDESK_MAX_DOCUMENT_BYTES)"
    if size is None:
        return IngestError(f"the document is over {where}")
    shown = format_size(size, unit_of=limit)
    if shown == format_size(limit, unit_of=limit):  # 20 MiB and one byte is not "20 MiB"
        shown = f"{size} bytes"
    return IngestError(f"the document is {shown}, over {where}")


def check_size(size: int) -> None:
    if size > max_document_bytes():
        raise size_error(size)


def read_bounded(read: Callable[[int], bytes]) -> bytes:
    """Read with `read(n)` until the end or the limit plus one byte; over the limit is an IngestError."""
    limit = max_document_bytes()
    chunks, total = [], 0
    while total <= limit:
        chunk = read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise size_error()
    return b"".join(chunks)


# --- names ----------------------------------------------------------------------


def display_name(name: str) -> str:
    """`name` as a person can read it and a database can store it.

    File names arrive decoded with surrogateescape: the bytes that are not
    UTF-8 become U+FFFD. Control characters (a newline in a file name) too,
    so that one entry stays one line.
    """
    if not name.isprintable():
        name = _NAME_CONTROL.sub("\ufffd", name)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # surrogates that stand for no byte
            name = _without_surrogates(name)
    return name


def _without_surrogates(text: str) -> str:
    # Surrogate pairs written as two characters become the one they encode.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# --- inputs: files, directories, stdin --------------------------------------------


@dataclass(frozen=True)
class Source:
    """A document to read: a file, or standard input (path None)."""

    name: str
    path: str | None = None

    @property
    def name_is_valid(self) -> bool:
        """False when the path is not valid UTF-8 (the name shows U+FFFD)."""
        if self.path is None:
            return True
        try:
            self.path.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    def read(self) -> bytes:
        return read_stdin() if self.path is None else read_file(self.path)


@dataclass(frozen=True)
class Skipped:
    """A directory entry that is not read, and why."""

    name: str
    reason: str


def collect_inputs(paths: Iterable[str]) -> Iterator[Source | Skipped]:
    """Each path's documents: `-` is stdin, directories are walked (sorted, hidden entries left out)."""
    for path in paths:
        if path == "-":
            yield Source(name=STDIN_NAME)
        elif os.path.isdir(path):  # also a link to one: the user named it
            yield from _walk(path)
        else:
            yield Source(name=display_name(path), path=path)  # reading says what is wrong with it


def _walk(directory: str) -> Iterator[Source | Skipped]:
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield Skipped(display_name(directory), f"cannot list the directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):  # .git, editors' swap files: not documents
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)
            continue
        problem = _entry_problem(entry.path, is_link=entry.is_symlink())
        if problem:
            yield Skipped(display_name(entry.path), problem)
        else:
            yield Source(name=display_name(entry.path), path=entry.path)


def _entry_problem(path: str, *, is_link: bool) -> str | None:
    """Why a directory entry is not read; None for a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if exc.errno == errno.ENOENT and is_link:
            return f"a dangling symbolic link (to {display_name(os.readlink(path))})"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if is_link and stat.S_ISDIR(mode):
        return "a symbolic link to a directory (not followed)"
    kind = _kind(mode)
    return f"a symbolic link to {kind}" if is_link else kind


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _not_regular(mode: int) -> IngestError:
    return IngestError(f"{_kind(mode)}, not a regular file; to read it, redirect it to standard input and give -")


def read_file(path: str | bytes) -> bytes:
    """A regular file's bytes, up to the limit; anything else is refused without being opened or waited on."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(mode)
        # O_NONBLOCK: should the path become a FIFO after the check, open does not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(descriptor, "rb", buffering=0) as handle:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                raise _not_regular(status.st_mode)
            check_size(status.st_size)  # a 4 GB file is refused before a byte is read
            return read_bounded(handle.read)
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from exc


def read_stdin(stream: BinaryIO | None = None) -> bytes:
    """Standard input's bytes, up to the limit: a pipe of endless zeros stops there."""
    stream = stream if stream is not None else sys.stdin.buffer
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a file descriptor (tests, wrappers)
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        check_size(status.st_size - stream.tell())
    try:
        return read_bounded(stream.read)
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from exc


# --- inputs: the admin -----------------------------------------------------------


def read_upload(*, upload) -> bytes:
    """An uploaded file's bytes (a Django UploadedFile), read in chunks up to the limit plus one byte."""
    if upload.size is not None:
        check_size(upload.size)
    upload.seek(0)
    return read_bounded(upload.read)


def read_pasted(*, text: str) -> str:
    """Pasted text, checked against the same limit as a file of its UTF-8 bytes."""
    check_size(len(text.encode("utf-8", "surrogatepass")))
    return text


# --- decoding -------------------------------------------------------------------


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
    sample = data[:MIB].decode("utf-8", "surrogateescape")
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
        return Decoded(_without_surrogates(text), flags=("surrogates_replaced",))
    return Decoded(text)


# --- the document text --------------------------------------------------------------


@dataclass(frozen=True)
class DocumentText:
    """What a document stores: its normalized text and what had to be done to the input."""

    text: str
    flags: tuple[str, ...]


def document_text(raw: bytes | str) -> DocumentText:
    """Check, decode and normalize a document; IngestError says why it cannot be one."""
    if isinstance(raw, str):
        check_size(len(raw.encode("utf-8", "surrogatepass")))
        decoded = valid_unicode(raw)
    else:
        check_size(len(raw))
        decoded = decode(bytes(raw))
    normalized = normalize_text(decoded.text)
    if decoded.binary or normalized.binary:
        raise IngestError("the input looks like binary data, not text")
    if not normalized.text.strip():
        raise IngestError("the document is empty")
    return DocumentText(text=normalized.text, flags=(*decoded.flags, *normalized.flags))


# --- a batch of inputs, for the commands ------------------------------------------------


class InputBatch:
    """The inputs of one `ingest` or `extract` run and their tally.

    Iterating yields (source, bytes) for each input that could be read; every
    other one gets a line through `error` (failed) or `warning` (skipped
    directory entries, names that are not UTF-8), so both commands say the
    same thing about the same input.
    """

    def __init__(self, paths: Iterable[str], *, error: Callable[[str], None], warning: Callable[[str], None]):
        self.entries = list(collect_inputs(paths))
        self.sources = [entry for entry in self.entries if isinstance(entry, Source)]
        self.error, self.warning = error, warning
        self.progress: Callable[[], object] = lambda: None  # once per source, when it is done with
        self.failed = self.skipped = 0

    def __iter__(self) -> Iterator[tuple[Source, bytes]]:
        for entry in self.entries:
            if isinstance(entry, Skipped):
                self.skipped += 1
                self.warning(f"{entry.name}: skipped: {entry.reason}")
                continue
            if not entry.name_is_valid:
                self.warning(f"{entry.name}: the file name is not valid UTF-8 (shown with \ufffd)")
            try:
                raw = entry.read()
            except IngestError as exc:
                self.fail(entry, exc)
            else:
                yield entry, raw
            self.progress()

    def fail(self, source: Source, exc: IngestError) -> None:
        self.failed += 1
        self.error(f"{source.name}: {exc}")

    def failure_summary(self) -> str | None:
        """The command's error line when any input failed."""
        if not self.failed:
            return None
        return f"{self.failed} of {len(self.sources)} inputs failed"
