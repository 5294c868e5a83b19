"""The unit of work commits a block that succeeds and rolls back one that fails."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from osms.registry import audit, people
from osms.registry.unit_of_work import UnitOfWork

IIN = "900515300018"


def test_commits_on_success(uow: Callable[[], UnitOfWork], session: Session) -> None:
    with uow() as work:
        people.add(work.session, IIN)
        audit.record(work.session, "operator:7", "person.add", IIN, "walk-in")
    assert people.get(session, IIN) is not None
    assert len(audit.for_person(session, IIN)) == 1


def test_rolls_back_on_error(uow: Callable[[], UnitOfWork], session: Session) -> None:
    with pytest.raises(RuntimeError, match="boom"), uow() as work:
        people.add(work.session, IIN)
        raise RuntimeError("boom")
    assert people.get(session, IIN) is None


def test_explicit_commit_keeps_earlier_work(
    uow: Callable[[], UnitOfWork], session: Session
) -> None:
    with pytest.raises(RuntimeError), uow() as work:
        people.add(work.session, IIN)
        work.commit()
        people.add(work.session, "850312401235")
        raise RuntimeError("second register fails")
    assert people.get(session, IIN) is not None
    assert people.get(session, "850312401235") is None


def test_session_exists_only_inside_the_block(uow: Callable[[], UnitOfWork]) -> None:
    work = uow()
    with pytest.raises(RuntimeError, match="outside"):
        _ = work.session
    with work, pytest.raises(RuntimeError, match="re-entrant"):
        work.__enter__()
