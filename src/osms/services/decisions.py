"""What an operator's decision answers when it cannot be made, the same for every application.

Temporary status and refunds give the same codes under their own prefix: ``<kind>.not_found``
(404), ``<kind>.already_decided`` (409), ``<kind>.reason_required`` and
``<kind>.reason_invalid`` (422: a reason of printable characters only, RULES.md §11),
``<kind>.backdated`` (422: a grant or refund dated before its decision day or its application;
R-R-1, R-TMP-1, so that no answer "as known on" an earlier day changes, R-S-0),
``<kind>.postdated`` (422: a refund dated after its application is due, R-R-1, a grant more
than the status's month after the decision day, R-TMP-1), ``<kind>.future_application`` (422:
an application dated after today, R-T-4) and
``<kind>.decider_is_applicant`` (403: the four-eyes setting,
:class:`~osms.services.settings.DecisionSettings`).

Who decides is given the same way for every decision (:class:`Decider`: the operator, the
settings, the door), and every list of applications shown is audited the same way
(:func:`audit_list`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack

from sqlalchemy.orm import Session

from osms.registry import audit
from osms.registry.decisions import Backdated, Kind, keywords_checked
from osms.registry.errors import AlreadyDecided, NotFound, RegistryError
from osms.registry.models import RefundApplication, TemporaryApplication
from osms.services.errors import ServiceError
from osms.services.lookups import record_lookup
from osms.services.settings import DecisionSettings
from osms.services.trail_text import checked_reason

__all__ = [
    "Approving",
    "Decider",
    "Recording",
    "Refusal",
    "audit_list",
    "decision_errors",
    "not_backdated",
    "not_in_future",
    "not_postdated",
    "refuse",
    "require_other_decider",
    "require_reason",
]

Application = TemporaryApplication | RefundApplication
Decided = TypeVar("Decided", TemporaryApplication, RefundApplication)


class Recording(TypedDict):
    """Who records an application at a door, whatever its kind, and the door (audited);
    ``today`` (in Kazakhstan, R-T-4, the clock's unless given) is the latest day it may be
    dated.  Each kind adds the day it is dated and how it arrived."""

    actor: str
    channel: NotRequired[str | None]
    today: NotRequired[date | None]


class Decider(TypedDict):
    """Who decides an application at a door, whatever its kind: the operator, the decision
    settings (four eyes; the environment's unless given) and the door, audited."""

    actor: str
    settings: NotRequired[DecisionSettings | None]
    channel: NotRequired[str | None]


class Refusal(Decider):
    """What an operator gives to refuse an application: who, and why."""

    reason: str


class Approving(Decider):
    """What an operator gives to approve an application: who, and on which day the decision
    is made (``today`` in Kazakhstan, R-T-4); each kind adds the day its approval counts from."""

    today: date


@keywords_checked
def refuse(
    session: Session,
    kind: str,
    applications: Kind[Decided],
    application_id: int,
    **refusal: Unpack[Refusal],
) -> Decided:
    """Refuse with the reason the person is told (R-R-1, R-TMP-1), by someone other than the
    applicant; audited as ``<kind>.refuse``."""
    reason, actor = refusal["reason"], refusal["actor"]
    require_reason(kind, reason)
    with decision_errors(kind):
        application = applications.get(session, application_id)
        require_other_decider(kind, session, application, refusal)
        refused = applications.refuse(session, application_id, decided_by=actor, reason=reason)
    audit.record(
        session,
        actor,
        f"{kind}.refuse",
        refused.iin,
        reason + audit.through(refusal.get("channel")),
        {"application": refused.id},
    )
    return refused


def audit_list(
    session: Session,
    kind: str,
    applications: Kind[Decided],
    found: Sequence[Decided],
    *,
    actor: str,
    channel: str,
    **detail: Any,
) -> None:
    """Audit a list of applications shown (``<kind>.list``): ``detail``, then which
    applications and whose IINs."""
    record_lookup(
        session,
        actor,
        f"{kind}.list",
        None,
        f"{applications.noun}s listed through {channel}",
        {**detail, "applications": [a.id for a in found], "iins": sorted({a.iin for a in found})},
    )


@contextmanager
def decision_errors(kind: str, *conflicts: type[RegistryError]) -> Iterator[None]:
    """The registry's refusals of a decision as service errors; ``conflicts`` are other
    registry errors that mean the application can no longer be decided (a refund made since)."""
    decided: tuple[type[RegistryError], ...] = (AlreadyDecided, *conflicts)
    try:
        yield
    except NotFound as error:
        raise ServiceError(f"{kind}.not_found", str(error), status=404) from None
    except decided as error:
        raise ServiceError(f"{kind}.already_decided", str(error), status=409) from None
    except Backdated as error:
        raise ServiceError(f"{kind}.backdated", str(error), field=_DAY_FIELD[kind]) from None


_DAY_FIELD = {"refund": "refunded_on", "temporary": "granted_on"}


def not_backdated(kind: str, day: date, decided_on: date) -> None:
    """An approval takes effect on its decision day or later, never before (R-S-0)."""
    if day < decided_on:
        raise ServiceError(
            f"{kind}.backdated",
            f"{_DAY_FIELD[kind]} {day} is before the decision day {decided_on}",
            field=_DAY_FIELD[kind],
        )


def not_postdated(kind: str, day: date, latest: date, why: str) -> None:
    """An approval takes effect no later than ``latest`` (``<kind>.postdated``): a refund by
    the day its application is due (R-R-1), a grant within the month the status lasts from the
    decision day (R-TMP-1); ``why`` names the bound in the message."""
    if day > latest:
        raise ServiceError(
            f"{kind}.postdated",
            f"{_DAY_FIELD[kind]} {day} is after {latest}, {why}",
            field=_DAY_FIELD[kind],
        )


def not_in_future(kind: str, applied_on: date, today: date) -> None:
    """An application is made on a day that has come, today in Kazakhstan at the latest
    (R-T-4): one dated later could not be decided until then (``<kind>.backdated``) and would
    show a refund's effect before it exists (``<kind>.future_application``)."""
    if applied_on > today:
        raise ServiceError(
            f"{kind}.future_application",
            f"an application is dated today ({today}) or earlier, not {applied_on}",
            field=_APPLIED_FIELD[kind],
        )


_APPLIED_FIELD = {"refund": "applied_on", "temporary": "submitted_on"}


def require_reason(kind: str, reason: str) -> None:
    """Refuse a refusal without a reason, or with one that could forge or hide a line where it
    is shown (``<kind>.reason_invalid``, RULES.md §11), before the application is looked up or
    locked (:func:`osms.services.trail_text.checked_reason`)."""
    checked_reason(kind, reason)


def require_other_decider(
    kind: str, session: Session, application: Application | None, decider: Decider
) -> None:
    """Refuse a decision by the person who recorded the application (four eyes, on by default).

    An application recorded before revision 0004 has no ``applied_by``: its ``<kind>.apply``
    audit event names the applicant.
    """
    actor, settings = decider["actor"], decider.get("settings")
    if application is None or not (settings or DecisionSettings.from_env()).four_eyes:
        return
    if _same_person(_applicant(kind, session, application), actor):
        raise ServiceError(
            f"{kind}.decider_is_applicant",
            f"{actor} recorded {kind} application {application.id}: someone else decides it",
            status=403,
        )


def _same_person(applicant: str | None, actor: str) -> bool:
    """Whether two names name one operator, whatever their letters' case and spacing
    (``ALICE`` is ``alice``: four eyes are not two spellings).

    >>> _same_person("alice", " ALICE "), _same_person("Ali Ce", "ali  ce"), _same_person(None, "x")
    (True, True, False)
    """
    return applicant is not None and _name_key(applicant) == _name_key(actor)


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _applicant(kind: str, session: Session, application: Application) -> str | None:
    if application.applied_by is not None:
        return application.applied_by
    for event in audit.for_person(session, application.iin):
        if event.action == f"{kind}.apply" and event.detail.get("application") == application.id:
            return event.actor
    return None
