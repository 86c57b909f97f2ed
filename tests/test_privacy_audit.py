"""Privacy audit: no count below the suppression threshold is shown anywhere, directly or by subtraction, and no
identifier of a person exists anywhere in the warehouse.

Two halves:
- The walk (slow): every page (county, prosecutor, compare, map, methods) through the real router, for every county
  with data in the real warehouse and for a sample of 40 demo counties. It collects every number a reader can see:
  markdown, captions, metrics, data frames, plotly figures (hover text included), the map's tooltips and the bytes
  of every download button. Counts are told apart from years and percentages by their words ("12 of 40 cases",
  "130 people in jail") and by the CSV columns that hold them (numerator, denominator, count, population).
- The warehouse audit (fast): every published cell, and every difference a reader can take between cells shown
  beside each other: a cell's denominator minus its numerator, the total of a breakdown minus its shown groups,
  a state or an office minus its shown counties, a term minus its shown years, and the outcomes one can work out
  from measures that share a denominator (e.g. referrals - declined - diverted = charged).
A count is small when it is between 1 and threshold - 1 (build_info.suppression_threshold); zero is not a count of
anyone. The population of adults behind a jail rate is a census figure, not a count of cases, and is not audited.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard.charts import maps
from etl.public import private_path
from tests.dashboard import map_spec
from tests.dashboard.apptest_pages import charts, html_text, open_page
from tests.figures import once_per_run, record

DEMO_SAMPLE = 40
DIMENSIONS = ("race", "sex", "age_band", "offense_category", "offense_level")
COUNT_COLUMNS = {"numerator", "denominator", "count", "population", "n", "other_numerator", "other_denominator",
                 "state_numerator", "state_denominator"}
DENOMINATOR_COLUMNS = {"denominator", "other_denominator", "state_denominator"}
_N = r"(\d{1,3}(?:,\d{3})+|\d+)"
_PAIR = re.compile(rf"(?<![\d,.+\-−]){_N} of {_N} cases")
_SINGLE = re.compile(rf"(?<![\d,.+\-−]){_N} (?:cases|people|defendants|persons|decisions)\b")
_OTHER = [re.compile(rf"held about {_N}"), re.compile(rf"Baseline \d{{4}}: {_N}"),
          re.compile(rf"\(n = {_N}[;,)]"), re.compile(rf"(?<![\d,.+\-−]){_N} bail decisions"),
          re.compile(rf"(?:Referred by police|Charged|Resolved in court|Convicted|Sentenced|Sentenced to prison or "
                     rf"jail): {_N}")]
_NOT_COUNTS = [re.compile(rf"Goal: {_N} people"),  # half of a published jail count: a target, not a count
               re.compile(rf"[+\-−]{_N} people a year")]  # a yearly change


def sql(con: duckdb.DuckDBPyConnection, text: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(text, params or []).df()


def threshold_of(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT value FROM build_info WHERE key = 'suppression_threshold'").fetchone()[0])


def small(value: float, k: int) -> bool:
    return 0.5 <= value < k - 0.5 + 1e-9 if not pd.isna(value) else False


def _int(text: str) -> int:
    return int(text.replace(",", ""))


# --- what a reader sees: numbers in text, counts in tables and downloads -----------------------------------------


@dataclass
class Seen:
    """Every count found on the pages walked, with where it was shown."""

    counts: list[tuple[float, str]] = field(default_factory=list)  # (count, where)
    pairs: list[tuple[float, float, str]] = field(default_factory=list)  # (numerator, denominator, where)
    rows: list[dict] = field(default_factory=list)  # structured cells from downloads (metric, scope, year, ...)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (text, where), for the raw-row check
    views: int = 0
    downloads: int = 0

    def text(self, value: object, where: str) -> None:
        if not isinstance(value, str) or not re.search(r"\d", value):
            return
        self.texts.append((value, where))
        clean = value.replace("\xa0", " ")
        for pattern in _NOT_COUNTS:
            clean = pattern.sub(" ", clean)
        taken: set[int] = set()  # where each number starts: one number found by two patterns counts once
        for match in _PAIR.finditer(clean):
            self.pairs.append((_int(match.group(1)), _int(match.group(2)), where))
            for group in (1, 2):
                taken.add(match.start(group))
                self.counts.append((_int(match.group(group)), where))
        for pattern in (_SINGLE, *_OTHER):
            for match in pattern.finditer(clean):
                if match.start(1) not in taken:
                    taken.add(match.start(1))
                    self.counts.append((_int(match.group(1)), where))

    def frame(self, frame: pd.DataFrame, where: str, units: dict[str, str], labels: dict[str, str],
              filename: str = "") -> None:
        """A table on screen or a downloaded CSV: its count columns, and the words in its text cells."""
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                for value in frame[column].dropna().unique():
                    self.text(str(value), f"{where} [{column}]")
        unit = _unit(frame, filename, units, labels)
        for i, row in enumerate(frame.to_dict("records")):
            row_unit = unit[i]
            for column in COUNT_COLUMNS & set(frame.columns):
                value = pd.to_numeric(row[column], errors="coerce")
                if pd.isna(value) or (column in DENOMINATOR_COLUMNS and row_unit == "per_100k"):
                    continue  # the adults behind a jail rate: a census figure
                self.counts.append((float(value), f"{where} row {i} [{column}]"))
            for num, den in (("numerator", "denominator"), ("other_numerator", "other_denominator"),
                             ("state_numerator", "state_denominator")):
                if {num, den} <= set(frame.columns) and row_unit != "per_100k":
                    x, n = pd.to_numeric(row[num], errors="coerce"), pd.to_numeric(row[den], errors="coerce")
                    if not pd.isna(x) and not pd.isna(n):
                        self.pairs.append((float(x), float(n), f"{where} row {i}"))

    def check(self, k: int) -> list[str]:
        problems = [f"count {v:g} shown at {w}" for v, w in self.counts if small(v, k)]
        problems += [f"{n:g} - {x:g} = {n - x:g} (counts shown beside each other) at {w}"
                     for x, n, w in self.pairs if small(n - x, k)]
        return problems


def _unit(frame: pd.DataFrame, filename: str, units: dict[str, str], labels: dict[str, str]) -> list[str | None]:
    """The unit of each row: from a unit or metric_id column, the measure label, or the metric id in the file name."""
    if "unit" in frame.columns:
        return list(frame["unit"])
    if "metric_id" in frame.columns:
        return [units.get(m) for m in frame["metric_id"]]
    if "measure" in frame.columns:
        return [units.get(labels.get(m, "")) for m in frame["measure"]]
    named = [m for m in sorted(units, key=len, reverse=True) if m in filename]
    return [units.get(named[0]) if named else None] * len(frame)


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


class Downloads:
    """Every download button's bytes, captured as the page hands them to Streamlit."""

    def __init__(self) -> None:
        self.files: list[tuple[str, str, bytes]] = []

    def install(self, mp: pytest.MonkeyPatch) -> None:
        import streamlit

        original = streamlit.download_button

        def capture(label, data=None, *args, **kwargs):
            content = data() if callable(data) else data  # made on click (the map's CSV): what a click gives
            if isinstance(content, str | bytes):
                self.files.append((str(label), str(kwargs.get("file_name") or ""),
                                   content if isinstance(content, bytes) else content.encode("utf-8")))
            return original(label, data, *args, **kwargs)

        mp.setattr(streamlit, "download_button", capture)


