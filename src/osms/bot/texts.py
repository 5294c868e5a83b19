"""What the bot writes: chat-sized messages and keyboards, in Kazakh, Russian or English.

Every word comes from the gettext catalogs (:mod:`osms.i18n`); nothing here decides anything.
The texts are plain (no parse mode), so that no IIN, name or amount needs escaping.  Anyone
may send any IIN: a status answer is the public view (:mod:`osms.views.public`, RULES.md
§11) — a state-paid category only as such, no payment, no employer or pending month, no payer
— and an IIN the registry does not know gets "no records yet", never a debtor's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from osms.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    format_money,
    label,
    month_name,
    t,
)
from osms.rules.calculator import Calculation, Option
from osms.rules.facts import KNP
from osms.rules.status import DebtMonth, Decision
from osms.views import public
from osms.views.fragments import (
    ENDS_NEXT_MONTH,
    SEPARATE_PAYMENTS,
    debt_rows,
    debt_total,
    fund_details,
    insured_until,
    not_billed_note,
    option_name,
    provisional_note,
    status_appears,
    status_line,
)
from osms.views.public import beneficiary, explain_public, no_records, public_status

__all__ = [
    "BANK_APPS",
    "CALL_CENTRE",
    "SITES",
    "calculation_message",
    "calculator_button",
    "commands",
    "help_message",
    "iin_needed_message",
    "language_chosen_message",
    "language_keyboard",
    "start_message",
    "status_keyboard",
    "status_message",
    "subscribed_message",
    "unexpected_error_message",
    "unsubscribed_message",
]

CALL_CENTRE: Final = public.CALL_CENTRE
"""The Fund's call centre since 2023 (SOURCES.md R5.1, §12 Q13; 1406 in older leaflets)."""

SITES: Final[tuple[str, ...]] = ("msqory.kz", "fms.kz")
"""The Fund's sites (SOURCES.md R5.1); /help names them under a plural label (the page,
with :data:`osms.views.public.FUND_SITE` alone, under a singular one)."""

BANK_APPS: Final[tuple[str, ...]] = ("Halyk", "Kaspi.kz", "BCC.KZ")
"""Bank apps that show the status and take payments (SEED-001, SOURCES.md R5.1)."""

LANGUAGE_CALLBACK: Final = "lang:"
SUBSCRIBE_CALLBACK: Final = "sub:"
CALC_CALLBACK: Final = "calc:"

_SEND_IIN: Final = N_("Send an IIN (12 digits) to see the OSMS status, the debt and what to pay.")

_COMMANDS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("start", N_("choose the language"), False),
    ("calc", N_("what to pay to be insured"), True),
    ("subscribe", N_("warn me before the status ends"), True),
    ("unsubscribe", N_("stop the warnings"), True),
    ("help", N_("the Fund's channels"), False),
)
"""(command, English msgid of its description, whether it takes an IIN)."""

# -- start and language ------------------------------------------------------------------------


def start_message() -> str:
    """The /start prompt: "choose a language" in every language, Kazakh first."""
    prompts = dict.fromkeys(t(lang, "Choose a language") for lang in LANGUAGES)
    return "МӘМС · ОСМС · OSMS\n" + "\n".join(prompts)


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=LANGUAGE_NAMES[lang], callback_data=f"{LANGUAGE_CALLBACK}{lang}"
                )
                for lang in LANGUAGES
            ]
        ]
    )


def language_chosen_message(lang: str) -> str:
    return "\n\n".join(
        [t(lang, "Language: {language}", language=LANGUAGE_NAMES[lang]), t(lang, _SEND_IIN)]
    )


def iin_needed_message(lang: str, command: str | None = None) -> str:
    """What to send: an IIN, or the command followed by an IIN."""
    if command is None:
        return t(lang, _SEND_IIN)
    example = f"/{command} <" + t(lang, "IIN") + ">"
    return t(lang, "Write the IIN after the command: {example}", example=example)


