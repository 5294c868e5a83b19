"""The registry: the facts in a real database (SQLite by default, PostgreSQL in production).

Modules, each named after its concept:

- :mod:`~osms.registry.db`: the URL (``OSMS_DATABASE_URL``), engine and session factory;
- :mod:`~osms.registry.models`: the typed SQLAlchemy models; :mod:`~osms.registry.columns`
  their column types (months as ``YYYYMM``, exact money, codes, UTC timestamps);
- :mod:`~osms.registry.migrate` and ``migrations/``: Alembic, configured in code
  (``osms db upgrade``);
- repositories: :mod:`~osms.registry.people`, :mod:`~osms.registry.categories`,
  :mod:`~osms.registry.ledger` (append-only), :mod:`~osms.registry.registers`,
  :mod:`~osms.registry.temporary`, :mod:`~osms.registry.refunds` (the decision they share in
  :mod:`~osms.registry.decisions`), :mod:`~osms.registry.audit`;
- :mod:`~osms.registry.facts`: :func:`~osms.registry.facts.load_facts`, one person's
  :class:`~osms.rules.facts.PersonFacts` in two queries;
- :mod:`~osms.registry.unit_of_work`: commit or roll back a block of work.
"""
