"""Run scenario files (``../shared/scenarios/README.md``): readable, executable rule cases.

Each case prints ``PASS name`` or ``FAIL name: what differed``; a closing line counts them.
Only the fields a case names are compared.  A malformed case or file is a failure with a clear
message, never a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from osms.rules import iin as iin_rules
from osms.rules.calculator import OptionName, calculate
from osms.rules.calendar import credit_date
from osms.rules.facts import PersonFacts
from osms.rules.status import Reason, Status, decide
from osms.scenarios.facts_file import (
    FactsError,
    load_yaml,
    month_list,
    parse_date,
    parse_facts,
)

__all__ = [
    "CaseResult",
    "ScenarioFileError",
    "cited_rules",
    "iter_scenario_files",
    "read_cases",
    "run_case",
    "run_paths",
]

RULE_ID = re.compile(r"\bR-[A-Z]+-[0-9]+\b")

CASE_KEYS = frozenset(
    {"name", "source", "person", "payments", "expect", "calculator", "iin", "credit"}
)
EXPECT_KEYS = frozenset(
    {
        "date",
        "as_of",
        "status",
        "reason",
        "category",
        "debt_months",
        "debt_total",
        "insured_until",
        "loses_status_next_month",
        "grace",
        "pending_months",
        "grace_months",
        "provisional",
    }
)
CALCULATOR_KEYS = frozenset({"date", "recommended", "options"})
OPTION_KEYS = frozenset({"total", "months", "status_from"})


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.passed:
            return f"PASS {self.name}"
        return f"FAIL {self.name}: {'; '.join(self.problems)}"


def iter_scenario_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every ``*.yaml`` file named or found (recursively) in a named folder, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.yaml") if p.is_file())
        else:
            yield path


def run_paths(paths: Iterable[Path], emit: Callable[[str], None] = print) -> tuple[int, int]:
    """Run every case of every file; emit one line per case; return (passed, failed)."""
    passed = failed = 0
    for file in iter_scenario_files(paths):
        for result in run_file(file):
            emit(result.line())
            if result.passed:
                passed += 1
            else:
                failed += 1
    return passed, failed


class ScenarioFileError(Exception):
    """A scenario file that cannot be read as a list of cases (the message says why)."""


def read_cases(path: Path) -> list[Any]:
    """The cases of one scenario file, unchecked; :class:`ScenarioFileError` when unreadable."""
    if not path.exists():
        raise ScenarioFileError("no such file or folder")
    try:
        cases = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ScenarioFileError(f"malformed file: {error}") from None
    if not isinstance(cases, list) or not cases:
        raise ScenarioFileError("malformed file: expected a non-empty list of cases")
    return cases


def case_name(case: Any, fallback_name: str) -> str:
    """The name a case is reported under: its ``name``, else ``file#n``."""
    return str(case.get("name") or fallback_name) if isinstance(case, Mapping) else fallback_name


def cited_rules(case: Any) -> tuple[str, ...]:
    """The rule ids (``R-S-4`` …) a case cites in its name or its source, in order, once each."""
    if not isinstance(case, Mapping):
        return ()
    text = f"{case.get('name') or ''} {case.get('source') or ''}"
    return tuple(dict.fromkeys(RULE_ID.findall(text)))


def run_file(path: Path) -> list[CaseResult]:
    try:
        cases = read_cases(path)
    except ScenarioFileError as error:
        return [CaseResult(str(path), (str(error),))]
    return [run_case(case, f"{path.name}#{i + 1}") for i, case in enumerate(cases)]


