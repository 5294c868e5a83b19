"""A decision's keyword group (``**approval: Unpack[Approval]``) is checked at run time too:
a misspelt or missing keyword fails before anything is written, as on a plain signature.

Without the check, ``amount`` misspelt on an overpayment's approval would be dropped: the
Fund's own surplus would be refunded instead of the amount the operator gave (R-R-1).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, Unpack

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import osms.registry
import osms.services
from osms.registry import decisions as decision_steps
from osms.registry import refunds as refund_records
from osms.registry.decisions import Refusal
from osms.registry.models import ApplicationStatus, AuditEvent, TemporaryApplication
from osms.rules.month import Month
from osms.rules.temporary import Document
from osms.services import refunds, temporary
from tests.conftest import pay

ADULT = "900515300018"  # a man born 1990-05-15, a self-payer
MOTHER = "850312401235"  # a woman born 1985-03-12
TODAY = date(2025, 4, 10)


def _keyword_group_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every function and method of the registry and the services that takes a keyword group
    (its ``**`` parameter annotated ``Unpack[...]``)."""
    for package in (osms.registry, osms.services):
        for module_info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if getattr(value, "__module__", None) != module.__name__:
                    continue
                members = [(name, value)]
                if inspect.isclass(value):
                    members = [(f"{name}.{n}", m) for n, m in vars(value).items()]
                for qualified, member in members:
                    if callable(member) and _takes_a_keyword_group(member):
                        yield f"{module.__name__}.{qualified}", member


def _takes_a_keyword_group(function: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(inspect.unwrap(function)).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.VAR_KEYWORD and "Unpack[" in str(p.annotation) for p in parameters)


KEYWORD_GROUP_FUNCTIONS = dict(_keyword_group_functions())


def test_the_registry_and_the_services_take_keyword_groups() -> None:
    """The discovery below finds the decision steps (so the next test cannot pass empty)."""
    assert {
        "osms.registry.decisions.Kind.refuse",
        "osms.registry.refunds.approve",
        "osms.registry.temporary.approve",
        "osms.services.decisions.refuse",
        "osms.services.refunds.approve",
        "osms.services.temporary.apply",
    } <= KEYWORD_GROUP_FUNCTIONS.keys()


@pytest.mark.parametrize("name", sorted(KEYWORD_GROUP_FUNCTIONS))
def test_every_keyword_group_is_checked_at_run_time(name: str) -> None:
    function = KEYWORD_GROUP_FUNCTIONS[name]
    assert getattr(function, "__wrapped__", None) is not None, (
        f"{name} takes a keyword group: decorate it with registry.decisions.keywords_checked"
    )


def test_a_misspelt_keyword_fails_as_on_a_plain_signature() -> None:
    @decision_steps.keywords_checked
    def refuse(application_id: int, *, lang: str = "kk", **refusal: Unpack[Refusal]) -> str:
        return f"{lang}: {refusal['reason']}"

    assert refuse(application_id=1, lang="ru", decided_by="op", reason="r") == "ru: r"
    with pytest.raises(TypeError, match=r"refuse\(\) got an unexpected keyword argument 'x'"):
        refuse(1, decided_by="op", reason="r", x=1)  # type: ignore[call-arg]


def test_a_keyword_group_must_be_a_typed_dict() -> None:
    @decision_steps.keywords_checked
    def refuse(application_id: int, **refusal: Any) -> None:
        return None

    with pytest.raises(TypeError, match=r"\*\*refusal is not Unpack\[a TypedDict\]"):
        refuse(1)


def _overpaid_application(session: Session) -> int:
    pay(session, ADULT, Month(2025, 3), Month(2025, 3), date(2025, 3, 5))
    overpaid = pay(session, ADULT, Month(2025, 3), Month(2025, 3), date(2025, 3, 6))[0]
    return refunds.apply(session, overpaid, "overpayment", applied_on=TODAY, actor="op-1").id


def test_a_misspelt_amount_approves_nothing(session: Session) -> None:
    application = _overpaid_application(session)
    with pytest.raises(TypeError, match="unexpected keyword argument 'ammount'"):
        refunds.approve(  # type: ignore[call-arg]
            session,
            application,
            refunded_on=TODAY,
            today=TODAY,
            actor="op-2",
            ammount=Decimal("100"),
        )
    found = refund_records.get(session, application)
    assert found is not None and found.status is ApplicationStatus.APPLIED


def test_an_approval_without_its_day_is_refused_before_the_registry_is_touched(
    session: Session,
) -> None:
    application = _overpaid_application(session)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(TypeError, match="missing 1 required keyword argument: 'refunded_on'"):
        refunds.approve(session, application, today=TODAY, actor="op-2")  # type: ignore[call-arg]
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    found = refund_records.get(session, application)
    assert found is not None and found.status is ApplicationStatus.APPLIED


def test_an_application_without_its_applicant_records_nothing(session: Session) -> None:
    documents = [Document("form_027u", "027-1", date(2025, 4, 1))]
    with pytest.raises(TypeError, match="missing 1 required keyword argument: 'actor'"):
        temporary.apply(  # type: ignore[call-arg]
            session, MOTHER, "pregnant", documents, submitted_on=TODAY, submitted_through="operator"
        )
    assert session.scalar(select(func.count()).select_from(TemporaryApplication)) == 0
