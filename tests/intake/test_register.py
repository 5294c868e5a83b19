"""The register layer and reading bytes: chunk boundaries, encodings, format detection, the
reader's API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osms.intake import RegisterError, _io, detect_format, parse_register
from osms.intake._io import LineCursor, LineDecoder, read_lines

from .helpers import MIXED_CSV, T8_LINES, mutated, read_all, t8_utf8, to_cp1251_crlf


def _outcome(data: bytes) -> object:
    try:
        read = read_all(data)
    except RegisterError as error:
        return ("rejected", error.code)
    return (read.results, [r.raw for r in read.results], read.totals)


SAMPLES = {
    "t8 utf-8": t8_utf8(),
    "t8 cp1251 crlf": to_cp1251_crlf(t8_utf8()),
    "t8 bom": b"\xef\xbb\xbf" + t8_utf8(),
    "csv": MIXED_CSV.read_bytes(),
    "csv cp1251 bom-less": MIXED_CSV.read_bytes().decode().encode("cp1251"),
    "csv bom": b"\xef\xbb\xbf" + MIXED_CSV.read_bytes(),
    "no final newline": t8_utf8().rstrip(b"\n"),
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1000])
@pytest.mark.parametrize("data", SAMPLES.values(), ids=SAMPLES.keys())
def test_chunk_boundaries_change_nothing(
    data: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _outcome(data)
    monkeypatch.setattr(_io, "CHUNK_BYTES", chunk)
    assert _outcome(data) == expected


@settings(max_examples=60, deadline=None)
@given(mutated(T8_LINES), st.integers(1, 400), st.sampled_from(["utf-8", "cp1251"]))
def test_chunk_boundaries_change_nothing_for_mutated_registers(
    text: str, chunk: int, encoding: str
) -> None:
    data = text.replace("\n", "\r\n").encode(encoding, "replace")
    expected = _outcome(data)
    original = _io.CHUNK_BYTES
    _io.CHUNK_BYTES = chunk  # type: ignore[misc]
    try:
        assert _outcome(data) == expected
    finally:
        _io.CHUNK_BYTES = original  # type: ignore[misc]


def test_line_cursor_hands_over_from_lines_to_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_io, "CHUNK_BYTES", 5)
    data = b"".join(f"line {i}\r\n".encode() for i in range(1, 21))
    cursor = LineCursor(io.BytesIO(data), LineDecoder())
    head = []
    for number, text in cursor.lines():
        head.append((number, text.rstrip("\r")))  # a cursor's line may keep a stray CR
        if number == 3:
            break
    rest = [
        (number, text.rstrip("\r"))
        for start, batch in cursor.batches()
        for number, text in enumerate(batch, start)
    ]
    assert head + rest == [(i, f"line {i}") for i in range(1, 21)]
    assert list(read_lines(io.BytesIO(data), LineDecoder())) == head + rest


def test_encoding_is_decided_by_the_first_non_ascii_line() -> None:
    decoder = LineDecoder()
    assert decoder.decode(b"ascii", 1) == "ascii" and decoder.encoding is None
    assert decoder.decode("Айгерім".encode(), 2) == "Айгерім" and decoder.encoding == "utf-8"
    with pytest.raises(RegisterError) as raised:
        decoder.decode("Иванов".encode("cp1251"), 3)
    assert raised.value.code == "register.malformed" and raised.value.line_no == 3
    assert "line 3" in str(raised.value)


def test_detect_format() -> None:
    assert detect_format(io.BytesIO(b"\n\n  {1:F01")) == "mt102"
    assert detect_format(io.BytesIO(b":20:REF")) == "mt102"
    assert detect_format(io.BytesIO(b"iin;period")) == "csv"
    stream = io.BytesIO(b"xx:20:")
    stream.seek(2)
    assert detect_format(stream) == "mt102" and stream.tell() == 2
    with pytest.raises(RegisterError):
        detect_format(io.BytesIO(b"\xef\xbb\xbf \r\n"))


def test_a_stream_is_read_from_its_current_position() -> None:
    stream = io.BytesIO(b"junk before the register\n" + t8_utf8())
    stream.seek(len(b"junk before the register\n"))
    assert len(list(parse_register(stream).lines())) == 2


def test_api_misuse_is_not_a_register_error() -> None:
    with pytest.raises(TypeError):
        parse_register(io.StringIO("iin,period"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_register(["iin,period\n"])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        parse_register(t8_utf8(), "xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        parse_register(t8_utf8(), total=Decimal(1))
    with pytest.raises(ValueError):
        parse_register(MIXED_CSV.read_bytes(), total="lots")


def test_csv_header_reports_the_caller_sender() -> None:
    reader = parse_register(MIXED_CSV.read_bytes(), sender="KAZPOST")
    assert reader.header.sender == "KAZPOST"
    assert reader.header.paid_on is None and reader.header.reference is None
    assert reader.header.declared_total is None  # the total row comes at the end
    assert list(reader) and reader.done
    assert reader.header.declared_total == Decimal("118850.00")


@pytest.mark.parametrize("data", [b"iin;period\n", b":20:X\n:50:/D/1\n"])
def test_a_bad_header_gives_the_same_error_every_time(data: bytes) -> None:
    reader = parse_register(data)
    with pytest.raises(RegisterError) as first:
        reader.header  # noqa: B018
    with pytest.raises(RegisterError) as second:
        list(reader.lines())
    assert second.value is first.value
