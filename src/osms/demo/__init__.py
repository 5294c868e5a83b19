"""``osms demo``: the Fund leaflets' worked examples, decided and shown as a table."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from osms.i18n import format_date, format_money, label, option_label, t
from osms.rules.calculator import calculate
from osms.rules.status import decide
from osms.scenarios.facts_file import load_yaml, parse_date, parse_facts

__all__ = ["seed_cases", "seed_table"]


def seed_cases(path: Path | None = None) -> list[dict[str, Any]]:
    """The cases of a scenario file; by default the packaged seed examples."""
    if path is None:
        text = resources.files("osms.demo").joinpath("seed_cases.yaml").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    cases = load_yaml(text)
    return [c for c in cases if isinstance(c, dict)]


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        _row(header, widths),
        _row(["─" * w for w in widths], widths),
        *(_row(r, widths) for r in rows),
    ]


def seed_table(lang: str, path: Path | None = None) -> str:
    """One row per asked date: status, reason, insured until, debt; then the calculators."""
    status_header = [
        t(lang, "Date"),
        t(lang, "Status"),
        t(lang, "Reason"),
        t(lang, "Insured until"),
        t(lang, "Debt"),
    ]
    option_header = [
        t(lang, "Date"),
        t(lang, "Option"),
        t(lang, "Total"),
        t(lang, "Status from"),
        t(lang, "Insured until"),
        t(lang, "Months"),
    ]
    out: list[str] = []
    for case in seed_cases(path):
        if "person" not in case:
            continue
        facts = parse_facts(case["person"], case.get("payments"))
        rows = []
        for expect in case.get("expect") or []:
            on = parse_date(expect["date"], "date")
            decision = decide(facts, on)
            rows.append(
                [
                    format_date(on, lang),
                    label(lang, "status", decision.status.value),
                    label(lang, "reason", decision.reason.value),
                    format_date(decision.insured_until, lang) if decision.insured_until else "—",
                    format_money(decision.debt_total, lang) if decision.debt_months else "—",
                ]
            )
        options = []
        for calc_block in case.get("calculator") or []:
            on = parse_date(calc_block["date"], "date")
            calc = calculate(facts, on)
            for option in calc.options:
                star = " ★" if option.name == calc.recommended else ""
                options.append(
                    [
                        format_date(on, lang),
                        option_label(
                            lang,
                            option.name.value,
                            insured=calc.insured,
                            lapses=calc.lapses_before(option),
                            debt=calc.in_debt,
                        )
                        + star,
                        format_money(option.total, lang),
                        format_date(option.status_from, lang) if option.status_from else "—",
                        format_date(option.insured_until, lang) if option.insured_until else "—",
                        f"{option.months[0]} … {option.months[-1]} ({len(option.plan)})",
                    ]
                )
        if not rows and not options:
            continue
        out.append(f"■ {case['name']}  ({t(lang, 'IIN')} {facts.iin})")
        if rows:
            out.extend(_table(status_header, rows))
        if options:
            out.extend(_table(option_header, options))
        out.append("")
    out.append(t(lang, "Status appears within 3 working days after payment."))
    return "\n".join(out)
