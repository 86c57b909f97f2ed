"""California District Attorney elections 2014-2024 (UNC Prosecutors and Politics Project schema).

One row per candidate per election (`district` is the county). The file is dirty in known ways, each
handled as data, never guessed:

- mojibake (`GascÃ³n` next to `Gascon`): repaired with `vocab.fix_mojibake`, then names are matched
  accent- and case-insensitively (`vocab.slug`);
- variant spellings (`Noah Philips`, `C. Eyster`, `Brooke Jennings`): `mappings/ca_candidate_aliases.csv`
  maps each to its canonical name, with a note saying why;
- the same candidate listed twice in one election: one row is kept, the others are rejected as
  kind="duplicate". The kept row is the one whose vote shares agree with the other candidates' (the
  round's shares summing closest to 100%, to the whole point), then the more complete row, then the first.
  (`GascÃ³n`'s row carries his real 2020 primary share; the clean `Gascon` row repeats Lacey's 48.7%.)

Emitted: `election` rows (primary and general rounds on the dates in `mappings/ca_election_dates.csv`,
vote share as a 0-1 fraction), an `office` and `office_county` per county, and for each county a
`prosecutor` per winner and `term`s derived from wins: a DA takes office on the first Monday after 1
January following the election (Gov. Code 24200; Los Angeles and San Francisco differ, see
`mappings/ca_term_start_rules.csv`), consecutive wins of one person are one term, and a term ends the
day before the next winner's start. Offices in data/reference/offices.csv (San Francisco) keep their
elections here but take office, terms and prosecutors from the curated table, which is cited day by day.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from etl import vocab
from etl.sources.base import Adapter, FileResult, Record, read_csv
from etl.sources.curated import term_id

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
ROUNDS = ("primary", "general")
COLUMNS = {  # our name -> the owner's column, per round
    "pct": {"primary": "vote_percent_primary", "general": "vote_percent_general"},
    "ran": {"primary": "ran_primary", "general": "ran_general"},
    "winner": {"primary": "winner_primary", "general": "winner_general"},
    "contested": {"primary": "primary_contested_reconciled", "general": "general_contested_reconciled"},
}
REQUIRED = ("state", "district", "election_year", "cand_fname", "cand_lname", "incum_chall",
            *(c for by_round in COLUMNS.values() for c in by_round.values()))
COMPLETENESS_COLUMNS = ("vote_count_primary", "vote_count_general", "winner_primary", "winner_general",
                        "ran_primary", "ran_general", "incum_chall")
DEFAULT_START_RULE = "first_monday_after_january_1"


def _first_monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


START_RULES: dict[str, tuple[Callable[[int], date], str]] = {
    "first_monday_after_january_1": (
        lambda year: _first_monday_on_or_after(date(year + 1, 1, 2)),
        "California county officers take office on the first Monday after 1 January following their election "
        "(Gov. Code 24200)",
    ),
    "first_monday_december": (
        lambda year: _first_monday_on_or_after(date(year, 12, 1)),
        "Los Angeles County officers take office on the first Monday of December after the election",
    ),
    "january_8": (
        lambda year: date(year + 1, 1, 8),
        "San Francisco's District Attorney takes office on 8 January after the election",
    ),
}


@dataclass
class _Candidate:
    """One parsed row: the owner's values turned into typed facts (None where the row does not say)."""

    record: Record
    district: str
    office_id: str
    fips: str
    year: int
    name: str
    key: str
    repaired: bool
    aliased: bool
    incumbent: bool | None
    pct: dict[str, float | None]
    ran: dict[str, bool | None]
    winner: dict[str, bool | None]
    contested: dict[str, bool | None]
    completeness: int

    def in_round(self, round_: str) -> bool:
        return bool(self.ran[round_]) or self.pct[round_] is not None


@dataclass
class _Tenure:
    """Consecutive election wins of one person in one county: one term."""

    office_id: str
    district: str
    first: _Candidate  # the row of the first win (its incumbency flag tells how the term began)
    winner: _Candidate  # the row of the latest win (its spelling names the person)
    years: list[int] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)


