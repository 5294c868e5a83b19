"""An operator's decision on an application, the same for temporary status and refunds.

Both tables keep who applied, who decided and when, and a refusal's reason, under the same
CHECKs (``models._decision_checks``); only what an approval grants differs, and stays with each
kind.  A decision is final: the database refuses to change or delete a decided application
(revision 0004), so the one UPDATE from ``applied`` is the only one there ever is.

Each kind is described once (:class:`Kind`: its table, its name in errors, its days), and the
steps they share are that description's methods: recording an application unless one is
pending, finding, listing, locking and refusing.

An approval takes effect on a day that is never before the application (:class:`Backdated`);
the doors also refuse a day before the decision itself (:mod:`osms.services.decisions`).

Who decides, and what a decision gives, are keyword groups (``**refusal: Unpack[Refusal]``),
declared once as a ``TypedDict`` and shared by the registry's and the services' steps;
:func:`keywords_checked` makes a misspelt or missing keyword fail at run time as it would on a
plain signature, not only under mypy.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import (
    Any,
    Generic,
    NotRequired,
    ParamSpec,
    TypedDict,
    TypeVar,
    Unpack,
    get_args,
    get_origin,
    get_type_hints,
)

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from osms.registry.columns import utc_now
from osms.registry.errors import AlreadyDecided, NotFound, RegistryError
from osms.registry.models import ApplicationStatus, RefundApplication, TemporaryApplication

__all__ = [
    "Backdated",
    "Decider",
    "Kind",
    "Refusal",
    "decide",
    "keywords_checked",
    "not_before",
]

Application = TypeVar("Application", TemporaryApplication, RefundApplication)
Call = ParamSpec("Call")
Result = TypeVar("Result")


class Backdated(RegistryError):
    """An approval dated before the application (or, at the doors, before the decision day)."""

    code = "application.backdated"

    def __init__(self, message: str, *, earliest: date) -> None:
        super().__init__(message)
        self.earliest = earliest


def not_before(day: date, earliest: date, what: str) -> None:
    """Refuse ``day`` when it is before ``earliest``.

    >>> not_before(date(2026, 8, 3), date(2026, 12, 7), "refunded_on")
    Traceback (most recent call last):
    ...
    osms.registry.decisions.Backdated: refunded_on 2026-08-03 is before 2026-12-07
    """
    if day < earliest:
        raise Backdated(f"{what} {day} is before {earliest}", earliest=earliest)


class Decider(TypedDict):
    """Who decides, and when (now, unless given): the same for an approval and a refusal."""

    decided_by: str
    decided_at: NotRequired[datetime | None]


class Refusal(Decider):
    """A refusal: who refuses, when, and why (told to the person)."""

    reason: str


def keywords_checked(function: Callable[Call, Result]) -> Callable[Call, Result]:
    """``function`` taking a keyword group (``**group: Unpack[Shape]``), checked at run time: a
    keyword that neither the signature nor the group names, or a required one of the group left
    out, raises :class:`TypeError` before ``function`` runs, as on a plain signature.

    >>> @keywords_checked
    ... def refuse(application_id: int, **refusal: Unpack[Refusal]) -> str:
    ...     return refusal["reason"]
    >>> refuse(7, decided_by="op-a", reason="no documents")
    'no documents'
    >>> refuse(7, decided_by="op-a", reasn="no documents")
    Traceback (most recent call last):
    ...
    TypeError: refuse() got an unexpected keyword argument 'reasn'
    >>> refuse(7, reason="no documents")
    Traceback (most recent call last):
    ...
    TypeError: refuse() missing 1 required keyword argument: 'decided_by'
    """

    @functools.cache
    def accepted() -> tuple[frozenset[str], frozenset[str]]:
        # Resolved at the first call, once every annotation's name exists.  A TypedDict's own
        # __required_keys__ miss NotRequired under string annotations (Python 3.11).
        parameters = inspect.signature(function).parameters.values()
        (group,) = (p.name for p in parameters if p.kind is p.VAR_KEYWORD)
        hint = get_type_hints(function)[group]
        if get_origin(hint) is not Unpack:
            raise TypeError(f"{function.__qualname__}: **{group} is not Unpack[a TypedDict]")
        (shape,) = get_args(hint)
        keys = get_type_hints(shape, include_extras=True)
        named = {p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        required = {key for key, hint in keys.items() if get_origin(hint) is not NotRequired}
        return frozenset(named | keys.keys()), frozenset(required)

    name = function.__qualname__

    @functools.wraps(function)
    def checked(*args: Call.args, **kwargs: Call.kwargs) -> Result:
        known, required = accepted()
        if unexpected := sorted(kwargs.keys() - known):
            raise TypeError(f"{name}() got an unexpected keyword argument {unexpected[0]!r}")
        if missing := sorted(required - kwargs.keys()):
            plural = "s" if len(missing) > 1 else ""
            listed = ", ".join(repr(key) for key in missing)
            raise TypeError(
                f"{name}() missing {len(missing)} required keyword argument{plural}: {listed}"
            )
        return function(*args, **kwargs)

    return checked


def decide(application: Application, status: ApplicationStatus, decider: Decider) -> None:
    """Record the outcome with who decided and when."""
    application.status = status
    application.decided_by = decider["decided_by"]
    application.decided_at = decider.get("decided_at") or utc_now()


@dataclass(frozen=True)
class Kind(Generic[Application]):
    """One kind of application: its table, its name in errors (``no refund application 7``),
    the columns of its key (at most one undecided application per key, R-R-1, R-TMP-1: the
    unique index), the day it was applied (the person's applications, oldest first) and the
    day that orders the undecided ones (the most urgent first)."""

    model: type[Application]
    noun: str
    key: tuple[InstrumentedAttribute[Any], ...]
    applied: InstrumentedAttribute[date]
    urgency: InstrumentedAttribute[date]

    def get(self, session: Session, application_id: int) -> Application | None:
        """The application with this id, or None."""
        return session.get(self.model, application_id)

    def for_person(self, session: Session, iin: str) -> list[Application]:
        """The person's applications of this kind, oldest first."""
        model = self.model
        statement = select(model).where(model.iin == iin).order_by(self.applied, model.id)
        return list(session.scalars(statement))

    def undecided(self, session: Session) -> list[Application]:
        """Every undecided application of this kind, the most urgent first."""
        model = self.model
        statement = (
            select(model)
            .where(model.status == ApplicationStatus.APPLIED)
            .order_by(self.urgency, model.id)
        )
        return list(session.scalars(statement))

    def pending(self, session: Session, *key: Any) -> Application | None:
        """The undecided application with this key (the values of :attr:`key`), if any."""
        statement = select(self.model).where(
            *(column == value for column, value in zip(self.key, key, strict=True)),
            self.model.status == ApplicationStatus.APPLIED,
        )
        return session.scalars(statement).first()

    def add_unless_pending(self, session: Session, application: Application) -> Application:
        """The pending application with the same key when there is one, else ``application``,
        added; one recorded meanwhile by another transaction (the unique index) is found the
        same way."""
        key = [getattr(application, column.key) for column in self.key]
        found = self.pending(session, *key)
        if found is not None:
            return found
        try:
            with session.begin_nested():
                session.add(application)
        except IntegrityError:
            found = self.pending(session, *key)
            if found is None:
                raise
            return found
        return application

    def locked(self, session: Session, application_id: int) -> Application:
        """The application, locked until the decision commits; it must still be ``applied``.

        Read afresh under the lock: the session may hold the application as it was read before
        (the services check it first), and another decision may have committed since."""
        application = session.get(
            self.model, application_id, with_for_update=True, populate_existing=True
        )
        if application is None:
            raise NotFound(f"no {self.noun} {application_id}")
        if application.status != ApplicationStatus.APPLIED:
            raise AlreadyDecided(f"{self.noun} {application_id} is already {application.status}")
        return application

    @keywords_checked
    def refuse(
        self, session: Session, application_id: int, **refusal: Unpack[Refusal]
    ) -> Application:
        """Refuse the undecided application, keeping the reason the person is told (a refusal
        always gives one: R-R-1, R-TMP-1)."""
        reason = refusal["reason"]
        if not reason.strip():
            raise ValueError("a refusal gives its reason")
        application = self.locked(session, application_id)
        decide(application, ApplicationStatus.REFUSED, refusal)
        application.refusal_reason = reason
        session.flush()
        return application
