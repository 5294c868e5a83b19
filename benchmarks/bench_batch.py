"""The batch engine at scale: generation, the whole-population run, DuckDB against Polars,
and the per-person engine's throughput for the ratio.

    uv run python benchmarks/bench_batch.py                      # 1 and 5 million people
    uv run python benchmarks/bench_batch.py --people 20000000    # the documented 20 mn run
    uv run python benchmarks/bench_batch.py --record             # also append to results/batch.md

Every measurement runs in a fresh child process (its own ``ru_maxrss`` is the peak memory,
DuckDB's native memory included) and is repeated ``--repeat`` times: the machine is shared, so
the best and the worst are both reported.  Populations are kept in ``--dir`` (default
``var/bench-batch``) and reused when already generated with the same arguments.

Targets (issue): 20 million people with 24 months of ledger in under 60 s and under 8 GB
peak memory on 2 cores; the batch engine at least 100 times the per-person engine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "batch.md"
DEFAULT_DIR = Path("var/bench-batch")
ON = date(2026, 11, 22)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the child side: one measurement per process --------------------------------------------------


def child_generate(folder: Path, people: int, seed: int, months: int) -> dict[str, Any]:
    from osms.synthetic.generate import generate

    started = time.perf_counter()
    summary = generate(folder, people, seed, months=months)
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "rows": summary.rows, "peak_mb": _peak_mb()}
    (folder / "generated.json").write_text(
        json.dumps({"people": people, "seed": seed, "months": months, **result})
    )
    return result


def child_run(folder: Path, parts_per_step: int, out: Path | None, lanes: int) -> dict[str, Any]:
    from osms.batch.run import run

    result = run(
        folder,
        ON,
        out=out,
        formats=("parquet",) if out else (),
        parts_per_step=parts_per_step,
        lanes=lanes,
    )
    stats = result.statistics
    return {
        "seconds": result.seconds,
        "people": stats.people,
        "insured": stats.insured,
        "prepaid": stats.by_reason.get("prepaid", 0),
        "grace": stats.by_reason.get("grace", 0),
        "peak_mb": _peak_mb(),
    }


def child_ledger(folder: Path, engine: str, parts: int) -> dict[str, Any]:
    """The ledger steps alone (scan, coverage, per-person masks) for the first ``parts``."""
    from polars_ledger import ledger_masks

    from osms.batch import engine as batch
    from osms.rules import coverage_sql
    from osms.rules.plan import plan

    p = plan(ON)
    started = time.perf_counter()
    if engine == "duckdb":
        con = batch.connect()
        batch._parquet_views(con, folder, 0, parts - 1)
        con.execute(coverage_sql.contributions(p))
        con.execute(coverage_sql.self_covered(p))
        rows = con.execute("SELECT count(*) FROM led").fetchall()[0][0]
    else:
        rows = ledger_masks(folder, p, 0, parts - 1).height
    return {"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": _peak_mb()}


def child_rules(folder: Path, sample: int) -> dict[str, Any]:
    """The per-person engine on a sample of part 0 of the same population: one core, facts
    already built (what a status request pays after loading the facts)."""
    import random

    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    from osms.batch.facts import Population
    from osms.batch.schema import SCHEMAS
    from osms.rules.status import decide

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    tables = {
        name: pq.read_table(folder / f"{name}.parquet", filters=[("part", "=", 0)])
        for name in SCHEMAS
    }
    iins = tables["people"]["iin"].to_pylist()
    chosen = pa.array(random.Random(1).sample(iins, min(sample, len(iins))))
    population = Population(
        {name: t.filter(pc.is_in(t["iin"], value_set=chosen)) for name, t in tables.items()}
    )
    facts = [population.facts(iin) for iin in population.iins]
    started = time.perf_counter()
    for person in facts:
        decide(person, ON)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "people": len(facts), "rate": len(facts) / seconds}


def child_main(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "generate":
        result = child_generate(Path(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]))
    elif kind == "run":
        result = child_run(
            Path(rest[0]),
            int(rest[1]),
            Path(rest[2]) if rest[2] != "-" else None,
            int(rest[3]),
        )
    elif kind == "ledger":
        result = child_ledger(Path(rest[0]), rest[1], int(rest[2]))
    elif kind == "rules":
        result = child_rules(Path(rest[0]), int(rest[1]))
    else:
        raise SystemExit(f"unknown child {kind}")
    print("RESULT " + json.dumps(result))


# -- the parent side ------------------------------------------------------------------------------


def _child(*args: str, timeout: float | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT ") :]))
    raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
        memory = f", {total:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def _population(root: Path, people: int, seed: int, months: int) -> tuple[Path, dict[str, Any]]:
    folder = root / f"p{people}-s{seed}-m{months}"
    marker = folder / "generated.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if (info["people"], info["seed"], info["months"]) == (people, seed, months):
            return folder, {
                "seconds": info.get("seconds"),
                "rows": info["rows"],
                "peak_mb": info.get("peak_mb"),
            }
    print(f"generating {people:,} people ...", flush=True)
    return folder, _child("generate", str(folder), str(people), str(seed), str(months))


def _fmt(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.1f} s"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--parts-per-step", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=2, help="steps running at once")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--compare", action="store_true", help="DuckDB against Polars")
    parser.add_argument("--rules-sample", type=int, default=20_000)
    parser.add_argument("--write", action="store_true", help="also write snapshot.parquet")
    parser.add_argument("--record", action="store_true", help="append to results/batch.md")
    args = parser.parse_args()

    rows: list[str] = []
    compared: list[str] = []
    for people in args.people:
        folder, generated = _population(args.dir, people, args.seed, args.months)
        payments = generated["rows"]["payments"]
        runs = []
        rules_rates = []
        # the per-person engine is measured between the batch runs, on the same population:
        # the shared host's speed drifts, and a ratio of figures taken minutes apart drifts too
        for _ in range(args.repeat):
            out = str(folder / "out") if args.write else "-"
            runs.append(_child("run", str(folder), str(args.parts_per_step), out, str(args.lanes)))
            print(f"{people:,} people: {runs[-1]}", flush=True)
            rules = _child("rules", str(folder), str(args.rules_sample))
            rules_rates.append(rules["rate"])
            print(f"per-person engine: {rules}", flush=True)
        best = min(r["seconds"] for r in runs)
        worst = max(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs) / 1024
        rate = people / best
        rules_rate = max(rules_rates)
        ratio_1 = rate / rules_rate
        ratio_2 = rate / (2 * rules_rate)
        generation = _fmt(generated["seconds"])
        if generated.get("peak_mb"):
            generation += f", {generated['peak_mb'] / 1024:.1f} GB"
        rows.append(
            f"| {date.today()} | {people:,} | {payments:,} | {args.months} | {generation} | "
            f"{best:.1f} s (worst {worst:.1f} s) | {peak:.1f} GB | {rate:,.0f}/s | "
            f"{rules_rate:,.0f}/s | ×{ratio_1:,.0f} (×{ratio_2:,.0f} vs 2 processes) |"
        )
        if args.compare:
            parts = max(1, -(-people // (1 << 18)))
            for engine in ("duckdb", "polars"):
                times = [
                    _child("ledger", str(folder), engine, str(parts))
                    for _ in range(max(args.repeat, 3))
                ]
                line = f"ledger step, {engine}, {people:,} people: " + ", ".join(
                    f"{t['seconds']:.2f} s / {t['peak_mb'] / 1024:.2f} GB" for t in times
                )
                print(line, flush=True)
                compared.append(line)
    header = (
        "| date | people | ledger items | months | generate (time, peak) | batch run, best of "
        f"{args.repeat} | peak memory | people/s | per-person engine (1 core) | ratio |"
    )
    print()
    print(f"machine: {_machine()}")
    print(header)
    print("|" + "---|" * 10)
    for row in rows:
        print(row)
    if args.record:
        RESULTS.parent.mkdir(exist_ok=True)
        if not RESULTS.exists():
            RESULTS.write_text("# Batch engine benchmarks\n\n")
        with RESULTS.open("a") as results:
            results.write(f"\nmachine: {_machine()}; `{' '.join(sys.argv)}`\n\n{header}\n")
            results.write("|" + "---|" * 10 + "\n")
            for row in rows:
                results.write(row + "\n")
            if compared:
                results.write("\nDuckDB against Polars (time / peak of each run):\n\n")
                results.write("".join(f"- {line}\n" for line in compared))


if __name__ == "__main__":
    main()
