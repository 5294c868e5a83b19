"""The unit of work: one session, committed when the block succeeds, rolled back when not.

::

    factory = make_session_factory(make_engine())
    with UnitOfWork(factory) as uow:
        people.ensure(uow.session, "900515300018")
        audit.record(uow.session, "operator:7", "person.add", "900515300018", "walk-in")
    # committed here; an exception inside the block rolls everything back and propagates
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

__all__ = ["UnitOfWork"]


class UnitOfWork:
    """A context manager around one :class:`~sqlalchemy.orm.Session`."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The session of the current block (only inside ``with``)."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("a unit of work is not re-entrant; make a new one")
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        try:
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    def commit(self) -> None:
        """Commit now and carry on in a new transaction (e.g. after each register)."""
        self.session.commit()

    def rollback(self) -> None:
        """Roll back now and carry on in a new transaction."""
        self.session.rollback()
