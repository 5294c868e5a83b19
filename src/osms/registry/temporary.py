"""Temporary-status applications (R-TMP-1): documents, the operator's decision, the grant.

An approved application grants status on [granted_on, ends_on), ``ends_on`` being
:func:`osms.rules.temporary.grant_end` (the rule lives in the rules core).  Who applied, who
decided, when, and why a refusal, are kept on the application.

The rules read ``granted_on`` as the day the grant became known too (R-S-3), so it is never
before the application (here) nor before the decision (the doors,
:func:`osms.services.temporary.approve`).  A second application for the same person and
category while one is pending is that application (R-TMP-1): :func:`apply` returns it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Unpack

from sqlalchemy.orm import Session

from osms.registry import decisions
from osms.registry.models import ApplicationStatus, TemporaryApplication
from osms.rules.temporary import Document, grant_end

__all__ = [
    "KIND",
    "Grant",
    "apply",
    "approve",
    "documents_of",
    "for_person",
    "get",
    "pending_for",
    "refuse",
    "undecided",
]

KIND = decisions.Kind(
    TemporaryApplication,
    "temporary-status application",
    key=(TemporaryApplication.iin, TemporaryApplication.category),
    applied=TemporaryApplication.submitted_on,
    urgency=TemporaryApplication.submitted_on,
)
"""Temporary-status applications: one pending per person and category, the oldest first."""
get = KIND.get
for_person = KIND.for_person
undecided = KIND.undecided
refuse = KIND.refuse


def apply(
    session: Session,
    iin: str,
    category: str,
    documents: Sequence[Document],
    *,
    submitted_on: date,
    channel: str,
    applied_by: str | None = None,
) -> TemporaryApplication:
    """Record an application for temporary status with its documents, by whom; the pending
    application of the same person and category when there is one (R-TMP-1)."""
    return KIND.add_unless_pending(
        session,
        TemporaryApplication(
            iin=iin,
            category=category,
            documents=[document.to_json() for document in documents],
            submitted_on=submitted_on,
            channel=channel,
            applied_by=applied_by,
            status=ApplicationStatus.APPLIED,
        ),
    )


def pending_for(session: Session, iin: str, category: str) -> TemporaryApplication | None:
    """The undecided application of this person for this category, if any."""
    return KIND.pending(session, iin, category)


class Grant(decisions.Decider):
    """Who grants temporary status and when, from which day (``granted_on``)."""

    granted_on: date


@decisions.keywords_checked
def approve(session: Session, application_id: int, **grant: Unpack[Grant]) -> TemporaryApplication:
    """Approve: status is granted on [granted_on, ``grant_end``), ``granted_on`` never
    before the application (:class:`~osms.registry.decisions.Backdated`)."""
    granted_on = grant["granted_on"]
    application = KIND.locked(session, application_id)
    decisions.not_before(granted_on, application.submitted_on, "granted_on")
    decisions.decide(application, ApplicationStatus.APPROVED, grant)
    application.granted_on = granted_on
    application.ends_on = grant_end(granted_on)
    session.flush()
    return application


def documents_of(application: TemporaryApplication) -> list[Document]:
    """The application's documents as values."""
    return [Document.from_json(item) for item in application.documents]
