"""Readable text cards for a terminal: a decision, a calculation, an IIN.

The words come from the gettext catalogs (``osms.i18n``); nothing here decides anything.
"""

from __future__ import annotations

from osms.i18n import (
    N_,
    explain,
    format_date,
    format_money,
    format_month_count,
    label,
    month_name,
    t,
)
from osms.rules import parameters
from osms.rules.calculator import Calculation
from osms.rules.iin import IINInfo
from osms.rules.status import Decision
from osms.views.fragments import (
    ENDS_NEXT_MONTH,
    SEPARATE_PAYMENTS,
    debt_rows,
    fund_details,
    not_billed_note,
    option_name,
    provisional_note,
    status_line,
)
from osms.views.public import (
    PublicStatus,
    beneficiary,
    explain_public,
    no_records,
    public_status,
    reason_label,
)

__all__ = ["calculation_card", "decision_card", "iin_card"]

_SEX = {"male": N_("male"), "female": N_("female")}
_MARK = {"category": "●", "self": "✓", "employer": "✓", "unpaid": "✗", "not_liable": "·"}


def decision_card(decision: Decision, lang: str, *, known: bool = True) -> str:
    """The decision as a terminal reads it; ``known``: whether the registry holds the IIN (an
    IIN it does not know is never a debtor, RULES.md §11: uninsured, it is "no records yet";
    insured on the IIN alone, its status without debt or months)."""
    lines = [
        t(lang, "IIN")
        + f" {decision.iin} · "
        + t(lang, "Status on {date}", date=format_date(decision.on, lang)),
    ]
    if decision.as_of != decision.on:
        lines.append(t(lang, "As known on {date}", date=format_date(decision.as_of, lang)))
    view = public_status(decision, known=known)
    if view.no_records:
        lines.append(status_line(decision.status, reason_label(view, lang), lang))
        lines.append(no_records(decision.on, lang))
        return "\n".join(lines)
    reason = label(lang, "reason", decision.reason.value)
    if decision.category:
        reason += f": {label(lang, 'category', decision.category)}"
    lines.append(status_line(decision.status, reason, lang))
    if decision.insured_until is not None:
        lines.append(
            t(lang, "Insured until {date}", date=format_date(decision.insured_until, lang))
        )
    if decision.ends_with_this_month:
        lines.append("⚠ " + t(lang, ENDS_NEXT_MONTH))
    if not known:  # RULES.md §11: the status on the IIN alone, never its months as debt
        return "\n".join(lines + _unknown_lines(view, lang))
    lines.append("")
    lines.append(t(lang, "Why") + ":")
    lines.extend(f"  • [{f.rule}] {explain(f, lang)}" for f in decision.findings)
    if decision.debt_months:
        lines.append("")
        lines.append(t(lang, "Debt") + ":")
        lines.extend(
            f"  {month:<22} {amount:>12}" for month, amount in debt_rows(decision.debt_months, lang)
        )
        total = t(lang, "Total")
        lines.append(f"  {total:<22} {format_money(decision.debt_total, lang):>12}")
    lines.append("")
    lookback = format_month_count(parameters.lookback_months(decision.month), lang)
    lines.append(t(lang, "Payments of the last {lookback}", lookback=lookback) + ":")
    for line in decision.payments:
        # What counts for the month, whoever paid it: an employer's month showed 0 ₸ as the
        # person's own payments.
        paid = format_money(sum(i.amount for i in line.items), lang) if line.items else ""
        cover = label(lang, "cover", line.cover.value)
        if line.category:
            cover += f" ({label(lang, 'category', line.category)})"
        lines.append(
            f"  {_MARK[line.cover.value]} {month_name(line.month, lang):<22} {cover:<28} {paid}"
        )
    for item in decision.pending:
        lines.append(
            "  … "
            + t(
                lang,
                "{month}: {amount} paid {paid_on}, counts from {credited_on}",
                month=month_name(item.period, lang),
                amount=format_money(item.amount, lang),
                paid_on=format_date(item.paid_on, lang),
                credited_on=format_date(item.credited_on, lang),
            )
        )
    return "\n".join(lines)


def _unknown_lines(view: PublicStatus, lang: str) -> list[str]:
    """Why an IIN the registry does not know is insured, as the public reads it, and "no
    records yet" where the rules alone would find unpaid months."""
    lines: list[str] = []
    if view.why:
        lines += ["", t(lang, "Why") + ":"]
        lines.extend(f"  • [{f.rule}] {explain_public(f, lang)}" for f in view.why)
    if view.unrecorded_debt:
        lines += ["", no_records(view.on, lang)]
    return lines


def calculation_card(calc: Calculation, lang: str, *, known: bool = True) -> str:
    """The options as a terminal reads them; an IIN the registry does not know is told so
    first (RULES.md §11), as the page does."""
    lines = [
        t(lang, "IIN")
        + f" {calc.iin} · "
        + t(lang, "What to pay on {date}", date=format_date(calc.on, lang)),
        "",
    ]
    if not known and not calc.insured:
        lines[1:1] = [no_records(calc.on, lang)]
    if calc.insured:  # R-K-2: an insured person is told until when, never "to be insured now"
        until = (
            t(lang, "No end date")
            if calc.insured_until is None
            else t(lang, "Insured until {date}", date=format_date(calc.insured_until, lang))
        )
        lines[1:1] = [t(lang, "Status") + f": {label(lang, 'status', 'insured').upper()} · {until}"]
    for option in calc.options:
        mark = " ★ " + t(lang, "Recommended") if option.name == calc.recommended else ""
        lines.append(f"{option_name(calc, option, lang)}{mark}")
        lines.append("  " + t(lang, "Total") + f": {format_money(option.total, lang)}")
        status_from = calc.status_from_shown(option)
        if status_from is not None:
            lines.append("  " + t(lang, "Status from") + f": {format_date(status_from, lang)}")
        if option.insured_until is not None:
            lines.append(
                "  " + t(lang, "Insured until {date}", date=format_date(option.insured_until, lang))
            )
        lines.append("  " + t(lang, "Payment plan") + ":")
        lines.extend(
            (
                f"    {item.period}  "
                + t(lang, "KNP")
                + f" {item.knp.value}  {format_money(item.amount, lang):>10}"
            )
            for item in option.plan
        )
        left_out = not_billed_note(option, lang)
        if left_out is not None:
            lines.append("  " + left_out)
        lines.append("")
    note = provisional_note(calc.provisional_note, lang)
    if note is not None:
        lines += [note, ""]
    lines.append(t(lang, "Payment details") + ":")
    details = fund_details(calc.fund, beneficiary(lang), lang)
    lines.extend(f"  {name}: {value}" for name, value in details)
    lines.append("  " + t(lang, SEPARATE_PAYMENTS))
    return "\n".join(lines)


def iin_card(info: IINInfo, lang: str) -> str:
    return "\n".join(
        [
            t(lang, "IIN") + f" {info.iin}: " + t(lang, "valid"),
            "  " + t(lang, "Birth date") + f": {format_date(info.birth_date, lang)}",
            "  " + t(lang, "Sex") + ": " + t(lang, _SEX[info.sex]),
        ]
    )
