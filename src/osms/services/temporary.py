"""Temporary status on documents (R-TMP-1; SOURCES.md T6): apply, then an operator decides.

An application is accepted only when :mod:`osms.rules.temporary` accepts it: from a person
shown as uninsured, for a category whose documents T6 lists, with a document for every
requirement, and plausible for the person by the IIN (``temporary.not_a_woman``,
``temporary.not_a_child``, ``temporary.below_pension_age``).  A second application for the
same person and category while one is pending is that application: it is returned, and the
repeat audited (``temporary.apply_again``), never recorded twice.  Approval grants status for one
calendar month from the grant date, which is the decision day or later and never before the
application (``temporary.backdated``): a grant decided on day X is unknown to every answer as
known before X; it starts no later than the last day a grant made on the decision day would
cover (``temporary.postdated``), and only while the person is still shown as uninsured on the
grant day (``temporary.already_insured``, checked again at the decision: a category or payments
may have arrived since the application).  An application is dated today or earlier
(``temporary.future_application``).  Someone other than the operator who recorded the
application decides it (``temporary.decider_is_applicant``,
:class:`~osms.services.settings.DecisionSettings`); a refusal carries its reason.  Each step,
and every list of applications shown, is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Unpack

from sqlalchemy.orm import Session

from osms import clock
from osms.registry import audit, people
from osms.registry import temporary as applications
from osms.registry.decisions import keywords_checked
from osms.registry.models import ApplicationStatus, TemporaryApplication
from osms.rules import temporary as eligibility
from osms.rules.errors import RuleError
from osms.rules.temporary import Document
from osms.services import decisions
from osms.services.errors import ServiceError
from osms.services.people import facts_of

__all__ = [
    "Applying",
    "Grant",
    "apply",
    "apply_once",
    "approve",
    "latest_grant_day",
    "pending",
    "refuse",
]


class Applying(decisions.Recording):
    """How a temporary-status application arrives: the day, how the applicant submitted it
    (``submitted_through``, kept on the application: ``operator``, ``egov`` ...), and who
    records it where."""

    submitted_on: date
    submitted_through: str


@keywords_checked
def apply(
    session: Session,
    iin: str,
    category_code: str,
    documents: Sequence[Document],
    **applying: Unpack[Applying],
) -> TemporaryApplication:
    """Record an application; the pending one of the same person and category if there is
    one (R-TMP-1)."""
    application, _ = apply_once(session, iin, category_code, documents, **applying)
    return application


@keywords_checked
def apply_once(
    session: Session,
    iin: str,
    category_code: str,
    documents: Sequence[Document],
    **applying: Unpack[Applying],
) -> tuple[TemporaryApplication, bool]:
    """:func:`apply`, and whether the application was pending already (the same one)."""
    submitted_on, actor = applying["submitted_on"], applying["actor"]
    submitted_through, channel = applying["submitted_through"], applying.get("channel")
    decisions.not_in_future("temporary", submitted_on, applying.get("today") or clock.today())
    facts, _ = facts_of(session, iin)
    try:
        wanted = eligibility.check_application(facts.iin, category_code, documents, submitted_on)
    except RuleError as error:
        raise ServiceError(error.code, str(error), field=error.field) from None
    kinds = [d.kind for d in documents]
    pending = applications.pending_for(session, facts.iin, wanted.code)
    if pending is not None:
        audit.record(
            session,
            actor,
            "temporary.apply_again",
            facts.iin,
            f"temporary status applied for again as {wanted.code} (submitted via "
            f"{submitted_through}): the same application (R-TMP-1)" + audit.through(channel),
            {"application": pending.id, "documents": kinds},
        )
        return pending, True
    try:
        eligibility.check_uninsured(facts, submitted_on)
    except RuleError as error:
        raise ServiceError(error.code, str(error), field=error.field, status=409) from None
    people.ensure(session, facts.iin)
    application = applications.apply(
        session,
        facts.iin,
        wanted.code,
        documents,
        submitted_on=submitted_on,
        channel=submitted_through,
        applied_by=actor,
    )
    audit.record(
        session,
        actor,
        "temporary.apply",
        facts.iin,
        f"temporary status applied for as {wanted.code} (submitted via {submitted_through})"
        + audit.through(channel),
        {"application": application.id, "documents": kinds},
    )
    return application, False


class Grant(decisions.Approving):
    """What an operator gives to grant temporary status: who, on which day, and the grant
    date (``granted_on``: the decision day or later)."""

    granted_on: date


@keywords_checked
def approve(session: Session, application_id: int, **grant: Unpack[Grant]) -> TemporaryApplication:
    """Approve on ``today`` (the decision day in Kazakhstan, R-T-4): status for one month
    from ``granted_on``, which is ``today`` or later and not before the application, and
    before the end of a grant made today (:func:`latest_grant_day`), for a person still shown
    as uninsured on ``granted_on`` (R-TMP-1, ``temporary.already_insured``)."""
    granted_on, today, actor = grant["granted_on"], grant["today"], grant["actor"]
    decisions.not_backdated("temporary", granted_on, today)
    decisions.not_postdated(
        "temporary",
        granted_on,
        latest_grant_day(today),
        "within the month a grant made on the decision day lasts (R-TMP-1)",
    )
    with decisions.decision_errors("temporary"):
        found = applications.get(session, application_id)
        decisions.require_other_decider("temporary", session, found, grant)
        if found is not None and found.status is ApplicationStatus.APPLIED:
            _still_uninsured(session, found.iin, granted_on)
        application = applications.approve(
            session, application_id, decided_by=actor, granted_on=granted_on
        )
    audit.record(
        session,
        actor,
        "temporary.approve",
        application.iin,
        "temporary status granted (R-TMP-1)" + audit.through(grant.get("channel")),
        {
            "application": application.id,
            "granted_on": granted_on,
            "ends_on": application.ends_on,
            "decided_on": today,
        },
    )
    return application


def _still_uninsured(session: Session, iin: str, granted_on: date) -> None:
    """R-TMP-1 at the decision: the person is still shown as uninsured on the grant day, with
    what is known now (a category or payments recorded since the application), else
    ``temporary.already_insured`` (409), as at the application."""
    facts, _ = facts_of(session, iin)
    try:
        eligibility.check_uninsured(facts, granted_on)
    except RuleError as error:
        raise ServiceError(
            error.code, f"{error} (on {granted_on}, the grant day)", field="granted_on", status=409
        ) from None


def latest_grant_day(today: date) -> date:
    """The last day a grant decided on ``today`` may start (``temporary.postdated``): the last
    day a grant made today would cover, so the person shown uninsured is covered within the
    month the status lasts (R-TMP-1, §12 Q19), and the grant day's status, checked as known
    today (:func:`approve`), is never a guess about a later month.

    >>> latest_grant_day(date(2026, 12, 8))
    datetime.date(2027, 1, 7)
    """
    return eligibility.grant_end(today) - timedelta(days=1)


@keywords_checked
def refuse(
    session: Session, application_id: int, **refusal: Unpack[decisions.Refusal]
) -> TemporaryApplication:
    """Refuse, with the reason the person is told (:func:`osms.services.decisions.refuse`)."""
    return decisions.refuse(session, "temporary", applications.KIND, application_id, **refusal)


def pending(session: Session, *, actor: str, channel: str) -> list[TemporaryApplication]:
    """Undecided applications, the oldest first; the list shown is audited."""
    found = applications.undecided(session)
    decisions.audit_list(
        session, "temporary", applications.KIND, found, actor=actor, channel=channel
    )
    return found
