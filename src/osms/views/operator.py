"""What operators read on the command line, in Kazakhstan's languages (kk by default, ru, en).

Codes become words (``partially_accepted`` → "Partly accepted"), counts are grouped
(``12 345``), money and dates are written as people write them (:mod:`osms.i18n`).  Every text
is a gettext message of the ``osms`` catalogs (:data:`OPERATOR_MESSAGES`); nothing here
decides anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Final

from osms.clock import KAZAKHSTAN
from osms.i18n import (
    NARROW_NO_BREAK_SPACE,
    error_message,
    format_date,
    format_money,
    format_month_list,
    label,
    month_name,
    t,
    tn,
    translator,
)
from osms.registry.audit import door_of
from osms.registry.ledger import line_reference
from osms.registry.models import (
    AuditEvent,
    Payment,
    RefundApplication,
    Register,
    TemporaryApplication,
)
from osms.rules import iin as iin_rules
from osms.rules.month import Month
from osms.rules.status import Decision
from osms.services.categories import FeedReport, Unapplied
from osms.services.people import PersonFile
from osms.services.refunds import RefundEffect, working_days_left
from osms.services.trail_text import shown

__all__ = [
    "OPERATOR_MESSAGES",
    "PLURALS",
    "audit_csv",
    "audit_lines",
    "count",
    "feed_lines",
    "person_lines",
    "refund_effect_lines",
    "refund_line",
    "status_words",
    "temporary_line",
    "word",
]

WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    # Said mid-line ("refund 3, payment 7, wrong year: approved, …"), so in lower case.
    "application": {"applied": "pending", "approved": "approved", "refused": "refused"},
    "refund_reason": {
        "wrong_period": "wrong month",
        "wrong_year": "wrong year",
        "wrong_iin": "wrong IIN",
        "overpayment": "overpayment",
    },
    "register": {
        "accepted": "Accepted",
        "partially_accepted": "Partly accepted",
        "rejected": "Rejected",
    },
    "line": {"booked": "Booked", "duplicate": "Already received", "rejected": "Rejected"},
    "feed_line": {
        "added": "Added",
        "changed": "Changed",
        "withdrawn": "Withdrawn",
        "unchanged": "Unchanged",
        "superseded": "Replaced by a later line",
        "rejected": "Rejected",
    },
    "version": {"record": "Changed", "withdrawal": "Withdrawn"},
    "action": {
        "status.lookup": "Status look-up",
        "calculator.lookup": "Calculator look-up",
        "person.lookup": "Person file viewed",
        "audit.lookup": "Audit trail read",
        "refund.apply": "Refund applied for",
        "refund.apply_again": "Refund applied for again (same application)",
        "refund.effect": "Refund effect shown",
        "refund.approve": "Refund approved",
        "refund.refuse": "Refund refused",
        "refund.list": "Refund applications listed",
        "temporary.apply": "Temporary status applied for",
        "temporary.apply_again": "Temporary status applied for again (same application)",
        "temporary.approve": "Temporary status granted",
        "temporary.refuse": "Temporary status refused",
        "temporary.list": "Temporary-status applications listed",
        "categories.import": "Category feed imported",
        "category.change": "Category period changed",
        "register.book": "Payment register received",
        "register.lines": "Register lines viewed",
        "api_client.create": "API client created",
        "api_client.revoke": "API client's key revoked",
        "bot.subscribe": "Bot warnings turned on",
        "bot.unsubscribe": "Bot warnings turned off",
        "bot.remind": "Bot warning sent",
        "registry.export": "Registry exported",
        "demo.build": "Demo registry built",
    },
}
"""kind → code → English msgid: the words for codes an operator reads."""

_REFUND_APPLIED = "Refund application {id}: payment {payment}, {reason}, to be decided by {date}"
_REFUND_AGAIN = (
    "Refund application {id} is already pending for this payment and reason: "
    "it is the same application."
)
_REFUND_APPROVED = "Refund application {id}: approved; {amount} refunded from {date}"
_REFUND_REFUSED = "Refund application {id}: refused"
_EFFECT_TITLE = "What refund application {id} changes if refunded on {date}"
_EFFECT_PAYMENT = "Payment {payment}: {month}, {amount}, paid on {date}, KNP {knp}"
_EFFECT_AMOUNT = "Refunded: {amount}"
_EFFECT_PROBLEM = "Cannot be approved: {reason}"
_EFFECT_UNPAID = "Months that become unpaid: {months}"
_EFFECT_NONE_UNPAID = "No month becomes unpaid."
_EFFECT_STATUS = "Status on {date}: {before} before the refund, {after} after it"
_EFFECT_LOSES = "The person loses the status."
_REFUND_LINE = (
    "Refund application {id}: {iin}, payment {payment} ({month}, {amount}), {reason}, "
    "due by {date}: {left}"
)
_DAYS_LEFT = ("{n} working day left", "{n} working days left")
_DAYS_LATE = ("overdue by {n} working day", "overdue by {n} working days")
_DUE_TODAY = "due today"
_NO_REFUNDS = "No refund applications to decide."
_TEMPORARY_LINE = (
    "Temporary-status application {id}: {iin}, {category}, submitted on {date} through "
    "{channel}, documents: {documents}"
)
_TEMPORARY_APPLIED = "Temporary-status application {id}: pending"
_TEMPORARY_AGAIN = (
    "Temporary-status application {id} is already pending for this person and category: "
    "it is the same application."
)
_TEMPORARY_APPROVED = (
    "Temporary-status application {id}: approved; insured from {start} through {end}"
)
_TEMPORARY_REFUSED = "Temporary-status application {id}: refused"
_NO_TEMPORARY = "No temporary-status applications to decide."
_FEED_SUMMARY = (
    "{file}: {n} line, {accepted} accepted, {rejected} rejected",
    "{file}: {n} lines, {accepted} accepted, {rejected} rejected",
)
_LINE = "Line {line}: {text}"
_PERSON = "Person file, IIN {iin}"
_NOT_KNOWN = "Not known to the registry yet."
_NAME = "Name"
_BORN = "Born {date}, {sex}"
_STATUS_TODAY = "Status today"
_PAYMENTS = "Payments"
_NO_PAYMENTS = "No payments."
_PAYMENT = (
    "payment {id}: {month}, {amount}, KNP {knp}, payer {payer}, paid on {paid}, "
    "credited on {credited}"
)
_FROM_REGISTER = "register {register} from {sender}, reference {reference}, line {line}"
_FROM_FILE = "register {register} from {sender} (file {file}), line {line}, reference {reference}"
"""A line with its own reference (a CSV list's): the register is known by its file's digest."""
_REFUNDED = "refunded from {date}: {amount}"
_CATEGORIES = "State-paid categories"
_PERIOD = "{category}: {first} – {last}, from {source}"
_OPEN = "open"
_EARLIER = "Earlier versions"
_EARLIER_PERIOD = "{category}: {first} – {last}, until {date}: {how} ({by})"
_NONE = "None."
_APPLICATIONS = "Applications and decisions"
_TEMPORARY_ITEM = "temporary status {id}, {category}: {status}, applied on {date} by {by}"
_REFUND_ITEM = "refund {id}, payment {payment}, {reason}: {status}, applied on {date} by {by}"
_DECIDED = "decided by {by} on {date}"
_REASON = "reason: {reason}"
_EVENTS = "Latest events of the audit trail"
_TIME = "Time"
_WHO = "Who"
_WHAT = "What"
_DOOR = "Door"
_NO_EVENTS = "No events."
_UNKNOWN = "unknown"

PLURALS: Final[tuple[tuple[str, str], ...]] = (_DAYS_LEFT, _DAYS_LATE, _FEED_SUMMARY)
"""The plural messages (singular, plural) of this module."""

OPERATOR_MESSAGES: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(
        [
            *(msgid for words in WORDS.values() for msgid in words.values()),
            _REFUND_APPLIED,
            _REFUND_AGAIN,
            _REFUND_APPROVED,
            _REFUND_REFUSED,
            _EFFECT_TITLE,
            _EFFECT_PAYMENT,
            _EFFECT_AMOUNT,
            _EFFECT_PROBLEM,
            _EFFECT_UNPAID,
            _EFFECT_NONE_UNPAID,
            _EFFECT_STATUS,
            _EFFECT_LOSES,
            _REFUND_LINE,
            _NO_REFUNDS,
            _DUE_TODAY,
            _TEMPORARY_LINE,
            _TEMPORARY_APPLIED,
            _TEMPORARY_AGAIN,
            _TEMPORARY_APPROVED,
            _TEMPORARY_REFUSED,
            _NO_TEMPORARY,
            _LINE,
            _PERSON,
            _NOT_KNOWN,
            _NAME,
            _BORN,
            _STATUS_TODAY,
            _PAYMENTS,
            _NO_PAYMENTS,
            _PAYMENT,
            _FROM_REGISTER,
            _FROM_FILE,
            _REFUNDED,
            _CATEGORIES,
            _PERIOD,
            _OPEN,
            _EARLIER,
            _EARLIER_PERIOD,
            _NONE,
            _APPLICATIONS,
            _TEMPORARY_ITEM,
            _REFUND_ITEM,
            _DECIDED,
            _REASON,
            _EVENTS,
            _TIME,
            _WHO,
            _WHAT,
            _DOOR,
            _NO_EVENTS,
            _UNKNOWN,
            *(singular for singular, _ in PLURALS),
        ]
    )
)
"""Every msgid of this module (for the catalogs and their check)."""


def count(n: int) -> str:
    """A count with its thousands grouped like amounts (narrow no-break space).

    >>> count(12345), count(7)
    ('12\\u202f345', '7')
    """
    return f"{n:,}".replace(",", NARROW_NO_BREAK_SPACE)


def word(lang: str, kind: str, code: str) -> str:
    """The word for a code of :data:`WORDS` (an unknown code as it is).

    >>> word("ru", "register", "partially_accepted"), word("en", "refund_reason", "wrong_iin")
    ('Принят частично', 'wrong IIN')
    """
    msgid = WORDS[kind].get(str(code))
    return str(code) if msgid is None else t(lang, msgid)


def _category(lang: str, code: str) -> str:
    return label(lang, "category", code)


def status_words(decision: Decision, lang: str) -> str:
    """``Insured · Regular payments``: the status and its reason in words, apart as the status
    line of the card and the bot has them (the grace reason holds parentheses of its own)."""
    reason = label(lang, "reason", decision.reason.value)
    if decision.category:
        reason += f": {_category(lang, decision.category)}"
    return f"{label(lang, 'status', decision.status.value)} · {reason}"


# -- refunds -----------------------------------------------------------------------------------


def refund_applied(application: RefundApplication, lang: str, *, again: bool) -> str:
    if again:
        return t(lang, _REFUND_AGAIN, id=application.id)
    return t(
        lang,
        _REFUND_APPLIED,
        id=application.id,
        payment=application.payment_id,
        reason=word(lang, "refund_reason", application.reason.value),
        date=application.due_by,
    )


def refund_decided(application: RefundApplication, lang: str) -> str:
    if application.refunded_on is None:
        return t(lang, _REFUND_REFUSED, id=application.id)
    amount = application.refunded_amount or application.payment.amount
    return t(
        lang,
        _REFUND_APPROVED,
        id=application.id,
        amount=format_money(amount, lang),
        date=application.refunded_on,
    )


def refund_effect_lines(effect: RefundEffect, lang: str) -> list[str]:
    """What approving the refund changes (R-R-1), before it is approved."""
    payment = effect.payment
    lines = [
        t(lang, _EFFECT_TITLE, id=effect.application.id, date=effect.refunded_on) + ":",
        "  "
        + t(
            lang,
            _EFFECT_PAYMENT,
            payment=payment.id,
            month=payment.period,
            amount=format_money(payment.amount, lang),
            date=payment.paid_on,
            knp=payment.knp.value,
        ),
        "  "
        + t(lang, _REASON, reason=word(lang, "refund_reason", effect.application.reason.value)),
    ]
    if effect.problem is not None:
        lines.append("  " + t(lang, _EFFECT_PROBLEM, reason=error_message(effect.problem, lang)))
    elif effect.amount is not None:
        lines.append("  " + t(lang, _EFFECT_AMOUNT, amount=format_money(effect.amount, lang)))
    if effect.unpaid_months:
        months = format_month_list(effect.unpaid_months, lang)
        lines.append("  " + t(lang, _EFFECT_UNPAID, months=months))
    else:
        lines.append("  " + t(lang, _EFFECT_NONE_UNPAID))
    lines.append(
        "  "
        + t(
            lang,
            _EFFECT_STATUS,
            date=effect.shown_on,
            before=status_words(effect.before, lang),
            after=status_words(effect.after, lang),
        )
    )
    if effect.loses_status:
        lines.append("  ⚠ " + t(lang, _EFFECT_LOSES))
    return lines


def days_left(application: RefundApplication, today: date, lang: str) -> str:
    """``3 working days left``, ``due today`` or ``overdue by 2 working days`` (R-R-1's 15
    working days, all left on the day of the application)."""
    left = working_days_left(application, today)
    if left == 0:
        return t(lang, _DUE_TODAY)
    if left > 0:
        return _plural(lang, _DAYS_LEFT, left)
    return _plural(lang, _DAYS_LATE, -left)


def _plural(lang: str, message: tuple[str, str], n: int) -> str:
    """A plural message for ``n`` with ``{n}`` grouped (:func:`count`)."""
    return translator(lang).ngettext(*message, n).replace("{n}", count(n))


def refund_line(application: RefundApplication, today: date, lang: str) -> str:
    """One pending refund application with its payment, amount and working days left."""
    payment = application.payment
    return t(
        lang,
        _REFUND_LINE,
        id=application.id,
        iin=application.iin,
        payment=payment.id,
        month=payment.period,
        amount=format_money(payment.amount, lang),
        reason=word(lang, "refund_reason", application.reason.value),
        date=application.due_by,
        left=days_left(application, today, lang),
    )


def no_refunds(lang: str) -> str:
    return t(lang, _NO_REFUNDS)


# -- temporary status --------------------------------------------------------------------------


def temporary_applied(application: TemporaryApplication, lang: str, *, again: bool) -> str:
    return t(lang, _TEMPORARY_AGAIN if again else _TEMPORARY_APPLIED, id=application.id)


def temporary_decided(application: TemporaryApplication, lang: str) -> str:
    if application.granted_on is None or application.ends_on is None:
        return t(lang, _TEMPORARY_REFUSED, id=application.id)
    return t(
        lang,
        _TEMPORARY_APPROVED,
        id=application.id,
        start=application.granted_on,
        end=application.ends_on - timedelta(days=1),
    )


def temporary_line(application: TemporaryApplication, lang: str) -> str:
    """One pending temporary-status application with its documents."""
    documents = ", ".join(
        f"{d.get('kind')} {d.get('number')} ({format_date(str(d.get('issued_on')), lang)})"
        for d in application.documents
    )
    return t(
        lang,
        _TEMPORARY_LINE,
        id=application.id,
        iin=application.iin,
        category=_category(lang, application.category),
        date=application.submitted_on,
        channel=application.channel,
        documents=documents or "—",
    )


def no_temporary(lang: str) -> str:
    return t(lang, _NO_TEMPORARY)


# -- category feeds ----------------------------------------------------------------------------


def feed_lines(name: str, report: FeedReport, lang: str) -> list[str]:
    """The summary of a feed import, what the lines did, and each rejected line."""
    lines = [
        tn(
            lang,
            *_FEED_SUMMARY,
            len(report.lines),
            file=name,
            n=count(len(report.lines)),
            accepted=count(report.accepted),
            rejected=count(report.rejected),
        )
    ]
    for status, n in report.changes.items():
        if n and status != Unapplied.REJECTED:
            lines.append(f"  {word(lang, 'feed_line', status)}: {count(n)}")
    for line in report.lines:
        if line.status is Unapplied.REJECTED and line.code is not None:
            text = error_message(line.code, lang)
            where = f" [{line.field}]" if line.field else ""
            lines.append(
                "  " + t(lang, _LINE, line=count(line.line_no), text=f"{line.code}{where}: {text}")
            )
    return lines


# -- the person --------------------------------------------------------------------------------


def _who(value: str | None) -> str:
    return shown(value) if value else "—"


def person_lines(file: PersonFile, lang: str) -> list[str]:
    """An operator's file of one person: facts, payments with ids and registers, categories,
    applications and decisions, the latest events of the audit trail."""
    lines = [t(lang, _PERSON, iin=file.iin)]
    person = file.person
    if person is None:
        lines.append("  " + t(lang, _NOT_KNOWN))
    else:
        names = " ".join(n for n in (person.surname, person.given_name, person.patronymic) if n)
        if names:
            lines.append(f"  {t(lang, _NAME)}: {names}")
    born, sex = iin_rules.birth_date(file.iin), iin_rules.sex(file.iin)
    lines.append("  " + t(lang, _BORN, date=born, sex=t(lang, sex)))
    for kind in file.payer_kinds:
        last = month_name(kind.last_period, lang) if kind.last_period else t(lang, _OPEN)
        lines.append(
            f"  {t(lang, 'Payer kind')}: {label(lang, 'payer_kind', kind.kind.value)} "
            f"({month_name(kind.first_period, lang)} – {last})"
        )
    lines.append(f"  {t(lang, _STATUS_TODAY)}: {status_words(file.decision, lang)}")
    if file.decision.insured_until is not None:
        lines.append("  " + t(lang, "Insured until {date}", date=file.decision.insured_until))

    lines += ["", t(lang, _PAYMENTS) + ":"]
    if not file.payments:
        lines.append("  " + t(lang, _NO_PAYMENTS))
    for entry in file.payments:
        payment = entry.payment
        lines.append(
            "  "
            + t(
                lang,
                _PAYMENT,
                id=payment.id,
                month=payment.period,
                amount=format_money(payment.amount, lang),
                knp=payment.knp.value,
                payer=payment.payer,
                paid=payment.paid_on,
                credited=entry.credited_on,
            )
        )
        if entry.register is not None:
            lines.append("    " + _from_register(payment, entry.register, lang))
        refund = entry.refund
        if refund is not None and refund.refunded_on is not None:
            amount = refund.refunded_amount or payment.amount
            lines.append(
                "    "
                + t(lang, _REFUNDED, date=refund.refunded_on, amount=format_money(amount, lang))
            )

    lines += ["", t(lang, _CATEGORIES) + ":"]
    if not file.categories and not file.category_history:
        lines.append("  " + t(lang, _NONE))
    for period in file.categories:
        lines.append(
            "  "
            + t(
                lang,
                _PERIOD,
                category=_category(lang, period.category),
                first=period.first_period,
                last=_last(period.last_period, lang),
                source=period.source,
            )
        )
    if file.category_history:
        lines.append("  " + t(lang, _EARLIER) + ":")
        for version in file.category_history:
            lines.append(
                "    "
                + t(
                    lang,
                    _EARLIER_PERIOD,
                    category=_category(lang, version.category),
                    first=version.first_period,
                    last=_last(version.last_period, lang),
                    date=version.replaced_on,
                    how=word(lang, "version", version.replaced_by),
                    by=version.replacing_source,
                )
            )

    lines += ["", t(lang, _APPLICATIONS) + ":"]
    if not file.temporary and not file.refunds:
        lines.append("  " + t(lang, _NONE))
    for application in file.temporary:
        lines.append(
            "  "
            + t(
                lang,
                _TEMPORARY_ITEM,
                id=application.id,
                category=_category(lang, application.category),
                status=word(lang, "application", application.status.value),
                date=application.submitted_on,
                by=_who(application.applied_by),
            )
        )
        lines += _decision(application, lang)
    for refund in file.refunds:
        lines.append(
            "  "
            + t(
                lang,
                _REFUND_ITEM,
                id=refund.id,
                payment=refund.payment_id,
                reason=word(lang, "refund_reason", refund.reason.value),
                status=word(lang, "application", refund.status.value),
                date=refund.applied_on,
                by=_who(refund.applied_by),
            )
        )
        lines += _decision(refund, lang)

    lines += ["", t(lang, _EVENTS) + ":"]
    lines += ["  " + line for line in audit_lines(file.events, lang)]
    return lines


def _from_register(payment: Payment, register: Register, lang: str) -> str:
    """Where a payment came from; a CSV line by its own reference, which the bank knows (the
    register's is only its file's digest)."""
    line = payment.line_no if payment.line_no is not None else "—"
    own = line_reference(payment.idempotency_key, register.sender)
    where = {"register": register.id, "sender": register.sender, "line": line}
    if own is None:
        return t(lang, _FROM_REGISTER, reference=register.reference, **where)
    return t(lang, _FROM_FILE, file=register.reference, reference=own, **where)


def _last(month: Month | None, lang: str) -> str:
    return month_name(month, lang) if month is not None else t(lang, _OPEN)


def _decision(application: TemporaryApplication | RefundApplication, lang: str) -> list[str]:
    if application.decided_at is None:
        return []
    day = application.decided_at.astimezone(KAZAKHSTAN).date()
    found = ["    " + t(lang, _DECIDED, by=_who(application.decided_by), date=day)]
    if application.refusal_reason:
        found.append("    " + t(lang, _REASON, reason=shown(application.refusal_reason)))
    return found


# -- the audit trail ---------------------------------------------------------------------------


def _when(event: AuditEvent) -> str:
    return event.at.astimezone(KAZAKHSTAN).strftime("%Y-%m-%d %H:%M:%S")


def audit_lines(events: Iterable[AuditEvent], lang: str) -> list[str]:
    """The events as a table: time (in Kazakhstan), who, what, IIN, door, why."""
    found = list(events)
    if not found:
        return [t(lang, _NO_EVENTS)]
    header = (t(lang, _TIME), t(lang, _WHO), t(lang, _WHAT), t(lang, "IIN"), t(lang, _DOOR))
    rows = [
        (
            _when(e),
            shown(e.actor),
            word(lang, "action", e.action),
            e.iin or "—",
            door_of(e) or t(lang, _UNKNOWN),
        )
        for e in found
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    for row, event in zip(rows, found, strict=True):
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(f"{cells}  {shown(event.why)}")
    return lines


AUDIT_CSV_COLUMNS: Final = ("at", "actor", "action", "iin", "door", "why", "detail")


def audit_csv(events: Iterable[AuditEvent]) -> str:
    """The events as CSV with stable columns (:data:`AUDIT_CSV_COLUMNS`), times in UTC ISO."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_CSV_COLUMNS)
    for event in events:
        writer.writerow(
            (
                event.at.isoformat(),
                event.actor,
                event.action,
                event.iin or "",
                door_of(event) or "",
                event.why,
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            )
        )
    return out.getvalue()
