"""The registry's side of the nightly batch: a generated population loaded into PostgreSQL
(``load_registry``, ``COPY``) and exported back to Parquet parts (``export_registry``).

    uv run python benchmarks/bench_registry_batch.py --people 200000 --record

Each run uses a new, migrated PostgreSQL schema (dropped afterwards) and reuses the generated
population in ``--dir`` (as ``bench_batch.py`` does).  The rates are rows per second over all
tables (people, categories, payments, refunds, grants).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import database, machine, record

from osms.batch.export import export_registry
from osms.batch.load import load_registry
from osms.synthetic.generate import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--dir", type=Path, default=Path("var/bench-batch"))
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    folder = args.dir / f"registry-p{args.people}-s{args.seed}"
    if not (folder / "people.parquet").exists():
        print(f"generating {args.people:,} people ...", flush=True)
        generate(folder, args.people, args.seed)
    with tempfile.TemporaryDirectory() as work, database("postgresql", Path(work)) as engine:
        started = time.perf_counter()
        loaded = load_registry(engine, folder)
        load_seconds = time.perf_counter() - started
        rows = sum(loaded.values())
        print(f"load_registry: {loaded} in {load_seconds:.1f} s", flush=True)
        started = time.perf_counter()
        exported = export_registry(engine, Path(work) / "exported", parts=args.parts)
        export_seconds = time.perf_counter() - started
        print(f"export_registry: {exported} in {export_seconds:.1f} s", flush=True)
    row = [
        f"{args.people:,}",
        f"{loaded['payments']:,}",
        f"{rows:,}",
        f"{load_seconds:.1f} s ({rows / load_seconds:,.0f} rows/s)",
        f"{export_seconds:.1f} s ({sum(exported.values()) / export_seconds:,.0f} rows/s)",
        machine(),
    ]
    print(" | ".join(row))
    if args.record:
        record(
            "registry_batch",
            "# Registry ↔ batch files (PostgreSQL)\n\n"
            "`uv run python benchmarks/bench_registry_batch.py --people N --record`",
            [
                "date",
                "people",
                "payments",
                "rows, all tables",
                "load_registry (COPY)",
                "export_registry",
                "machine",
            ],
            row,
        )


if __name__ == "__main__":
    main()
