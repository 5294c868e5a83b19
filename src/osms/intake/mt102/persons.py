"""MT102 sequence B: one person's block (``:21:`` ``:32B:`` ``:70:`` with ``/FM/ /NM/ /FT/ /DT/
/IDN/ /PERIOD/``) as a :class:`~osms.intake.validation.RawLine`, by one regular expression for
the usual layout and line by line for any other (see :mod:`osms.intake.mt102`).  The line's
idempotency key is the registry's (:func:`osms.registry.ledger.mt102_key`, R-L-7)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from osms.intake.lines import MALFORMED, LineProblem
from osms.intake.mt102.header import Mt102Header
from osms.intake.mt102.syntax import KEY_CHAR, KEY_PART, SUBFIELD, TAG
from osms.intake.validation import RawLine
from osms.registry.ledger import mt102_key

__all__ = [
    "MAX_BLOCK_LINES",
    "USUAL_BLOCK",
    "USUAL_IN_TEXT",
    "block_period",
    "person",
    "usual_raw_line",
]

MAX_BLOCK_LINES: Final = 100
"""More text lines than this in one person's block make the line ``line.malformed``."""

# The usual person block (see :mod:`osms.intake.mt102`).  A value has no space at either end, so a
# line matches only when the general reader, which strips lines and values, reads the same
# text; the line number is a valid key part.  Groups: :21:, the amount after KZT, then /FM/
# /NM/ /FT/ /DT/ /IDN/ /PERIOD/ (None when absent: then sequence A's /PERIOD/ applies).
_VALUE = r"(\S[^\n]*(?<!\s)|)"
_USUAL_PERSON = (
    rf":21:({KEY_CHAR}{{1,35}})\n"
    rf":32B:KZT{_VALUE}\n"
    r":70:\n"
    rf"(?:/FM/{_VALUE}\n)?"
    rf"(?:/NM/{_VALUE}\n)?"
    rf"(?:/FT/{_VALUE}\n)?"
    rf"(?:/DT/{_VALUE}\n)?"
    rf"/IDN/{_VALUE}"
    rf"(?:\n/PERIOD/{_VALUE})?"
)
USUAL_BLOCK = re.compile(_USUAL_PERSON)
"""One block's stripped lines joined by LF (:func:`person`)."""
USUAL_IN_TEXT = re.compile(rf"({_USUAL_PERSON})\n(?=:21:|:32A:)")
"""A block in the decoded text, followed by the next block or the trailer; group 1 is the
block's text, as the general reader gives it in ``raw``."""
_CURRENCY_AMOUNT = re.compile(r"^([A-Z]{3})(.*)$", re.ASCII)
_USUAL_LINES: Final = 9
"""The most lines a usual block has."""

_BLOCK_FIELDS: Final = {"21": "reference", "32B": "amount", "70": "raw"}
_PERSON: Final = {
    "FM": "surname",
    "NM": "given_name",
    "FT": "patronymic",
    "DT": "birth_date",
    "IDN": "iin",
    "PERIOD": "period",
}


def block_period(text: str | None, header: Mt102Header) -> str | None:
    """A block's period text (R-F-1): its own ``/PERIOD/``, else sequence A's; 5 digits are
    MYYYY and get their leading zero back.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from osms.rules.facts import Channel
    >>> header = Mt102Header("R", "BANKKZKA", "990140000007", "122", Channel.BANK_BRANCH,
    ...                      date(2025, 6, 25), Decimal(0), "KZT", period="52025")
    >>> [block_period(text, header) for text in ("122024", None, "", "02025")]
    ['122024', '052025', '052025', '02025']
    """
    if not text and header.period is not None:
        text = header.period
    if text is not None and len(text) == 5 and text.isdigit() and text.isascii() and text[0] != "0":
        return "0" + text
    return text


def person(ordinal: int, block: list[str], count: int, header: Mt102Header) -> RawLine:
    """One person's block (its stripped, non-blank text lines) as a :class:`RawLine`."""
    raw = "\n".join(block)
    if count <= _USUAL_LINES and (match := USUAL_BLOCK.fullmatch(raw)):
        # The usual layout: one regular expression reads it all.  The general reader below
        # gives the same result for it, only slower.
        return usual_raw_line(ordinal, raw, match.groups(), header)
    return _person_general(ordinal, block, raw, count, header)


