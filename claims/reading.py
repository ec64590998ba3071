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
- bytes are decoded by claims.decoding (UTF-8, else the encoding they
  confidently are, flagged), strings cleaned of lone surrogates, and the
  text normalized; a document that is binary or empty is refused.
"""

import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

from claims.decoding import decode, valid_unicode, without_surrogates
from claims.extraction import normalize_text

KIB = 1024
MIB = 1024 * KIB
_CHUNK = MIB
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STDIN_NAME = "<stdin>"


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
            name = without_surrogates(name)
    return name


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
