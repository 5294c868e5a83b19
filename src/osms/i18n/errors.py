"""The messages of the stable error codes of every layer (``RuleError.code``, intake, API)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from osms.i18n.catalogs import N_, t

__all__ = ["ERROR_CODES", "error_message"]

_ERRORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "rule.invalid": N_("The value is not valid."),
        "iin.invalid": N_("The IIN is not valid."),
        "iin.length": N_("The IIN must have 12 digits."),
        "iin.format": N_("The IIN may contain only digits."),
        "iin.date": N_("The first six digits of the IIN are not a valid date of birth."),
        "iin.century": N_("The 7th digit of the IIN (century of birth and sex) must be 1 to 6."),
        "iin.checksum": N_("The check digit of the IIN is wrong: please check the number."),
        "iin.never_issued": N_("No IIN is ever issued with these digits."),
        "bin.invalid": N_("The BIN is not valid."),
        "bin.length": N_("The BIN must have 12 digits."),
        "bin.format": N_("The BIN may contain only digits."),
        "bin.entity_type": N_("The 5th digit of the BIN (type of legal entity) must be 4, 5 or 6."),
        "bin.checksum": N_("The check digit of the BIN is wrong: please check the number."),
        "bin.never_issued": N_("No BIN is ever issued with these digits."),
        "month.invalid": N_("Not a valid month: write it as YYYY-MM, MM.YYYY or MMYYYY."),
        "parameter.missing": N_("A rule parameter is not known for this date."),
        "line.invalid_text": N_(
            "A name in the line is too long (more than 100 characters) or contains control "
            "characters."
        ),
        "line.paid_on_out_of_range": N_(
            "The payment date is outside the accepted range: from 1 July 2017 to the next "
            "working day; a payment cannot be dated later."
        ),
        "line.invalid_iin": N_("The line has an invalid IIN."),
        "line.invalid_period": N_("The line has an invalid period (month and year)."),
        "line.period_too_early": N_(
            "The period is too early: contributions (KNP 122) are accepted from January 2020, "
            "employer deductions (KNP 121) from July 2017."
        ),
        "line.period_outside_esp": N_(
            "The period is outside the months of the single aggregate payment (KNP 183): "
            "January 2019 to December 2023."
        ),
        "line.period_too_late": N_(
            "The period is too late: it may be at most 12 months after the month of payment."
        ),
        "line.amount_not_positive": N_("The amount must be greater than zero."),
        "line.amount_too_large": N_(
            "The amount is too large: it must be less than 1 000 000 000 000 tenge."
        ),
        "line.unknown_knp": N_(
            "Unknown payment purpose code (KNP): only 121, 122, 123, 124 and 183 are accepted."
        ),
        "line.duplicate": N_("This payment has already been received (duplicate)."),
        "line.key_conflict": N_(
            "This reference was used before for another payment (payment {payment}, "
            "register {register}): the line is not booked. Send the payment again with a new "
            "reference."
        ),
        "register.sender_not_allowed": N_(
            "The sender of a register is the client that sends it: the sender parameter is "
            "not accepted."
        ),
        "line.malformed": N_("The line cannot be read."),
        "register.total_mismatch": N_(
            "The total of the register differs from the sum of its lines: "
            "the whole register is rejected."
        ),
        "register.malformed": N_("The register cannot be read."),
        "auth.key_missing": N_("This request needs an API key (Authorization: Bearer <key>)."),
        "auth.key_invalid": N_("The API key is not valid."),
        "auth.key_revoked": N_("The API key has been revoked."),
        "auth.scope_missing": N_("The API key does not allow this request."),
        "rate.limited": N_("Too many requests: please wait and try again."),
        "request.invalid": N_("The request is not valid."),
        "request.not_found": N_("Not found."),
        "request.method_not_allowed": N_("This method is not allowed here."),
        "request.too_large": N_("The request is too large."),
        "request.unsupported_media_type": N_("This content type is not accepted here."),
        "request.failed": N_("The request failed."),
        "server.error": N_(
            "Internal error: the request was not completed. Please try again later."
        ),
        "ready.database": N_("The database is not reachable."),
        "ready.migrations": N_("The database is not migrated to the current version."),
        "service.unavailable": N_(
            "The service is temporarily unavailable: please try again in a minute."
        ),
        "facts.encoding": N_("The facts file is not UTF-8 text: save it in the UTF-8 encoding."),
        "facts.unreadable": N_("The facts file cannot be read."),
        "facts.too_large": N_("The facts file is too large."),
        "facts.yaml": N_("The facts file is not valid YAML."),
        "facts.invalid": N_("A value in the facts file is missing or not valid."),
        "client.scope_unknown": N_("Unknown scope."),
        "client.scope_required": N_("Give at least one scope."),
        "client.name": N_("A client's name has 1 to 32 printable characters."),
        "client.rate_limit": N_("The rate limit is 1 to 1 000 000 requests per minute."),
        "client.name_taken": N_("A client with this name already has a valid key."),
        "client.not_found": N_("No such API client."),
        "client.already_revoked": N_("The key has already been revoked."),
        "subscription.language": N_("Unsupported language: choose kk, ru or en."),
        "line.invalid_payer": N_("The payer's BIN or IIN is not valid."),
        "category.unknown": N_("Unknown state-paid category."),
        "feed.malformed": N_(
            "The category list cannot be read: check its header (iin, category, first, last)."
        ),
        "feed.period_order": N_("The last month is before the first month."),
        "temporary.documents_missing": N_("Documents proving the category are missing."),
        "temporary.document_date": N_("A document is dated after the application."),
        "temporary.not_on_documents": N_(
            "Temporary status cannot be granted on documents for this category."
        ),
        "temporary.already_insured": N_(
            "The person is already insured: temporary status is not needed."
        ),
        "temporary.already_decided": N_("The application has already been decided."),
        "temporary.not_found": N_("No such application."),
        "temporary.reason_required": N_("A refusal must give its reason."),
        "refund.reason": N_("Unknown refund reason."),
        "refund.payment_not_found": N_("No such payment."),
        "refund.already_refunded": N_("This payment has already been refunded."),
        "refund.already_decided": N_("The refund application has already been decided."),
        "refund.not_found": N_("No such refund application."),
        "refund.reason_required": N_("A refusal must give its reason."),
        "refund.backdated": N_(
            "A refund takes effect on the day it is decided or later, never on an earlier date."
        ),
        "temporary.backdated": N_(
            "Temporary status starts on the day it is decided or later, never before the "
            "decision or the application."
        ),
        "refund.future_application": N_(
            "An application is dated today or earlier, never on a day still to come."
        ),
        "temporary.future_application": N_(
            "An application is dated today or earlier, never on a day still to come."
        ),
        "refund.postdated": N_(
            "A refund takes effect no later than the day its application is due to be decided "
            "(15 working days), or on the decision day once that has passed."
        ),
        "temporary.postdated": N_(
            "Temporary status starts within the month after the day it is decided."
        ),
        "refund.decider_is_applicant": N_(
            "The operator who recorded the application cannot decide it: another operator must."
        ),
        "temporary.decider_is_applicant": N_(
            "The operator who recorded the application cannot decide it: another operator must."
        ),
        "audit.unavailable": N_(
            "The check could not be recorded in the audit trail, so it was not answered. "
            "Please try again later."
        ),
        "register.duplicate": N_("This register has already been received."),
        "temporary.not_a_woman": N_(
            "The pregnancy category is for women: by the IIN (its 7th digit) this person is a man."
        ),
        "temporary.not_a_child": N_(
            "The child category is for children: by the IIN the person turned 18 before this month."
        ),
        "temporary.below_pension_age": N_(
            "By the IIN the person has not reached pension age: attach the WWII veteran's "
            "certificate or apply under another category."
        ),
        "feed.withdraw_unknown": N_("The registry holds no such period to withdraw."),
        "feed.action": N_("Unknown action: write record (or leave it empty) or withdraw."),
        "refund.no_surplus": N_(
            "The month's payments are not above its amount due: there is no overpayment to refund."
        ),
        "refund.amount_required": N_(
            "The Fund does not know this month's amount due (an employer's payment): give the "
            "amount to refund."
        ),
        "refund.amount_exceeds_surplus": N_(
            "The amount is more than the overpayment: the month must stay paid."
        ),
        "refund.amount_whole": N_(
            "A wrong payment is refunded whole: an amount is given only for an overpayment."
        ),
        "operator.missing": N_("Name the operator: --operator NAME or the OSMS_OPERATOR setting."),
        "operator.name": N_(
            "The operator's name has 1 to 32 printable characters: no line breaks, control "
            "characters or text direction marks."
        ),
        "refund.reason_invalid": N_(
            "The reason has at most 2000 printable characters: no line breaks, control "
            "characters or text direction marks."
        ),
        "temporary.reason_invalid": N_(
            "The reason has at most 2000 printable characters: no line breaks, control "
            "characters or text direction marks."
        ),
        "audit.period_order": N_("The last day is before the first day."),
        "feed.not_a_woman": N_(
            "The pregnancy category is for women: by the IIN (its 7th digit) this person is a man."
        ),
        "refund.amount": N_("The amount must be greater than zero."),
        "amount.kind": N_(
            "Unknown payer: choose a self-payer, an individual entrepreneur, an employer, an "
            "employee or the self-employed."
        ),
        "amount.year": N_("The year must be a number from 2000 to 2099."),
        "amount.income": N_(
            "The income must be an amount in tenge, zero or more, with at most two decimals."
        ),
        "amount.income_required": N_("Give the monthly income: this amount is a share of it."),
        "amount.not_due": N_("No such payment was due in that year: choose a later year."),
        "penalty.arrears": N_(
            "The amount owed must be an amount in tenge greater than zero, with at most two "
            "decimals."
        ),
        "penalty.period": N_("The period must be a month from July 2017 on, written as YYYY-MM."),
        "penalty.paid_on": N_(
            "The payment date must be from 1 July 2017 to 31 December 2099, written as YYYY-MM-DD."
        ),
    }
)

ERROR_CODES: Final[tuple[str, ...]] = tuple(_ERRORS)
"""The stable error codes :func:`error_message` knows."""

_UNKNOWN_ERROR: Final = N_("The value is not valid (error {code}).")


def error_message(code: str, lang: str, **values: object) -> str:
    """The message for a stable error code (``RuleError.code``, intake codes of R-L-3).

    An unknown code gives a generic message that names the code.

    >>> error_message("iin.checksum", "ru")
    'Неверная контрольная цифра ИИН: проверьте номер.'
    >>> error_message("no.such_code", "en")
    'The value is not valid (error no.such_code).'
    """
    msgid = _ERRORS.get(code)
    if msgid is None:
        return t(lang, _UNKNOWN_ERROR, **{**values, "code": code})
    return t(lang, msgid, **values)
