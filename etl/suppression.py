"""Complementary suppression: hide more cells until no hidden count can be worked out from what is shown.

Cell suppression as statistical agencies do it (docs/PRIVACY.md): hiding each small cell on its own is not
enough, as a reader can subtract and combine: a breakdown's total minus the groups shown, a state minus its
counties shown, a term minus its years shown, or, in one county and year, the referrals minus the declined and
the diverted (two measures with one denominator) to get the charged. So:

- a hidden cell's denominator counts as shown while a measure that gives it (`metric_family`: the same
  denominator, a wider one less its numerator, a numerator equal to it) is shown in the place (the checks add
  denominators up that way), and a group's hide takes those measures with it, so that its denominator really goes;
- the loop below alternates checks until none hides anything more:
  - groups tied by addition (etl/sql/suppression/): no group may have exactly one hidden cell or denominator,
    and what is hidden in a group, summed, may not be a small count;
  - measures of one stage in one cell (this module): any total of outcomes that follows from the shown
    numerators and denominators, and the outcomes a reader knows to be zero, by linear algebra may not be a
    small count, and a hidden measure's numerator may not follow from the others;
  - groups across the measures of a stage: what a group hides in each measure is read as a cell of its own, to
    which the same algebra applies.

Each unsafe case hides one more cell, the one that closes the gap (an `unknown` or `other` group first, then the
fewest cases). Hiding only ever grows, so the loop ends.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from etl import sqlfiles
from etl.config import SQL_DIR

SUPPRESSION_SQL = SQL_DIR / "suppression"
MAX_PASSES = 200
POPULATION_OUTCOMES = frozenset({"adult_population"})  # census figures, not counts of anyone
STAGE_REASON = "hidden so that a suppressed count cannot be worked out from this cell's other measures"
SIBLING_REASON = "hidden with the measures that share its denominator, hidden so that a suppressed count cannot be " \
                 "worked out from the totals"
JOINT_REASON = "hidden so that a suppressed count cannot be worked out from totals across this stage's measures"
STAGE_BATCH_ROWS = 1_000_000  # stage cells per numpy batch (_stage_violations)
BUCKETS = 4096  # batches are unions of these hash buckets of places
# A cell key (cell_key in etl/sql/suppression/10_cells.sql) is measure * CELLS_PER_MEASURE + the cell's place:
# scope (2 bits), scope id (20), year (8), breakdown (3) and group (6).
CELLS_PER_MEASURE = 1 << (2 + 20 + 8 + 3 + 6)


@dataclass(frozen=True)
class Stage:
    """One stage's measures, as sets of the outcomes in their numerators and denominators."""

    name: str
    metrics: tuple[str, ...]
    codes: tuple[int, ...]  # metric_definition.sort_order, ascending: the measure's bits in a cell key
    numerators: tuple[frozenset[str], ...]
    denominators: tuple[frozenset[str], ...]
    unavailable: tuple[frozenset[str], ...] = ()  # metric_definition.unavailable_if

    def zeros(self, present: tuple[int, ...]) -> frozenset[str]:
        """Outcomes a reader knows to be zero in a cell from which measures it has: a measure's `unavailable_if`
        outcomes when it is there; a missing measure's numerator outcomes when nothing there rules it out (the
        source reports none of them, or the cell's denominator for it is zero)."""
        ruled_out = set().union(*(self.unavailable[m] for m in present)) if self.unavailable else set()
        for m in range(len(self.metrics)):
            if m not in present and self.unavailable and self.unavailable[m] <= ruled_out:
                ruled_out |= self.numerators[m]
        return frozenset(ruled_out & set(self.outcomes))

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(sorted(set().union(*self.numerators, *self.denominators)))