def unexpected_error_message(lang: str) -> str:
    return t(lang, "Something went wrong, please try again later.")


# -- status ------------------------------------------------------------------------------------


def _debt_lines(debts: Sequence[DebtMonth], lang: str) -> list[str]:
    lines = [t(lang, "Debt") + ":"]
    lines.extend(f"• {month} — {amount}" for month, amount in debt_rows(debts, lang))
    lines.append("{}: {}".format(*debt_total(debts, lang)))
    return lines


def _option_line(option: Option, calc: Calculation, lang: str) -> str:
    """An option and when it insures from, or, for one insured today without a break, until
    when (R-K-2)."""
    name = option_name(calc, option, lang)
    line = f"{name} — {format_money(option.total, lang)}"
    status_from = calc.status_from_shown(option)
    if status_from is not None:
        line += " (" + t(lang, "Status from {date}", date=status_from) + ")"
    elif calc.insured and option.insured_until is not None:
        line += " (" + t(lang, "Insured until {date}", date=option.insured_until) + ")"
    return line


def status_message(
    decision: Decision, lang: str, *, registered: bool, calculation: Calculation | None = None
) -> str:
    """The answer to an IIN (the public view, RULES.md §11): status and reason, insured until,
    the warning, why, the debt months with their amounts and total, and the recommended way
    to pay.  An IIN the registry does not know and the rules do not insure: "no records yet"."""
    view = public_status(decision, known=registered)
    lines = [t(lang, "IIN") + f" {view.iin} · " + t(lang, "Status on {date}", date=view.on)]
    if view.no_records:
        lines.append(no_records(view.on, lang))
        return "\n".join(lines)
    # A state-paid category is never named (RULES.md §11).
    lines.append(status_line(view.status, public.reason_label(view, lang), lang))
    if view.insured_until is not None:
        lines.append(t(lang, "Insured until {date}", date=view.insured_until))
    if view.ends_with_this_month:
        lines.append("⚠ " + t(lang, ENDS_NEXT_MONTH))
    if view.why:
        lines.append("")
        lines.append(t(lang, "Why") + ":")
        lines.extend(f"• {explain_public(f, lang)}" for f in view.why)
    lines.append("")
    if view.debt_months:
        lines.extend(_debt_lines(view.debt_months, lang))
    elif view.unrecorded_debt:  # RULES.md §11: unrecorded months are no debt
        lines.append(no_records(view.on, lang))
    else:
        lines.append(t(lang, "No debt"))
    if calculation is not None and calculation.recommended is not None:
        recommended = calculation.option(calculation.recommended)
        if recommended is not None:
            lines.append("")
            lines.append(t(lang, "What to pay") + " (" + t(lang, "Recommended") + "):")
            lines.append(_option_line(recommended, calculation, lang))
    return "\n".join(lines)


