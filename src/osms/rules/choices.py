"""The choices RULES.md §12 makes where the sources are silent or conflict.

Each choice is a named setting with the documented default, so that a reading the Fund
confirms differently is one switch here, not a literal buried in the engine.  Questions whose
answer is a number (Q5's 60 months, Q14's 3 working days, Q15's 2020-01, Q19's one month) are
dated parameters in ``data/parameters/`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DEFAULT_CHOICES", "AdvancePrice", "GraceGaps", "RuleChoices"]


class GraceGaps(StrEnum):
    """Q2: grace months left unpaid once later months are paid again."""

    BLOCK = "block"
    """Strict (default): any liable, unpaid month of [M − 12, M − 1] outside the trailing run
    blocks status (R-S-5; SOURCES.md scenarios 22 and 35)."""

    TOLERATE_SHORT = "tolerate_short"
    """Lenient: an earlier gap blocks only when it is longer than the grace length."""


class AdvancePrice(StrEnum):
    """Q3: the price of a month paid before it starts."""

    ON_PAYMENT_DAY = "on_payment_day"
    """Default (R-L-4): the rate in force on the day paid (the 2022 leaflet's 12 × 3 000)."""

    OF_THE_MONTH = "of_the_month"
    """The rate of the month's own year (SEED-003's pricing of debt months)."""


@dataclass(frozen=True, slots=True)
class RuleChoices:
    """The §12 choices.  ``DEFAULT_CHOICES`` holds the defaults RULES.md fixes.

    - ``grace_gaps`` (Q2) — see :class:`GraceGaps`.
    - ``advance_price`` (Q3) — see :class:`AdvancePrice`.
    - ``paid_current_month_starts_prepaid_run`` (Q4): with a covered current month M, a
      prepaid run starting at M + 1 gives status at once (the seeds' 13 payments).  Twelve
      payments starting at M always work.
    - ``category_months_make_long_payer`` (Q5): whether state-paid months count towards the
      60 months of a long payer (R-S-6 says they do not).
    - ``debt_before_prepaid_run_shown`` (Q6): whether months unpaid before a prepaid run are
      listed as debt while the run lasts (R-S-7: no).
    """

    grace_gaps: GraceGaps = GraceGaps.BLOCK
    advance_price: AdvancePrice = AdvancePrice.ON_PAYMENT_DAY
    paid_current_month_starts_prepaid_run: bool = True
    category_months_make_long_payer: bool = False
    debt_before_prepaid_run_shown: bool = False


DEFAULT_CHOICES = RuleChoices()
