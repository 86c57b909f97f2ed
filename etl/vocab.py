"""Canonical vocabularies (the values the warehouse's coded columns may take) and the mapping tables from owner
codes to them. The helpers that parse and check source values are in etl/parse.py.

Adapters never invent values: they look the owner's code up in a mapping table kept as CSV in
`etl/sources/mappings/`, and an unknown code becomes a rejected row with its reason, never a guess.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Re-exported for the adapters that import the parsing helpers from here; new code imports etl.parse.
from etl.parse import (  # noqa: F401
    EARLIEST_DATE,
    MAX_SLUG_LENGTH,
    age_band,
    check_date,
    check_fips,
    check_period_start,
    did_you_mean,
    fix_mojibake,
    not_allowed,
    slug,
)

MAPPINGS_DIR = Path(__file__).parent / "sources" / "mappings"

# The cash a person had to put down to go home when money bail was set (stage `bail_amount`), in bands: each band's
# lower bound in US dollars.
BAIL_CASH_BANDS: tuple[tuple[float, str], ...] = (
    (0, "cash_under_500"), (500, "cash_500_999"), (1000, "cash_1000_4999"), (5000, "cash_5000_9999"),
    (10000, "cash_10000_plus"))
STAGE_OUTCOMES: dict[str, tuple[str, ...]] = {
    "referral": ("charged", "declined", "diverted", "other"),
    "pretrial": ("released_ror", "released_conditions", "bail_set", "remanded", "other"),
    "disposition": ("plea", "trial_conviction", "conviction", "trial_acquittal", "dismissed", "diverted",
                    "adjudication_withheld", "no_probable_cause", "pleaded_other_case", "other"),
    "sentence": ("prison", "jail", "probation", "other"),
    # What the prosecutor asked for at arraignment beside what the judge set (sources with both amounts).
    "bail_request": ("not_requested", "requested_set_none", "requested_set_lower", "requested_set_same",
                     "requested_set_higher"),
    # the cash needed to go home (the bail, or the court's deposit on it), in the bands above
    "bail_amount": tuple(band for _floor, band in BAIL_CASH_BANDS),
}
# Resolutions only some sources tell apart, kept out of the outcomes they resemble so that no metric overstates:
# adjudication withheld (Florida: guilt found, no conviction entered), a judge's finding of no probable cause
# (not the prosecutor dropping the case), and a case closed because the person pleaded guilty in another case.
SOURCE_SPECIFIC_OUTCOMES = ("adjudication_withheld", "no_probable_cause", "pleaded_other_case")
STAGES = tuple(STAGE_OUTCOMES)
CASE_FLOW_STAGES = ("referral", "pretrial", "disposition", "sentence")  # one decision each per case, in order
OFFENSE_CATEGORIES = (
    "homicide", "sex_offense", "robbery", "assault", "weapons", "burglary", "theft_property",
    "drug", "dui_traffic", "public_order", "other", "unknown",
)
OFFENSE_LEVELS = ("felony", "misdemeanor", "other", "unknown")
RACES = ("black", "white", "hispanic", "asian_pacific", "native_american", "other", "unknown")
SEXES = ("female", "male", "unknown")
AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown")
PERIOD_GRAINS = ("day", "month", "quarter", "year", "two_years")
YEARLY_GRAINS = ("day", "month", "quarter", "year")  # periods that fit inside one year: the yearly measures
DETENTION_MEASURES = ("jail_population", "pretrial_population")
# derived: computed from an election win and the state's term rule, not read from a record of who served
TERM_ENTRIES = ("elected", "appointed", "interim", "acting", "derived")

# Breakdown dimensions of metric_value, each with its accepted values.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "all": ("all",),
    "race": RACES,
    "sex": SEXES,
    "age_band": AGE_BANDS,
    "offense_category": OFFENSE_CATEGORIES,
    "offense_level": OFFENSE_LEVELS,
}

# Columns whose values must come from a vocabulary: the build's accepted-values checks read this.
ACCEPTED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("case_counts", "stage"): STAGES,
    ("case_counts", "outcome"): tuple(sorted({o for os in STAGE_OUTCOMES.values() for o in os})),
    ("case_counts", "offense_category"): OFFENSE_CATEGORIES,
    ("case_counts", "offense_level"): OFFENSE_LEVELS,
    ("case_counts", "race"): RACES,
    ("case_counts", "sex"): SEXES,
    ("case_counts", "age_band"): AGE_BANDS,
    ("case_counts", "period_grain"): PERIOD_GRAINS,
    ("detention", "measure"): DETENTION_MEASURES,
    ("detention", "race"): ("all", *RACES),
    ("detention", "period_grain"): PERIOD_GRAINS,
    ("county_population", "race"): ("all", *RACES),
    ("term", "entry"): TERM_ENTRIES,
    ("metric_value", "scope"): ("county", "office", "term", "state"),
    ("metric_value", "dimension"): tuple(DIMENSIONS),
    ("metric_value", "period_grain"): (*PERIOD_GRAINS, "term"),
}

SUPPRESSION_THRESHOLD = 10


def cash_band(dollars: float) -> str:
    """The bail_amount outcome of an amount of cash (US dollars, above zero)."""
    if not dollars > 0:
        raise ValueError(f"a cash band needs an amount above zero, not {dollars!r}")
    return next(band for floor, band in reversed(BAIL_CASH_BANDS) if dollars >= floor)


class UnknownCode(ValueError):
    """An owner's code that no mapping row covers: the row is rejected and the code reported."""

    def __init__(self, column: str, value: str, mapping: str):
        super().__init__(f"unknown code {value!r} in column {column!r} (not in mapping {mapping})")
        self.column, self.value, self.mapping = column, value, mapping