def run_case(case: Any, fallback_name: str) -> CaseResult:
    name = case_name(case, fallback_name)
    if not isinstance(case, Mapping):
        return CaseResult(name, ("malformed case: expected a mapping",))
    problems: list[str] = []
    try:
        unknown = sorted(set(case) - CASE_KEYS)
        if unknown:
            raise FactsError("case", f"unknown key(s): {', '.join(map(str, unknown))}")
        if "name" not in case:
            raise FactsError("name", "required")
        checks = [k for k in ("expect", "calculator", "iin", "credit") if k in case]
        if not checks:
            raise FactsError("case", "names nothing to check (expect, calculator, iin or credit)")
        facts = None
        if "person" in case:
            facts = parse_facts(case["person"], case.get("payments"))
        elif "payments" in case or "expect" in case or "calculator" in case:
            raise FactsError("person", "required for payments, expect and calculator")
        if "iin" in case:
            problems += _check_iins(case["iin"])
        if "credit" in case:
            problems += _check_credit(case["credit"])
        if facts is not None:
            for i, expect in enumerate(_list(case.get("expect"), "expect")):
                problems += _check_expect(facts, expect, f"expect[{i}]")
            for i, calc in enumerate(_list(case.get("calculator"), "calculator")):
                problems += _check_calculator(facts, calc, f"calculator[{i}]")
    except FactsError as error:
        problems.append(f"malformed case: {error}")
    except Exception as error:  # a crash is reported as the case's failure, never swallowed
        problems.append(f"error: {type(error).__name__}: {error}")
    return CaseResult(name, tuple(problems))


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FactsError(field, "expected a list")
    return value


def _keys(block: Any, allowed: frozenset[str], field: str) -> Mapping[str, Any]:
    if not isinstance(block, Mapping):
        raise FactsError(field, "expected a mapping")
    unknown = sorted(set(map(str, block)) - allowed)
    if unknown:
        raise FactsError(field, f"unknown key(s): {', '.join(unknown)}")
    return block


