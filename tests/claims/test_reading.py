"""The one reading path: bounded reads, file types, names, encodings."""

import codecs
import gzip
import io
import os
import random
import socket
import stat
import struct
import threading
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile

from claims import reading
from claims.reading import MIB, IngestError, Skipped, Source
from tests.conftest import CORPUS

LIMIT_LINE = "over the limit of 20 MiB (CLAIMDESK_MAX_DOCUMENT_BYTES)"


@pytest.fixture
def traced():
    """Trace Python allocations during the test: tracemalloc.get_traced_memory()[1] is the peak."""
    tracemalloc.start()
    yield
    tracemalloc.stop()


def sparse_file(path, size: int):
    """A file of `size` bytes that takes no room on disk (the 4 GB case)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def feed_zeros(write_end: int) -> threading.Thread:
    """Write zeros into a pipe until its reader goes away: an endless /dev/zero."""

    def feed():
        zeros = bytes(MIB)
        with os.fdopen(write_end, "wb", buffering=0) as out:
            try:
                while True:
                    out.write(zeros)
            except BrokenPipeError:
                pass

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


# --- sizes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "unit_of", "shown"),
    [
        (20 * MIB, 20 * MIB, "20 MiB"),
        (4 * 1024 * MIB, 20 * MIB, "4096 MiB"),
        (21 * MIB + MIB // 2, 20 * MIB, "21.5 MiB"),
        (1536, 1024, "1.5 KiB"),
        (1500, 1000, "1500 bytes"),
    ],
)
def test_format_size_uses_the_unit_of_the_limit(size, unit_of, shown):
    assert reading.format_size(size, unit_of=unit_of) == shown


def test_size_error_one_byte_over_is_not_shown_as_the_limit():
    assert str(reading.size_error(20 * MIB + 1)) == f"the document is 20971521 bytes, {LIMIT_LINE}"


def test_read_file_sparse_4gb_is_refused_before_reading(tmp_path, traced):
    big = sparse_file(tmp_path / "big.txt", 4 * 1024 * MIB)
    started = time.monotonic()
    with pytest.raises(IngestError) as error:
        reading.read_file(str(big))
    assert time.monotonic() - started < 1.0
    assert str(error.value) == f"the document is 4096 MiB, {LIMIT_LINE}"
    assert tracemalloc.get_traced_memory()[1] < MIB


def test_read_file_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path, settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 1000
    (tmp_path / "full.txt").write_bytes(b"a" * 1000)
    (tmp_path / "over.txt").write_bytes(b"a" * 1001)
    assert reading.read_file(str(tmp_path / "full.txt")) == b"a" * 1000
    with pytest.raises(IngestError) as error:
        reading.read_file(str(tmp_path / "over.txt"))
    assert str(error.value) == "the document is 1001 bytes, over the limit of 1000 bytes (CLAIMDESK_MAX_DOCUMENT_BYTES)"


def test_read_file_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(IngestError) as error:
        reading.read_file(str(fifo))
    assert time.monotonic() - started < 1.0
    assert str(error.value) == (
        "a named pipe (FIFO), not a regular file; to read it, redirect it to standard input and give -"
    )


def test_read_file_device_is_refused():
    with pytest.raises(IngestError) as error:
        reading.read_file("/dev/zero")
    assert str(error.value) == (
        "a character device, not a regular file; to read it, redirect it to standard input and give -"
    )


def test_read_file_missing_is_a_reading_error(tmp_path):
    with pytest.raises(IngestError) as error:
        reading.read_file(str(tmp_path / "nope.txt"))
    assert str(error.value) == "cannot read: No such file or directory"


def test_read_stdin_endless_zeros_stop_at_the_limit(traced):
    read_end, write_end = os.pipe()
    feeder = feed_zeros(write_end)
    started = time.monotonic()
    with os.fdopen(read_end, "rb") as stream, pytest.raises(IngestError) as error:
        reading.read_stdin(stream)
    elapsed = time.monotonic() - started
    feeder.join(5)
    assert str(error.value) == f"the document is {LIMIT_LINE}"
    assert elapsed < 1.0
    # The limit plus a chunk, whatever the input's length.
    assert tracemalloc.get_traced_memory()[1] < 20 * MIB + 4 * MIB


def test_read_stdin_regular_file_over_the_limit_is_refused_by_its_size(tmp_path):
    big = sparse_file(tmp_path / "big.txt", 4 * 1024 * MIB)
    with big.open("rb") as stream, pytest.raises(IngestError) as error:
        reading.read_stdin(stream)
    assert str(error.value) == f"the document is 4096 MiB, {LIMIT_LINE}"


def test_read_stdin_returns_the_bytes():
    assert reading.read_stdin(io.BytesIO(b"The ministry said so.")) == b"The ministry said so."


def test_read_upload_over_the_limit_by_its_size(settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 1000
    with pytest.raises(IngestError) as error:
        reading.read_upload(upload=SimpleUploadedFile("report.txt", b"a" * 2000))
    assert str(error.value) == "the document is 2000 bytes, over the limit of 1000 bytes (CLAIMDESK_MAX_DOCUMENT_BYTES)"


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def test_read_upload_of_unknown_size_stops_at_the_limit_plus_one_byte(settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 1000
    stream = CountingStream(b"a" * 5000)
    upload = InMemoryUploadedFile(stream, "file", "report.txt", "text/plain", None, None)
    with pytest.raises(IngestError) as error:
        reading.read_upload(upload=upload)
    assert str(error.value) == "the document is over the limit of 1000 bytes (CLAIMDESK_MAX_DOCUMENT_BYTES)"
    assert stream.consumed == 1001


def test_read_upload_returns_the_bytes():
    assert reading.read_upload(upload=SimpleUploadedFile("r.txt", "Le ministère.".encode("cp1252"))) == (
        b"Le minist\xe8re."
    )


def test_read_pasted_counts_utf8_bytes(settings):
    settings.CLAIMDESK_MAX_DOCUMENT_BYTES = 10
    assert reading.read_pasted(text="é" * 5) == "é" * 5
    with pytest.raises(IngestError) as error:
        reading.read_pasted(text="é" * 6)
    assert str(error.value) == "the document is 12 bytes, over the limit of 10 bytes (CLAIMDESK_MAX_DOCUMENT_BYTES)"


# --- names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (os.fsdecode(b"corpus/caf\xe9.txt"), "corpus/caf\ufffd.txt"),
        ("line\nbreak.txt", "line\ufffdbreak.txt"),
        ("a\ud800b", "a\ufffdb"),
        ("plain/name.txt", "plain/name.txt"),
    ],
)
def test_display_name_replaces_what_is_not_text(name, shown):
    assert reading.display_name(name) == shown


# --- walking directories -----------------------------------------------------------


def test_collect_inputs_reads_regular_files_and_says_why_it_skips_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / ".hidden").write_text("not a document")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "linked-dir").symlink_to(tmp_path / "sub")
    (tmp_path / "linked.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "fifo-link").symlink_to(tmp_path / "fifo")
    (tmp_path / "zero").symlink_to("/dev/zero")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock"))
    try:
        found = list(reading.collect_inputs([str(tmp_path)]))
    finally:
        server.close()
    assert found == [
        Source(name=f"{tmp_path}/a.txt", path=f"{tmp_path}/a.txt"),
        Skipped(f"{tmp_path}/dangling", f"a dangling symbolic link (to {tmp_path}/missing.txt)"),
        Skipped(f"{tmp_path}/fifo", "a named pipe (FIFO)"),
        Skipped(f"{tmp_path}/fifo-link", "a symbolic link to a named pipe (FIFO)"),
        Skipped(f"{tmp_path}/linked-dir", "a symbolic link to a directory (not followed)"),
        Source(name=f"{tmp_path}/linked.txt", path=f"{tmp_path}/linked.txt"),
        Skipped(f"{tmp_path}/loop", "a symbolic link loop"),
        Skipped(f"{tmp_path}/sock", "a socket"),
        Source(name=f"{tmp_path}/sub/b.txt", path=f"{tmp_path}/sub/b.txt"),
        Skipped(f"{tmp_path}/zero", "a symbolic link to a character device"),
    ]


def test_collect_inputs_skips_a_device_node(tmp_path):
    try:
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    assert list(reading.collect_inputs([str(tmp_path)])) == [Skipped(f"{tmp_path}/null", "a character device")]


def test_collect_inputs_name_not_utf8_is_shown_with_replacement(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(b"text")
    [source] = reading.collect_inputs([str(tmp_path)])
    assert source.name == f"{tmp_path}/caf\ufffd.txt"
    assert source.name_is_valid is False
    assert source.read() == b"text"


def test_collect_inputs_dash_is_stdin_and_a_named_file_is_read_by_its_path(tmp_path):
    assert list(reading.collect_inputs(["-", str(tmp_path / "x.txt")])) == [
        Source(name="<stdin>"),
        Source(name=f"{tmp_path}/x.txt", path=f"{tmp_path}/x.txt"),
    ]


# --- the document text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 20,
        random.Random(0).randbytes(5000),
        gzip.compress((CORPUS / "000_d8d09dd0182ca9c2.txt").read_bytes()),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(3000),
        struct.pack("<400h", *range(400)),  # 16-bit numbers: zero high bytes, but not UTF-16 text
        b"\xff\xfe" + random.Random(2).randbytes(3000),  # junk that starts like a byte-order mark
    ],
    ids=["all-bytes", "random", "gzip", "png", "int16", "fake-bom"],
)
def test_document_text_refuses_binary_data(data):
    with pytest.raises(IngestError) as error:
        reading.document_text(data)
    assert str(error.value) == "the input looks like binary data, not text"


def test_document_text_lone_surrogates_are_replaced_and_flagged():
    prepared = reading.document_text("The ministry said \ud800 so. \ud83d\ude00")
    assert prepared.text == "The ministry said \ufffd so. \U0001f600"
    assert prepared.flags == ("surrogates_replaced",)


def test_document_text_flags_decoding_before_normalizing():
    prepared = reading.document_text("Le ministère a dit.\r\nFin.".encode("cp1252"))
    assert prepared.text == "Le ministère a dit.\nFin."
    assert prepared.flags == ("decoded_cp1252", "newlines_normalized")


@pytest.mark.parametrize("raw", [b"", b" \n\t", "", codecs.BOM_UTF16_LE])
def test_document_text_empty_is_refused(raw):
    with pytest.raises(IngestError) as error:
        reading.document_text(raw)
    assert str(error.value) == "the document is empty"