@dataclass(frozen=True)
class Mapping:
    """One owner's code list: raw value -> canonical fields, plus values excluded on purpose.

    The CSV has a `source_value` column, one column per canonical field it sets, and an optional
    `exclude_reason` column: a row with a reason maps to nothing and is reported as excluded.
    Matching ignores case and surrounding/internal repeated whitespace, the commonest mess in the files.
    """

    name: str
    rows: dict[str, dict[str, str]]
    excluded: dict[str, str]
    fields: tuple[str, ...]

    def lookup(self, value: str | None, column: str) -> dict[str, str]:
        key = normalize_key(value)
        if key in self.rows:
            return self.rows[key]
        if key in self.excluded:
            raise ExcludedCode(column, value or "", self.excluded[key])
        raise UnknownCode(column, value or "", self.name)

    def items(self) -> list[dict[str, str]]:
        """Every row as written, for the methods page and the warehouse's code_mapping table."""
        return _read_mapping_rows(self.name)


class ExcludedCode(ValueError):
    """A known code that is deliberately not counted (e.g. Cook County `BFW`: not a final outcome)."""

    def __init__(self, column: str, value: str, reason: str):
        super().__init__(f"{value!r} in column {column!r} excluded: {reason}")
        self.column, self.value, self.reason = column, value, reason


def normalize_key(value: str | None) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def mapping_path(name: str) -> Path:
    """A mapping's CSV: `etl/sources/mappings/<name>.csv`, or a source folder's `<path>.csv` when the name is a
    path (relative to the repository, or absolute)."""
    if "/" not in name:
        return MAPPINGS_DIR / f"{name}.csv"
    path = Path(name)
    return (path if path.is_absolute() else MAPPINGS_DIR.parents[2] / path).with_suffix(".csv")


def _read_mapping_rows(name: str) -> list[dict[str, str]]:
    path = mapping_path(name)
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


_USED_MAPPINGS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("used_mappings", default=None)


@contextlib.contextmanager
def record_mappings() -> Iterator[set[str]]:
    """Collect the names of the mappings loaded inside the block (the build stores them per source)."""
    used: set[str] = set()
    token = _USED_MAPPINGS.set(used)
    try:
        yield used
    finally:
        _USED_MAPPINGS.reset(token)


def load_mapping(name: str) -> Mapping:
    """Load `etl/sources/mappings/<name>.csv` and check every canonical value against its vocabulary."""
    used = _USED_MAPPINGS.get()
    if used is not None:
        used.add(name)
    return _load_mapping(name)


@cache
def _load_mapping(name: str) -> Mapping:
    rows: dict[str, dict[str, str]] = {}
    excluded: dict[str, str] = {}
    raw_rows = _read_mapping_rows(name)
    if not raw_rows:
        raise ValueError(f"mapping {name} is empty")
    fields = tuple(c for c in raw_rows[0] if c not in ("source_value", "exclude_reason", "note"))
    for line, row in enumerate(raw_rows, start=2):
        key = normalize_key(row["source_value"])
        if key in rows or key in excluded:
            raise ValueError(f"mapping {name}.csv line {line}: duplicate source_value {row['source_value']!r}")
        reason = (row.get("exclude_reason") or "").strip()
        if reason:
            excluded[key] = reason
            continue
        values = {f: (row[f] or "").strip() for f in fields}
        for field, value in values.items():
            allowed = FIELD_VOCAB.get(field)
            if allowed is not None and value and value not in allowed:
                raise ValueError(f"mapping {name}.csv line {line}: {field}={value!r} not in {allowed}")
        rows[key] = values
    return Mapping(name=name, rows=rows, excluded=excluded, fields=fields)


FIELD_VOCAB: dict[str, tuple[str, ...]] = {
    "stage": STAGES,
    "outcome": ACCEPTED_VALUES[("case_counts", "outcome")],
    "offense_category": OFFENSE_CATEGORIES,
    "offense_level": OFFENSE_LEVELS,
    "race": RACES,
    "sex": SEXES,
    "age_band": AGE_BANDS,
}
