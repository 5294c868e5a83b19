"""A person's facts written in the scenario format (``person`` + ``payments``).

The same reader serves the scenario runner and ``osms status --facts FILE``.  Every problem is
a :class:`FactsError` naming the field, never a silent default, and never another exception:

- a file is read as bytes, at most :data:`MAX_FACTS_BYTES`, and must be UTF-8 text (a byte
  order mark is allowed): anything else is ``facts.encoding`` (a NUL byte, a Windows-1251 or
  UTF-16 file), an unreadable path ``facts.unreadable``;
- malformed YAML, YAML nested deeper than :data:`MAX_DEPTH`, or YAML whose aliases make more
  than :data:`MAX_NODES` values (a "billion laughs"), is ``facts.yaml``;
- a missing or wrong value is ``facts.invalid``: dates are ``YYYY-MM-DD`` and months lie in
  :data:`FIRST_DATE` … :data:`LAST_DATE`, amounts are finite and below :data:`MAX_AMOUNT`,
  a person has at most :data:`MAX_PAYMENT_ITEMS` payment months.

The codes have messages in Kazakh, Russian and English (:func:`osms.i18n.error_message`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from osms.rules import iin as iin_rules
from osms.rules.calendar import credit_date
from osms.rules.categories import UnknownCategory, categories, category
from osms.rules.errors import RuleError
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    Channel,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.month import InvalidMonth, Month, add_months
from osms.rules.parameters import temporary_status_months
from osms.rules.pricing import month_price

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_AMOUNT",
    "MAX_DEPTH",
    "MAX_FACTS_BYTES",
    "MAX_NODES",
    "MAX_PAYMENT_ITEMS",
    "FactsError",
    "load_facts_file",
    "load_yaml",
    "month_list",
    "parse_date",
    "parse_facts",
    "parse_month",
    "read_facts",
]

MAX_FACTS_BYTES = 4 << 20
"""One person's facts: years of payments fit in a few kilobytes."""
MAX_DEPTH = 32
"""The facts format nests four levels; deeper YAML is refused before it exhausts the stack."""
MAX_NODES = 1_000_000
"""The most values a YAML document may hold with its aliases expanded: ten nested levels of ten
aliases in 500 bytes make 10⁹, which no reader should build (a facts file of 20 000 payments
holds about 200 000)."""
MAX_PAYMENT_ITEMS = 20_000
"""Payment months per person (YAML aliases could otherwise multiply a small file)."""
FIRST_DATE = date(1900, 1, 1)
"""The earliest date or month a facts file may name (a category may start long before OSMS)."""
LAST_DATE = date(2099, 12, 31)
"""The latest: the API's own bound; the calendar and month arithmetic end at year 9999."""
MAX_AMOUNT = Decimal(10) ** 12
"""Tenge; far above any payment, far below what the arithmetic cannot hold."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

PERSON_KEYS = frozenset({"iin", "kind", "categories", "temporary"})
PAYMENT_KEYS = frozenset(
    {
        "period",
        "periods",
        "paid_on",
        "amount",
        "knp",
        "payer",
        "credited_on",
        "refunded_on",
        "channel",
        "reference",
    }
)


class _TextDatesLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text and are read by :func:`parse_date`,
    so that an impossible date is reported with its field instead of crashing the loader."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class TooDeep(yaml.YAMLError):
    """YAML nested deeper than :data:`MAX_DEPTH`, or of more than :data:`MAX_NODES` values
    once its aliases are expanded."""

    def __init__(self, why: str | None = None) -> None:
        super().__init__(why or f"nested more than {MAX_DEPTH} levels deep")


_SURROGATE = re.compile("[\ud800-\udfff]")
"""What a YAML escape can write but no text holds: it cannot be printed or stored."""


def _check_shape(data: Any) -> None:
    """Raise :class:`TooDeep` when a list or mapping lies more than :data:`MAX_DEPTH` levels
    deep, when the values, each alias counted as often as it is used, exceed
    :data:`MAX_NODES` (an alias of itself, ``&a [*a]``, too), or when a text holds a lone
    surrogate."""
    stack = [(data, 1)]
    values = 0
    while stack:
        node, depth = stack.pop()
        values += 1
        if values > MAX_NODES:
            raise TooDeep(f"more than {MAX_NODES:,} values once its aliases are expanded")
        if isinstance(node, str) and _SURROGATE.search(node):
            raise TooDeep(f"{_show(node)} holds a lone surrogate (an escape such as \\ud800)")
        if not isinstance(node, list | dict):
            continue
        if depth > MAX_DEPTH:
            raise TooDeep()
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)


def load_yaml(text: str) -> Any:
    """Parse scenario or facts YAML; raises ``yaml.YAMLError`` on a syntax error, and
    :class:`TooDeep` (a ``yaml.YAMLError`` too) on nesting deeper than :data:`MAX_DEPTH` or
    aliases that expand past :data:`MAX_NODES` values."""
    try:
        data = yaml.load(text, Loader=_TextDatesLoader)
    except RecursionError:
        raise TooDeep() from None
    _check_shape(data)
    return data


class FactsError(ValueError):
    """A malformed facts block: ``field`` says where, the message says what (English), and
    ``code`` is the stable error code (``facts.invalid``, ``facts.encoding``...)."""

    def __init__(self, field: str, message: str, *, code: str = "facts.invalid") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code


def _show(value: Any) -> str:
    """A value for a message, cut short (a wrong value may be a whole document)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(value: Any, field: str) -> date:
    """``YYYY-MM-DD`` between :data:`FIRST_DATE` and :data:`LAST_DATE`."""
    if isinstance(value, date):
        found = value
    elif isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            found = date.fromisoformat(value.strip())
        except ValueError:
            raise FactsError(field, f"not a date (YYYY-MM-DD): {_show(value)}") from None
    else:
        raise FactsError(field, f"not a date (YYYY-MM-DD): {_show(value)}")
    if not FIRST_DATE <= found <= LAST_DATE:
        raise FactsError(field, f"{found} is outside {FIRST_DATE} … {LAST_DATE}")
    return found


