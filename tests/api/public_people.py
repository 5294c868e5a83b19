"""One person of every kind, to show that the public check names no category and shows no
payment, employer month, pending month or payer (RULES.md §11), on the page, in the bot and
in the anonymous API alike.

Every person is asked about on :data:`ON` (November 2026).  A relative pays the self-payers'
contributions (:data:`RELATIVE`) and an employer (:data:`EMPLOYER`) the employee's, so that
a payer's identity is a number that must never appear in a public answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from osms.i18n import (
    LANGUAGES,
    VOCABULARY,
    explain,
    format_date,
    format_money,
    format_month_count,
    label,
    t,
)
from osms.rules.facts import PersonFacts
from osms.rules.iin import birth_date
from osms.rules.status import Decision
from osms.scenarios.facts_file import parse_facts

ON = date(2026, 11, 18)
"""The query date: month M is 2026-11; October and November are an employee's pending months."""

RELATIVE = "620405400007"
"""Who pays the self-payers' contributions for them (a payer's IIN, R-L-1)."""
EMPLOYER = "940140000385"
"""The employee's employer (a BIN)."""


@dataclass(frozen=True)
class Person:
    """A kind of person: its facts (None: the registry does not know the IIN)."""

    name: str
    iin: str
    facts: PersonFacts | None

    @property
    def known(self) -> bool:
        return self.facts is not None

    def decided_facts(self) -> PersonFacts:
        return self.facts or PersonFacts(iin=self.iin, birth_date=birth_date(self.iin))


def _person(name: str, person: dict[str, object], payments: list[dict[str, object]]) -> Person:
    facts = parse_facts(person, payments)
    return Person(name, facts.iin, facts)


PEOPLE: tuple[Person, ...] = (
    _person(
        "self_payer",
        {"iin": "900515301006"},
        [{"periods": "2025-11..2026-11", "paid_on": "2026-11-02", "payer": RELATIVE}],
    ),
    _person(
        "grace",  # paid through August: September - November unpaid, the last grace month
        {"iin": "850312401007"},
        [{"periods": "2025-09..2026-08", "paid_on": "2025-09-03", "payer": RELATIVE}],
    ),
    _person(
        "debtor",
        {"iin": "880101300111"},
        [{"periods": "2025-06..2026-03", "paid_on": "2025-06-10", "payer": RELATIVE}],
    ),
    _person(
        "employee",  # the employer paid through September: October and November are pending
        {"iin": "910203300003", "kind": "employee"},
        [
            {
                "periods": "2025-10..2026-09",
                "paid_on": "2026-10-23",
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 2550,
            }
        ],
    ),
    _person(
        "employee_grace",  # September unpaid, October and November pending: grace on September
        {"iin": "910203300102", "kind": "employee"},
        [
            {
                "periods": "2025-10..2026-08",
                "paid_on": "2026-09-24",
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 2550,
            }
        ],
    ),
    _person(
        "employee_debt",  # August, September unpaid and two pending months: a run of four
        {"iin": "910203300201", "kind": "employee"},
        [
            {
                "periods": "2025-10..2026-07",
                "paid_on": "2026-08-25",
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 2550,
            }
        ],
    ),
    _person(
        "entrepreneur",
        {"iin": "870710300007", "kind": "entrepreneur"},
        [{"periods": "2025-10..2026-06", "paid_on": "2025-10-05"}],
    ),
    _person(
        "disabled",
        {"iin": "780215300007", "categories": [{"category": "disabled", "from": "2019-01"}]},
        [],
    ),
    _person(
        "pregnant",
        {"iin": "950825400009", "categories": [{"category": "pregnant", "from": "2026-05"}]},
        [],
    ),
    _person(
        "category_ended",  # social assistance ended in October: the first month of grace
        {
            "iin": "920101400017",
            "categories": [{"category": "social_assistance", "from": "2024-01", "to": "2026-10"}],
        },
        [],
    ),
    _person(
        "temporary",  # a month of status on the documents of pregnancy (R-TMP-1)
        {
            "iin": "970311400008",
            "temporary": [{"category": "pregnant", "granted_on": "2026-11-10"}],
        },
        [],
    ),
    _person(
        "prepaid",  # twelve months paid at once in June, nothing before: insured despite debt
        {"iin": "830120300005"},
        [{"periods": "2026-06..2027-05", "paid_on": "2026-06-05", "payer": RELATIVE}],
    ),
    Person("unknown", "800101300096", None),
    Person("unknown_child", "150101600018", None),  # insured on the IIN alone (R-C-2)
    # 18 in September 2026: insured on the IIN alone by grace, October and November unpaid
    Person("unknown_just_18", "080915500001", None),
)

BY_NAME = {person.name: person for person in PEOPLE}

_PRIVATE_FINDINGS = frozenset(
    {"category", "temporary", "pending_month", "pending_payments", "long_payer", "category_ended"}
)


def private_words(person: Person, decision: Decision, lang: str) -> list[str]:
    """What a public answer about ``person`` must never contain, in ``lang``."""
    words: list[str] = []
    for other in LANGUAGES:  # a category named in any language is named
        words.extend(label(other, "category", code) for code in VOCABULARY["category"])
        words.extend(label(other, "cover", code) for code in ("category", "self", "employer"))
    words.extend(VOCABULARY["category"])  # the codes themselves: "pregnant", "disabled"
    words.extend(
        t(lang, heading, lookback=format_month_count(12, lang))
        for heading in ("Payments of the last {lookback}", "Payments not yet credited", "Category")
    )
    words.append(label(lang, "knp", "121"))
    words.extend((RELATIVE, EMPLOYER))
    facts = person.facts
    if facts is not None:
        for item in facts.payments:
            words.extend((format_date(item.paid_on, lang), item.paid_on.isoformat()))
    words.extend(explain(f, lang) for f in decision.findings if f.key in _PRIVATE_FINDINGS)
    for pending in decision.pending_months:
        words.extend((format_date(pending.due_on, lang), pending.due_on.isoformat()))
    if facts is None and decision.debt_months:  # RULES.md §11: unrecorded months are no debt
        words.extend(_debt_words(decision, lang))
    return sorted(set(words), key=len, reverse=True)


def _debt_words(decision: Decision, lang: str) -> list[str]:
    """The debt the rules alone find for an IIN the registry does not know, as an answer would
    show it: its total and the options that bill it."""
    words = [format_money(decision.debt_total, lang), f"{decision.debt_total:.2f}"]
    for option in ("clear_debt", "minimum_now"):
        words.append(option)
        words.append(label(lang, "option", option))
    return words


def leaks(text: str, words: Iterable[str]) -> list[str]:
    """The private words found in ``text``."""
    return [word for word in words if word and word in text]


PRIVATE_KEYS = frozenset(
    {"category", "payments", "items", "payer", "pending", "pending_months", "grace_months"}
)
"""JSON members of the authenticated detail that the public answer never carries."""
