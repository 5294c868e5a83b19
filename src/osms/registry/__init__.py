"""The registry: the facts in a real database (SQLite by default, PostgreSQL in production).

Modules, each named after its concept:

- :mod:`~osms.registry.db`: the URL (``OSMS_DATABASE_URL``), engine and session factory;
- :mod:`~osms.registry.models`: the typed SQLAlchemy models; :mod:`~osms.registry.columns`
  their column types (months as ``YYYYMM``, exact money, codes, UTC timestamps);
- :mod:`~osms.registry.migrate` and ``migrations/``: Alembic, configured in code
  (``osms db upgrade``);
- repositories, the only readers and writers of their tables: :mod:`~osms.registry.people`,
  :mod:`~osms.registry.categories`, :mod:`~osms.registry.ledger` (append-only, the one writer
  of payments: one at a time or :func:`~osms.registry.ledger.book_many`, and the idempotency
  keys), :mod:`~osms.registry.registers`, :mod:`~osms.registry.temporary`,
  :mod:`~osms.registry.refunds` (the decision they share in :mod:`~osms.registry.decisions`),
  :mod:`~osms.registry.clients` (API clients), :mod:`~osms.registry.subscriptions` (the bot's
  warnings), :mod:`~osms.registry.audit`; :mod:`~osms.registry.bulk` their bulk paths;
- :mod:`~osms.registry.facts`: :func:`~osms.registry.facts.load_facts`, one person's
  :class:`~osms.rules.facts.PersonFacts` in two queries, and
  :func:`~osms.registry.facts.load_all`, everyone's;
- :mod:`~osms.registry.unit_of_work`: commit or roll back a block of work.
"""