def complement(con: duckdb.DuckDBPyConnection, *, threshold: int) -> dict[str, int]:
    """Run the loop on `metric_cell`; returns how many cells each kind of check hid and the passes taken.

    `metric_cell.hidden` stays the first rule's; the cells the loop hides are appended to `complement_hidden`
    (never an UPDATE of metric_cell: see 40_published_cell.sql), and `published_cell` is the two together.
    """
    sqlfiles.run_folder(con, SUPPRESSION_SQL, threshold, pattern="[12]*.sql")
    stages = _stages(con)
    _families(con, stages)
    # As with the groups (20_groups.sql): only a place with a shown measure can reveal anything, and hiding only
    # grows, so the cells the stage check reads in every pass are those of places with one now: listed once here
    # (a few percent of the cells at 1 million cases), not found again in every cell by every pass.
    con.execute("""CREATE OR REPLACE TEMP TABLE stage_base AS
                   SELECT *, hash(place) % $buckets AS bucket
                   FROM (SELECT stage, metric_code, cell_id % $cells_per_measure AS place, cell_id, hidden, numerator,
                                denominator FROM metric_cell WHERE list_contains($stages, stage))
                   SEMI JOIN (SELECT DISTINCT stage, cell_id % $cells_per_measure AS place FROM metric_cell
                              WHERE NOT hidden)
                   USING (stage, place)""",
                {"cells_per_measure": CELLS_PER_MEASURE, "buckets": BUCKETS,
                 "stages": [s.name for s in stages.values() if len(s.metrics) >= 2]})
    con.execute("CREATE OR REPLACE TEMP TABLE complement_hidden (cell_id BIGINT, reason VARCHAR)")
    sqlfiles.run_file(con, SUPPRESSION_SQL / "family_shown.sql", threshold)
    counts = {"primary": con.execute("SELECT count(*) FROM metric_cell WHERE hidden").fetchone()[0],
              "groups": 0, "stages": 0}
    # The groups a pass reads (30_group_violations.sql): at first every group with a hidden cell, then those with
    # a cell the pass before hid (`touched`).
    con.execute("CREATE OR REPLACE TEMP TABLE candidate AS SELECT DISTINCT group_id FROM suppression_member "
                "WHERE hidden")
    everything = True
    for passes in range(1, MAX_PASSES + 1):
        # The hides stay in DuckDB (millions of reasons in the first pass at 20 million cases, too many for pandas).
        sqlfiles.run_file(con, SUPPRESSION_SQL / "30_group_violations.sql", threshold)
        by_stage = _stage_violations(con, stages, threshold, everything=everything)
        everything = False
        by_joint = _joint_group_violations(con, stages, threshold)
        con.register("stage_hide_frame", pd.DataFrame({"cell_id": by_stage}))
        con.register("joint_hide_frame", pd.DataFrame({"cell_id": by_joint}))
        # A hide in a group closes a gap in the denominators too: the measures sharing the denominator go with it.
        con.execute("""CREATE OR REPLACE TEMP TABLE group_hide AS
                       SELECT cell_id, reason FROM group_hide
                       UNION ALL
                       SELECT DISTINCT cell_id::BIGINT, $reason FROM joint_hide_frame
                       WHERE cell_id NOT IN (SELECT cell_id FROM group_hide)""", {"reason": JOINT_REASON})
        _siblings(con, "group_hide")
        # a lone hidden denominator's pick may be a hidden cell whose denominator another measure shows: only those
        # measures (its siblings) are hidden now
        con.execute("""DELETE FROM group_hide WHERE cell_id IN (SELECT cell_id FROM stage_base WHERE hidden)
                                                 OR cell_id IN (SELECT cell_id FROM complement_hidden)""")
        con.execute("""CREATE OR REPLACE TEMP TABLE touched AS
                       SELECT cell_id, reason FROM group_hide
                       UNION ALL
                       SELECT cell_id, reason FROM sibling
                       UNION ALL
                       SELECT DISTINCT cell_id::BIGINT, $reason FROM stage_hide_frame
                       WHERE cell_id NOT IN (SELECT cell_id FROM group_hide)
                         AND cell_id NOT IN (SELECT cell_id FROM sibling)""", {"reason": STAGE_REASON})
        con.unregister("stage_hide_frame")
        con.unregister("joint_hide_frame")
        by_group, hides = con.execute("SELECT (SELECT count(*) FROM group_hide), count(*) FROM touched").fetchone()
        if hides == 0:
            counts["passes"] = passes
            sqlfiles.run_file(con, SUPPRESSION_SQL / "40_published_cell.sql", threshold)
            con.execute("DROP TABLE stage_base")
            con.execute("DROP TABLE IF EXISTS sibling")
            return counts
        counts["groups"] += by_group
        counts["stages"] += hides - by_group
        # every cell a pass picks is shown when it is picked (30_group_violations.sql, _violations_in)
        con.execute("INSERT INTO complement_hidden SELECT cell_id, reason FROM touched")
        # a hide changes its own groups, and the denominators it showed: the groups of the cells (one place) of the
        # measures whose denominator it gave are read again too (a lone hidden denominator's pick hides only those)
        con.execute("""CREATE OR REPLACE TEMP TABLE candidate AS
                       SELECT DISTINCT group_id FROM suppression_member SEMI JOIN (
                           SELECT cell_id FROM touched
                           UNION
                           SELECT f.metric_code::BIGINT * $cells_per_measure + t.cell_id % $cells_per_measure
                           FROM touched t JOIN metric_family f ON f.revealer_code = t.cell_id // $cells_per_measure
                       ) USING (cell_id)""", {"cells_per_measure": CELLS_PER_MEASURE})
    raise RuntimeError(f"complementary suppression did not settle in {MAX_PASSES} passes")


