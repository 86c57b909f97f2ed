"""Materialize metric_definition (from etl/metrics.toml) and metric_value, disparity and coverage.

Three steps, each SQL in named files run in file-name order and parameterised only by the suppression
threshold (and, for one file run once per case metric, the metric), so the same code serves every source and
the demo alike: `etl/sql/metrics/` computes every cell's counts, etl/suppression.py decides which cells are
hidden, `etl/sql/publish/` writes the warehouse tables.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import duckdb
from tqdm import tqdm

from etl import sqlfiles, suppression
from etl.config import SQL_DIR
from etl.errors import BuildError

METRICS_TOML = Path(__file__).parent / "metrics.toml"
METRICS_SQL = SQL_DIR / "metrics"
PUBLISH_SQL = SQL_DIR / "publish"
INTERVALS_SQL = SQL_DIR / "intervals.sql"  # also kept in the public warehouse (etl/public.py)
EACH_CASE_METRIC, SUPPRESSION = "each case metric", "suppression"
# How long each step of the metric stage takes against one case metric's grouping (1), as a demo build shows:
# only for the progress bar's estimate of the time left (a step not named here counts 1).
STEP_WEIGHTS = {"20_case_facts": 1, "40_metric_raw": 4, "50_detention_metrics": 2, SUPPRESSION: 28,
                "10_metric_value": 7, "20_disparity": 2}


def load_definitions(path: Path = METRICS_TOML) -> list[dict]:
    with path.open("rb") as handle:
        catalogue = tomllib.load(handle)
    return [{"metric_id": metric_id, "sort_order": order, **entry}
            for order, (metric_id, entry) in enumerate(catalogue.items(), start=1)]


LANGUAGES = ("es",)  # the languages whose words each measure's definition carries (`[<metric>.<lang>]`)
TRANSLATED = ("label", "question", "description", "direction", "caveat")


def insert_translations(con: duckdb.DuckDBPyConnection, definitions: list[dict]) -> None:
    """metric_definition_i18n: each measure's words in each other language, from its `[<metric>.<lang>]` table.
    A measure without them stops the build: a reader of that language would meet English without warning."""
    for d in definitions:
        for lang in LANGUAGES:
            words = d.get(lang)
            missing = [key for key in TRANSLATED if not (words or {}).get(key)]
            if missing:
                raise BuildError(f"measure {d['metric_id']!r} has no {lang} {', '.join(missing)} "
                                 f"(add them under [{d['metric_id']}.{lang}])")
            con.execute("INSERT INTO metric_definition_i18n VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [d["metric_id"], lang, *(words[key] for key in TRANSLATED)])


def register_priorities(con: duckdb.DuckDBPyConnection, priorities: dict[str, int]) -> None:
    """The temp table `source_priority` (source_id, priority) every precedence rule of the build reads: which
    source's counts are counted, and whose offices, people and terms are kept."""
    con.execute("CREATE OR REPLACE TEMP TABLE source_priority (source_id VARCHAR, priority INTEGER)")
    if priorities:
        con.executemany("INSERT INTO source_priority VALUES (?, ?)", sorted(priorities.items()))


def materialize(con: duckdb.DuckDBPyConnection, *, threshold: int, priorities: dict[str, int],
                replaces: list[tuple[str, str, int, int]] | None = None, progress: bool = False) -> None:
    """Every metric table, one step at a time; with `progress`, a bar naming the step, with an estimate of the
    time left (this is the longest stage of a build). `replaces`: (source, replaced source, first year, last
    year) as source folders declare them."""
    for d in load_definitions():
        con.execute(
            "INSERT INTO metric_definition VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [d["metric_id"], d["label"], d["question"], d["description"], d["stage"], d["numerator"],
             d["denominator"], d["unit"], d["caveat"], d["sort_order"], d["direction"], d.get("unavailable_if", []),
             d.get("roles", []), d.get("amount_at_least")],
        )
    insert_translations(con, load_definitions())
    register_priorities(con, priorities)
    con.execute("CREATE OR REPLACE TEMP TABLE source_replaces (source_id VARCHAR, replaced VARCHAR, from_year INTEGER,"
                " to_year INTEGER)")
    if replaces:
        con.executemany("INSERT INTO source_replaces VALUES (?, ?, ?, ?)", replaces)
    hidden: dict[str, int] = {}

    def each_case_metric() -> None:
        # one case metric at a time, so each grouping holds one metric's cells (each_case_metric.sql)
        for (metric_id,) in con.execute("SELECT DISTINCT metric_name FROM measure_source ORDER BY 1").fetchall():
            sqlfiles.run_file(con, METRICS_SQL / "each_case_metric.sql", threshold, {"metric": metric_id})
            bar.update(1)

    def complement() -> None:
        hidden.update(suppression.complement(con, threshold=threshold))

    first, last = sorted(METRICS_SQL.glob("[0-3]*.sql")), sorted(METRICS_SQL.glob("[4-9]*.sql"))
    steps: list[tuple[str, Callable[[], None]]] = [
        (INTERVALS_SQL.stem, lambda: sqlfiles.run_file(con, INTERVALS_SQL, threshold)),
        *((p.stem, lambda p=p: sqlfiles.run_file(con, p, threshold)) for p in first),
        (EACH_CASE_METRIC, each_case_metric),
        *((p.stem, lambda p=p: sqlfiles.run_file(con, p, threshold)) for p in last),
        (SUPPRESSION, complement),
        *((p.stem, lambda p=p: sqlfiles.run_file(con, p, threshold)) for p in sorted(PUBLISH_SQL.glob("*.sql"))),
    ]
    bar = tqdm(total=sum(STEP_WEIGHTS.get(name, 1) for name, _ in steps if name != EACH_CASE_METRIC),
               desc="  metrics", disable=not progress, leave=False, file=sys.stderr,
               bar_format="{desc}: {percentage:3.0f}% [{elapsed} elapsed, ~{remaining} left]")
    with bar:
        for name, step in steps:
            bar.set_description_str(f"  metrics ({name})")
            if name == EACH_CASE_METRIC:  # one unit per case metric, known once the facts are in
                bar.total += con.execute("SELECT count(DISTINCT metric_name) FROM measure_source").fetchone()[0]
                bar.refresh()
                step()
            else:
                step()
                bar.update(STEP_WEIGHTS.get(name, 1))
    con.executemany("INSERT INTO build_info VALUES (?, ?)", [
        ("cells_suppressed_small", str(hidden["primary"])),
        ("cells_suppressed_complementary", str(hidden["groups"] + hidden["stages"])),
        ("suppression_passes", str(hidden["passes"]))])
