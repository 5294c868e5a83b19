"""Reading registers as bytes: seekable sources, bounded lines and the encoding guess.

Registers arrive as UTF-8 (with or without a byte order mark) or, from Kazakh banks, in a
single-byte Cyrillic code page: Windows-1251 or KZ-1048 (STRK 1048, the Kazakh standard built
on Windows-1251).  The readers name the encoding they used (``encoding``: ``"utf-8"``,
``"cp1251"`` or ``"kz1048"``; ``None`` while every line was ASCII).

UTF-8 or a code page: decided by the first line that is not plain ASCII.  If it is strict UTF-8
the register is UTF-8, otherwise it is in a code page; every later line must then decode the
same way, or the register is rejected (``register.malformed``).  Deciding on a line, not the
whole file, keeps reading streaming.  Cyrillic text in a code page almost never forms valid
UTF-8 (its letters are bytes 0xC0-0xFF, which UTF-8 allows only as lead bytes followed by
continuation bytes 0x80-0xBF), so the guess is reliable for real text.

Windows-1251 or KZ-1048: the two agree on every byte but 16 (:data:`KZ1048_BYTES`), where
KZ-1048 has the Kazakh letters Ә Ғ Қ Ң Ө Ұ Ү Һ (capital and small) and Windows-1251 Serbian,
Macedonian, Ukrainian and Belarusian letters (Ј Ќ Ћ Ў Ґ Є Ї Ѕ ...): ӘБІЛҚАЙЫР written in KZ-1048
and read as Windows-1251 is ЈБІЛЌАЙЫР.  І і, shared with Ukrainian, are the same byte in both.
A code-page register is therefore read as Windows-1251 until its first byte of that set, and
from then on as KZ-1048: the text before it is the same in both, so nothing read earlier
changes.  A register of Kazakh payers that uses those bytes is KZ-1048 (banks that send
"Windows-1251" with Kazakh letters use exactly these positions); Windows-1251 proper cannot hold
the Kazakh letters at all, and a bank that sends it has already replaced them (usually by
Russian look-alikes or ``?``), which intake reads as they are.  The price: a Windows-1251
register with a Ukrainian Є or Ї in a name reads it as Ғ or Ү.  Names are not used by the
rules, only the IIN.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, BinaryIO, Final, TypeAlias, cast

from osms.intake.lines import REGISTER_MALFORMED, RegisterError

__all__ = [
    "BOM",
    "CHUNK_BYTES",
    "CODE_PAGES",
    "KZ1048_BYTES",
    "MAX_LINE_BYTES",
    "LineDecoder",
    "Source",
    "as_seekable",
    "read_batches",
    "read_lines",
    "read_texts",
]

Source: TypeAlias = BinaryIO | IO[bytes] | bytes | bytearray | Iterable[bytes]
"""A register: a binary file object (seekable or not), the bytes themselves, or an iterable
of byte chunks (for example the lines of a file opened in binary mode)."""

BOM: Final = b"\xef\xbb\xbf"
MAX_LINE_BYTES: Final = 64 * 1024
"""A longer line rejects the register: no real register has one, and it bounds memory."""
CHUNK_BYTES: Final = 256 * 1024

_SPOOL_IN_MEMORY: Final = 8 * 1024 * 1024
_CHUNK: Final = 1024 * 1024


def as_seekable(source: Source) -> IO[bytes]:
    """A seekable binary file positioned at the start of the register.

    Seekable files are used as they are (from their current position); anything else is copied
    into a temporary file (in memory up to 8 MiB, then on disk), so memory stays bounded.
    """
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(bytes(source))
    if isinstance(source, io.TextIOBase | str):
        raise TypeError("a register is read as bytes: open the file in binary mode ('rb')")
    if hasattr(source, "read"):
        stream = cast(IO[bytes], source)
        try:
            seekable = stream.seekable()
        except (OSError, ValueError):
            seekable = False
        if seekable:
            return stream
        spool = _spool()
        while chunk := stream.read(_CHUNK):
            _write_chunk(spool, chunk)
        spool.seek(0)
        return spool
    spool = _spool()
    for chunk in source:
        _write_chunk(spool, chunk)
    spool.seek(0)
    return spool


def _spool() -> IO[bytes]:
    return cast(IO[bytes], tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY, mode="w+b"))


def _write_chunk(spool: IO[bytes], chunk: object) -> None:
    if not isinstance(chunk, bytes | bytearray | memoryview):
        raise TypeError(f"a register is read as bytes, got a {type(chunk).__name__} chunk")
    spool.write(chunk)


def _kz1048_bytes() -> bytes:
    differ = []
    for byte in range(0x80, 0x100):
        one = bytes([byte])
        if one.decode("cp1251", "replace") != one.decode("kz1048", "replace"):
            differ.append(byte)
    return bytes(differ)


KZ1048_BYTES: Final = _kz1048_bytes()
"""The bytes KZ-1048 reads as Kazakh letters and Windows-1251 as other letters (16 of them)."""
_KZ1048_BYTE: Final = re.compile(b"[" + re.escape(KZ1048_BYTES) + b"]")

CODE_PAGES: Final = ("cp1251", "kz1048")
"""The single-byte encodings a register may be in (see the module text)."""


class LineDecoder:
    """Decodes a register's lines: UTF-8, or Windows-1251 until a Kazakh letter makes it KZ-1048.

    >>> decoder = LineDecoder()
    >>> decoder.decode("Иванов".encode("cp1251"), 1), decoder.encoding
    ('Иванов', 'cp1251')
    >>> decoder.decode("Айгерім".encode("cp1251"), 2)
    'Айгерім'
    >>> decoder.decode("ӘБІЛҚАЙЫР".encode("kz1048"), 3), decoder.encoding
    ('ӘБІЛҚАЙЫР', 'kz1048')
    """

    __slots__ = ("encoding",)

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding: str | None = encoding
        """``"utf-8"``, ``"cp1251"`` or ``"kz1048"`` once decided (``"cp1251"`` may still turn
        into ``"kz1048"``), ``None`` while every line was ASCII."""

    def _code_page(self, body: bytes) -> str:
        """The code page for ``body`` (not UTF-8): KZ-1048 from the first Kazakh letter on."""
        if self.encoding != "kz1048" and _KZ1048_BYTE.search(body):
            self.encoding = "kz1048"
        elif self.encoding is None:
            self.encoding = "cp1251"
        return self.encoding

    def decode_lines(self, body: bytes, line_no: int) -> list[str]:
        """Decode LF-separated lines (the first is line ``line_no``) and split them."""
        return self.decode_text(body, line_no).split("\n")

    def decode_text(self, body: bytes, line_no: int) -> str:
        """Decode LF-separated lines (the first is line ``line_no``), CRLF made LF.

        The encoding is decided by the first non-ASCII line; after that the whole chunk is
        decoded at once (LF is the same byte in both encodings, so the lines are the same).
        A chunk that is UTF-8 throughout decides UTF-8 at once: its first non-ASCII line is
        UTF-8 (no UTF-8 sequence contains the LF byte).
        """
        if body.isascii():
            text = body.decode("ascii")
        elif self.encoding is not None:
            encoding = self.encoding if self.encoding == "utf-8" else self._code_page(body)
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError:
                text = self._decode_each(body, line_no)  # names the line that fails
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = self._decode_each(body, line_no)
            else:
                self.encoding = "utf-8"
        return text.replace("\r\n", "\n") if "\r" in text else text

    def _decode_each(self, body: bytes, line_no: int) -> str:
        return "\n".join(
            self.decode(raw, number) for number, raw in enumerate(body.split(b"\n"), line_no)
        )

    def decode(self, raw: bytes, line_no: int) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        if self.encoding is None:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                self.encoding = "utf-8"
                return text
        encoding = "utf-8" if self.encoding == "utf-8" else self._code_page(raw)
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise RegisterError(
                REGISTER_MALFORMED,
                f"line {line_no} cannot be decoded as {encoding} "
                f"(byte {raw[error.start : error.start + 1]!r} at position {error.start + 1}); "
                "a register is UTF-8, Windows-1251 or KZ-1048 throughout",
                line_no=line_no,
            ) from None


def read_texts(stream: IO[bytes], decoder: LineDecoder) -> Iterator[tuple[int, str]]:
    """The file's lines from the current position, in batches: ``(number of the batch's
    first line, the lines' texts joined by LF)``.

    Line ends (LF or CRLF) become LF (the last line of a batch has none), and a UTF-8 byte
    order mark at the very start is removed (it also decides the encoding as UTF-8).  A line
    longer than :data:`MAX_LINE_BYTES` raises :class:`RegisterError`.  The file is read
    :data:`CHUNK_BYTES` at a time and, once the encoding is known, each chunk is decoded at
    once, which keeps the per-line cost (and allocations) low.  A line may still end in a
    stray CR (from CR CR LF).
    """
    line_no = 0
    pending = b""
    first = True
    while True:
        try:
            chunk = stream.read(CHUNK_BYTES)
        except (OSError, ValueError) as error:
            raise RegisterError(
                REGISTER_MALFORMED, f"the register cannot be read: {error}"
            ) from None
        if first:
            while 0 < len(chunk) < len(BOM) and (more := stream.read(len(BOM) - len(chunk))):
                chunk += more
            first = False
            if chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
                decoder.encoding = "utf-8"
                if not chunk:
                    continue
        if not chunk:
            if pending:
                yield line_no + 1, decoder.decode(pending.rstrip(b"\r"), line_no + 1)
            return
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            pending = data
            _check_length(pending, line_no + 1)
            continue
        pending = data[cut + 1 :]
        lines = data.count(b"\n", 0, cut) + 1
        _check_length(pending, line_no + lines + 1)
        text = decoder.decode_text(data[:cut], line_no + 1)
        _check_line_lengths(text, line_no + 1)
        yield line_no + 1, text
        line_no += lines


def _check_line_lengths(text: str, line_no: int) -> None:
    """Raise for the first line of ``text`` (lines joined by LF, the first numbered
    ``line_no``) longer than :data:`MAX_LINE_BYTES`, without splitting the text: such a line
    holds at least one position that is a multiple of ``MAX_LINE_BYTES // 2``, so only the
    lines through those positions are measured, in order."""
    step = MAX_LINE_BYTES // 2
    for position in range(step, len(text), step):
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        if (len(text) if end < 0 else end) - start > MAX_LINE_BYTES:
            _check_length(
                text[start:end] if end >= 0 else text[start:], line_no + text.count("\n", 0, start)
            )


def read_batches(stream: IO[bytes], decoder: LineDecoder) -> Iterator[tuple[int, list[str]]]:
    """:func:`read_texts` split into lines: ``(number of the batch's first line, texts)``."""
    for start, text in read_texts(stream, decoder):
        yield start, text.split("\n")


def read_lines(stream: IO[bytes], decoder: LineDecoder) -> Iterator[tuple[int, str]]:
    """:func:`read_batches` one line at a time: ``(physical line number, text)``, with no
    line end left."""
    for start, texts in read_batches(stream, decoder):
        for number, text in enumerate(texts, start):
            yield number, text.rstrip("\r") if text.endswith("\r") else text


def _check_length(raw: bytes | str, line_no: int) -> None:
    if len(raw) > MAX_LINE_BYTES:
        raise RegisterError(
            REGISTER_MALFORMED,
            f"line {line_no} is longer than {MAX_LINE_BYTES // 1024} KiB",
            line_no=line_no,
        )


class LineCursor:
    """A register's lines, read in batches, that can be taken one at a time (for a header)
    and then batch by batch (for the body) without losing a line in between."""

    __slots__ = ("_batch", "_index", "_start", "_texts")

    def __init__(self, stream: IO[bytes], decoder: LineDecoder) -> None:
        self._texts = read_texts(stream, decoder)
        self._batch: list[str] = []
        self._start = 1
        self._index = 0

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line number, text)`` one at a time; a line once yielded is consumed."""
        while True:
            while self._index < len(self._batch):
                index = self._index
                self._index = index + 1
                yield self._start + index, self._batch[index]
            batch = next(self._texts, None)
            if batch is None:
                return
            self._start, text = batch
            self._batch = text.split("\n")
            self._index = 0

    def batches(self) -> Iterator[tuple[int, list[str]]]:
        """The lines not yet consumed, as ``(number of the first line, texts)``."""
        for start, text in self.texts():
            yield start, text.split("\n")

    def texts(self) -> Iterator[tuple[int, str]]:
        """The lines not yet consumed, as ``(number of the first line, texts joined by LF)``."""
        if self._index < len(self._batch):
            rest = self._batch[self._index :]
            start = self._start + self._index
            self._batch, self._index = [], 0
            yield start, "\n".join(rest)
        for start, text in self._texts:
            self._start = start
            yield start, text