class CaliforniaElections(Adapter):
    """California DA candidates -> elections, offices per county, and terms derived from the winners."""

    source_id = "ca_da_elections"
    mappings: ClassVar[tuple[str, ...]] = (
        "ca_county_fips", "ca_election_dates", "ca_candidate_aliases", "ca_incum_chall", "ca_ran_codes",
        "ca_winner_codes", "ca_contested", "ca_term_start_rules",
    )

    def __init__(self, reference_dir: Path | None = None) -> None:
        self.reference_dir = reference_dir or REFERENCE_DIR
        self.curated_offices = _read_column(self.reference_dir / "offices.csv", "office_id")
        self.curated_prosecutors = {vocab.slug(n) for n in
                                    _read_column(self.reference_dir / "terms.csv", "prosecutor_name")}

    def read_file(self, path: Path, result: FileResult) -> None:
        self._years: dict[str, set[int]] = {}  # every election year seen per county, rejected rows included
        candidates = [c for c in (self._parse(r, result) for r in read_csv(path, result, required=REQUIRED)) if c]
        contests: dict[tuple[str, int], list[_Candidate]] = {}
        for candidate in candidates:
            contests.setdefault((candidate.district, candidate.year), []).append(candidate)
        kept: dict[tuple[str, int], list[_Candidate]] = {}
        for contest, rows in contests.items():
            kept[contest] = _deduplicate(rows, result)
        repaired = sum(c.repaired for rows in kept.values() for c in rows)
        aliased = sum(c.aliased for rows in kept.values() for c in rows)
        if repaired or aliased:
            result.notes.append(f"candidate names: {repaired} repaired from mojibake, {aliased} mapped through "
                                "ca_candidate_aliases")
        self._emit_elections(kept, result)
        self._emit_offices(kept, result)
        self._emit_terms(kept, result)

    # parsing -------------------------------------------------------------------------------------
    def _parse(self, record: Record, result: FileResult) -> _Candidate | None:
        if record.get("state").strip() != "California":
            result.reject(record, f"state {record.get('state')!r} is not California", column="state")
            return None
        district = re.sub(r"\s+", " ", record.get("district")).strip()
        county = _lookup("ca_county_fips", district, "district", record, result)
        year_text = record.get("election_year").strip()
        if county is None:
            return None
        dates = _lookup("ca_election_dates", year_text, "election_year", record, result)
        if dates is None:
            return None
        self._years.setdefault(district, set()).add(int(year_text))
        raw_name = re.sub(r"\s+", " ", f"{record.get('cand_fname')} {record.get('cand_lname')}").strip()
        if not raw_name:
            result.reject(record, "candidate name is empty (cand_fname and cand_lname are blank)", column="cand_lname")
            return None
        fixed = vocab.fix_mojibake(raw_name)
        alias = vocab.load_mapping("ca_candidate_aliases").rows.get(vocab.normalize_key(fixed))
        name = alias["candidate_name"] if alias else fixed
        incumbency = _lookup("ca_incum_chall", record.get("incum_chall").strip(), "incum_chall", record, result)
        if incumbency is None:
            return None
        facts: dict[str, dict[str, Any]] = {"pct": {}, "ran": {}, "winner": {}, "contested": {}}
        mapping_of = {"ran": ("ca_ran_codes", "ran"), "winner": ("ca_winner_codes", "winner"),
                      "contested": ("ca_contested", "contested")}
        for round_ in ROUNDS:
            column = COLUMNS["pct"][round_]
            try:
                facts["pct"][round_] = _percent(record.get(column), column)
            except ValueError as error:
                result.reject(record, str(error), column=column)
                return None
            for fact, (mapping, fld) in mapping_of.items():
                column = COLUMNS[fact][round_]
                value = record.get(column).strip()
                if not value:
                    facts[fact][round_] = None
                    continue
                row = _lookup(mapping, value, column, record, result)
                if row is None:
                    return None
                facts[fact][round_] = _boolean(row[fld])
        candidate = _Candidate(
            record=record, district=district, office_id=f"ca-{vocab.slug(district)}-da", fips=county["fips"],
            year=int(year_text), name=name, key=vocab.slug(name), repaired=fixed != raw_name, aliased=alias is not None,
            incumbent=_boolean(incumbency["incumbent"]), pct=facts["pct"], ran=facts["ran"], winner=facts["winner"],
            contested=facts["contested"],
            completeness=sum(bool(record.get(c).strip()) for c in COMPLETENESS_COLUMNS),
        )
        rounds = [r for r in ROUNDS if candidate.in_round(r)]
        if not rounds:
            result.reject(record, "no result in either round (did not run in the primary nor the general)",
                          column="ran_primary")
            return None
        if "primary" in rounds and not dates["primary_date"]:
            result.reject(record, f"a primary result for {year_text}, a year with no primary round "
                                  "(see ca_election_dates)", column="vote_percent_primary")
            return None
        return candidate

    # elections -----------------------------------------------------------------------------------
    def _emit_elections(self, kept: dict[tuple[str, int], list[_Candidate]], result: FileResult) -> None:
        dates = vocab.load_mapping("ca_election_dates")
        for (district, year), rows in sorted(kept.items()):
            when = dates.rows[str(year)]
            for round_ in ROUNDS:
                total = sum(c.pct[round_] or 0 for c in rows if c.in_round(round_))
                if total > 100.5:
                    result.notes.append(f"{district} {year} {round_}: vote shares sum to {total:.2f}% in the source "
                                        "(kept as published; not a duplicate candidate)")
            for candidate in sorted(rows, key=lambda c: c.record.line):
                for round_ in ROUNDS:
                    if not candidate.in_round(round_):
                        continue
                    pct = candidate.pct[round_]
                    result.emit("election", {
                        "office_id": candidate.office_id,
                        "election_date": date.fromisoformat(when[f"{round_}_date"]),
                        "round": round_,
                        "candidate_name": candidate.name,
                        "incumbent": candidate.incumbent,
                        "vote_share": None if pct is None else round(pct / 100, 6),
                        "winner": candidate.winner[round_],
                        "contested": candidate.contested[round_],
                    })

    def _emit_offices(self, kept: dict[tuple[str, int], list[_Candidate]], result: FileResult) -> None:
        offices = {(c.office_id, c.district, c.fips) for rows in kept.values() for c in rows}
        for office_id, district, fips in sorted(offices):
            if office_id in self.curated_offices:
                continue
            result.emit("office", {"office_id": office_id, "name": f"{district} County District Attorney",
                                   "state_abbr": "CA", "kind": "district_attorney", "selection": "elected"})
            result.emit("office_county", {"office_id": office_id, "fips": fips})

    # terms ---------------------------------------------------------------------------------------
    def _emit_terms(self, kept: dict[tuple[str, int], list[_Candidate]], result: FileResult) -> None:
        by_district: dict[str, list[tuple[int, _Candidate, str]]] = {}
        for (district, year), rows in sorted(kept.items()):
            won = _contest_winner(rows)
            if won is None:
                result.notes.append(f"{district} {year}: no single winner can be read; no term starts then")
                continue
            by_district.setdefault(district, []).append((year, *won))
        emitted: set[str] = set()
        for district, wins in sorted(by_district.items()):
            office_id = wins[0][1].office_id
            if office_id in self.curated_offices:
                continue
            tenures: list[_Tenure] = []
            for year, winner, round_ in wins:
                if not tenures or tenures[-1].winner.key != winner.key:
                    tenures.append(_Tenure(office_id, district, winner, winner))
                tenures[-1].years.append(year)
                tenures[-1].rounds.append(round_)
                tenures[-1].winner = winner
            rule = _start_rule(district)
            won_years = {year for year, _, _ in wins}
            unread = sorted(y for y in self._years.get(district, ()) if y > wins[-1][0] and y not in won_years)
            starts = [START_RULES[rule][0](t.years[0]) for t in tenures]
            for i, tenure in enumerate(tenures):
                start = starts[i]
                end = starts[i + 1] - timedelta(days=1) if i + 1 < len(tenures) else None
                if start > date.today():
                    result.notes.append(f"{district}: {tenure.winner.name} takes office {start}, after today; "
                                        "no term yet")
                    continue
                prosecutor_id = tenure.winner.key
                if prosecutor_id not in emitted and prosecutor_id not in self.curated_prosecutors:
                    emitted.add(prosecutor_id)
                    result.emit("prosecutor", {"prosecutor_id": prosecutor_id, "name": tenure.winner.name,
                                               "party": None})
                result.emit("term", {
                    "term_id": term_id(office_id, prosecutor_id, start), "prosecutor_id": prosecutor_id,
                    "office_id": office_id, "start_date": start, "end_date": end, "entry": "elected",
                    "citation": _citation(tenure, rule, result.file,
                                          tenures[i - 1] if i else None, tenures[i + 1] if i + 1 < len(tenures)
                                          else None, unread),
                })