def usual_raw_line(
    ordinal: int, raw: str, fields: Sequence[str | None], header: Mt102Header
) -> RawLine:
    """The :class:`RawLine` of a usual block, from the groups of :data:`USUAL_BLOCK`."""
    line_ref, amount, surname, given_name, patronymic, birth, iin, period = fields
    return RawLine(
        line_no=ordinal,
        raw=raw,
        iin=iin,
        period=block_period(period, header),
        amount=amount,
        knp=header.knp,
        payer=header.payer,
        paid_on=header.paid_on,
        channel=header.channel,
        reference=mt102_key(header.bank, header.reference, str(line_ref)),
        surname=surname,
        given_name=given_name,
        patronymic=patronymic,
        birth_date=birth,
    )


def _person_general(
    ordinal: int, block: list[str], raw: str, count: int, header: Mt102Header
) -> RawLine:
    problems: list[LineProblem] = []

    def problem(field: str, message: str) -> None:
        problems.append(LineProblem(MALFORMED, field, message))

    if count > MAX_BLOCK_LINES:
        problem("raw", f"the block has {count} text lines, more than {MAX_BLOCK_LINES}")
    seen: set[str] = set()
    line_ref: str | None = None
    amount: str | None = None
    person: dict[str, str] = {}
    current: str | None = None
    last: str | None = None
    for text in block:
        first = text[0]
        if first == ":" and (match := TAG.match(text)):
            current, value = match.groups()
            value = value.strip()
            last = None
            if current in seen and current in _BLOCK_FIELDS:
                problem(_BLOCK_FIELDS[current], f"tag :{current}: appears twice in the block")
                current = "?"
                continue
            seen.add(current)
            if current == "21":
                line_ref = value
            elif current == "32B":
                amount = value
            elif current == "70" and (sub := SUBFIELD.match(value)):
                last = _person_field(person, sub, problem)
            continue
        if first == "/" and (match := SUBFIELD.match(text)):
            if current == "70":
                last = _person_field(person, match, problem)
            elif current in ("21", "32B"):
                name = match.group(1)
                problem(_PERSON.get(name, "raw"), f"subfield /{name}/ is not under :70:")
            continue
        if current == "70" and last is not None:
            person[last] += text
        elif current in ("21", "32B"):
            problem(_BLOCK_FIELDS[current], f"unexpected text {text[:40]!r} after :{current}:")

    return _raw_line(ordinal, raw, line_ref, amount, person, problems, header)


def _raw_line(
    ordinal: int,
    raw: str,
    line_ref: str | None,
    amount: str | None,
    person: dict[str, str],
    problems: list[LineProblem],
    header: Mt102Header,
) -> RawLine:
    def problem(field: str, message: str) -> None:
        problems.append(LineProblem(MALFORMED, field, message))

    reference: str | None = None
    if line_ref is not None:
        if KEY_PART.match(line_ref):
            reference = mt102_key(header.bank, header.reference, line_ref)
        else:
            problem(
                "reference",
                f"line number :21: {line_ref[:40]!r} must be 1-35 characters without ':' or spaces",
            )
    amount_text: str | None = None
    if amount is not None:
        if (m := _CURRENCY_AMOUNT.match(amount)) is None:
            problem("amount", f"amount :32B: {amount[:40]!r} does not start with KZT")
        elif m.group(1) != "KZT":
            problem("amount", f"amount :32B: {amount[:40]!r} is in {m.group(1)}, not KZT")
        else:
            amount_text = m.group(2)

    return RawLine(
        line_no=ordinal,
        raw=raw,
        iin=person.get("IDN"),
        period=block_period(person.get("PERIOD"), header),
        amount=amount_text,
        knp=header.knp,
        payer=header.payer,
        paid_on=header.paid_on,
        channel=header.channel,
        reference=reference,
        surname=person.get("FM"),
        given_name=person.get("NM"),
        patronymic=person.get("FT"),
        birth_date=person.get("DT"),
        problems=tuple(problems),
    )


def _person_field(
    person: dict[str, str],
    match: re.Match[str],
    problem: Callable[[str, str], None],
) -> str | None:
    name, value = match.groups()
    if name in person:
        problem(_PERSON.get(name, "raw"), f"subfield /{name}/ appears twice in the block")
        return None
    person[name] = value.strip()
    return name