def look(page: str, params: dict, seen: Seen, downloads: Downloads, units: dict, labels: dict) -> None:
    """Open one view and take in everything it shows."""
    downloads.files.clear()
    at = open_page(page, **params)
    where = f"/{page}?{'&'.join(f'{k}={v}' for k, v in params.items())}"
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    seen.views += 1
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        for element in at.get(kind):
            seen.text(getattr(element, "value", ""), f"{where} {kind}")
    for metric in at.metric:
        seen.text(f"{metric.label} {metric.value}", f"{where} metric")
    for block in at.get("html"):  # the county's headline cards, the map's legend
        for line in html_text(block.proto.body).splitlines():
            seen.text(line, f"{where} html")
    for table in at.dataframe:
        seen.frame(table.value, f"{where} table", units, labels)
    for chart in charts(at):
        for trace in chart.get("data", []):
            for text in _strings({k: trace.get(k) for k in ("text", "hovertext", "hovertemplate", "customdata",
                                                             "name")}):
                seen.text(text, f"{where} chart")
            if trace.get("type") == "funnel":
                seen.counts += [(float(x), f"{where} funnel") for x in trace.get("x") or [] if x is not None]
        for annotation in chart.get("layout", {}).get("annotations", []):
            seen.text(annotation.get("text", ""), f"{where} chart note")
    for deck in at.get("deck_gl_json_chart"):
        spec = json.loads(deck.proto.json)
        for text in _strings(spec):
            seen.text(text, f"{where} map spec")
        template = json.loads(deck.proto.tooltip or "{}").get("html", "")
        counties = map_spec.layers(spec).get(maps.COUNTY_LAYER_ID)
        assert template and counties, f"{where}: no county layer or tooltip on the map"
        for row in map_spec.rows(counties):  # every county's tooltip, as the browser fills it
            seen.text(map_spec.tooltip(template, row), f"{where} map tooltip")
    for _label, filename, data in downloads.files:
        seen.downloads += 1
        if filename.endswith(".csv"):
            frame = pd.read_csv(io.BytesIO(data), dtype={"fips": str})
            seen.frame(frame, f"{where} download {filename}", units, labels, filename)
            seen.rows += _cells(frame, params, filename)
        else:
            seen.text(data.decode("utf-8", "replace"), f"{where} download {filename}")