def _deduplicate(rows: list[_Candidate], result: FileResult) -> list[_Candidate]:
    """Keep one row per candidate in one election; reject the others as duplicates, naming the kept line."""
    groups: dict[str, list[_Candidate]] = {}
    for candidate in rows:
        groups.setdefault(candidate.key, []).append(candidate)
    firsts = {key: group[0] for key, group in groups.items()}
    kept = []
    for key, group in groups.items():
        others = [c for k, c in firsts.items() if k != key]

        def score(candidate: _Candidate, others: list[_Candidate] = others) -> tuple[int, int, int]:
            deviation = 0.0
            for round_ in ROUNDS:
                pct = candidate.pct[round_]
                if pct is not None:
                    deviation += abs(pct + sum(o.pct[round_] or 0 for o in others) - 100)
            return int(deviation), -candidate.completeness, candidate.record.line

        ordered = sorted(group, key=score)
        keeper = ordered[0]
        for duplicate in ordered[1:]:
            for facts in ("pct", "ran", "winner", "contested"):
                for round_ in ROUNDS:
                    if getattr(keeper, facts)[round_] is None:
                        getattr(keeper, facts)[round_] = getattr(duplicate, facts)[round_]
            if keeper.incumbent is None:
                keeper.incumbent = duplicate.incumbent
            result.reject(duplicate.record,
                          f"duplicate of {keeper.name} in the {keeper.district} {keeper.year} election "
                          f"(kept line {keeper.record.line}, whose vote shares agree with the other candidates' "
                          "or which is more complete)", column="cand_lname", kind="duplicate")
        result.accept()
        kept.append(keeper)
    return kept


