"""R-S-8 with R-S-6, R-S-7: a long payer's explanation names the grace length that applies.

The verdict needs only the short grace while the unpaid run is no longer than it, so the
explanation used to say "1 of 3 months unpaid" beside a decision whose ``grace_months`` (R-S-7)
and ``insured_until`` were those of the six-month grace.
"""

from __future__ import annotations

from datetime import date

from osms.i18n import explain_all
from osms.rules.month import Month
from osms.rules.status import Reason, decide
from osms.scenarios.facts_file import parse_facts

IIN = "900515300018"


def _paid_through(last: Month) -> list[dict[str, str]]:
    return [
        {"period": str(m), "paid_on": str(m.first_day().replace(day=10))}
        for m in Month.range(Month(2020, 1), last + 1)
    ]


def test_a_long_payer_in_grace_is_told_six_months_and_why() -> None:
    facts = parse_facts({"iin": IIN}, _paid_through(Month(2026, 11)))
    decision = decide(facts, date(2026, 12, 8))
    assert (decision.reason, decision.grace_months) == (Reason.GRACE, 6)
    assert decision.insured_until == date(2027, 5, 31)
    grace = next(f for f in decision.findings if f.key == "grace")
    assert dict(grace.values) == {"grace_months": 6, "run": 1}
    assert "R-S-6" in decision.rules
    english = explain_all(decision.findings, "en")
    assert any("1 of 6 months unpaid" in sentence for sentence in english), english
    assert any("extended to 6 months" in sentence for sentence in english), english


def test_a_short_payer_in_grace_is_told_three_months() -> None:
    facts = parse_facts({"iin": IIN}, _paid_through(Month(2026, 11))[-24:])
    decision = decide(facts, date(2026, 12, 8))
    assert (decision.reason, decision.grace_months) == (Reason.GRACE, 3)
    grace = next(f for f in decision.findings if f.key == "grace")
    assert dict(grace.values) == {"grace_months": 3, "run": 1}
    assert "R-S-6" not in decision.rules
