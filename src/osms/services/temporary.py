"""Temporary status on documents (R-TMP-1; SOURCES.md T6): apply, then an operator decides.

An application is accepted only from a person shown as uninsured, for a category whose
documents T6 lists, with a document for every requirement.  Approval grants status for one
calendar month from the grant date; a refusal carries its reason.  Each step is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from osms.registry import audit, people
from osms.registry import temporary as applications
from osms.registry.models import TemporaryApplication
from osms.registry.temporary import Document
from osms.rules.categories import UnknownCategory, category, missing_documents
from osms.rules.status import decide
from osms.services.decisions import decision_errors, require_reason
from osms.services.errors import ServiceError
from osms.services.people import facts_of

__all__ = ["apply", "approve", "refuse"]


def apply(
    session: Session,
    iin: str,
    category_code: str,
    documents: Sequence[Document],
    *,
    submitted_on: date,
    channel: str,
    actor: str,
) -> TemporaryApplication:
    facts, _ = facts_of(session, iin)
    try:
        wanted = category(category_code)
    except UnknownCategory as error:
        raise ServiceError(error.code, str(error), field="category") from None
    if not wanted.temporary_status_on_documents:
        raise ServiceError(
            "temporary.not_on_documents",
            f"category {category_code!r} cannot get temporary status on documents (T6)",
            field="category",
        )
    missing = missing_documents(wanted.code, [d.kind for d in documents])
    if missing:
        needed = "; ".join(" or ".join(group) for group in missing)
        raise ServiceError(
            "temporary.documents_missing", f"missing documents: {needed}", field="documents"
        )
    if decide(facts, submitted_on).insured:
        raise ServiceError(
            "temporary.already_insured",
            "the person is insured; temporary status is for people shown as uninsured",
            field="iin",
            status=409,
        )
    people.ensure(session, facts.iin)
    application = applications.apply(
        session, facts.iin, wanted.code, documents, submitted_on=submitted_on, channel=channel
    )
    audit.record(
        session,
        actor,
        "temporary.apply",
        facts.iin,
        f"temporary status applied for as {wanted.code}",
        {"application": application.id, "documents": [d.kind for d in documents]},
    )
    return application


def approve(
    session: Session, application_id: int, *, granted_on: date, actor: str
) -> TemporaryApplication:
    with decision_errors("temporary"):
        application = applications.approve(
            session, application_id, decided_by=actor, granted_on=granted_on
        )
    audit.record(
        session,
        actor,
        "temporary.approve",
        application.iin,
        "temporary status granted (R-TMP-1)",
        {"application": application.id, "granted_on": granted_on, "ends_on": application.ends_on},
    )
    return application


def refuse(
    session: Session, application_id: int, *, reason: str, actor: str
) -> TemporaryApplication:
    require_reason("temporary", reason)
    with decision_errors("temporary"):
        application = applications.refuse(session, application_id, decided_by=actor, reason=reason)
    audit.record(
        session, actor, "temporary.refuse", application.iin, reason, {"application": application.id}
    )
    return application
