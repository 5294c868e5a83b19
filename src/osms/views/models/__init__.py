"""The JSON shapes of the answers, defined once (docs/json.md): the Pydantic models every door
answers with, one module per answer (decision, calculation, amounts, iin, registers, upkeep).
The API declares them as its response models; ``--json`` on the command line prints
``model_dump_json(by_alias=True)`` of the same model (:func:`osms.cli.answers.dump`).

Each model is built from the rules' answer by its ``from_…`` constructor, so a field means the
same thing wherever a bank or a person meets it.  Money is a string of tenge with two decimals
(exact, never a float); months are ``YYYY-MM``; dates ``YYYY-MM-DD``.  Within one ``schema``
number a field is only ever added, never renamed or removed.
"""

from osms.views.models.amounts import AMOUNT_EXAMPLE, PENALTY_EXAMPLE, MonthlyAmount, Penalty
from osms.views.models.base import (
    DEFAULT_IIN_EXAMPLE,
    FIRST_ISSUE_DATE,
    MAX_DATE,
    MAX_ID,
    MIN_DATE,
    SCHEMA_VERSION,
    Iin,
    IsoDay,
    Money,
    MonthText,
    PlainAmount,
    money,
    with_example,
)
from osms.views.models.calculation import Calculation
from osms.views.models.decision import DebtReport, PaymentHistory, PublicStatus, StatusDetail
from osms.views.models.iin import IinDescription, IinRefusal
from osms.views.models.registers import (
    RegisterLine,
    RegisterLinesPage,
    RegisterReport,
    RegisterSummary,
)
from osms.views.models.upkeep import NotRecorded, ParametersCheck

__all__ = [
    "AMOUNT_EXAMPLE",
    "DEFAULT_IIN_EXAMPLE",
    "FIRST_ISSUE_DATE",
    "MAX_DATE",
    "MAX_ID",
    "MIN_DATE",
    "PENALTY_EXAMPLE",
    "SCHEMA_VERSION",
    "Calculation",
    "DebtReport",
    "Iin",
    "IinDescription",
    "IinRefusal",
    "IsoDay",
    "Money",
    "MonthText",
    "MonthlyAmount",
    "NotRecorded",
    "ParametersCheck",
    "PaymentHistory",
    "Penalty",
    "PlainAmount",
    "PublicStatus",
    "RegisterLine",
    "RegisterLinesPage",
    "RegisterReport",
    "RegisterSummary",
    "StatusDetail",
    "money",
    "with_example",
]
