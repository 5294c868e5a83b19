"""``osms demo``: the Fund leaflets' worked examples, decided and shown as a table."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from osms.i18n import format_date, format_money, label, t
from osms.rules.calculator import calculate
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_date, parse_facts

__all__ = ["seed_cases", "seed_table"]


def seed_cases(path: Path | None = None) -> list[dict[str, Any]]:
    """The cases of a scenario file; by default the packaged seed examples."""
    if path is None:
        text = resources.files("osms.demo").joinpath("seed_cases.yaml").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    cases = yaml.safe_load(text)
    return [c for c in cases if isinstance(c, dict)]


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))


def seed_table(lang: str, path: Path | None = None) -> str:
    """One row per asked date: status, reason, insured until, debt; then the calculators."""
    header = [
        t(lang, "Date"),
        t(lang, "Status"),
        t(lang, "Reason"),
        t(lang, "Insured until"),
        t(lang, "Debt"),
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
        for calc_block in case.get("calculator") or []:
            on = parse_date(calc_block["date"], "date")
            calc = calculate(facts, on)
            for option in calc.options:
                star = " ★" if option.name == calc.recommended else ""
                rows.append(
                    [
                        format_date(on, lang),
                        label(lang, "option", option.name.value) + star,
                        format_money(option.total, lang),
                        format_date(option.status_from, lang) if option.status_from else "—",
                        f"{len(option.plan)} × {t(lang, 'KNP')} 122",
                    ]
                )
        if not rows:
            continue
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        out.append(f"■ {case['name']}  (ИИН/ЖСН {facts.iin})")
        out.append(_row(header, widths))
        out.append(_row(["─" * w for w in widths], widths))
        out.extend(_row(r, widths) for r in rows)
        out.append("")
    return "\n".join(out)
