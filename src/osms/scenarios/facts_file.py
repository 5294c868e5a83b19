"""A person's facts written in the scenario format (``person`` + ``payments``).

The same reader serves the scenario runner and ``osms status --facts FILE``.  Every problem is
a :class:`FactsError` naming the field, never a silent default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from osms.rules import iin as iin_rules
from osms.rules.calendar import credit_date
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
    "FactsError",
    "load_facts_file",
    "load_yaml",
    "month_list",
    "parse_date",
    "parse_facts",
    "parse_month",
]

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


def load_yaml(text: str) -> Any:
    """Parse scenario or facts YAML; raises ``yaml.YAMLError`` on a syntax error."""
    return yaml.load(text, Loader=_TextDatesLoader)


class FactsError(ValueError):
    """A malformed facts block: ``field`` says where, the message says what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FactsError(field, f"not a date (YYYY-MM-DD): {value!r}") from None


def parse_month(value: Any, field: str) -> Month:
    try:
        return Month.parse(str(value))
    except InvalidMonth as error:
        raise FactsError(field, str(error)) from None


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
    unknown = sorted(set(block) - set(allowed))
    if unknown:
        raise FactsError(field, f"unknown key(s): {', '.join(map(str, unknown))}")


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
    return CategoryPeriod(str(block["category"]), first, last)


def _grant(value: Any, field: str) -> TemporaryGrant:
    block = _mapping(value, field)
    _check_keys(block, {"category", "granted_on"}, field)
    if "category" not in block or "granted_on" not in block:
        raise FactsError(field, "needs category and granted_on")
    granted_on = parse_date(block["granted_on"], f"{field}.granted_on")
    ends_on = add_months(granted_on, temporary_status_months(granted_on))
    return TemporaryGrant(str(block["category"]), granted_on, ends_on)


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
    credited_on = (
        parse_date(block["credited_on"], f"{field}.credited_on")
        if block.get("credited_on") is not None
        else credit_date(paid_on)
    )
    refunded_on = (
        parse_date(block["refunded_on"], f"{field}.refunded_on")
        if block.get("refunded_on") is not None
        else None
    )
    try:
        knp = KNP(str(block.get("knp", KNP.CONTRIBUTION.value)))
    except ValueError:
        raise FactsError(f"{field}.knp", "must be 121, 122, 123 or 124") from None
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
    for period in periods:
        if explicit is None:
            amount = month_price(kind, period, paid_on)
        else:
            try:
                amount = Decimal(str(explicit))
            except InvalidOperation:
                raise FactsError(f"{field}.amount", f"not a number: {explicit!r}") from None
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


def load_facts_file(path: Path) -> PersonFacts:
    """Read one person from a YAML file with ``person`` and ``payments`` (as in a scenario)."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FactsError(str(path), f"not valid YAML: {error}") from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]  # a one-case scenario file is a facts file too
    block = _mapping(data, str(path))
    return parse_facts(block.get("person"), block.get("payments"))