def status_keyboard(iin: str, lang: str) -> InlineKeyboardMarkup:
    """The buttons under a status: remind me (subscribe) and what to pay (the calculator)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="🔔 " + t(lang, "Remind me"), callback_data=f"{SUBSCRIBE_CALLBACK}{iin}"
                ),
                calculator_button(iin, lang),
            ]
        ]
    )


def calculator_button(iin: str, lang: str) -> InlineKeyboardButton:
    """What to pay: the calculator for the IIN, a look-up of the chat (limited and audited)."""
    return InlineKeyboardButton(
        text="💳 " + t(lang, "What to pay"), callback_data=f"{CALC_CALLBACK}{iin}"
    )


# -- the calculator ----------------------------------------------------------------------------


def calculation_message(calc: Calculation, lang: str) -> str:
    """The options with their totals, the recommended one first and marked, its payment plan
    (one payment per month, КНП 122) and the Fund's details (R-K-2, R-K-3)."""
    lines = [t(lang, "IIN") + f" {calc.iin} · " + t(lang, "What to pay on {date}", date=calc.on)]
    if calc.insured:  # R-K-2: until when, and what keeps or extends it
        lines.append(insured_until(calc.insured_until, lang))
    if not calc.options:
        lines.append(t(lang, "Nothing to pay"))
        return "\n".join(lines)
    ordered = sorted(calc.options, key=lambda o: o.name != calc.recommended)
    for option in ordered:
        lines.append("")
        mark = "★ " if option.name == calc.recommended else ""
        title = f"{mark}{option_name(calc, option, lang)}"
        if option.name == calc.recommended:
            title += " — " + t(lang, "Recommended")
        lines.append(title)
        lines.append("  " + t(lang, "Total") + f": {format_money(option.total, lang)}")
        status_from = calc.status_from_shown(option)
        if status_from is not None:
            lines.append("  " + t(lang, "Status from {date}", date=status_from))
        if option.insured_until is not None:
            lines.append("  " + t(lang, "Insured until {date}", date=option.insured_until))
    chosen = calc.option(calc.recommended) if calc.recommended is not None else None
    if chosen is not None:
        lines.append("")
        lines.append(t(lang, "Payment plan") + f" ({option_name(calc, chosen, lang)}):")
        lines.extend(
            f"• {month_name(item.period, lang)} — {format_money(item.amount, lang)}"
            for item in chosen.plan
        )
        left_out = not_billed_note(chosen, lang)
        if left_out is not None:
            lines.append(left_out)
    note = provisional_note(calc.provisional_note, lang)
    if note is not None:
        lines += ["", note]
    lines.append("")
    lines.append(t(lang, SEPARATE_PAYMENTS))
    knp = KNP.CONTRIBUTION.value
    lines.append(t(lang, "KNP") + f" {knp} — {label(lang, 'knp', knp)}")
    lines.append("")
    lines.append(t(lang, "Payment details") + ":")
    details = fund_details(calc.fund, beneficiary(lang), lang)
    lines.extend(f"{name}: {value}" for name, value in details)
    if not calc.insured:
        lines.append(status_appears(calc.on, lang))
    return "\n".join(lines)


# -- subscriptions and the Fund's warning ------------------------------------------------------


def subscribed_message(iin: str, lang: str) -> str:
    return t(lang, "You will be warned here when the status of IIN {iin} is about to end.", iin=iin)


def unsubscribed_message(iin: str, lang: str, *, was_subscribed: bool) -> str:
    if was_subscribed:
        return t(lang, "Warnings for IIN {iin} are turned off.", iin=iin)
    return t(lang, "There were no warnings for IIN {iin} in this chat.", iin=iin)


# -- help --------------------------------------------------------------------------------------


def help_message(lang: str) -> str:
    """The Fund's channels (SOURCES.md R5.1) and the bot's commands."""
    lines = [
        t(lang, "Other ways to check the status and pay:"),
        "• " + t(lang, "Call centre {number}", number=CALL_CENTRE),
        "• " + t(lang, "Qoldau 24/7 mobile app"),
        "• " + t(lang, "The Fund's sites: {sites}", sites=", ".join(SITES)),
        "• " + t(lang, "eGov.kz, the electronic government portal"),
        "• " + t(lang, "Bank apps: {banks}", banks=", ".join(BANK_APPS)),
        "",
        t(lang, _SEND_IIN),
        "",
        t(lang, "Commands:"),
    ]
    iin = t(lang, "IIN")
    for command, description, takes_iin in _COMMANDS:
        usage = f"/{command} <{iin}>" if takes_iin else f"/{command}"
        lines.append(f"{usage} — {t(lang, description)}")
    return "\n".join(lines)


def commands(lang: str) -> list[BotCommand]:
    """The command menu Telegram shows, in the language."""
    return [
        BotCommand(command=command, description=t(lang, description))
        for command, description, _ in _COMMANDS
    ]