def _stages(con: duckdb.DuckDBPyConnection) -> dict[str, Stage]:
    rows = con.execute("""SELECT stage, metric_id, sort_order, numerator_outcomes, denominator_outcomes,
                                 unavailable_if
                          FROM metric_definition ORDER BY stage, sort_order""").fetchall()
    out = {}
    for stage, group in itertools.groupby(rows, key=lambda r: r[0]):
        items = list(group)
        out[stage] = Stage(stage, tuple(r[1] for r in items), tuple(r[2] for r in items),
                           tuple(frozenset(r[3]) for r in items), tuple(frozenset(r[4]) for r in items),
                           tuple(frozenset(r[5]) for r in items))
    return out


def _families(con: duckdb.DuckDBPyConnection, stages: dict[str, Stage]) -> None:
    """`metric_family` (metric_code, revealer_code): a measure whose published cell shows the denominator of
    `metric_code` in the same place, the measure itself included. Not only measures with the same denominator: one
    whose denominator minus its numerator is it (referrals minus the `other` ones are the declination rate's
    denominator), or whose numerator is it once the outcomes either measure rules out are zero (the conviction
    rate's convictions are the plea share's pleas and trial convictions where no undifferentiated conviction is
    reported). A denominator shown by one of these is shown, whatever the others hide."""
    rows = [(stage.codes[a], stage.codes[b]) for stage in stages.values()
            for a, b in itertools.product(range(len(stage.metrics)), repeat=2) if _reveals(stage, b, a)]
    con.execute("CREATE OR REPLACE TEMP TABLE metric_family (metric_code INTEGER, revealer_code INTEGER)")
    if rows:
        con.executemany("INSERT INTO metric_family VALUES (?, ?)", rows)


def _reveals(stage: Stage, b: int, a: int) -> bool:
    """Whether measure `b` shown, alone, gives measure `a`'s denominator, with the zeros that hold wherever both are
    computed (their `unavailable_if` outcomes)."""
    zeros = (stage.unavailable[a] | stage.unavailable[b]) if stage.unavailable else frozenset()
    return _solve(_shown_vectors(stage, (b,), zeros)[1], stage, stage.denominators[a]) is not None


def _siblings(con: duckdb.DuckDBPyConnection, hidden: str) -> None:
    """`sibling`: the shown cells (one place) of the measures that show the denominators of the cells in table
    `hidden` (`metric_family`), with their reason (a shown cell lies in a place with a shown measure: in
    `stage_base`)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE sibling AS
        WITH candidate AS (SELECT DISTINCT f.revealer_code::BIGINT * $cells_per_measure + t.cell_id % $cells_per_measure
                                  AS cell_id
                           FROM {hidden} t JOIN metric_family f ON f.metric_code = t.cell_id // $cells_per_measure)
        SELECT c.cell_id, $reason AS reason FROM stage_base c SEMI JOIN candidate USING (cell_id)
        WHERE NOT c.hidden AND c.cell_id NOT IN (SELECT cell_id FROM complement_hidden)
          AND c.cell_id NOT IN (SELECT cell_id FROM {hidden})""",
        {"cells_per_measure": CELLS_PER_MEASURE, "reason": SIBLING_REASON})


# --- measures of one stage in one cell -----------------------------------------------------------------------------


