"""ETL throughput: demo case-level data of 1, 5 and 20 million rows, built into a warehouse.

For each size: generation time (it must not be the bottleneck), then the build's wall time, rows per
second, CPU time and the peak resident memory of the whole build process tree (sampled every 50 ms),
and the floor: the time DuckDB needs merely to read the same parquet files (a `count(*)` and a
`GROUP BY` over every column, in a fresh process, measured right before and after the build so both
see the same machine load; the smaller of the two is used). Goals: build within 3x of the
floor at every size, time growing no faster than linearly, peak memory under 2 GB at 20 million rows.

Results: test-artifacts/bench/etl.json. The 1-million-row warehouse is kept for the other benchmarks.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import PYTHON, WORK_DIR, log, quick, rounded, run_timed, write_result
from etl.public import private_path

SIZES = (1_000_000, 5_000_000, 20_000_000)
QUICK_SIZES = (100_000, 300_000, 1_000_000)
SEED = 7
APP_CASES = 1_000_000  # the warehouse the page, wire and scale benchmarks serve
FLOOR_SCRIPT = """
import sys, time, duckdb
files = sys.argv[1:]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
source = "read_parquet([" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "])"
started = time.perf_counter()
rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
groups = con.execute(f"SELECT count(*) FROM (SELECT *, count(*) AS n FROM {source} GROUP BY ALL)").fetchone()[0]
print(rows, groups, time.perf_counter() - started)
"""


def sizes() -> tuple[int, ...]:
    """1, 5 and 20 million cases (BENCH_QUICK: 0.1, 0.3, 1 million; BENCH_ETL_SIZES=1000000,5000000 to choose)."""
    chosen = os.environ.get("BENCH_ETL_SIZES", "").strip()
    if chosen:
        return tuple(int(n) for n in chosen.split(","))
    return QUICK_SIZES if quick() else SIZES


def raw_dir(cases: int) -> Path:
    return WORK_DIR / f"raw-{cases}"


def warehouse(cases: int) -> Path:
    return WORK_DIR / f"warehouse-{cases}.duckdb"


def generate(cases: int) -> dict[str, Any]:
    folder = raw_dir(cases) / "demo"
    if folder.exists():
        shutil.rmtree(folder)
    timed = run_timed([PYTHON, "-m", "etl", "demo", "--cases", str(cases), "--seed", str(SEED),
                       "--out-dir", str(folder)])
    if timed.returncode != 0:
        raise RuntimeError(f"demo generation failed: {timed.stderr_tail}")
    parquet = sorted(folder.glob("cases-*.parquet"))
    return {"seconds": rounded(timed.seconds), "rows_per_second": round(cases / timed.seconds),
            "peak_rss_mb": round(timed.peak_rss / 2**20), "parquet_mb": round(sum(p.stat().st_size for p in parquet)
                                                                           / 2**20, 1)}


def floor(cases: int) -> dict[str, Any]:
    """DuckDB's own time to read the files (the queries, timed inside a fresh process) and the whole process."""
    files = [str(p) for p in sorted((raw_dir(cases) / "demo").glob("cases-*.parquet"))]
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", FLOOR_SCRIPT, *files], capture_output=True, text=True, check=False)
    process_seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"floor query failed: {done.stderr[-1000:]}")
    rows, groups, seconds = done.stdout.strip().splitlines()[-1].split()
    if int(rows) != cases:
        raise RuntimeError(f"the floor read {rows} rows, expected {cases}")
    return {"seconds": rounded(float(seconds)), "process_seconds": rounded(process_seconds), "groups": int(groups)}


def build(cases: int) -> dict[str, Any]:
    out = warehouse(cases)
    timed = run_timed([PYTHON, "-m", "etl", "build", "--demo", "--raw-dir", str(raw_dir(cases)), "--out", str(out),
                       "--no-progress"])
    if timed.returncode != 0:
        raise RuntimeError(f"build of {cases:,} cases failed: {timed.stderr_tail}")
    return {"seconds": rounded(timed.seconds), "cpu_seconds": rounded(timed.cpu_seconds),
            "rows_per_second": round(cases / timed.seconds), "peak_rss_mb": round(timed.peak_rss / 2**20),
            "warehouse_mb": round(out.stat().st_size / 2**20, 1)}


def growth_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) on log(rows): 1 is linear, below 1 sublinear."""
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var, 3) if var else None


def app_warehouse() -> Path:
    """The warehouse the app benchmarks serve (built here when the ETL benchmark has not left one)."""
    out = warehouse(APP_CASES)
    if not out.exists():
        log(f"building the {APP_CASES:,}-case demo warehouse for the app benchmarks")
        generate(APP_CASES)
        build(APP_CASES)
        shutil.rmtree(raw_dir(APP_CASES), ignore_errors=True)
    return out


def run() -> dict[str, Any]:
    rows = []
    for cases in sizes():
        log(f"etl: generating {cases:,} demo cases")
        generated = generate(cases)
        log(f"etl: floor and build for {cases:,} cases")
        before = floor(cases)
        built = build(cases)
        after = floor(cases)
        floor_seconds = min(before["seconds"], after["seconds"])
        rows.append({"cases": cases, "generate": generated, "build": built,
                     "floor": {"seconds": floor_seconds, "before": before["seconds"], "after": after["seconds"]},
                     "ratio": rounded(built["seconds"] / floor_seconds, 2)})
        log(f"etl: {cases:,} cases built in {built['seconds']}s (floor {floor_seconds}s, "
            f"x{rows[-1]['ratio']}), peak {built['peak_rss_mb']} MB")
        shutil.rmtree(raw_dir(cases), ignore_errors=True)
        if cases != APP_CASES:
            warehouse(cases).unlink(missing_ok=True)
            private_path(warehouse(cases)).unlink(missing_ok=True)
        write_result("etl", {"partial": True, "sizes": rows,
                             "growth_exponent": growth_exponent([(r["cases"], r["build"]["seconds"]) for r in rows]),
                             "floor_growth_exponent": None})
    largest = rows[-1]
    result = {
        "goals": {"ratio_max": 3.0, "growth_exponent_max": 1.0, "peak_rss_mb_max_at_largest": 2048},
        "sizes": rows,
        "growth_exponent": growth_exponent([(r["cases"], r["build"]["seconds"]) for r in rows]),
        "floor_growth_exponent": growth_exponent([(r["cases"], r["floor"]["seconds"]) for r in rows]),
        "largest_peak_rss_mb": largest["build"]["peak_rss_mb"],
        "max_ratio": max(r["ratio"] for r in rows),
        "generation_rows_per_second_min": min(r["generate"]["rows_per_second"] for r in rows),
    }
    path = write_result("etl", result)
    log(f"etl: results in {path}")
    return result


if __name__ == "__main__":
    run()
    sys.exit(0)