def _contest_winner(rows: list[_Candidate]) -> tuple[_Candidate, str] | None:
    """Who won: the general's winner when a general was held, else the one outright winner of the primary."""
    if any(c.in_round("general") for c in rows):
        winners = [c for c in rows if c.in_round("general") and c.winner["general"]]
        return (winners[0], "general") if len(winners) == 1 else None
    winners = [c for c in rows if c.winner["primary"] or c.winner["general"]]
    return (winners[0], "primary (outright)") if len(winners) == 1 else None


def _citation(tenure: _Tenure, rule: str, file: str, before: _Tenure | None, after: _Tenure | None,
              unread: list[int]) -> str:
    """Where the dates come from, with every caveat the file itself reveals (incumbency, appointments)."""
    wins = ", ".join(f"{y} {r}" for y, r in zip(tenure.years, tenure.rounds, strict=True))
    first_year = tenure.years[0]
    parts = [f"Derived from {file} (Prosecutors and Politics Project schema): won the {wins} election(s). "
             f"Start: {START_RULES[rule][1]}, applied to the {first_year} election."]
    if before is None and tenure.first.incumbent is True:
        parts.append(f"Already the incumbent at the {first_year} election: in office earlier "
                     "(earlier terms are not in this file).")
    elif before is None and tenure.first.incumbent is None:
        parts.append(f"Incumbency at the {first_year} election is not stated; earlier terms are not in this file.")
    elif before is not None and tenure.first.incumbent:
        parts.append(f"Marked incumbent at the {first_year} election although {before.winner.name} won "
                     f"{before.years[-1]}: probably appointed mid-term (date not in this file); shown from the "
                     "elected term's start.")
    if after is not None:
        parts.append(f"End: the day before {after.winner.name} took office by the same rule.")
        if after.first.incumbent:
            parts.append("The successor was already the incumbent at that election, so this term probably "
                         "ended earlier by a mid-term vacancy (date not in this file).")
    elif unread:
        years = ", ".join(map(str, unread))
        parts.append(f"No end: no winner can be read for the later election(s) in the file ({years}; see the "
                     "rejected rows), so the term is shown as continuing.")
    else:
        parts.append(f"No end: no later election for this county in the file (last won {tenure.years[-1]}).")
    return " ".join(parts)


def _start_rule(district: str) -> str:
    row = vocab.load_mapping("ca_term_start_rules").rows.get(vocab.normalize_key(district))
    rule = row["rule"] if row else DEFAULT_START_RULE
    if rule not in START_RULES:
        raise ValueError(f"ca_term_start_rules.csv: unknown rule {rule!r} for {district!r}")
    return rule


def _lookup(mapping: str, value: str, column: str, record: Record, result: FileResult) -> dict[str, str] | None:
    try:
        return vocab.load_mapping(mapping).lookup(value, column)
    except vocab.UnknownCode:
        result.unknown(record, column, value)
    except vocab.ExcludedCode as error:
        result.reject(record, str(error), column=column, kind="excluded")
    return None


def _percent(value: str, column: str) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"non-numeric vote percent {value!r} in column {column!r}") from None
    if math.isnan(number) or not 0 <= number <= 100:
        raise ValueError(f"vote percent {value!r} in column {column!r} is not between 0 and 100")
    return number


def _boolean(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.strip().lower())


def _read_column(path: Path, column: str) -> set[str]:
    if not path.exists():
        return set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {(row.get(column) or "").strip() for row in csv.DictReader(handle)} - {""}