def _stage_violations(con: duckdb.DuckDBPyConnection, stages: dict[str, Stage], threshold: int, *,
                      everything: bool) -> np.ndarray:
    """Cells to hide so that no stage cell lets a small or hidden count be worked out across its measures."""
    # a cell's place (scope, year, breakdown group) is its key below the measure's bits (etl/sql/suppression/)
    # the measure's bits above the place are its metric code: a touched cell's stage follows from its key
    touched = "" if everything else """
        SEMI JOIN (SELECT DISTINCT cell_id % $cells_per_measure AS place FROM touched
                   WHERE list_contains($codes, cell_id // $cells_per_measure)) USING (place)"""
    found = []
    for stage in stages.values():
        if len(stage.metrics) < 2:
            continue
        params = {"stage": stage.name,
                  **({} if everything else {"cells_per_measure": CELLS_PER_MEASURE, "codes": list(stage.codes)})}
        # Places are independent, so they are read in batches of whole places (by a hash of the place, kept as
        # `bucket` so each batch's scan does no hashing): the arrays below, several copies of every row, stay small
        # whatever the data's size (read whole, one stage's arrays grow with the data).
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE stage_cell AS
            SELECT * FROM (SELECT b.metric_code, b.place, b.cell_id, b.hidden OR h.cell_id IS NOT NULL AS hidden,
                                  b.numerator, b.denominator, b.bucket
                           FROM stage_base b LEFT JOIN complement_hidden h ON h.cell_id = b.cell_id
                           WHERE b.stage = $stage) {touched}""", params)
        rows = con.execute("SELECT count(*) FROM stage_cell").fetchone()[0]
        batches = -(-rows // STAGE_BATCH_ROWS)
        for batch in range(batches):
            arrays = con.execute("SELECT * EXCLUDE (bucket) FROM stage_cell WHERE bucket % $batches = $batch",
                                 {"batches": batches, "batch": batch}).fetchnumpy()
            if len(arrays["cell_id"]):
                found.append(_violations_in(stage, arrays, threshold))
            del arrays
    con.execute("DROP TABLE IF EXISTS stage_cell")
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


def _joint_group_violations(con: duckdb.DuckDBPyConnection, stages: dict[str, Stage], threshold: int) -> np.ndarray:
    """Groups tied by addition, read across the measures of a stage together: what is hidden in a group (its total
    minus its shown parts) for each measure is a cell of its own, to which the stage algebra applies (the hidden
    groups' trial acquittals = their trials minus their trial convictions, from the trial rate and the plea share).
    One hide per unsafe group: its shown part with the fewest cases, `unknown` and `other` groups first."""
    sqlfiles.run_file(con, SUPPRESSION_SQL / "35_joint_cells.sql", threshold, {"cells_per_measure": CELLS_PER_MEASURE})
    found = []
    for stage in stages.values():
        if len(stage.metrics) < 2:
            continue
        arrays = con.execute("SELECT place, metric_code, cell_id, hidden, numerator, denominator FROM joint_cell "
                             "WHERE list_contains($codes, metric_code)", {"codes": list(stage.codes)}).fetchnumpy()
        if len(arrays["cell_id"]):
            found.append(_violations_in(stage, arrays, threshold, reveal=False))
    con.execute("DROP TABLE joint_cell")
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


def _violations_in(stage: Stage, arrays: dict[str, np.ndarray], threshold: int, *, reveal: bool = True) -> np.ndarray:
    """One stage's cells as arrays (a row per place, a column per measure); one hide per unsafe place. `reveal`:
    a hidden measure whose numerator follows from the others is unsafe too (for a cell; not for a group's
    hidden remainder, which is no published cell)."""
    places, row = np.unique(arrays["place"], return_inverse=True)
    col = np.searchsorted(np.array(stage.codes), arrays["metric_code"])
    shape = (len(places), len(stage.metrics))
    present, hidden = np.zeros(shape, bool), np.zeros(shape, bool)
    num, den, cell = np.zeros(shape), np.zeros(shape), np.full(shape, -1, dtype=np.int64)
    present[row, col] = True
    hidden[row, col] = np.asarray(arrays["hidden"], dtype=bool)
    num[row, col] = np.asarray(arrays["numerator"], dtype=float)
    den[row, col] = np.asarray(arrays["denominator"], dtype=float)
    cell[row, col] = np.asarray(arrays["cell_id"], dtype=np.int64)
    shown = present & ~hidden
    bits = 1 << np.arange(len(stage.metrics))
    masks = (shown * bits).sum(axis=1) | ((present * bits).sum(axis=1) << len(stage.metrics))
    hides: list[int] = []
    for key in np.unique(masks):
        rows = np.flatnonzero(masks == key)
        # a group's remainder has no measure missing for want of a source: only a cell's tell of zeros
        plan = _plan(stage, int(key) & ((1 << len(stage.metrics)) - 1),
                     int(key) >> len(stage.metrics) if reveal else -1)
        if not plan.sets:
            continue
        values = np.stack([num[rows, m] if part == "num" else den[rows, m] if part == "den" else np.zeros(len(rows))
                           for m, part in plan.values], axis=1)
        derived = np.round(values @ plan.weights.T, 6)  # rows x derivable sets
        unsafe = (derived >= 0.5) & (derived < threshold - 0.5)
        for i, measures in enumerate(plan.hidden_revealed):  # a hidden measure's numerator follows from the others
            if reveal:
                unsafe[:, i] |= np.any(hidden[rows][:, measures], axis=1)
        bad = np.flatnonzero(unsafe.any(axis=1))
        if bad.size == 0:
            continue
        first = unsafe[bad].argmax(axis=1)
        for r, s in zip(rows[bad], first, strict=True):
            breakers = plan.breakers[s] or plan.shown
            m = min(breakers, key=lambda j: (num[r, j], den[r, j], j))
            hides.append(int(cell[r, m]))
    return np.array(hides, dtype=np.int64)


@dataclass(frozen=True)
class Plan:
    """For one set of shown measures: the outcome totals that follow from them and how."""

    shown: tuple[int, ...]
    values: tuple[tuple[int, str], ...]  # the shown numbers: (measure, "num" | "den"), one per distinct set
    sets: tuple[frozenset[str], ...]  # derivable outcome sets worth checking
    weights: np.ndarray  # sets x values
    hidden_revealed: tuple[np.ndarray, ...]  # per set: the measures (when hidden) whose numerator it is
    breakers: tuple[tuple[int, ...], ...]  # per set: the shown measures whose hiding makes it underivable


@cache
def _plan(stage: Stage, mask: int, present: int) -> Plan:
    """`mask`: the measures shown; `present`: the measures the cell has at all (shown or hidden), which tell a
    reader which outcomes are zero (Stage.zeros); -1: no zeros are inferred."""
    shown = tuple(i for i in range(len(stage.metrics)) if mask >> i & 1)
    zeros = stage.zeros(tuple(i for i in range(len(stage.metrics)) if present >> i & 1)) if present >= 0 \
        else frozenset()
    values, vectors = _shown_vectors(stage, shown, zeros)
    outcomes = stage.outcomes
    sets, weights, revealed, breakers = [], [], [], []
    for size in range(1, len(outcomes) + 1):
        for subset in itertools.combinations(outcomes, size):
            target = frozenset(subset)
            w = _solve(vectors, stage, target)
            if w is None:
                continue
            numerator_of = np.array([target == stage.numerators[i] and i not in shown
                                     for i in range(len(stage.metrics))])
            if target & POPULATION_OUTCOMES and not numerator_of.any():
                continue
            sets.append(target)
            weights.append(w if not target & POPULATION_OUTCOMES else np.zeros_like(w))
            revealed.append(numerator_of)
            breakers.append(tuple(m for m in shown
                                  if _solve(_shown_vectors(stage, tuple(x for x in shown if x != m), zeros)[1],
                                            stage, target) is None))
    return Plan(shown, tuple(values), tuple(sets),
                np.array(weights).reshape(len(sets), len(values)), tuple(revealed), tuple(breakers))


def _shown_vectors(stage: Stage, shown: tuple[int, ...],
                   zeros: frozenset[str] = frozenset()) -> tuple[list[tuple[int, str]], list[frozenset[str]]]:
    """The shown numbers as outcome sets, and each outcome known to be zero as a set of one (value 0)."""
    values, vectors = [], []
    for m in shown:
        for part, outcomes in (("num", stage.numerators[m]), ("den", stage.denominators[m])):
            if outcomes not in vectors:
                values.append((m, part))
                vectors.append(outcomes)
    if not vectors:
        return values, vectors
    for outcome in sorted(zeros):
        if frozenset({outcome}) not in vectors:
            values.append((-1, "zero"))
            vectors.append(frozenset({outcome}))
    return values, vectors


def _solve(vectors: list[frozenset[str]], stage: Stage, target: frozenset[str]) -> np.ndarray | None:
    """Weights that add the shown sets up to `target`, or None when no combination does."""
    if not vectors:
        return None
    outcomes = stage.outcomes
    matrix = np.array([[o in v for o in outcomes] for v in vectors], dtype=float)
    goal = np.array([o in target for o in outcomes], dtype=float)
    w, *_ = np.linalg.lstsq(matrix.T, goal, rcond=None)
    return w if np.allclose(matrix.T @ w, goal, atol=1e-9) else None
