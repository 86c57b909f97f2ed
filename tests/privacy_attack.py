"""An attacker with only what the app can read: tries to work out counts of 1 to threshold - 1 that were hidden.

Written without the suppression code (nothing here imports `etl`): it reads the published tables and models them
as a system of linear equations, as a reader with a spreadsheet could.

Unknowns:
- every cell's numerator and denominator (`N`, `D`; known where the cell is published);
- for each county, year, breakdown group and stage, the count of each outcome (`O`): a county's cell is one source's
  cases, so its measures are sums of these (measures sharing a denominator share its outcomes);
- for each term and each year only partly inside it, the outcome counts of the part that went to the term (`P`).

Equations: a county cell's numerator and denominator are sums of its outcomes; a breakdown's groups sum to its
`all` group, per outcome; an office's and a state's cell is the sum of its counties' cells; a term's cell is the sum
of its office's years wholly inside it plus the parts of the years it shares. Known zeros: a published zero
numerator makes each of its outcomes zero (and a zero rest of the denominator, each of those); a group missing from
a measure published for its place has none of the measure's outcomes; outcomes a source never reports are zero
(a measure that is published rules out its `unavailable_if` outcomes; a measure missing where its stage is
published, with nothing ruling it out, means the source reports none of its numerator outcomes).

Attack: propagation to a fixpoint (an equation with one unknown left solves it), then, per connected part of what is
still unknown, exact linear algebra (a target is determined when it is orthogonal to the null space of the
equations). A leak is a hidden count, a hidden cell's rest of the denominator, or a sum of hidden unknowns that an
equation leaves, worked out as 1 to threshold - 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

NOT_COUNTS = frozenset({"adult_population"})  # census figures behind a jail rate, not counts of anyone
EXACT_LIMIT = 400  # unknowns in a connected part solved by exact linear algebra (larger parts: propagation only)


@dataclass
class System:
    """Sparse equations sum(coef * x[var]) = rhs. Unknowns: 2i, 2i + 1 are cell i's numerator and denominator; then a
    block of outcome counts per county place (`O`) and one per term's shared year (`P`), `len(outcomes)` each."""

    cells: pd.DataFrame
    outcomes: list[str]
    o_places: pd.DataFrame = field(default_factory=pd.DataFrame)
    p_places: pd.DataFrame = field(default_factory=pd.DataFrame)
    o_base: int = 0
    p_base: int = 0
    size: int = 0
    eq: list[np.ndarray] = field(default_factory=list)
    var: list[np.ndarray] = field(default_factory=list)
    coef: list[np.ndarray] = field(default_factory=list)
    equations: int = 0

    def add(self, eq_local: np.ndarray, var: np.ndarray, coef: np.ndarray, count: int) -> None:
        """`count` equations with right-hand side 0, numbered 0..count-1 locally; their terms (eq_local, var, coef)."""
        self.eq.append(np.asarray(eq_local, dtype=np.int64) + self.equations)
        self.var.append(np.asarray(var, dtype=np.int64))
        self.coef.append(np.asarray(coef, dtype=float))
        self.equations += count

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return (np.concatenate(self.eq), np.concatenate(self.var), np.concatenate(self.coef),
                np.zeros(self.equations))

    def counts(self) -> np.ndarray:
        """Which unknowns are counts of people (the attack's targets)."""
        out = np.ones(self.size, dtype=bool)
        out[1:2 * len(self.cells):2] = (self.cells["unit"] != "per_100k").to_numpy()
        for i, outcome in enumerate(self.outcomes):
            if outcome in NOT_COUNTS:
                out[self.o_base + i:self.p_base:len(self.outcomes)] = False
                out[self.p_base + i::len(self.outcomes)] = False
        return out

    def describe(self, j: int) -> str:
        if j < self.o_base:
            r = self.cells.iloc[j // 2]
            return (f"{'denominator' if j % 2 else 'numerator'} of {r.metric_id} {r.scope} {r.scope_id} "
                    f"{r.period_start.date()} {r.dimension}={r.dimension_value}")
        base, places, kind = ((self.o_base, self.o_places, "outcome") if j < self.p_base
                              else (self.p_base, self.p_places, "term's part of a shared year"))
        place, outcome = divmod(j - base, len(self.outcomes))
        return f"{kind} {' '.join(map(str, places.iloc[place]))} {self.outcomes[outcome]}"


@dataclass
class Leak:
    what: str
    value: float


def _group_equations(system: System, frame: pd.DataFrame, key: list[str], total_col: str, part_col: str) -> None:
    """For each `key`: x[total] - sum x[parts] = 0 (frame: one row per part, with the total's and part's var)."""
    if frame.empty:
        return
    eq_ids, _ = pd.factorize(pd.MultiIndex.from_frame(frame[key])) if len(key) > 1 else pd.factorize(frame[key[0]])
    totals = pd.DataFrame({"eq": eq_ids, "var": frame[total_col].to_numpy()}).drop_duplicates()
    system.add(np.concatenate([totals["eq"].to_numpy(), eq_ids]),
               np.concatenate([totals["var"].to_numpy(), frame[part_col].to_numpy()]),
               np.concatenate([np.ones(len(totals)), -np.ones(len(frame))]), int(eq_ids.max()) + 1)


def _outcome_terms(cells: pd.DataFrame, sets: dict, index: dict[str, int], place_col: str, base: int,
                   k: int) -> pd.DataFrame:
    """One row per (cell part, outcome in it): the cell's N or D var and the outcome's var in its place's block."""
    frames = []
    for metric, group in cells.groupby("metric_id"):
        for part, offset in (("N", 0), ("D", 1)):
            for outcome in sets[metric][part]:
                frames.append(pd.DataFrame({"cell_var": group["N"].to_numpy() + offset,
                                            "ovar": base + group[place_col].to_numpy() * k + index[outcome],
                                            "outcome": index[outcome], "part": part}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["cell_var", "ovar", "outcome", "part"])


def build_system(con: duckdb.DuckDBPyConnection,
                 states: list[str] | None = None) -> tuple[System, np.ndarray, np.ndarray]:
    """The equations, and the unknowns known from the start (mask, values). `states`: only these states' cells
    and their counties', offices' and terms' (a state's equations never reach another's)."""
    definitions = con.execute("""SELECT metric_id, stage, numerator_outcomes, denominator_outcomes, unavailable_if,
                                        unit FROM metric_definition""").df().set_index("metric_id")
    cells = con.execute("""SELECT metric_id, scope, scope_id, period_start, period_grain, dimension, dimension_value,
                                  numerator, denominator, suppressed
                           FROM metric_value""").df()
    if states is not None:
        places = con.execute("""
            SELECT 'state' AS scope, state_abbr AS scope_id FROM county WHERE list_contains($s, state_abbr)
            UNION SELECT 'county', fips FROM county WHERE list_contains($s, state_abbr)
            UNION SELECT 'office', oc.office_id FROM office_county oc JOIN county c USING (fips)
                  WHERE list_contains($s, c.state_abbr)
            UNION SELECT 'term', t.term_id FROM term t JOIN office_county oc USING (office_id)
                  JOIN county c USING (fips) WHERE list_contains($s, c.state_abbr)""", {"s": states}).df()
        cells = cells.merge(places, on=["scope", "scope_id"]).reset_index(drop=True)
    for column in ("metric_id", "scope", "scope_id", "period_grain", "dimension", "dimension_value"):
        cells[column] = cells[column].astype("category")
    cells["stage"] = cells["metric_id"].map(definitions["stage"]).astype("category")
    cells["unit"] = cells["metric_id"].map(definitions["unit"]).astype("category")
    cells["year"] = cells["period_start"].dt.year
    c = len(cells)
    cells["N"] = np.arange(c, dtype=np.int64) * 2
    cells["D"] = cells["N"] + 1
    sets = {m: {"N": frozenset(r.numerator_outcomes), "D": frozenset(r.denominator_outcomes)}
            for m, r in definitions.iterrows()}
    outcomes = sorted({o for s in sets.values() for o in s["N"] | s["D"]}
                      | {o for r in definitions.itertuples() for o in r.unavailable_if})
    index = {o: i for i, o in enumerate(outcomes)}
    k = len(outcomes)
    system = System(cells, outcomes)

    # --- county cells: sums of outcome counts -------------------------------------------------------------------
    county = cells[(cells["scope"] == "county") & (cells["period_grain"] == "year")].copy()
    place_cols = ["scope_id", "year", "dimension", "dimension_value", "stage"]
    county["place"], system.o_places = _places(county, place_cols)
    system.o_base = 2 * c
    system.p_base = system.o_base + len(system.o_places) * k
    terms = _outcome_terms(county, sets, index, "place", system.o_base, k)
    _group_equations(system, terms, ["cell_var"], "cell_var", "ovar")

    # breakdowns: the groups of each dimension sum to `all`, per outcome (county level)
    used = np.unique(terms["ovar"].to_numpy())
    _breakdown_equations(system, system.o_places, used, system.o_base, ["scope_id", "year", "stage"])

    # the same sums per measure, at every scope (implied by the above at county level, but one equation each here,
    # so that propagation alone follows them), and measures of one county cell with the same outcome set are equal
    ckey = ["metric_id", "scope", "scope_id", "period_start", "period_grain"]
    whole_cells = cells[cells["dimension"] == "all"][[*ckey, "N", "D"]]
    split = cells[cells["dimension"] != "all"][[*ckey, "dimension", "N", "D"]].merge(
        whole_cells, on=ckey, suffixes=("", "_all"))
    for part in ("N", "D"):
        _group_equations(system, split, [*ckey, "dimension"], f"{part}_all", part)
    signature = terms.assign(bit=np.left_shift(1, terms["outcome"].to_numpy())).groupby("cell_var")["bit"].sum()
    twins = pd.DataFrame({"cell_var": signature.index.to_numpy(), "bits": signature.to_numpy()})
    twins["place"] = _place_of(county, twins["cell_var"].to_numpy())
    twins["first"] = twins.groupby(["place", "bits"])["cell_var"].transform("min")
    twins = twins[twins["cell_var"] != twins["first"]]
    n = len(twins)
    system.add(np.r_[np.arange(n), np.arange(n)], np.r_[twins["cell_var"].to_numpy(), twins["first"].to_numpy()],
               np.r_[np.ones(n), -np.ones(n)], n)

    # --- known zeros -----------------------------------------------------------------------------------------------
    zero_vars = [_structural_zeros(system, county, definitions, sets, index, used),
                 _missing_group_zeros(system, county, sets, index, used),
                 _published_zeros(county, sets, index, system.o_base, k)]

    # --- offices and states: sums of their counties ----------------------------------------------------------------
    members = con.execute("""SELECT 'state' AS scope, state_abbr AS scope_id, fips FROM county
                             WHERE state_abbr IS NOT NULL
                             UNION ALL SELECT 'office', office_id, fips FROM office_county""").df()
    key = ["metric_id", "period_start", "period_grain", "dimension", "dimension_value"]
    plain = cells[["scope", "scope_id", *key, "N", "D"]].astype({c: str for c in ("scope", "scope_id", "metric_id",
                                                                                    "period_grain", "dimension",
                                                                                    "dimension_value")})
    aggregates = plain[plain["scope"].isin(["state", "office"])]
    linked = aggregates.merge(members, on=["scope", "scope_id"]).merge(
        plain[plain["scope"] == "county"].drop(columns="scope").rename(columns={"scope_id": "fips"}),
        on=["fips", *key], suffixes=("", "_part"))
    for part in ("N", "D"):
        _group_equations(system, linked, [part], part, f"{part}_part")

    # --- terms: the office's years wholly inside, plus the shared parts of the others ------------------------------
    term = con.execute("SELECT term_id, office_id, start_date, end_date FROM term").df()
    plain["stage"] = cells["stage"].astype(str)
    plain["year"] = cells["year"]
    term_cells = plain[plain["scope"] == "term"][["scope_id", "metric_id", "dimension", "dimension_value", "stage",
                                                   "N", "D"]].merge(term, left_on="scope_id", right_on="term_id")
    office_years = plain[(plain["scope"] == "office") & (plain["period_grain"] == "year")][
        ["scope_id", "metric_id", "dimension", "dimension_value", "year", "N", "D"]].rename(
        columns={"scope_id": "office_id"})
    years = term_cells.merge(office_years, on=["office_id", "metric_id", "dimension", "dimension_value"],
                             suffixes=("", "_year"))
    first = pd.to_datetime(years["year"].astype(str) + "-01-01")
    last = pd.to_datetime(years["year"].astype(str) + "-12-31")
    start, end = pd.to_datetime(years["start_date"]), pd.to_datetime(years["end_date"])
    overlaps = (start <= last) & (end.isna() | (end >= first))
    whole = (start <= first) & (end.isna() | (end >= last))
    years = years[overlaps].assign(whole=whole[overlaps])
    shared = years[~years["whole"]].copy()
    shared["place"], system.p_places = _places(shared, ["term_id", "year", "dimension", "dimension_value", "stage"])
    p_terms = _outcome_terms(shared, sets, index, "place", system.p_base, k)
    system.size = system.p_base + len(system.p_places) * k
    for part in ("N", "D"):
        wholly = years[years["whole"]]
        _group_equations(system, pd.DataFrame({"t": np.r_[wholly[part].to_numpy(),
                                                          p_terms[p_terms["part"] == part]["cell_var"].to_numpy()],
                                               "p": np.r_[wholly[f"{part}_year"].to_numpy(),
                                                          p_terms[p_terms["part"] == part]["ovar"].to_numpy()]}),
                         ["t"], "t", "p")
    if len(p_terms):
        _breakdown_equations(system, system.p_places, np.unique(p_terms["ovar"].to_numpy()), system.p_base,
                             ["term_id", "year", "stage"])

    # --- what is known from the start ---------------------------------------------------------------------------
    known = np.zeros(system.size, dtype=bool)
    values = np.zeros(system.size)
    published = cells[~cells["suppressed"]]
    for part, column in (("N", "numerator"), ("D", "denominator")):
        known[published[part].to_numpy()] = True
        values[published[part].to_numpy()] = published[column].to_numpy(dtype=float)
    zero = np.unique(np.concatenate([np.asarray(z, dtype=np.int64) for z in zero_vars]))
    known[zero] = True
    values[zero] = 0.0
    return system, known, values


def _places(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame[columns].astype(str)))
    return codes.astype(np.int64), uniques.to_frame(index=False, name=columns)


def _place_of(county: pd.DataFrame, cell_vars: np.ndarray) -> np.ndarray:
    lookup = pd.Series(county["place"].to_numpy(), index=county["N"].to_numpy())
    return lookup.reindex(cell_vars - cell_vars % 2).to_numpy()


def _breakdown_equations(system: System, places: pd.DataFrame, used: np.ndarray, base: int,
                         whole: list[str]) -> None:
    """Per place and outcome: the groups of each dimension sum to the `all` group."""
    k = len(system.outcomes)
    place, outcome = np.divmod(used - base, k)
    frame = places.iloc[place].reset_index(drop=True).assign(outcome=outcome, var=used)
    alls = frame[frame["dimension"] == "all"][[*whole, "outcome", "var"]].rename(columns={"var": "all_var"})
    groups = frame[frame["dimension"] != "all"].merge(alls, on=[*whole, "outcome"])
    _group_equations(system, groups, [*whole, "outcome", "dimension"], "all_var", "var")


def _structural_zeros(system: System, county: pd.DataFrame, definitions: pd.DataFrame, sets: dict,
                      index: dict[str, int], used: np.ndarray) -> np.ndarray:
    """Outcomes a county's source never reports, as its published measures show, are zero in every group."""
    k = len(system.outcomes)
    present = county[county["dimension"] == "all"].groupby(["scope_id", "year", "stage"], observed=True)[
        "metric_id"].agg(lambda s: frozenset(map(str, s)))
    stage_measures = {stage: list(group.index) for stage, group in definitions.groupby("stage")}
    zero_of: dict[tuple, frozenset[int]] = {}
    for place, measures in present.items():
        ruled_out = set().union(*(set(definitions.at[m, "unavailable_if"]) for m in measures))
        for m in stage_measures[place[2]]:
            if m not in measures and set(definitions.at[m, "unavailable_if"]) <= ruled_out:
                ruled_out |= sets[m]["N"]
        zero_of[tuple(map(str, place))] = frozenset(index[o] for o in ruled_out)
    place, outcome = np.divmod(used - system.o_base, k)
    where = system.o_places.iloc[place]
    zeros = pd.DataFrame([(*key, o) for key, outcomes in zero_of.items() for o in outcomes],
                         columns=["scope_id", "year", "stage", "outcome"])
    found = pd.DataFrame({"scope_id": where["scope_id"].to_numpy(), "year": where["year"].to_numpy(),
                          "stage": where["stage"].to_numpy(), "outcome": outcome}).merge(
        zeros, how="left", indicator=True)
    mask = (found["_merge"] == "both").to_numpy()
    return used[mask] if len(used) else used


def _missing_group_zeros(system: System, county: pd.DataFrame, sets: dict, index: dict[str, int],
                         used: np.ndarray) -> np.ndarray:
    """A group missing from a measure published for its place (in `all`) has none of the measure's outcomes."""
    k = len(system.outcomes)
    alls = county[county["dimension"] == "all"][["scope_id", "year", "stage", "metric_id"]].astype(
        {"scope_id": str, "stage": str, "metric_id": str})
    groups = county[county["dimension"] != "all"][["scope_id", "year", "stage", "place"]].astype(
        {"scope_id": str, "stage": str}).drop_duplicates("place")
    expected = groups.merge(alls, on=["scope_id", "year", "stage"])
    have = county[county["dimension"] != "all"][["place", "metric_id"]].astype({"metric_id": str})
    missing = expected.merge(have, on=["place", "metric_id"], how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"]
    out = [system.o_base + group["place"].to_numpy() * k + index[o]
           for m, group in missing.groupby("metric_id") for o in sets[m]["D"]]
    found = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
    return np.intersect1d(found, used)


def _published_zeros(county: pd.DataFrame, sets: dict, index: dict[str, int], base: int, k: int) -> np.ndarray:
    """A published zero numerator (or zero rest of the denominator): each of its outcomes is zero."""
    shown = county[~county["suppressed"]]
    out = []
    for metric, group in shown.groupby("metric_id", observed=True):
        num, den = sets[str(metric)]["N"], sets[str(metric)]["D"]
        zero_num = group[group["numerator"] == 0]["place"].to_numpy()
        out += [base + zero_num * k + index[o] for o in num]
        if num <= den:
            zero_rest = group[group["denominator"] == group["numerator"]]["place"].to_numpy()
            out += [base + zero_rest * k + index[o] for o in den - num]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def propagate(eq: np.ndarray, var: np.ndarray, coef: np.ndarray, rhs: np.ndarray, known: np.ndarray,
              values: np.ndarray) -> None:
    """Solve every equation left with one unknown, until none is (in place)."""
    m = len(rhs)
    while True:
        unknown = ~known[var]
        left = np.bincount(eq[unknown], minlength=m)
        single = left[eq] == 1
        pick = single & unknown
        if not pick.any():
            return
        residual = rhs - np.bincount(eq[~unknown], weights=coef[~unknown] * values[var[~unknown]], minlength=m)
        rows, cols, cs = eq[pick], var[pick], coef[pick]
        cols, first = np.unique(cols, return_index=True)
        values[cols] = residual[rows[first]] / cs[first]
        known[cols] = True


def _small(v: np.ndarray | float, k: int) -> np.ndarray | bool:
    v = np.round(v, 6)
    return (v >= 0.5) & (v < k - 0.5)


def attack(con: duckdb.DuckDBPyConnection, k: int, states: list[str] | None = None) -> list[Leak]:
    """Every small count worked out from the published tables (of `states` only, when given)."""
    system, known, values = build_system(con, states)
    cells = system.cells
    eq, var, coef, rhs = system.arrays()
    initially = known.copy()
    propagate(eq, var, coef, rhs, known, values)
    targets = system.counts() & ~initially
    leaks = [Leak(system.describe(int(j)), float(values[j]))
             for j in np.flatnonzero(targets & known & _small(values, k))]
    # a hidden share cell's rest of the denominator
    hidden = cells[cells["suppressed"] & (cells["unit"] == "share")]
    both = known[hidden["N"]] & known[hidden["D"]]
    rest = values[hidden["D"][both]] - values[hidden["N"][both]]
    leaks += [Leak(f"rest of the {system.describe(int(d))}", float(v))
              for d, v in zip(hidden["D"][both], rest, strict=True) if _small(v, k)]
    leaks += _residual_sums(system, eq, var, coef, rhs, known, values, k)
    leaks += _exact(system, eq, var, coef, rhs, known, values, k)
    unique: dict[str, Leak] = {}
    for leak in leaks:
        unique.setdefault(leak.what, leak)
    return list(unique.values())


def _residual_sums(system: System, eq: np.ndarray, var: np.ndarray, coef: np.ndarray, rhs: np.ndarray,
                   known: np.ndarray, values: np.ndarray, k: int) -> list[Leak]:
    """An equation whose unknowns left are all counts with one sign: their sum is worked out."""
    m = len(rhs)
    unknown = ~known[var]
    residual = rhs - np.bincount(eq[~unknown], weights=coef[~unknown] * values[var[~unknown]], minlength=m)
    counts = system.counts()
    pos = np.bincount(eq[unknown], weights=(coef[unknown] > 0).astype(float), minlength=m)
    neg = np.bincount(eq[unknown], weights=(coef[unknown] < 0).astype(float), minlength=m)
    not_count = np.bincount(eq[unknown], weights=(~counts[var[unknown]]).astype(float), minlength=m)
    left = pos + neg
    one_sign = (left >= 2) & ((pos == 0) | (neg == 0)) & (not_count == 0)
    total = np.where(pos > 0, residual, -residual)
    bad = np.flatnonzero(one_sign & _small(total, k))
    out = []
    for row in bad[:1000]:
        parts = var[(eq == row) & unknown]
        out.append(Leak("sum of hidden " + " + ".join(system.describe(int(j)) for j in parts[:4])
                        + (" ..." if len(parts) > 4 else ""), float(total[row])))
    return out


def _exact(system: System, eq: np.ndarray, var: np.ndarray, coef: np.ndarray, rhs: np.ndarray, known: np.ndarray,
           values: np.ndarray, k: int) -> list[Leak]:
    """Per connected part of the unknowns left: every target orthogonal to the null space is determined."""
    m = len(rhs)
    unknown = ~known[var]
    residual = rhs - np.bincount(eq[~unknown], weights=coef[~unknown] * values[var[~unknown]], minlength=m)
    e, v, c = eq[unknown], var[unknown], coef[unknown]
    if len(e) == 0:
        return []
    # connected parts: minimum labels spread over the bipartite graph of equations and unknowns
    by_eq, by_var = np.argsort(e, kind="stable"), np.argsort(v, kind="stable")
    eq_starts = np.flatnonzero(np.r_[True, np.diff(e[by_eq]) != 0])
    var_starts = np.flatnonzero(np.r_[True, np.diff(v[by_var]) != 0])
    eq_rows, var_rows = e[by_eq][eq_starts], v[by_var][var_starts]
    label = np.arange(len(values))
    while True:
        low = np.full(m, len(values))
        low[eq_rows] = np.minimum.reduceat(label[v[by_eq]], eq_starts)
        new = label.copy()
        new[var_rows] = np.minimum(label[var_rows], np.minimum.reduceat(low[e[by_var]], var_starts))
        new = new[new]  # jump along the labels found so far
        if np.array_equal(new, label):
            break
        label = new
    part = label[v]
    # only parts that some equation ties to a non-zero published value can pin a count to 1-9
    live = np.zeros(len(values), dtype=bool)
    live[part[np.abs(residual[e]) > 1e-9]] = True
    size = np.bincount(label[np.unique(v)], minlength=len(values))
    keep = live[part] & (size[part] <= EXACT_LIMIT)
    out: list[Leak] = []
    counts = system.counts()
    order = np.argsort(part[keep], kind="stable")
    e, v, c, part = e[keep][order], v[keep][order], c[keep][order], part[keep][order]
    bounds = np.flatnonzero(np.diff(part)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(part)], strict=True):
        rows, row_index = np.unique(e[lo:hi], return_inverse=True)
        cols, col_index = np.unique(v[lo:hi], return_inverse=True)
        a = np.zeros((len(rows), len(cols)))
        np.add.at(a, (row_index, col_index), c[lo:hi])
        b = residual[rows]
        x, *_ = np.linalg.lstsq(a, b, rcond=None)
        _, s, vt = np.linalg.svd(a)
        rank = int((s > 1e-9 * max(1.0, s.max(initial=0))).sum())
        null = vt[rank:]  # rows span the null space
        free = np.abs(null).max(axis=0) > 1e-7 if null.size else np.zeros(len(cols), dtype=bool)
        for i in np.flatnonzero(~free & counts[cols] & _small(x, k)):
            out.append(Leak(system.describe(int(cols[i])), float(x[i])))
        position = {int(j): i for i, j in enumerate(cols)}
        for i in {int(j) // 2 for j in cols if j < system.o_base}:
            if system.cells["unit"].iat[i] != "share":
                continue
            t, constant = np.zeros(len(cols)), 0.0
            for j, sign in ((2 * i + 1, 1.0), (2 * i, -1.0)):
                if j in position:
                    t[position[j]] = sign
                else:
                    constant += sign * values[j]
            if null.size and np.abs(null @ t).max() > 1e-7:
                continue
            if _small(value := float(t @ x) + constant, k):
                out.append(Leak(f"rest of the {system.describe(2 * i + 1)}", value))
    return out
