"""The rules core: RULES.md as code, pure functions of the facts with no I/O but their data.

Every rule has an id in RULES.md (``R-S-5``) and the function that implements it cites it, so
``grep -rn "R-S-5" src/osms`` finds it.  The areas, and the module each lives in:

Identifiers (R-IIN-*, R-BIN-1)
    :mod:`~osms.rules.iin`, :mod:`~osms.rules.bin`, their shared check digit and validation
    skeleton :mod:`~osms.rules.checkdigit`, and the exceptions with stable codes
    :mod:`~osms.rules.errors`.
Time (R-T-*)
    :mod:`~osms.rules.month` (the month status is decided in) and :mod:`~osms.rules.calendar`
    (working days, the credit date).
Facts
    :mod:`~osms.rules.facts`: one person's categories, grants and ledger items, as values.
Ledger and coverage (R-L-*, R-C-*)
    :mod:`~osms.rules.coverage` (which months are covered and liable), :mod:`~osms.rules.pricing`
    (what a self-paid month costs) and :mod:`~osms.rules.pending` (months not yet due).
Status (R-S-0…R-S-8)
    :mod:`~osms.rules.status`: insured on a date, as known on a date, and why.
Categories and temporary status (R-CAT-*, R-TMP-1)
    :mod:`~osms.rules.categories` (the state-paid list and its documents),
    :mod:`~osms.rules.plausibility` (a category plausible for the IIN) and
    :mod:`~osms.rules.temporary` (who may apply, the grant's end).
Refunds (R-R-1)
    :mod:`~osms.rules.refunds`: the decision deadline, an overpayment's surplus.
Amounts and the calculator (R-K-*)
    :mod:`~osms.rules.amounts` (the monthly amount by payer and income) and
    :mod:`~osms.rules.calculator` (what to pay to become insured, the employer's penalty, the
    Fund's bank details).
Parameters and upkeep (R-P-*)
    :mod:`~osms.rules.parameters` (dated values with their references, read from
    ``data/parameters/*.yaml``), :mod:`~osms.rules.upkeep` (what is not yet recorded) and
    :mod:`~osms.rules.choices` (the choices RULES.md §12 makes where the sources are silent).

The same rules for the whole population at once (the batch engine) are SQL text built beside
their scalar forms: :mod:`~osms.rules.coverage_sql` and :mod:`~osms.rules.status_sql`, one
function per rule id named like the scalar function it mirrors, their shared bit operations
:mod:`~osms.rules.bitmask_sql`, and :mod:`~osms.rules.plan`, the parameters of one run.

The data files are under ``data/``: parameters, the calendar corrections, the categories and
the Fund's bank details, each value with its source.  This package imports only the standard
library, ``holidays`` and ``pyyaml``; nothing outside ``osms.rules`` is imported here.
"""
