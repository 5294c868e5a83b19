"""A state register's category feed (R-CAT-1), whatever its bytes: an unreadable line is
rejected alone with its code, the good lines around it are applied, and nothing else but a
feed without its header columns is refused whole (R-F-3: nothing dropped, nothing lost).

The fuzzing found two feeds that ended in a traceback; both are kept as examples: a lone
carriage return inside a line (``csv.Error``), and a byte Windows-1251 lacks (0x98).
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from osms.registry.categories import Change
from osms.services import categories
from osms.services.errors import ServiceError

MOTHER = "850312401235"  # a woman born 1985-03-12
ADULT = "900515300018"  # a man born 1990-05-15
ON = date(2025, 3, 3)
HEADER = b"iin,category,first,last,action\n"


def _feed(session: Session, data: bytes) -> categories.FeedReport:
    return categories.import_category_feed(
        session, io.BytesIO(data), source="fuzz", actor="op-1", on=ON
    )


@pytest.mark.parametrize(
    "unreadable",
    [b"\r0,unemployed,2025-01,,", b"850312401235\r,x", b'"a"b",\rc'],
)
def test_a_line_csv_cannot_read_is_rejected_alone(session: Session, unreadable: bytes) -> None:
    data = HEADER + f"{MOTHER},unemployed,2025-01,,\n".encode() + unreadable + b"\n"
    data += f"{ADULT},student,2025-02,2025-06,\n".encode()
    report = _feed(session, data)
    assert [(line.line_no, line.status, line.code) for line in report.lines] == [
        (2, Change.ADDED, None),
        (3, categories.Unapplied.REJECTED, "line.malformed"),
        (4, Change.ADDED, None),
    ]
    assert report.lines[1].message is not None and "CSV" in report.lines[1].message


def test_a_byte_windows_1251_lacks_spoils_only_its_line(session: Session) -> None:
    data = HEADER + f"{MOTHER},unemployed,2025-01,,\n".encode()
    data += b"\x98" + ADULT.encode() + b",student,2025-02,,\n"
    data += b"850312401235,pregnant,2025-02,2025-03,\n"
    report = _feed(session, data)
    assert [(line.line_no, line.status, line.code) for line in report.lines] == [
        (2, Change.ADDED, None),
        (3, categories.Unapplied.REJECTED, "iin.format"),
        (4, Change.ADDED, None),
    ]


def test_crlf_line_ends_are_read_as_line_ends(session: Session) -> None:
    data = b"iin,category,first,last\r\n" + f"{MOTHER},unemployed,2025-01,\r\n".encode()
    assert [line.status for line in _feed(session, data).lines] == [Change.ADDED]


_CELLS = [MOTHER, ADULT, "unemployed", "student", "pregnant", "2025-01", "2025-13", ""]
_CELLS += ["withdraw", "record", "9999-12", "0001-01", " ", '"', "\r", "\x00", ";"]


def _line() -> st.SearchStrategy[bytes]:
    cell = st.one_of(st.sampled_from(_CELLS), st.text(max_size=12))
    text = st.lists(cell, max_size=6).map(",".join).map(lambda s: s.encode("utf-8", "replace"))
    return st.one_of(text, st.binary(max_size=30))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.sampled_from([HEADER, b"iin;category;first;last\n", b"\xef\xbb\xbf" + HEADER]),
    lines=st.lists(_line(), max_size=6),
)
@example(header=HEADER, lines=[b"\r0"])
@example(header=HEADER, lines=[b"\x981\x90\x84h\xe1\x9d"])
def test_any_feed_is_applied_line_by_line(
    session: Session, header: bytes, lines: list[bytes]
) -> None:
    data = header + b"\n".join(lines)
    try:
        report = _feed(session, data)
    except ServiceError as error:
        assert error.code == "feed.malformed", error  # only a header that lost its columns
        return
    finally:
        session.rollback()
    numbers = [line.line_no for line in report.lines]
    assert numbers == sorted(set(numbers))
    assert all(2 <= n <= data.count(b"\n") + 1 for n in numbers)  # each a line of the feed
    for line in report.lines:
        if line.status is categories.Unapplied.REJECTED:
            assert line.code and line.message, line
