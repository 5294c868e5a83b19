#!/usr/bin/env python3
"""Back up an OSMS PostgreSQL database, restore it into a fresh database, prove they are equal.

Needs only Python 3.11 and PostgreSQL's client programs (``pg_dump``, ``pg_restore``,
``psql``, of the server's major version or newer): it runs on a database host without OSMS.
Connections are libpq URLs (``postgresql://user@host:5432/osms``; the ``+psycopg`` of an
``OSMS_DATABASE_URL`` is accepted) or plain database names (then ``PGHOST``, ``PGUSER``...
apply).  Passwords come from ``~/.pgpass`` or ``PGPASSWORD``, never from a command line.

Commands::

    pg_backup.py backup    SOURCE FILE.dump       # pg_dump, custom format, checked readable
    pg_backup.py restore   FILE.dump TARGET       # into a NEW database (refused if it exists)
    pg_backup.py compare   SOURCE TARGET          # the fingerprints below, side by side
    pg_backup.py roundtrip SOURCE [--keep]        # all three into osms_restore_check_<time>

The fingerprint of a database, compared table by table:

- the schema: every column, constraint, index, trigger (the append-only triggers of
  migration 0004) and function, from the catalogs; and the Alembic revision;
- every table: its row count and the MD5 of its rows in primary-key order (``payments``
  ordered by ``id`` is the ledger's checksum), streamed, so a large table needs no memory;
- every sequence: its value (a sequence restored behind its table would hand out ids again).

Exit status: 0 when everything matches, 1 when something differs (the report says what),
2 when a command cannot run (a missing program, a refused connection, a target that exists).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The same text for the same data on both sides, whatever the server's or the user's defaults.
SESSION = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c extra_float_digits=3"
CHUNK = 1 << 20


class Failure(Exception):
    """A command that could not run (exit status 2)."""


# -- connections ---------------------------------------------------------------------------


def libpq_url(database: str) -> str:
    """A URL or a name as libpq takes it (``postgresql+psycopg://`` becomes ``postgresql://``).

    >>> libpq_url("postgresql+psycopg://osms@db:5432/osms")
    'postgresql://osms@db:5432/osms'
    >>> libpq_url("osms")
    'osms'
    """
    scheme, sep, rest = database.partition("://")
    if not sep:
        return database
    return f"{scheme.split('+', 1)[0]}://{rest}"


def with_database(database: str, name: str) -> str:
    """The same server, another database.

    >>> with_database("postgresql://u@h:5/a?sslmode=require", "b")
    'postgresql://u@h:5/b?sslmode=require'
    >>> with_database("osms", "postgres")
    'postgres'
    """
    url = libpq_url(database)
    if "://" not in url:
        return name
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def database_name(database: str) -> str:
    """
    >>> database_name("postgresql://u@h/osms_x"), database_name("osms")
    ('osms_x', 'osms')
    """
    url = libpq_url(database)
    return urlsplit(url).path.lstrip("/") if "://" in url else url


def shown(database: str) -> str:
    """A connection for messages: the password, if any was written in it, hidden.

    >>> shown("postgresql://osms:secret@db/osms")
    'postgresql://osms:***@db/osms'
    """
    url = libpq_url(database)
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {SESSION}".strip()
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Failure(f"{name} not found: install PostgreSQL's client programs")
    return found


def _run(args: Sequence[str], what: str) -> str:
    done = subprocess.run(
        [_program(args[0]), *args[1:]],
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
    )
    if done.returncode != 0:
        raise Failure(f"{what} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def _query(database: str, sql: str) -> list[list[str]]:
    out = _run(
        [
            "psql",
            "-X",
            "-q",
            "-A",
            "-t",
            "-F",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            libpq_url(database),
            "-c",
            sql,
        ],
        f"psql on {shown(database)}",
    )
    return [line.split("\t") for line in out.splitlines() if line]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# -- backup and restore --------------------------------------------------------------------


def backup(source: str, file: Path) -> None:
    """``pg_dump`` in the custom format (compressed; ``pg_restore`` can pick and reorder)."""
    _run(
        ["pg_dump", "--format=custom", "--no-password", f"--file={file}", "-d", libpq_url(source)],
        f"pg_dump of {shown(source)}",
    )
    # A dump that pg_restore cannot list is no backup: find out now, not on the day it is needed.
    _run(["pg_restore", "--list", str(file)], f"reading {file} back")


def create_database(target: str) -> None:
    name = database_name(target)
    maintenance = with_database(target, "postgres")
    exists = _query(maintenance, f"SELECT 1 FROM pg_database WHERE datname = {_literal(name)}")
    if exists:
        raise Failure(f"the database {name} exists: restore into a new database only")
    _query(maintenance, f"CREATE DATABASE {_identifier(name)}")


def drop_database(target: str) -> None:
    name = database_name(target)
    _query(with_database(target, "postgres"), f"DROP DATABASE IF EXISTS {_identifier(name)}")


def restore(file: Path, target: str, jobs: int = 2) -> None:
    """Into a new database; stops at the first error (a partial restore is no restore)."""
    create_database(target)
    _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--no-password",
            f"--jobs={jobs}",
            "-d",
            libpq_url(target),
            str(file),
        ],
        f"pg_restore into {shown(target)}",
    )
    _query(target, "ANALYZE")  # the planner's statistics are not in a dump


# -- fingerprints --------------------------------------------------------------------------


@dataclass
class Fingerprint:
    """What must be equal between a database and its restored copy."""

    schema: dict[str, str] = field(default_factory=dict)
    revision: str = ""
    tables: dict[str, tuple[int, str]] = field(default_factory=dict)
    """``schema.table`` -> (rows, MD5 of the rows in key order)."""
    sequences: dict[str, str] = field(default_factory=dict)


_SYSTEM = "('pg_catalog', 'information_schema')"
_SCHEMA_OBJECTS = f"""
SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name,
       concat_ws(' ', data_type, character_maximum_length, numeric_precision, numeric_scale,
                 is_nullable, column_default)
  FROM information_schema.columns WHERE table_schema NOT IN {_SYSTEM}
UNION ALL
SELECT 'constraint ' || n.nspname || '.' || c.conrelid::regclass::text || '.' || c.conname,
       concat_ws(' ', c.contype, c.convalidated)
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE n.nspname NOT IN {_SYSTEM}
UNION ALL
SELECT 'index ' || schemaname || '.' || indexname, indexdef
  FROM pg_indexes WHERE schemaname NOT IN {_SYSTEM}
UNION ALL
SELECT 'trigger ' || t.tgrelid::regclass::text || '.' || t.tgname,
       concat_ws(' ', t.tgenabled, t.tgtype)
  FROM pg_trigger t WHERE NOT t.tgisinternal
UNION ALL
SELECT 'function ' || n.nspname || '.' || p.proname
           || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       md5(p.prosrc)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT IN {_SYSTEM} AND n.nspname NOT LIKE 'pg_toast%'
 ORDER BY 1
"""


def _schema(database: str) -> dict[str, str]:
    """Every column, constraint, index, trigger and function by name, with what defines it.

    Read from the catalogs, not from ``pg_dump --schema-only``: PostgreSQL prints a restored
    CHECK (x IN (...)) differently from the migration's, though it is the same constraint.
    """
    return {name: definition for name, definition in _query(database, _SCHEMA_OBJECTS)}


def _tables(database: str) -> list[tuple[str, str, list[str]]]:
    """(schema, table, the columns to order by: the primary key, else every column)."""
    rows = _query(
        database,
        """
        SELECT n.nspname, c.relname,
               coalesce(
                 (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.ord)
                    FROM pg_index i
                    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                   WHERE i.indrelid = c.oid AND i.indisprimary),
                 (SELECT string_agg(a.attnum::text, ',' ORDER BY a.attnum)
                    FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg_toast%'
         ORDER BY 1, 2
        """,
    )
    return [(schema, table, order.split(",")) for schema, table, order in rows]


def _stream_digest(database: str, sql: str) -> tuple[int, str]:
    """(rows, MD5) of ``COPY (sql) TO STDOUT``, read in chunks."""
    digest = hashlib.md5()
    rows = 0
    with subprocess.Popen(
        [
            _program("psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            libpq_url(database),
            "-c",
            f"COPY ({sql}) TO STDOUT",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    ) as copy:
        assert copy.stdout is not None and copy.stderr is not None
        while chunk := copy.stdout.read(CHUNK):
            digest.update(chunk)
            rows += chunk.count(b"\n")
        error = copy.stderr.read().decode(errors="replace")
    if copy.returncode != 0:
        raise Failure(f"reading {sql!r} from {shown(database)} failed: {error.strip()}")
    return rows, digest.hexdigest()


def fingerprint(database: str) -> Fingerprint:
    found = Fingerprint(schema=_schema(database))
    for schema, table, order in _tables(database):
        name = f"{schema}.{table}"
        relation = f"{_identifier(schema)}.{_identifier(table)}"
        sql = f"SELECT * FROM {relation} ORDER BY {', '.join(order)}"
        found.tables[name] = _stream_digest(database, sql)
        if table == "alembic_version":
            found.revision = ",".join(
                row[0] for row in _query(database, f"SELECT version_num FROM {relation}")
            )
    for schema, sequence in _query(
        database,
        "SELECT schemaname, sequencename FROM pg_sequences "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    ):
        relation = f"{_identifier(schema)}.{_identifier(sequence)}"
        value = _query(database, f"SELECT last_value, is_called FROM {relation}")[0]
        found.sequences[f"{schema}.{sequence}"] = " ".join(value)
    return found


def compare(source: Fingerprint, target: Fingerprint) -> list[str]:
    """One line per check, each starting with ``ok`` or ``DIFF``."""
    lines = [_line("alembic revision", source.revision, target.revision)]
    differing = [
        _line(f"schema {name}", source.schema.get(name), target.schema.get(name))
        for name in sorted(source.schema.keys() | target.schema.keys())
        if source.schema.get(name) != target.schema.get(name)
    ]
    lines += differing or [
        f"ok    schema: the same {len(source.schema)} columns, constraints, "
        "indexes, triggers and functions"
    ]
    for name in sorted(source.tables.keys() | target.tables.keys()):
        lines.append(
            _line(f"table {name} (rows, md5)", source.tables.get(name), target.tables.get(name))
        )
    for name in sorted(source.sequences.keys() | target.sequences.keys()):
        lines.append(
            _line(f"sequence {name}", source.sequences.get(name), target.sequences.get(name))
        )
    return lines


def _line(what: str, source: object, target: object) -> str:
    if source == target:
        return f"ok    {what}: {_value(source)}"
    return f"DIFF  {what}: source {_value(source)}, restored {_value(target)}"


def _value(value: object) -> str:
    if value is None:
        return "missing"
    if isinstance(value, tuple):
        return f"{value[0]} rows, {value[1]}"
    return str(value)


def report(lines: list[str]) -> int:
    for line in lines:
        print(line)
    differing = sum(1 for line in lines if line.startswith("DIFF"))
    print(f"{len(lines) - differing} checks equal, {differing} differ")
    return 1 if differing else 0


# -- commands ------------------------------------------------------------------------------


@dataclass
class Timer:
    started: float = field(default_factory=time.monotonic)

    def lap(self, what: str) -> None:
        print(f"{what} in {time.monotonic() - self.started:.1f} s", file=sys.stderr)
        self.started = time.monotonic()


def _roundtrip(source: str, target: str | None, keep: bool, folder: Path | None) -> int:
    target = target or with_database(source, f"osms_restore_check_{time.strftime('%Y%m%d%H%M%S')}")
    timer = Timer()
    with _folder(folder) as work:
        dump = work / f"{database_name(source)}.dump"
        backup(source, dump)
        timer.lap(f"backed up {shown(source)} to {dump} ({dump.stat().st_size} bytes)")
        restore(dump, target)
        try:
            timer.lap(f"restored into {shown(target)}")
            status = report(compare(fingerprint(source), fingerprint(target)))
            timer.lap("compared")
        finally:
            if not keep:
                drop_database(target)
    return status


@contextmanager
def _folder(folder: Path | None) -> Iterator[Path]:
    """Where the dump is written: ``folder`` (kept), else a temporary folder (removed)."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="osms-backup-") as made:
        yield Path(made)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pg_backup.py", description=__doc__.split("\n\n", 1)[0] if __doc__ else None
    )
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("backup", help="pg_dump in the custom format, checked readable")
    one.add_argument("source")
    one.add_argument("file", type=Path)
    two = commands.add_parser("restore", help="into a new database (refused if it exists)")
    two.add_argument("file", type=Path)
    two.add_argument("target")
    two.add_argument("--jobs", type=int, default=2, help="parallel pg_restore jobs")
    three = commands.add_parser("compare", help="compare two databases' fingerprints")
    three.add_argument("source")
    three.add_argument("target")
    four = commands.add_parser("roundtrip", help="backup, restore into a new database, compare")
    four.add_argument("source")
    four.add_argument("--target", help="the new database (default: osms_restore_check_<time>)")
    four.add_argument("--keep", action="store_true", help="keep the restored database")
    four.add_argument("--folder", type=Path, help="keep the dump in this folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            backup(args.source, args.file)
            print(f"backed up {shown(args.source)} to {args.file}")
            return 0
        if args.command == "restore":
            restore(args.file, args.target, args.jobs)
            print(f"restored {args.file} into {shown(args.target)}")
            return 0
        if args.command == "compare":
            return report(compare(fingerprint(args.source), fingerprint(args.target)))
        return _roundtrip(args.source, args.target, args.keep, args.folder)
    except Failure as error:
        print(f"pg_backup.py: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