def _amount(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise FactsError(field, f"not a number: {value!r}") from None


def _date_or_none(block: Mapping[str, Any], key: str, field: str) -> date | None:
    """``block[key]`` as a date; ``null`` is None (no date: never insured, not offered …)."""
    return None if block[key] is None else parse_date(block[key], f"{field}.{key}")


def _differs(field: str, got: object, wanted: object) -> str:
    return f"{field}: got {got}, expected {wanted}"


def _check_expect(facts: PersonFacts, raw: Any, field: str) -> list[str]:
    block = _keys(raw, EXPECT_KEYS, field)
    if "date" not in block or "status" not in block:
        raise FactsError(field, "needs date and status")
    on = parse_date(block["date"], f"{field}.date")
    as_of = parse_date(block["as_of"], f"{field}.as_of") if "as_of" in block else None
    label = f"{field} ({on}{f' as of {as_of}' if as_of else ''})"
    try:
        wanted_status = Status(str(block["status"]))
    except ValueError:
        raise FactsError(f"{field}.status", "must be insured or uninsured") from None
    decision = decide(facts, on, as_of)
    problems: list[str] = []
    if decision.status is not wanted_status:
        problems.append(_differs(f"{label} status", decision.status, wanted_status))
    if "reason" in block:
        try:
            wanted_reason = Reason(str(block["reason"]))
        except ValueError:
            raise FactsError(f"{field}.reason", f"unknown reason {block['reason']!r}") from None
        if decision.reason is not wanted_reason:
            problems.append(_differs(f"{label} reason", decision.reason, wanted_reason))
    if "category" in block and decision.category != block["category"]:
        problems.append(_differs(f"{label} category", decision.category, block["category"]))
    if "debt_months" in block:
        wanted = [str(m) for m in month_list(block["debt_months"] or [], f"{field}.debt_months")]
        got = [str(d.month) for d in decision.debt_months]
        if got != wanted:
            problems.append(_differs(f"{label} debt_months", got, wanted))
    if "pending_months" in block:
        wanted = [
            str(m) for m in month_list(block["pending_months"] or [], f"{field}.pending_months")
        ]
        got = [str(p.month) for p in decision.pending_months]
        if got != wanted:
            problems.append(_differs(f"{label} pending_months", got, wanted))
    if "grace_months" in block:
        wanted_grace = block["grace_months"]
        if not isinstance(wanted_grace, int) or isinstance(wanted_grace, bool):
            raise FactsError(f"{field}.grace_months", "must be a whole number of months")
        if decision.grace_months != wanted_grace:
            problems.append(_differs(f"{label} grace_months", decision.grace_months, wanted_grace))
    if "debt_total" in block:
        wanted_total = _amount(block["debt_total"], f"{field}.debt_total")
        if decision.debt_total != wanted_total:
            problems.append(_differs(f"{label} debt_total", decision.debt_total, wanted_total))
    if "insured_until" in block:
        wanted_until = _date_or_none(block, "insured_until", field)
        if decision.insured_until != wanted_until:
            problems.append(
                _differs(f"{label} insured_until", decision.insured_until, wanted_until)
            )
    for flag in ("loses_status_next_month", "grace", "provisional"):
        if flag in block:
            if not isinstance(block[flag], bool):
                raise FactsError(f"{field}.{flag}", "must be true or false")
            if getattr(decision, flag) is not block[flag]:
                problems.append(_differs(f"{label} {flag}", getattr(decision, flag), block[flag]))
    return problems


def _check_calculator(facts: PersonFacts, raw: Any, field: str) -> list[str]:
    block = _keys(raw, CALCULATOR_KEYS, field)
    if "date" not in block:
        raise FactsError(field, "needs date")
    on = parse_date(block["date"], f"{field}.date")
    label = f"{field} ({on})"
    calc = calculate(facts, on)
    problems: list[str] = []
    if "recommended" in block:
        _option_name(block["recommended"], f"{field}.recommended")
        got = calc.recommended.value if calc.recommended else None
        if got != block["recommended"]:
            problems.append(_differs(f"{label} recommended", got, block["recommended"]))
    options = block.get("options") or {}
    if not isinstance(options, Mapping):
        raise FactsError(f"{field}.options", "expected a mapping of option names")
    for name, wanted_raw in options.items():
        option_field = f"{field}.options.{name}"
        option_name = _option_name(name, option_field)
        option = calc.option(option_name)
        if wanted_raw is None:  # `name: null`: the option must not be offered
            if option is not None:
                problems.append(f"{label} {name}: offered, expected not offered")
            continue
        wanted = _keys(wanted_raw, OPTION_KEYS, option_field)
        if option is None:
            problems.append(f"{label} {name}: not offered")
            continue
        if "total" in wanted:
            total = _amount(wanted["total"], f"{option_field}.total")
            if option.total != total:
                problems.append(_differs(f"{label} {name} total", option.total, total))
        if "months" in wanted:
            months = [str(m) for m in month_list(wanted["months"], f"{option_field}.months")]
            got_months = [str(m) for m in option.months]
            if got_months != months:
                problems.append(_differs(f"{label} {name} months", got_months, months))
        if "status_from" in wanted:
            status_from = _date_or_none(wanted, "status_from", option_field)
            if option.status_from != status_from:
                problems.append(
                    _differs(f"{label} {name} status_from", option.status_from, status_from)
                )
    return problems


def _option_name(value: Any, field: str) -> OptionName:
    try:
        return OptionName(str(value))
    except ValueError:
        choices = ", ".join(o.value for o in OptionName)
        raise FactsError(field, f"unknown option {value!r} (one of {choices})") from None


def _check_iins(raw: Any) -> list[str]:
    if not isinstance(raw, Mapping):
        raise FactsError("iin", "expected a mapping of IIN to valid/invalid")
    problems = []
    for number, wanted in raw.items():
        if wanted not in ("valid", "invalid"):
            raise FactsError(f"iin.{number}", "must be valid or invalid")
        got = "valid" if iin_rules.is_valid(str(number)) else "invalid"
        if got != wanted:
            problems.append(_differs(f"iin {number}", got, wanted))
    return problems


def _check_credit(raw: Any) -> list[str]:
    problems = []
    for i, entry in enumerate(_list(raw, "credit")):
        block = _keys(entry, frozenset({"paid_on", "credited_on"}), f"credit[{i}]")
        if "paid_on" not in block or "credited_on" not in block:
            raise FactsError(f"credit[{i}]", "needs paid_on and credited_on")
        paid_on = parse_date(block["paid_on"], f"credit[{i}].paid_on")
        wanted: date = parse_date(block["credited_on"], f"credit[{i}].credited_on")
        got = credit_date(paid_on)
        if got != wanted:
            problems.append(_differs(f"credit {paid_on}", got, wanted))
    return problems
