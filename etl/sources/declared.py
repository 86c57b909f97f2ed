"""One adapter for every source folder: `data/sources/<id>/source.toml` plus its code mappings as CSV.

A source folder says in data what an adapter would say in code, so a county's records come in without
Python (docs/ADD_DATA.md). Four forms:
- `records`: one row per case, charge or arraignment; each `[[decision]]` maps a raw code column (through
  a mapping CSV) to an outcome of a stage, counted in the period of its date, with the breakdowns declared;
  the ETL aggregates the rows into counts. Two decisions read amounts instead of codes: `bail_request` (the
  bail asked beside the bail set) and `bail_amount` (the cash needed to go home: the bail set times the
  declared `deposit` share, in bands; a row with no amount set is not counted at that stage).
- `counts`: aggregate counts, one `[[count]]` per column (or the remainder of a total) -> stage and outcome.
- `canonical`: aggregate counts already in the warehouse's vocabulary, one row per count (the standard's
  aggregate form: etl/sources/canonical.py checks each row).
- `detention`: one `[[measure]]` per column of a jail population series.
Same rules as every adapter: each row is loaded or rejected with line, column and reason.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from etl import vocab
from etl.config import PROJECT
from etl.parse import dollars
from etl.sources import canonical
from etl.sources.base import Adapter, FileResult, Record, parse_count
from etl.sources.canonical import CanonicalCounts
from etl.sources.xlsx import read_table

DEFINITION = "source.toml"
FORMS = ("records", "counts", "canonical", "detention")
COUNTIES_CSV = PROJECT / "data" / "geo" / "counties.csv"
BREAKDOWNS = ("race", "sex", "age_band", "offense_category", "offense_level", "offense_detail")
FREE_TEXT = ("offense_detail",)  # kept as the publisher writes it (spaces tidied), not mapped

# Keys each table of source.toml may hold: anything else is a typo the build names instead of ignoring.
SOURCE_KEYS = {"id", "title", "publisher", "url", "license", "retrieved", "notes", "kind", "form", "unit",
               "folder", "files", "priority", "replaces", "redistributable", "place", "period", "decision",
               "count", "measure", "breakdown", "filter", "encoding", "delimiter", "ignore", "sheet", "weight"}


class DefinitionError(ValueError):
    """A source.toml that cannot be read as declared: names the folder and the key."""


@dataclass(frozen=True)
class Definition:
    """A source folder, read and checked once."""

    folder: Path
    source_id: str
    meta: dict[str, Any]
    form: str
    place: dict[str, Any]
    period: dict[str, Any]
    decisions: tuple[dict[str, Any], ...] = ()
    counts: tuple[dict[str, Any], ...] = ()
    measures: tuple[dict[str, Any], ...] = ()
    breakdowns: dict[str, dict[str, Any]] = field(default_factory=dict)
    filters: tuple[dict[str, Any], ...] = ()

    def mapping_name(self, file: str) -> str:
        """A mapping of this folder, named by its path inside the repository (or absolute, outside it)."""
        path = (self.folder / file).resolve()
        stem = path.with_suffix("")
        return stem.relative_to(PROJECT).as_posix() if stem.is_relative_to(PROJECT) else stem.as_posix()

    def mapping_names(self) -> tuple[str, ...]:
        files = [d["mapping"] for d in self.decisions if "mapping" in d]
        files += [b["mapping"] for b in self.breakdowns.values() if "mapping" in b]
        files += [self.place["mapping"]] if "mapping" in self.place else []
        return tuple(dict.fromkeys(self.mapping_name(f) for f in files))

    def columns(self) -> tuple[list[str], list[str]]:
        """(required columns, optional columns) of the input files, as declared."""
        required: list[str] = []
        for spec in (self.place, self.period):
            required += [spec[k] for k in ("column", "date", "year") if k in spec]
        for decision in self.decisions:
            required += [decision[k] for k in ("column", "date", "requested", "set", "amount") if k in decision]
        required += [c["column"] for c in self.counts if "column" in c]
        required += [c["total"] for c in self.counts if "total" in c]
        required += [m["column"] for m in self.measures]
        required += [f["column"] for f in self.filters]
        required += [self.meta["weight"]] if "weight" in self.meta else []
        optional = [b["column"] for b in self.breakdowns.values() if "column" in b]
        if self.form == "canonical":
            required, optional = list(canonical.COLUMNS), list(canonical.OPTIONAL)
        return list(dict.fromkeys(required)), [c for c in dict.fromkeys(optional) if c not in required]


def _fail(folder: Path, message: str) -> DefinitionError:
    return DefinitionError(f"source folder {folder}: {message}")


@cache
def load_definition(folder: Path) -> Definition:
    """Read and check `folder/source.toml`: every stage, outcome and breakdown against the vocabulary."""
    path = folder / DEFINITION
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _fail(folder, f"cannot read {DEFINITION}: {error}") from error
    unknown = sorted(set(data) - SOURCE_KEYS)
    if unknown:
        raise _fail(folder, f"unknown key(s) {', '.join(unknown)} in {DEFINITION} (allowed: "
                    f"{', '.join(sorted(SOURCE_KEYS))})")
    for key in ("title", "publisher", "url", "license", "folder", "files", "form"):
        if key not in data:
            raise _fail(folder, f"{DEFINITION} has no {key!r}")
    form = data["form"]
    if form not in FORMS:
        raise _fail(folder, f"form {form!r} is not one of {', '.join(FORMS)}")
    source_id = data.get("id", folder.name.replace("-", "_"))
    decisions = tuple(data.get("decision", ()))
    counts = tuple(data.get("count", ()))
    for item in (*decisions, *counts):
        stage = item.get("stage")
        if stage not in vocab.STAGE_OUTCOMES:
            raise _fail(folder, f"stage {stage!r} is not one of {', '.join(vocab.STAGES)}")
        outcome = item.get("outcome")
        if outcome is not None and outcome not in vocab.STAGE_OUTCOMES[stage]:
            raise _fail(folder, f"outcome {outcome!r} is not an outcome of stage {stage!r} "
                        f"({', '.join(vocab.STAGE_OUTCOMES[stage])})")
    for decision in decisions:
        deposit = decision.get("deposit", 1)
        if "amount" in decision and (decision.get("stage") != "bail_amount" or isinstance(deposit, bool)
                                     or not isinstance(deposit, int | float) or not 0 < deposit <= 1):
            raise _fail(folder, "an amount decision is stage = \"bail_amount\" with a deposit share above 0 and "
                        "at most 1 (the part of the bail paid in cash to go home; 1 when it is paid in full)")
        if decision.get("stage") == "bail_amount" and "amount" not in decision:
            raise _fail(folder, "stage \"bail_amount\" reads an amount: name its column as amount = \"...\"")
        when = decision.get("when")
        earlier = {d.get("stage") for d in decisions[:decisions.index(decision)]}
        if when is not None and (not isinstance(when, dict) or set(when) != {"stage", "outcome"}
                                 or when["stage"] not in earlier
                                 or when["outcome"] not in vocab.STAGE_OUTCOMES[when["stage"]]):
            raise _fail(folder, f"when = {when!r}: write when = {{ stage = \"pretrial\", outcome = \"bail_set\" }},"
                        " naming a stage decided by an earlier [[decision]] and one of its outcomes")
    for measure in data.get("measure", ()):
        if measure.get("measure") not in vocab.DETENTION_MEASURES:
            raise _fail(folder, f"measure {measure.get('measure')!r} is not one of "
                        f"{', '.join(vocab.DETENTION_MEASURES)}")
    breakdowns = dict(data.get("breakdown", {}))
    for name, spec in breakdowns.items():
        if name not in BREAKDOWNS:
            raise _fail(folder, f"breakdown {name!r} is not one of {', '.join(BREAKDOWNS)}")
        if "value" in spec and name in vocab.FIELD_VOCAB and spec["value"] not in vocab.FIELD_VOCAB[name]:
            raise _fail(folder, f"breakdown {name} value {spec['value']!r} is not in the vocabulary")
    for entry in data.get("replaces", ()):
        if not isinstance(entry, dict) or set(entry) != {"source", "from", "to"} or entry["from"] > entry["to"]:
            raise _fail(folder, f"replaces entry {entry!r}: write {{ source = \"id\", from = 2016, to = 2018 }} "
                        "(the years this source is counted instead of that one)")
    if "weight" in data and form != "records":
        raise _fail(folder, "weight (a column saying how many each row counts) is for form = \"records\" only")
    grain = data.get("period", {}).get("grain", "year")
    if grain not in vocab.PERIOD_GRAINS:
        raise _fail(folder, f"period grain {grain!r} is not one of {', '.join(vocab.PERIOD_GRAINS)}")
    definition = Definition(
        folder=folder, source_id=source_id, meta=data, form=form, place=dict(data.get("place", {})),
        period={"grain": "year", **data.get("period", {})}, decisions=decisions, counts=counts,
        measures=tuple(data.get("measure", ())), breakdowns=breakdowns, filters=tuple(data.get("filter", ())),
    )
    for name in definition.mapping_names():
        try:
            vocab.load_mapping(name)
        except (OSError, ValueError, KeyError) as error:
            raise _fail(folder, f"mapping {name}: {error}") from error
    return definition


@cache
def county_fips_by_name() -> dict[tuple[str, str], str]:
    """(state abbreviation, normalised county name) -> FIPS, from the committed county list."""
    out: dict[tuple[str, str], str] = {}
    with COUNTIES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out[(row["state_abbr"], _county_key(row["county_name"]))] = row["fips"]
    return out


def _county_key(name: str) -> str:
    key = vocab.normalize_key(name).replace(".", "").replace("saint ", "st ")
    return re.sub(r"\s+(county|parish|borough|census area)$", "", key)


class RowError(ValueError):
    """One input row that cannot be counted: rejected with its column."""

    def __init__(self, column: str | None, message: str, kind: str = "rejected"):
        super().__init__(message)
        self.column, self.kind = column, kind


class DeclaredSource(Adapter):
    """Reads any source folder; `definition_folder` is set by the catalogue (etl/config.py)."""

    source_id = "declared"
    definition_folder: Path

    @property
    def definition(self) -> Definition:
        return load_definition(self.definition_folder)

    @property
    def mappings(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.definition.mapping_names()

    def read_file(self, path: Path, result: FileResult) -> None:
        definition = self.definition
        required, optional = definition.columns()
        meta = definition.meta
        if definition.form == "canonical":
            CanonicalCounts().read_file(path, result, sheet=meta.get("sheet"))
            return
        records = read_table(path, result, required=required, sheet=meta.get("sheet"),
                             encoding=meta.get("encoding", "utf-8"), delimiter=meta.get("delimiter", ","), redact=())
        counted: Counter[tuple] = Counter()
        tally: dict[int, Counter[str]] = {}  # with a weight: per year, what each row's count became
        for record in records:
            fate = "loaded"
            try:
                row: Counter[tuple] = Counter()  # counted only once the whole row has passed
                self._read_row(definition, record, row)
                counted.update(row)
                result.accept()
            except RowError as error:
                fate = error.kind
                result.reject(record, str(error), column=error.column, kind=error.kind)
            except vocab.ExcludedCode as error:
                fate = "excluded"
                result.reject(record, str(error), column=error.column, kind="excluded")
            except vocab.UnknownCode as error:
                fate = "rejected"
                if error.value.strip():
                    result.unknown(record, error.column, error.value)
                else:  # a blank is not a code to add to the mapping: the decision is missing
                    result.reject(record, f"no value in column {error.column!r}", column=error.column)
            if "weight" in meta:
                self._tally(definition, record, fate, tally)
        unit = meta.get("unit", "row")
        for year in sorted(tally):
            c = tally[year]
            result.notes.append(f"{year}: {c['read']:,} {unit}s read = {c['loaded']:,} loaded + {c['excluded']:,} "
                                f"excluded on purpose + {c['rejected']:,} rejected")
        for key, n in counted.items():
            if definition.form == "detention":
                fips, start, grain, measure = key
                result.emit("detention", {"fips": fips, "period_start": start, "period_grain": grain,
                                          "measure": measure, "race": "all", "value": n})
            else:
                fips, start, grain, stage, outcome, source_outcome, *parts = key
                result.emit("case_counts", {"fips": fips, "period_start": start, "period_grain": grain,
                                            "stage": stage, "outcome": outcome, "source_outcome": source_outcome,
                                            **dict(zip(BREAKDOWNS, parts, strict=True)), "n": n})

    def _tally(self, d: Definition, record: Record, fate: str, tally: dict[int, Counter[str]]) -> None:
        """Add a weighted row's count to its year's reconciliation (a row whose year or count cannot be read
        cannot be tallied: it is among the rejected rows)."""
        try:
            year = self._period(d, record, d.period)[0].year
            n = self._count(record, d.meta["weight"])
        except RowError:
            return
        counts = tally.setdefault(year, Counter())
        counts["read"] += n
        counts[fate] += n

    def _read_row(self, d: Definition, record: Record, counted: Counter[tuple]) -> None:
        for rule in d.filters:
            value = vocab.normalize_key(record.get(rule["column"]))
            if value in {vocab.normalize_key(v) for v in rule.get("exclude", ())}:
                raise RowError(rule["column"], f"{rule['column']} {record.get(rule['column'])!r} excluded: "
                               f"{rule.get('reason', 'declared out of scope')}", kind="excluded")
        fips = self._fips(d, record)
        if d.form == "detention":
            start, grain = self._period(d, record, d.period)
            for spec in d.measures:
                raw = record.get(spec["column"]).strip()
                if not raw and spec.get("missing", "reject") == "skip":
                    continue
                try:
                    value = float(raw.replace(",", ""))
                except ValueError:
                    raise RowError(spec["column"], f"non-numeric value {raw!r} in column "
                                   f"{spec['column']!r}") from None
                if value < 0 or value != value:
                    raise RowError(spec["column"], f"negative or invalid value {raw!r} in column {spec['column']!r}")
                counted[(fips, start, grain, spec["measure"])] += value
            return
        parts = tuple(self._breakdown(d, name, record) for name in BREAKDOWNS)
        if d.form == "counts":
            start, grain = self._period(d, record, d.period)
            found: dict[str, int] = {}
            for spec in d.counts:
                if "column" not in spec:
                    continue
                found[spec["column"]] = self._count(record, spec["column"])
                counted[(fips, start, grain, spec["stage"], spec["outcome"], spec["column"], *parts)] += \
                    found[spec["column"]]
            for spec in d.counts:
                if "total" not in spec:
                    continue
                total = self._count(record, spec["total"])
                same_stage = sum(found[c["column"]] for c in d.counts if "column" in c and c["stage"] == spec["stage"])
                if total < same_stage:
                    raise RowError(spec["total"], f"total {total:,} in column {spec['total']!r} is less than "
                                   f"the counts of stage {spec['stage']!r} beside it ({same_stage:,})")
                counted[(fips, start, grain, spec["stage"], spec["outcome"], f"rest of {spec['total']}", *parts)] += \
                    total - same_stage
            return
        weight = self._count(record, d.meta["weight"]) if "weight" in d.meta else 1
        decided: dict[str, str] = {}  # this row's outcome at each stage decided so far (for `when`)
        for decision in d.decisions:
            when = decision.get("when")
            if when and decided.get(when["stage"]) != when["outcome"]:
                continue
            dated = decision.get("date", d.period.get("date"))
            if decision.get("missing") == "skip" and dated and not record.get(dated).strip():
                continue  # no date: this decision was not (yet) made for this row
            start, grain = self._period(d, record, {**d.period, **decision})
            if "requested" in decision:
                outcome, raw = self._compare(record, decision["requested"], decision["set"])
            elif "amount" in decision:
                cash = _amount(record.get(decision["amount"]), decision["amount"]) * decision.get("deposit", 1)
                if not cash:
                    continue  # no money bail set on this row
                outcome, raw = vocab.cash_band(cash), "money bail with an amount"
            else:
                raw = record.get(decision["column"])
                if not raw.strip() and decision.get("missing") == "skip":
                    continue
                outcome = vocab.load_mapping(d.mapping_name(decision["mapping"])).lookup(
                    raw, decision["column"])["outcome"]
            decided[decision["stage"]] = outcome
            counted[(fips, start, grain, decision["stage"], outcome, " ".join(raw.split())[:100] or None, *parts)] \
                += weight

    @staticmethod
    def _count(record: Record, column: str) -> int:
        try:
            return parse_count(record.get(column), column=column)
        except ValueError as error:
            raise RowError(column, str(error)) from None

    @staticmethod
    def _compare(record: Record, requested_column: str, set_column: str) -> tuple[str, str]:
        """The prosecutor's requested bail beside the bail the judge set -> a bail_request outcome."""
        requested = _amount(record.get(requested_column), requested_column)
        bail = _amount(record.get(set_column), set_column)
        if not requested:
            return "not_requested", "no amount requested"
        if not bail:
            return "requested_set_none", "requested, none set"
        if bail < requested:
            return "requested_set_lower", "set below request"
        if bail > requested:
            return "requested_set_higher", "set above request"
        return "requested_set_same", "set as requested"

    @staticmethod
    def _fips(d: Definition, record: Record) -> str:
        place = d.place
        if "fips" in place:
            return str(place["fips"])
        column = place["column"]
        raw = record.get(column).strip()
        if "mapping" in place:
            return vocab.load_mapping(d.mapping_name(place["mapping"])).lookup(raw, column)["fips"]
        if "state" in place:
            fips = county_fips_by_name().get((place["state"], _county_key(raw)))
            if fips is None:
                raise RowError(column, f"no county named {raw!r} in {place['state']}")
            return fips
        try:
            return vocab.check_fips(raw)
        except ValueError as error:
            raise RowError(column, str(error)) from None

    @staticmethod
    def _period(d: Definition, record: Record, spec: dict[str, Any]) -> tuple[date, str]:
        grain = spec.get("grain", "year")
        if "start" in spec:
            return date.fromisoformat(str(spec["start"])), grain
        if "year" in spec:
            raw = record.get(spec["year"]).strip()
            if not (len(raw) == 4 and raw.isdigit()):
                raise RowError(spec["year"], f"invalid year {raw!r} in column {spec['year']!r}")
            try:
                return vocab.check_date(date(int(raw), 1, 1)), grain
            except ValueError as error:
                raise RowError(spec["year"], f"impossible year {raw!r} in column {spec['year']!r}: {error}") from None
        column = spec["date"]
        raw = record.get(column).strip()
        try:
            day = vocab.check_date(date.fromisoformat(raw[:10]))
        except ValueError as error:
            raise RowError(column, f"invalid date {raw!r} in column {column!r}: {error}") from None
        return period_start(day, grain), grain

    def _breakdown(self, d: Definition, name: str, record: Record) -> str | None:
        spec = d.breakdowns.get(name)
        if spec is None:
            return None if name in FREE_TEXT else "unknown"
        if "value" in spec:
            return spec["value"]
        raw = record.get(spec["column"])
        if name in FREE_TEXT:
            return " ".join(raw.split())[:100] or None
        if name == "age_band" and "mapping" not in spec:
            text = raw.strip()
            try:
                return vocab.age_band(float(text)) if text else "unknown"
            except ValueError:
                return "unknown"
        if not raw.strip():
            return "unknown"
        return vocab.load_mapping(d.mapping_name(spec["mapping"])).lookup(raw, spec["column"])[name]


def period_start(day: date, grain: str) -> date:
    """The first day of the period of `grain` that holds `day`."""
    if grain == "day":
        return day
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "two_years":
        raise RowError(None, "a date cannot be counted in a two-year period: declare period.start")
    return date(day.year, 1, 1)


def _amount(raw: str, column: str) -> float:
    amount = dollars(raw)
    if amount is None:
        raise RowError(column, f"invalid amount {raw!r} in column {column!r}")
    return amount