def parse_month(value: Any, field: str) -> Month:
    """A month (``YYYY-MM``, ``MM.YYYY``, ``MMYYYY``) in :data:`FIRST_DATE` … :data:`LAST_DATE`."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise FactsError(field, f"not a month (YYYY-MM): {_show(value)}")
    try:
        found = Month.parse(str(value))
    except InvalidMonth as error:
        raise FactsError(field, str(error)) from None
    if not Month.of(FIRST_DATE) <= found <= Month.of(LAST_DATE):
        raise FactsError(field, f"{found} is outside {FIRST_DATE:%Y-%m} … {LAST_DATE:%Y-%m}")
    return found


def month_list(value: Any, field: str) -> list[Month]:
    """``2024-06..2025-05`` (inclusive), a single month, or a list of months."""
    if isinstance(value, list):
        return [parse_month(v, f"{field}[{i}]") for i, v in enumerate(value)]
    text = str(value)
    if ".." in text:
        first_text, last_text = text.split("..", 1)
        first, last = parse_month(first_text, field), parse_month(last_text, field)
        if last < first:
            raise FactsError(field, f"range ends before it starts: {text}")
        return list(Month.range(first, last + 1))
    return [parse_month(text, field)]


def _check_keys(block: Mapping[str, Any], allowed: Iterable[str], field: str) -> None:
    unknown = sorted(str(key) for key in set(block) - set(allowed))  # keys may be numbers too
    if unknown:
        raise FactsError(field, f"unknown key(s): {', '.join(unknown)}")


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FactsError(field, f"expected a mapping, got {type(value).__name__}")
    return value


def _sequence(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FactsError(field, f"expected a list, got {type(value).__name__}")
    return value


def parse_facts(person: Any, payments: Any = None) -> PersonFacts:
    """Build :class:`PersonFacts` from the ``person`` and ``payments`` blocks."""
    block = _mapping(person, "person")
    _check_keys(block, PERSON_KEYS, "person")
    if "iin" not in block:
        raise FactsError("person.iin", "required")
    number = str(block["iin"])
    try:
        number = iin_rules.validate(number)
    except RuleError as error:
        raise FactsError("person.iin", f"invalid IIN {number!r}: {error}") from None
    try:
        kind = PayerKind(str(block.get("kind", PayerKind.SELF_PAYER.value)))
    except ValueError:
        choices = ", ".join(k.value for k in PayerKind)
        raise FactsError("person.kind", f"must be one of {choices}") from None
    categories = tuple(
        _category(c, f"person.categories[{i}]")
        for i, c in enumerate(_sequence(block.get("categories"), "person.categories"))
    )
    temporary = tuple(
        _grant(g, f"person.temporary[{i}]")
        for i, g in enumerate(_sequence(block.get("temporary"), "person.temporary"))
    )
    items: list[PaymentItem] = []
    for i, entry in enumerate(_sequence(payments, "payments")):
        items.extend(_payments(entry, f"payments[{i}]", number, kind))
        if len(items) > MAX_PAYMENT_ITEMS:
            raise FactsError("payments", f"more than {MAX_PAYMENT_ITEMS} payment months")
    return PersonFacts(
        iin=number,
        birth_date=iin_rules.birth_date(number),
        kind=kind,
        categories=categories,
        temporary=temporary,
        payments=tuple(items),
    )


def _category(value: Any, field: str) -> CategoryPeriod:
    block = _mapping(value, field)
    _check_keys(block, {"category", "from", "to"}, field)
    if "category" not in block or "from" not in block:
        raise FactsError(field, "needs category and from")
    first = parse_month(block["from"], f"{field}.from")
    last = parse_month(block["to"], f"{field}.to") if block.get("to") is not None else None
    if last is not None and last < first:
        raise FactsError(field, "to is before from")
    return CategoryPeriod(_category_code(block["category"], f"{field}.category"), first, last)


def _grant(value: Any, field: str) -> TemporaryGrant:
    block = _mapping(value, field)
    _check_keys(block, {"category", "granted_on"}, field)
    if "category" not in block or "granted_on" not in block:
        raise FactsError(field, "needs category and granted_on")
    granted_on = parse_date(block["granted_on"], f"{field}.granted_on")
    try:
        ends_on = add_months(granted_on, temporary_status_months(granted_on))
    except RuleError as error:  # a date the rules have no parameter for
        raise FactsError(f"{field}.granted_on", str(error)) from None
    return TemporaryGrant(
        _category_code(block["category"], f"{field}.category"), granted_on, ends_on
    )


def _category_code(value: Any, field: str) -> str:
    """A state-paid category of ``data/categories.yaml`` (R-CAT-1), as the API and the feeds
    take it: an unknown code would insure the person in a category no law names."""
    if not isinstance(value, str):
        raise FactsError(field, f"not a category code: {_show(value)}")
    try:
        return category(value).code
    except UnknownCategory:
        known = ", ".join(sorted(categories()))
        raise FactsError(field, f"unknown category {_show(value)} (one of {known})") from None


def _payments(value: Any, field: str, iin: str, kind: PayerKind) -> list[PaymentItem]:
    block = _mapping(value, field)
    _check_keys(block, PAYMENT_KEYS, field)
    if ("period" in block) == ("periods" in block):
        raise FactsError(field, "needs exactly one of period or periods")
    if "paid_on" not in block:
        raise FactsError(f"{field}.paid_on", "required")
    periods = (
        [parse_month(block["period"], f"{field}.period")]
        if "period" in block
        else month_list(block["periods"], f"{field}.periods")
    )
    paid_on = parse_date(block["paid_on"], f"{field}.paid_on")
    try:
        credited_on = (
            parse_date(block["credited_on"], f"{field}.credited_on")
            if block.get("credited_on") is not None
            else credit_date(paid_on)
        )
    except RuleError as error:  # a day outside the known calendar
        raise FactsError(f"{field}.paid_on", str(error)) from None
    if credited_on < paid_on:
        raise FactsError(
            f"{field}.credited_on",
            f"{credited_on} is before paid_on {paid_on}: a payment is credited on the day it is "
            "paid or later (R-T-3)",
        )
    refunded_on = (
        parse_date(block["refunded_on"], f"{field}.refunded_on")
        if block.get("refunded_on") is not None
        else None
    )
    if refunded_on is not None and refunded_on < paid_on:
        raise FactsError(
            f"{field}.refunded_on",
            f"{refunded_on} is before paid_on {paid_on}: a payment is refunded after it is paid",
        )
    try:
        knp = KNP(str(block.get("knp", KNP.CONTRIBUTION.value)))
    except ValueError:
        raise FactsError(f"{field}.knp", "must be 121, 122, 123, 124 or 183") from None
    channel = None
    if block.get("channel") is not None:
        try:
            channel = Channel(str(block["channel"]))
        except ValueError:
            choices = ", ".join(c.value for c in Channel)
            raise FactsError(f"{field}.channel", f"must be one of {choices}") from None
    payer = str(block["payer"]) if block.get("payer") is not None else iin
    explicit = block.get("amount")
    items = []
    fixed = None if explicit is None else _amount(explicit, f"{field}.amount")
    for period in periods:
        if fixed is None:
            try:
                amount = month_price(kind, period, paid_on)
            except RuleError as error:  # no price known for that month
                raise FactsError(f"{field}.amount", f"give the amount: {error}") from None
        else:
            amount = fixed
        items.append(
            PaymentItem(
                period=period,
                amount=amount,
                paid_on=paid_on,
                credited_on=credited_on,
                knp=knp,
                payer=payer,
                channel=channel,
                refunded_on=refunded_on,
                reference=str(block["reference"]) if block.get("reference") else None,
            )
        )
    return items


def _amount(value: Any, field: str) -> Decimal:
    """Tenge: a number below :data:`MAX_AMOUNT` either way (the rules judge zero and the sign)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FactsError(field, f"not a number: {_show(value)}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise FactsError(field, f"not a number: {_show(value)}") from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise FactsError(field, f"must be a number below {MAX_AMOUNT:,}: {_show(value)}")
    return amount


def read_text(data: bytes, source: str) -> str:
    """The text of a facts file: UTF-8, with or without a byte order mark."""
    if len(data) > MAX_FACTS_BYTES:
        raise FactsError(source, f"larger than {MAX_FACTS_BYTES} bytes", code="facts.too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FactsError(
            source,
            f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}",
            code="facts.encoding",
        ) from None
    if "\x00" in text:
        offset = data.index(b"\x00")
        raise FactsError(source, f"a NUL byte at offset {offset}: not text", code="facts.encoding")
    return text


def read_facts(data: bytes, source: str = "facts") -> PersonFacts:
    """One person from the bytes of a facts file (``source`` names it in errors)."""
    try:
        loaded = load_yaml(read_text(data, source))
    except yaml.YAMLError as error:
        raise FactsError(source, f"not valid YAML: {error}", code="facts.yaml") from None
    if isinstance(loaded, list) and len(loaded) == 1:
        # A one-case scenario file is a facts file too (its other keys are the runner's).
        block = _mapping(loaded[0], source)
    else:
        block = _mapping(loaded, source)
        _check_keys(block, {"person", "payments"}, source)
    if "person" not in block:
        raise FactsError("person", "required")
    return parse_facts(block["person"], block.get("payments"))


def load_facts_file(path: Path) -> PersonFacts:
    """Read one person from a YAML file with ``person`` and ``payments`` (as in a scenario)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FACTS_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise FactsError(str(path), reason, code="facts.unreadable") from None
    return read_facts(data, str(path))