def _cells(frame: pd.DataFrame, params: dict, filename: str) -> list[dict]:
    """Yearly cells of a download, keyed like metric_value, for the comparison with the warehouse."""
    out = []
    if {"metric_id", "year", "dimension", "dimension_value", "numerator", "denominator"} <= set(frame.columns):
        scope, scope_id = ("county", params.get("fips")) if "office_id" not in frame.columns else ("office", None)
        for row in frame.to_dict("records"):
            out.append({"metric_id": row["metric_id"], "scope": scope,
                        "scope_id": row.get("office_id") if scope == "office" else scope_id,
                        "year": int(row["year"]), "dimension": row["dimension"],
                        "dimension_value": row["dimension_value"], "numerator": row["numerator"],
                        "denominator": row["denominator"], "suppressed": bool(row["suppressed"]), "file": filename})
    elif {"fips", "year", "measure", "numerator", "denominator"} <= set(frame.columns):
        for row in frame.to_dict("records"):
            out.append({"label": row["measure"], "scope": "county", "scope_id": row["fips"], "year": int(row["year"]),
                        "dimension": "all", "dimension_value": "all", "numerator": row["numerator"],
                        "denominator": row["denominator"], "suppressed": bool(row["suppressed"]), "file": filename})
    return out


# --- the views of a walk -------------------------------------------------------------------------------------------


