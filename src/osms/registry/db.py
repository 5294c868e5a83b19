"""Where the registry lives: the database URL, the engine and the session factory.

``OSMS_DATABASE_URL`` selects the database; without it the registry is the SQLite file
``<data dir>/osms.sqlite``, the data dir being ``OSMS_DATA_DIR`` or ``./var`` (created when
missing).  PostgreSQL URLs are used through psycopg 3 (``postgresql+psycopg://``); a plain
``postgresql://`` or ``postgres://`` URL is read as that.

>>> database_url("postgres://osms@db.example/osms")
'postgresql+psycopg://osms@db.example/osms'
>>> redacted("postgresql+psycopg://osms:secret@db.example/osms")
'postgresql+psycopg://osms:***@db.example/osms'

SQLite connections get ``foreign_keys=ON``, ``journal_mode=WAL``, ``synchronous=NORMAL`` and a
busy timeout of :data:`SQLITE_BUSY_TIMEOUT_MS`, and SQLAlchemy, not the sqlite3 module, emits
``BEGIN``: reads are transactional (the two queries of :func:`osms.registry.facts.load_facts` see
one snapshot), SAVEPOINTs work and a failed migration rolls back.

SQLite has one writer at a time, and almost every transaction writes (each look-up writes its
audit event, RULES.md §11).  A transaction that reads first and writes later cannot wait for the
write lock: when another connection has written since it began, SQLite fails it at once with
``database is locked`` (``SQLITE_BUSY_SNAPSHOT``; the busy timeout does not apply).  So every
SQLite transaction begins with ``BEGIN IMMEDIATE``: it takes the write lock first, waiting up to
the busy timeout for the writer before it, whether in this process or another worker.  A
transaction that only reads may say so with the execution options :data:`READ_ONLY`
(``connection.execution_options(**READ_ONLY)``, ``session.connection(execution_options=
READ_ONLY)`` before anything else): it then begins deferred and never waits for writers (WAL
readers see the last commit).  PostgreSQL is not concerned: its rows are locked one by one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "DEFAULT_DATA_DIR",
    "READ_ONLY",
    "SQLITE_BUSY_TIMEOUT_MS",
    "SQLITE_FILE",
    "data_dir",
    "database_url",
    "make_engine",
    "make_session_factory",
    "redacted",
]

DATABASE_URL_ENV = "OSMS_DATABASE_URL"
DATA_DIR_ENV = "OSMS_DATA_DIR"
DEFAULT_DATA_DIR = "var"
SQLITE_FILE = "osms.sqlite"

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long an SQLite transaction waits for the write lock before ``database is locked``."""

READ_ONLY: Mapping[str, Any] = MappingProxyType({"osms_read_only": True})
"""Execution options of a transaction that only reads (SQLite: begun deferred, see above)."""

_SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
)


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The data directory (``OSMS_DATA_DIR`` or ``./var``), created when missing."""
    env = os.environ if environ is None else environ
    path = Path(env.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(url: str | URL | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The database URL: ``url`` if given, else ``OSMS_DATABASE_URL``, else the SQLite file."""
    env = os.environ if environ is None else environ
    chosen = url if url is not None else env.get(DATABASE_URL_ENV)
    if not chosen:
        file = data_dir(env) / SQLITE_FILE
        return f"sqlite:///{file.as_posix()}"
    parsed = make_url(chosen)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def redacted(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | URL | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (see :func:`database_url`); ``options`` go to ``create_engine``."""
    resolved = make_url(database_url(url))
    backend = resolved.get_backend_name()
    if backend == "sqlite":
        if resolved.database and resolved.database != ":memory:":
            Path(resolved.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, **options)
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        # A ping per checkout costs a round trip on every look-up; recycle connections
        # instead, and let a dropped connection fail one request (the pool then replaces it).
        options.setdefault("pool_recycle", 1800)
    return create_engine(resolved, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # sqlite3 must not emit BEGIN itself (it would start transactions only before DML).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # The write lock first (see the module text), unless the transaction only reads.
        read_only = connection.get_execution_options().get("osms_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
