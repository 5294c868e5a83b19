"""Use cases: what every door (CLI, API, bot) asks of the system.

Each function takes an open SQLAlchemy session (the caller owns the unit of work) — or, for
work that is its own transaction, the engine (:mod:`~osms.services.registers`) — calls the
registry and the rules, and writes an audit event for every change.  Interfaces parse, call one
of these, and render; no rule lives in a door, and no door reaches past the services into the
registry's tables or into intake (``tests/test_architecture.py``).

One module per use case: :mod:`~osms.services.status` (status, history, calculator),
:mod:`~osms.services.people` (one person's facts, an operator's file),
:mod:`~osms.services.registers` (book a register), :mod:`~osms.services.clients` (API clients
and their keys), :mod:`~osms.services.categories` (category feeds),
:mod:`~osms.services.temporary`, :mod:`~osms.services.refunds`,
:mod:`~osms.services.subscriptions` and :mod:`~osms.services.reminders` (the bot's warnings),
:mod:`~osms.services.audit_trail`.
"""