def views_to_walk(con: duckdb.DuckDBPyConnection, counties: list[str]) -> list[tuple[str, dict]]:
    metrics = list(sql(con, "SELECT metric_id FROM metric_definition ORDER BY sort_order")["metric_id"])
    views: list[tuple[str, dict]] = []
    for i, fips in enumerate(counties):
        views.append(("county", {"fips": fips}))
        views.append(("county", {"fips": fips, "by": DIMENSIONS[i % len(DIMENSIONS)]}))
    people = sql(con, f"""
        SELECT DISTINCT t.prosecutor_id FROM office_county oc JOIN term t USING (office_id)
        WHERE oc.fips IN ({",".join("?" * len(counties))}) AND EXISTS (
            SELECT 1 FROM metric_value v WHERE v.scope = 'term' AND v.scope_id = t.term_id AND NOT v.suppressed)
        ORDER BY 1""", counties)["prosecutor_id"].tolist()
    views += [("prosecutor", {"id": p}) for p in people]
    views += [("questions", {"county": fips}) for fips in counties[::4]]
    views += [("questions", {"prosecutor": p}) for p in people[::4]]
    for i in range(0, len(counties), 4):
        views.append(("compare", {"fips": ",".join(counties[i:i + 4]), "metric": metrics[(i // 4) % len(metrics)]}))
    for i in range(0, len(people), 4):
        views.append(("compare", {"id": ",".join(people[i:i + 4]), "metric": metrics[(i // 4 + 3) % len(metrics)]}))
    states = sql(con, f"""SELECT DISTINCT state_abbr FROM county WHERE fips IN ({",".join("?" * len(counties))})
                          ORDER BY 1""", counties)["state_abbr"].tolist()
    for i, state in enumerate(states):
        views.append(("map", {"state": state, "metric": metrics[i % len(metrics)]}))
    views.append(("map", {}))
    views.append(("methods", {}))
    return views


def counties_with_data(con: duckdb.DuckDBPyConnection) -> list[str]:
    return list(sql(con, """SELECT DISTINCT scope_id FROM metric_value WHERE scope = 'county' AND NOT suppressed
                            ORDER BY 1""")["scope_id"])


def demo_sample(con: duckdb.DuckDBPyConnection) -> list[str]:
    """40 demo counties spread over the list, with Cook and San Francisco and the smallest counties with data."""
    every = counties_with_data(con)
    smallest = list(sql(con, """SELECT scope_id FROM metric_value WHERE scope = 'county' AND NOT suppressed
                                AND dimension = 'all' GROUP BY 1 ORDER BY max(denominator), 1 LIMIT 8""")["scope_id"])
    step = max(1, len(every) // (DEMO_SAMPLE - len(smallest) - 2))
    chosen = list(dict.fromkeys(["17031", "06075", *smallest, *every[::step]]))
    return [f for f in chosen if f in set(every)][:DEMO_SAMPLE]


@dataclass
class Walk:
    name: str
    counties: int
    threshold: int
    seen: Seen
    shown: list[str]  # small counts shown directly, or as the difference of two counts shown together
    mismatched: list[str]  # cells of a download that are not the warehouse's published cell
    revealed: list[str]  # a breakdown's total minus the groups shown
    raw_rows: list[str]  # rejected source rows shown


def walk(path: Path, counties: list[str], name: str) -> Walk:
    mp = pytest.MonkeyPatch()
    mp.setenv("PAD_WAREHOUSE", str(path))
    mp.setattr("dashboard.components.image_export_available", lambda: False)
    downloads = Downloads()
    downloads.install(mp)
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            k = threshold_of(con)
            definitions = sql(con, "SELECT metric_id, label, unit FROM metric_definition")
            units = dict(zip(definitions["metric_id"], definitions["unit"], strict=True))
            labels = dict(zip(definitions["label"], definitions["metric_id"], strict=True))
            seen = Seen()
            for page, params in views_to_walk(con, counties):
                look(page, params, seen, downloads, units, labels)
            mismatched, revealed = _against_the_warehouse(con, seen.rows, k, labels)
            result = Walk(name, len(counties), k, seen, seen.check(k), mismatched, revealed,
                          _raw_rows_shown(path, seen.texts))
    finally:
        mp.undo()
    record("privacy_audit", f"walk-{name}", {
        "counties": len(counties), "views": seen.views, "downloads": seen.downloads,
        "counts_checked": len(seen.counts), "pairs_checked": len(seen.pairs), "cells_matched": len(seen.rows),
        "threshold": k, "small_counts_shown": len(result.shown), "cells_not_in_warehouse": len(mismatched),
        "breakdown_subtractions_revealing": len(revealed), "rejected_rows_shown": len(result.raw_rows)})
    return result


def _against_the_warehouse(con: duckdb.DuckDBPyConnection, rows: list[dict], k: int,
                           labels: dict[str, str]) -> tuple[list[str], list[str]]:
    """Every yearly cell a download shows is a published metric_value cell with the same counts; and the total of
    each breakdown minus the groups shown never reveals a small group."""
    if not rows:
        return [], []
    frame = pd.DataFrame(rows)
    if "label" in frame:
        frame["metric_id"] = frame["metric_id"].fillna(frame["label"].map(labels)) if "metric_id" in frame \
            else frame["label"].map(labels)
    frame = frame.drop_duplicates(["metric_id", "scope", "scope_id", "year", "dimension", "dimension_value"])
    con.register("shown_cells", frame[["metric_id", "scope", "scope_id", "year", "dimension", "dimension_value",
                                       "numerator", "denominator", "suppressed", "file"]])
    try:
        mismatched = con.execute("""
            SELECT s.file, s.metric_id, s.scope_id, s.year, s.dimension_value, s.numerator, s.denominator,
                   v.numerator, v.denominator, v.suppressed
            FROM shown_cells s LEFT JOIN metric_value v ON v.metric_id = s.metric_id AND v.scope = s.scope
             AND v.scope_id = s.scope_id AND v.period_grain = 'year' AND year(v.period_start) = s.year
             AND v.dimension = s.dimension AND v.dimension_value = s.dimension_value
            WHERE s.scope_id IS NOT NULL
              -- a row of no measure in metric_value showing no counts (the map's election measures: a contest's
              -- facts, not counts of people) has nothing to check
              AND NOT (s.metric_id IS NULL AND s.numerator IS NULL AND s.denominator IS NULL)
              AND (v.metric_id IS NULL OR v.suppressed <> s.suppressed
               OR coalesce(v.numerator, -1) <> coalesce(s.numerator, -1)
               OR coalesce(v.denominator, -1) <> coalesce(s.denominator, -1))""").fetchall()
        revealed = con.execute("""
            WITH groups AS (
                SELECT metric_id, scope, scope_id, year, dimension, sum(numerator) FILTER (WHERE NOT suppressed) AS x,
                       sum(denominator) FILTER (WHERE NOT suppressed) AS n, count(*) FILTER (WHERE suppressed) AS hidden
                FROM shown_cells WHERE dimension <> 'all' AND scope_id IS NOT NULL GROUP BY ALL
            )
            SELECT g.metric_id, g.scope_id, g.year, g.dimension, a.numerator - coalesce(g.x, 0),
                   a.denominator - coalesce(g.n, 0), d.unit
            FROM groups g JOIN metric_value a ON a.metric_id = g.metric_id AND a.scope = g.scope
             AND a.scope_id = g.scope_id AND a.period_grain = 'year' AND year(a.period_start) = g.year
             AND a.dimension = 'all' AND NOT a.suppressed
            JOIN metric_definition d ON d.metric_id = g.metric_id
            WHERE g.hidden > 0""").fetchall()
    finally:
        con.unregister("shown_cells")
    wrong = [f"{r[0]}: {r[1]} {r[2]} {r[3]} {r[4]} shows {r[5]}/{r[6]}, the warehouse has {r[7]}/{r[8]} "
             f"(suppressed {r[9]})" for r in mismatched]
    small_groups = []
    for metric, scope_id, year, dimension, dx, dn, unit in revealed:
        parts = [dx] if unit == "per_100k" else [dx, dn, dn - dx]
        if any(small(v, k) for v in parts if v is not None):
            small_groups.append(f"{metric} {scope_id} {year}: the total minus the {dimension} groups shown reveals "
                                f"{dx:g} of {dn:g}")
    return wrong, small_groups


def _raw_rows_shown(path: Path, texts: list[tuple[str, str]]) -> list[str]:
    """Rejected source rows are not suppressed (one can be a single case, or a count of 2): never shown.

    Their text is only in the build's private database, beside the public warehouse the app opened.
    """
    with duckdb.connect(str(private_path(path)), read_only=True) as con:
        raws = [r for (r,) in con.execute("SELECT DISTINCT left(raw, 300) FROM rejected_row "
                                          "WHERE length(raw) >= 12").fetchall()]
    shown = "\n".join(t for t, _ in texts)
    return [f"a rejected source row is shown: {raw[:80]!r}" for raw in raws if raw in shown][:20]


@pytest.fixture(scope="module")
def demo_walk(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Walk:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        counties = demo_sample(con)
    assert len(counties) == DEMO_SAMPLE
    return once_per_run("privacy-walk-demo", lambda: walk(demo_warehouse, counties, "demo"),
                        tmp_path_factory.getbasetemp().parent)


@pytest.fixture(scope="module")
def real_walk(real_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Walk:
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        counties = counties_with_data(con)
    assert counties
    return once_per_run("privacy-walk-real", lambda: walk(real_warehouse, counties, "real"),
                        tmp_path_factory.getbasetemp().parent)


@pytest.fixture(params=["demo", "real"])
def walked(request: pytest.FixtureRequest) -> Walk:
    return request.getfixturevalue(f"{request.param}_walk")


@pytest.mark.slow
def test_every_page_shows_no_small_count_and_only_published_cells(walked: Walk) -> None:
    seen = walked.seen
    assert seen.views > 2 * walked.counties and seen.downloads > walked.counties
    assert len(seen.counts) > 100 and seen.pairs and seen.rows, "the walk found no counts: it would prove nothing"
    assert not walked.shown, f"{len(walked.shown)} small counts shown:\n" + "\n".join(walked.shown[:40])
    assert not walked.mismatched, "\n".join(walked.mismatched[:40])


@pytest.mark.slow
def test_no_rejected_source_row_is_shown(walked: Walk) -> None:
    assert not walked.raw_rows, "\n".join(walked.raw_rows)


@pytest.mark.slow
def test_no_breakdown_shown_reveals_a_small_group_by_subtraction(walked: Walk) -> None:
    assert walked.seen.rows
    assert not walked.revealed, f"{len(walked.revealed)} breakdowns:\n" + "\n".join(walked.revealed[:20])


# --- the warehouse: every published cell and every difference a reader can take --------------------------------------


def published_cell_problems(con: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    rows = con.execute("""
        SELECT v.metric_id, v.scope, v.scope_id, v.period_start, v.dimension, v.dimension_value, v.numerator,
               v.denominator, d.unit
        FROM metric_value v JOIN metric_definition d USING (metric_id)
        WHERE NOT v.suppressed AND (
            (d.unit = 'per_100k' AND v.numerator < $k)
            OR (d.unit = 'share' AND (v.denominator < $k OR (v.numerator BETWEEN 1 AND $k - 1)
                                      OR (v.denominator - v.numerator BETWEEN 1 AND $k - 1))))
        LIMIT 20""", {"k": k}).fetchall()
    return [f"published cell {r[:6]} has {r[6]} of {r[7]}" for r in rows]


def breakdown_problems(con: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    """A breakdown's total minus its published groups is the sum of its hidden groups: never 1..k-1."""
    rows = con.execute("""
        WITH groups AS (
            SELECT metric_id, scope, scope_id, period_start, period_grain, dimension,
                   coalesce(sum(numerator) FILTER (WHERE NOT suppressed), 0) AS x,
                   coalesce(sum(denominator) FILTER (WHERE NOT suppressed), 0) AS n,
                   count(*) FILTER (WHERE suppressed) AS hidden
            FROM metric_value WHERE dimension <> 'all' GROUP BY ALL
        )
        SELECT g.metric_id, g.scope, g.scope_id, g.period_start::VARCHAR, g.dimension, a.numerator - g.x AS dx,
               a.denominator - g.n AS dn, d.unit
        FROM groups g JOIN metric_value a USING (metric_id, scope, scope_id, period_start, period_grain)
        JOIN metric_definition d USING (metric_id)
        WHERE a.dimension = 'all' AND NOT a.suppressed AND g.hidden > 0
          AND ((a.numerator - g.x) BETWEEN 1 AND $k - 1
               OR (d.unit = 'share' AND ((a.denominator - g.n) BETWEEN 1 AND $k - 1
                    OR ((a.denominator - g.n) - (a.numerator - g.x)) BETWEEN 1 AND $k - 1)))
        ORDER BY g.scope, g.scope_id, g.metric_id, g.period_start""", {"k": k}).fetchall()
    return [f"{r[1]} {r[2]} {r[0]} {r[3]}: total minus the {r[4]} groups shown = {r[5]} of {r[6]}" for r in rows]


def geography_problems(con: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    """A state's (or a several-county office's) published cell minus its published counties = its hidden
    counties (whose own cells were suppressed): never 1..k-1."""
    rows = con.execute("""
        WITH members AS (
            SELECT 'state' AS scope, state_abbr AS scope_id, fips FROM county
            UNION ALL
            SELECT 'office', office_id, fips FROM office_county
            WHERE office_id IN (SELECT office_id FROM office_county GROUP BY 1 HAVING count(*) > 1)
        ),
        parts AS (
            SELECT m.scope, m.scope_id, v.metric_id, v.period_start, v.period_grain, v.dimension, v.dimension_value,
                   coalesce(sum(v.numerator) FILTER (WHERE NOT v.suppressed), 0) AS x,
                   coalesce(sum(v.denominator) FILTER (WHERE NOT v.suppressed), 0) AS n,
                   count(*) FILTER (WHERE v.suppressed) AS hidden
            FROM members m JOIN metric_value v ON v.scope = 'county' AND v.scope_id = m.fips
            GROUP BY ALL
        )
        SELECT p.scope, p.scope_id, p.metric_id, p.period_start::VARCHAR, p.dimension, p.dimension_value,
               t.numerator - p.x, t.denominator - p.n
        FROM parts p JOIN metric_value t USING (scope, scope_id, metric_id, period_start, period_grain, dimension,
                                                dimension_value)
        JOIN metric_definition d USING (metric_id)
        WHERE NOT t.suppressed AND p.hidden > 0
          AND ((t.numerator - p.x) BETWEEN 1 AND $k - 1
               OR (d.unit = 'share' AND ((t.denominator - p.n) BETWEEN 1 AND $k - 1
                    OR ((t.denominator - p.n) - (t.numerator - p.x)) BETWEEN 1 AND $k - 1)))
        ORDER BY 1, 2, 3, 4""", {"k": k}).fetchall()
    return [f"{r[0]} {r[1]} {r[2]} {r[3]} {r[4]}={r[5]}: total minus the counties shown = {r[6]} of {r[7]}"
            for r in rows]


def term_problems(con: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    """A term's whole-term cell minus the office's published years wholly attributed to it (when every year of
    the term is whole) = its hidden years: never 1..k-1."""
    rows = con.execute("""
        WITH years AS (
            SELECT ta.term_id, ta.office_id, ta.period_start, ta.share_of_period FROM term_attribution ta
            WHERE ta.period_grain = 'year'
        ),
        whole AS (SELECT term_id FROM years GROUP BY 1 HAVING min(share_of_period) >= 1.0),
        parts AS (
            SELECT y.term_id, v.metric_id, v.dimension, v.dimension_value,
                   coalesce(sum(v.numerator) FILTER (WHERE NOT v.suppressed), 0) AS x,
                   coalesce(sum(v.denominator) FILTER (WHERE NOT v.suppressed), 0) AS n,
                   count(*) FILTER (WHERE v.suppressed) AS hidden
            FROM years y JOIN whole USING (term_id)
            JOIN metric_value v ON v.scope = 'office' AND v.scope_id = y.office_id AND v.period_grain = 'year'
             AND v.period_start = y.period_start
            GROUP BY ALL
        )
        SELECT p.term_id, p.metric_id, p.dimension, p.dimension_value, t.numerator - p.x, t.denominator - p.n
        FROM parts p JOIN metric_value t ON t.scope = 'term' AND t.scope_id = p.term_id AND t.period_grain = 'term'
         AND t.metric_id = p.metric_id AND t.dimension = p.dimension AND t.dimension_value = p.dimension_value
        JOIN metric_definition d ON d.metric_id = p.metric_id
        WHERE NOT t.suppressed AND p.hidden > 0
          AND ((t.numerator - p.x) BETWEEN 1 AND $k - 1
               OR (d.unit = 'share' AND ((t.denominator - p.n) BETWEEN 1 AND $k - 1
                    OR ((t.denominator - p.n) - (t.numerator - p.x)) BETWEEN 1 AND $k - 1)))
        ORDER BY 1, 2""", {"k": k}).fetchall()
    return [f"term {r[0]} {r[1]} {r[2]}={r[3]}: whole term minus the years shown = {r[4]} of {r[5]}" for r in rows]


def _derivable(stage_outcomes: list[str], shown: list[frozenset[str]]) -> list[tuple[frozenset[str], np.ndarray]]:
    """Every set of a stage's outcomes whose total follows from the shown totals, with the weights that give it."""
    index = {o: i for i, o in enumerate(stage_outcomes)}
    matrix = np.zeros((len(shown), len(stage_outcomes)))
    for row, outcomes in enumerate(shown):
        for outcome in outcomes:
            matrix[row, index[outcome]] = 1.0
    out = []
    for size in range(1, len(stage_outcomes) + 1):
        for subset in itertools.combinations(stage_outcomes, size):
            target = np.zeros(len(stage_outcomes))
            target[[index[o] for o in subset]] = 1.0
            weights, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
            if np.allclose(matrix.T @ weights, target, atol=1e-9) and frozenset(subset) not in shown:
                out.append((frozenset(subset), weights))
    return out


def outcome_problems(con: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    """Measures of one stage share outcomes: from the published numerators and denominators of one cell, any
    outcome total that can be worked out (e.g. referrals - declined - diverted = charged) is never 1..k-1."""
    definitions = con.execute("""SELECT metric_id, stage, numerator_outcomes, denominator_outcomes
                                 FROM metric_definition WHERE unit = 'share'""").fetchall()
    sets = {m: (stage, frozenset(num), frozenset(den)) for m, stage, num, den in definitions}
    stages: dict[str, set[str]] = defaultdict(set)
    for stage, num, den in sets.values():
        stages[stage] |= num | den
    cells = con.execute("""
        SELECT metric_id, scope, scope_id, period_start::VARCHAR AS period_start, period_grain, dimension,
               dimension_value, numerator, denominator
        FROM metric_value WHERE NOT suppressed AND metric_id IN (SELECT metric_id FROM metric_definition
                                                                WHERE unit = 'share')""").df()
    cells["stage"] = cells["metric_id"].map(lambda m: sets[m][0])
    key = ["stage", "scope", "scope_id", "period_start", "period_grain", "dimension", "dimension_value"]
    several = cells.groupby(key)["metric_id"].transform("size") > 1
    cache: dict[tuple, list] = {}
    problems = []
    for cell, group in cells[several].groupby(key, sort=True):
        stage = cell[0]
        shown: dict[frozenset[str], float] = {}
        for row in group.itertuples(index=False):
            _, num, den = sets[row.metric_id]
            shown[num], shown[den] = float(row.numerator), float(row.denominator)
        order = sorted(shown, key=lambda s: tuple(sorted(s)))  # one order for the cached weights and the values
        pattern = (stage, tuple(tuple(sorted(s)) for s in order))
        if pattern not in cache:
            cache[pattern] = _derivable(sorted(stages[stage]), order)
        values = np.array([shown[s] for s in order])
        found = [(len(subset), sorted(subset), value) for subset, weights in cache[pattern]
                 if small(round(value := float(weights @ values), 6), k)]
        if found:
            _, subset, value = min(found)
            problems.append(f"{' '.join(map(str, cell[1:]))}: {' + '.join(subset)} = {value:g} can be worked out "
                            f"from the {stage} measures shown")
    return problems


def identifier_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Beyond etl.checks' patterns: social security numbers, e-mail addresses, phone numbers, street addresses,
    and labelled birth dates, in any text column of any table."""
    patterns = [r"\b\d{3}-\d{2}-\d{4}\b", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
                r"\(\d{3}\) ?\d{3}-\d{4}\b", r"(?i)\b(dob|date of birth|birth ?date)\b\W*\d",
                r"\b\d{1,5} [A-Z][a-z]+ (?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr)\.?\b"]
    found = []
    columns = con.execute("""SELECT table_name, column_name FROM information_schema.columns
                             WHERE table_schema = 'main' AND data_type = 'VARCHAR'""").fetchall()
    for table, column in columns:
        if (table, column) in {("build_info", "value"), ("source", "url"), ("source", "notes"), ("term", "citation"),
                               ("election", "citation"), ("source", "license")}:
            continue  # the project's own text and citations of public records (publication dates, URLs)
        for pattern in patterns:
            rows = con.execute(f'SELECT "{column}" FROM "{table}" WHERE regexp_matches("{column}", ?) LIMIT 3',
                               [pattern]).fetchall()
            found += [f"{table}.{column}: {row[0][:80]!r}" for row in rows]
    return found


def etl_identifiers(con: duckdb.DuckDBPyConnection, k: int) -> list[str]:
    from etl.checks import identifier_problems

    return [p[0] for p in identifier_problems(con)]


CHECKS = {
    "published cells": published_cell_problems,
    "breakdown totals": breakdown_problems,
    "states and offices minus counties": geography_problems,
    "terms minus years": term_problems,
    "outcomes worked out across measures": outcome_problems,
    "identifiers (etl.checks)": etl_identifiers,
    "identifiers (more patterns)": lambda con, k: identifier_texts(con),
}


@pytest.mark.parametrize("kind", ["demo", "real"])
@pytest.mark.parametrize("check", list(CHECKS))
def test_the_warehouse_reveals_no_small_count_and_holds_no_identifier(kind: str, check: str,
                                                                     request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(f"{kind}_warehouse")
    with duckdb.connect(str(path), read_only=True) as con:
        k = threshold_of(con)
        assert k >= 2
        problems = CHECKS[check](con, k)
        cells = con.execute("SELECT count(*) FROM metric_value WHERE NOT suppressed").fetchone()[0]
    record("privacy_audit", f"warehouse-{kind}-{check}", {"published_cells": cells, "threshold": k,
                                                          "problems": len(problems), "examples": problems[:3]})
    assert not problems, f"{len(problems)} problems, e.g.\n  " + "\n  ".join(problems[:10])


# --- the audit's own tools, on cases worked out by hand ---------------------------------------------------------------


def test_the_audit_reads_counts_the_way_the_pages_write_them() -> None:
    seen = Seen()
    seen.text("2023 · n: 12 of 60 cases · 95% interval 11.8% to 31.8%", "card")
    seen.text("13,219 people in jail; 4,226,838 adults", "card")
    seen.text("<b>Referred by police</b><br>7 cases in 2012–2014", "funnel")
    seen.text("Goal: 5 people", "halving")
    seen.text("changed by about +3 people a year; In 2012 the jail held about 9 people", "sentence")
    assert sorted(v for v, _ in seen.counts) == [7, 9, 12, 60, 13_219]
    assert seen.pairs == [(12, 60, "card")]
    assert seen.check(10) == ["count 7 shown at funnel", "count 9 shown at sentence"]
    seen = Seen()
    seen.text("52 of 60 cases", "pair")
    assert seen.check(10) == ["60 - 52 = 8 (counts shown beside each other) at pair"]


def test_the_outcome_algebra_finds_what_subtraction_reveals() -> None:
    derivable = dict(_derivable(["charged", "declined", "diverted"],
                                [frozenset({"declined"}), frozenset({"charged", "declined", "diverted"}),
                                 frozenset({"diverted"})]))
    weights = derivable[frozenset({"charged"})]
    assert float(weights @ np.array([60.0, 100.0, 35.0])) == pytest.approx(5.0)  # 100 - 60 - 35
    assert frozenset({"charged", "diverted"}) in derivable
    alone = dict(_derivable(["charged", "declined", "diverted"],
                            [frozenset({"declined"}), frozenset({"charged", "declined", "diverted"})]))
    assert frozenset({"charged"}) not in alone and frozenset({"charged", "diverted"}) in alone


def test_the_audit_finds_a_rejected_row_on_screen(tmp_path: Path) -> None:
    public = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(private_path(public))) as con:
        con.execute("CREATE TABLE rejected_row (raw VARCHAR)")
        con.execute("INSERT INTO rejected_row VALUES ('2011,,Aggravated Battery,Black,1'), ('short')")
    shown = [("A sample: 2011,,Aggravated Battery,Black,1 (line 7)", "methods table")]
    assert _raw_rows_shown(public, shown) == ["a rejected source row is shown: '2011,,Aggravated Battery,Black,1'"]
    assert _raw_rows_shown(public, [("line 7 of counts.csv", "methods table")]) == []

