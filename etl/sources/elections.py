"""Prosecutor election returns by county (OpenElections and MEDSL), and the cited per-state rules.

Why a source of its own: for most counties no case data exist, but who won the prosecutor's election, and
whether anyone ran against them, is public almost everywhere. This adapter turns the two collections in
`elections/` into contests a voter can read; every rule below is data or a stated rule, never a guess:

- **office**: the owner's office text (`DISTRCT ATTORNY`, `DEM FOR PROSECUTING ATTORNEY`, `Solicitor Circuit 8`)
  is matched, as `ST|OFFICE`, against the patterns of `mappings/election_offices.csv` (first match wins; a
  pattern with no kind marks offices that are not local prosecutors). A party written into the office or
  district field (`... - REP`, `(REPUBLICAN)`, `DEM FOR ...`) is taken out and becomes the primary's party.
- **district**: the district column, else a number or name the office text gives (`10TH JUDICIAL CIRCUIT`,
  `DISTRICT 03`, `(PATAULA)`), normalised (`010` = `10th Judicial Circuit`); with none, the contest is the
  county's. Georgia circuits become the `ga_circuits` office ids, and offices of the curated table are
  named in `mappings/election_office_ids.csv`, so their elections join their terms.
- **votes**: candidate rows are summed per contest over its counties. Unnamed write-ins count in the valid
  vote but are never an opponent; over/under votes, blanks and totals are in no share
  (`mappings/election_non_candidates.csv`); named write-ins are candidates.
- **contested**: at least two candidates each with at least 5% of the valid vote (CONTESTED_SHARE).
  A race with only unnamed write-ins has no candidate: its rows are excluded with that reason.
- **duplicates**: a county's contest found in both collections keeps the one counting more valid votes
  (ties: OpenElections, whose files name their precincts), and the other's rows are kept as duplicates,
  naming the choice. A district total (`jurisdiction_total`) is used only when no county rows exist.
- **districts**: a district's counties are every county seen voting in it in any year, plus the crosswalk;
  a contest missing some of them says so in `election_contest.counties_missing`, and its winner is
  computed from the counties reported.
- **people**: general-election winners become prosecutors and terms, marked `derived`, with the term
  length and start from `data/reference/state_prosecutor_rules.csv` (one cited row per state). A derived
  term never outranks a curated or directory one: resolve_people.sql keeps an office's terms from the first
  source that has any.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar, TypeVar

from etl import vocab
from etl.sources.base import Adapter, FileResult, Record, open_text, parse_count, read_csv
from etl.sources.curated import parse_iso_date, term_id
from etl.sources.ga_circuits import circuit_office_id, title_name

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
RULES_FILE = "state_prosecutor_rules.csv"
RULE_COLUMNS = ("state_abbr", "office_kind", "elected_per", "term_years", "term_start_month",
                "regular_election_year", "citation")
CONTESTED_SHARE = 0.05  # an opponent with less than this share of the valid vote is not a real contest
REQUIRED = ("state", "geo_level", "county_fips", "year", "election_date", "election_type", "office", "district",
            "candidate", "party", "votes", "row_kind", "source_repo")
COLLECTIONS = {"openelections": "OpenElections", "medsl": "MEDSL"}
_PARTY_SUFFIX = re.compile(r"\s*(?:[-(]\s*|\b)(DEM|REP|DEMOCRAT(?:IC)?|REPUBLICAN|D|R)\s*\)?\s*$")
_PARTY_PREFIX = re.compile(r"^(DEM|REP|DEMOCRAT(?:IC)?|REPUBLICAN)\s+(?:FOR\s+)?")
_OFFICE_DISTRICT = (
    re.compile(r"\b(\d+)\s*(?:ST|ND|RD|TH)\s+(?:JUDICI?AL\s+)?(?:CIRCUIT|DISTRICT)"),
    re.compile(r"\b(?:DISTRICT|CIRCUIT)\s+0*(\d+)\b"),
    re.compile(r"\(([A-Z][A-Z .'-]+)\)\s*$"),
)
_COURT = re.compile(r"(STATE|SUPERIOR|MAGISTRATE|PROBATE|JUVENILE|MUNICIPAL|COUNTY) COURT")
_SPECIAL = re.compile(r"UNEXPIRED|VACANCY|TO FILL")
_INCUMBENT = re.compile(r"\s*\((?:I|INC)\)\s*$", re.IGNORECASE)
_FIPS = re.compile(r"^\d{5}$")
T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Rule:
    """One state's (or one office kind's) rule: how long a term is, when it starts, when elections fall."""

    state: str
    kind: str
    elected_per: str
    term_years: int
    start_month: int
    regular_year: int | None
    citation: str

    def term_after(self, election: date) -> tuple[date, date]:
        """The term a November winner serves: from the rule's month after the election, for term_years."""
        year = election.year if self.start_month > election.month else election.year + 1
        start = date(year, self.start_month, 1)
        return start, date(year + self.term_years, self.start_month, 1) - timedelta(days=1)


def load_rules(path: Path | None = None) -> dict[tuple[str, str], Rule]:
    """The cited per-state rules by (state, office kind); kind '' is the state's default."""
    path = path or REFERENCE_DIR / RULES_FILE
    rules: dict[tuple[str, str], Rule] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rule = Rule(row["state_abbr"].strip(), row["office_kind"].strip(), row["elected_per"].strip(),
                        int(row["term_years"]), int(row["term_start_month"]),
                        int(row["regular_election_year"]) if row["regular_election_year"].strip() else None,
                        row["citation"].strip())
            rules[(rule.state, rule.kind)] = rule
    return rules


def rule_for(rules: dict[tuple[str, str], Rule], state: str, kind: str) -> Rule | None:
    return rules.get((state, kind)) or rules.get((state, ""))


class ProsecutorRules(Adapter):
    """data/reference/state_prosecutor_rules.csv -> `prosecutor_rule`: every row needs a citation."""

    source_id = "prosecutor_rules"

    def read_file(self, path: Path, result: FileResult) -> None:
        states = vocab.load_mapping("us_state_fips")
        seen: dict[tuple[str, str], int] = {}
        for record in read_csv(path, result, required=RULE_COLUMNS):
            values = {c: record.get(c).strip() for c in RULE_COLUMNS}
            problem = _rule_problem(values, states)
            if problem:
                result.reject(record, problem[1], column=problem[0])
                continue
            key = (values["state_abbr"], values["office_kind"])
            if key in seen:
                result.reject(record, f"rule already given on line {seen[key]}", column="state_abbr",
                              kind="duplicate")
                continue
            seen[key] = record.line
            result.emit("prosecutor_rule", {
                "state_abbr": values["state_abbr"], "office_kind": values["office_kind"] or None,
                "elected_per": values["elected_per"], "term_years": int(values["term_years"]),
                "term_start_month": int(values["term_start_month"]),
                "regular_election_year": int(values["regular_election_year"]) if values["regular_election_year"]
                else None, "citation": values["citation"]})
            result.accept()


def _rule_problem(values: dict[str, str], states: vocab.Mapping) -> tuple[str, str] | None:
    if vocab.normalize_key(values["state_abbr"]) not in states.rows:
        return "state_abbr", f"unknown state {values['state_abbr']!r}"
    if values["elected_per"] not in ("county", "district"):
        return "elected_per", f"elected_per {values['elected_per']!r} is not county or district"
    for column, low, high in (("term_years", 1, 12), ("term_start_month", 1, 12)):
        if not values[column].isdigit() or not low <= int(values[column]) <= high:
            return column, f"{column} {values[column]!r} is not a whole number from {low} to {high}"
    year = values["regular_election_year"]
    if year and not (year.isdigit() and 1990 <= int(year) <= 2100):
        return "regular_election_year", f"regular_election_year {year!r} is not a year"
    if not values["citation"]:
        return "citation", "citation is empty: every rule needs the law it comes from"
    return None


@dataclass
class _Row:
    """One usable input row."""

    result: FileResult
    record: Record
    collection: str
    state: str
    fips: str  # "" for a district total
    when: date
    round: str
    party: str  # the primary's party; "" for other rounds
    kind: str
    district: str  # normalised district key; "" = the county's own office
    district_text: str
    candidate: str  # as written, incumbent mark removed
    candidate_party: str | None
    votes: int
    role: str  # candidate | write_in | not_a_vote
    incumbent: bool | None


@dataclass
class _Contest:
    state: str
    when: date
    round: str
    party: str
    kind: str
    district: str
    district_text: str
    rows: list[_Row] = field(default_factory=list)


class ElectionReturns(Adapter):
    """OpenElections + MEDSL county returns -> contests, candidates' shares, offices and derived terms."""

    source_id = "election_returns"
    mappings: ClassVar[tuple[str, ...]] = ("election_offices", "election_types", "election_parties",
                                           "election_non_candidates", "election_office_ids")

    def __init__(self, rules_path: Path | None = None) -> None:
        self.rules = load_rules(rules_path)
        self.rows: list[_Row] = []
        self.district_counties: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.county_names: dict[str, str] = {}
        self.offices = [(re.compile(r["source_value"]), r["kind"], r["label"])
                        for r in vocab.load_mapping("election_offices").items()]
        self.non_candidates = [(re.compile(r["source_value"]), r["kind"])
                               for r in vocab.load_mapping("election_non_candidates").items()]
        self.labels = {kind: label for _, kind, label in self.offices if kind}

    # reading ---------------------------------------------------------------------------------------------
    def read_file(self, path: Path, result: FileResult) -> None:
        header = _header(path)
        if "district_label_normalized" in header:
            self._read_crosswalk(path, result)
        elif header[:3] == ["fips", "state", "county_name"]:
            for record in read_csv(path, result, required=("fips", "state", "county_name")):
                self.county_names[record["fips"].strip()] = record["county_name"].strip()
                result.accept()
        else:
            collection = "medsl" if "medsl" in path.name.lower() else "openelections"
            for record in read_csv(path, result, required=REQUIRED):
                row = self._parse(record, result, collection)
                if row is not None:
                    self.rows.append(row)

    def _read_crosswalk(self, path: Path, result: FileResult) -> None:
        for record in read_csv(path, result, required=("state", "district_label_normalized", "county_fips",
                                                       "office_strings")):
            state, fips = record["state"].strip(), record["county_fips"].strip()
            office = record["office_strings"].split(";")[0].strip()
            kind = self._kind(state, _strip_party(office.upper())[0])
            if not _FIPS.match(fips) or not kind:
                result.reject(record, f"crosswalk row without a usable county {fips!r} or office {office!r}",
                              column="county_fips" if not _FIPS.match(fips) else "office_strings")
                continue
            district, _ = _district(record["district_label_normalized"], office)
            self.district_counties[(state, kind, district)].add(fips)
            result.accept()

    def _kind(self, state: str, office: str) -> str | None:
        text = f"{state}|{office}"
        for pattern, kind, _ in self.offices:
            if pattern.search(text):
                return kind or None
        return None

    def _parse(self, record: Record, result: FileResult, collection: str) -> _Row | None:
        v = {c: re.sub(r"\s+", " ", record.get(c)).strip() for c in REQUIRED}
        state = v["state"].upper()
        try:
            when = parse_iso_date(v["election_date"], "election_date")
        except ValueError as error:
            result.reject(record, str(error), column="election_date")
            return None
        try:
            kind_of_round = vocab.load_mapping("election_types").lookup(v["election_type"], "election_type")
        except vocab.UnknownCode:
            result.unknown(record, "election_type", v["election_type"])
            return None
        office, office_party = _strip_party(v["office"].upper())
        kind = self._kind(state, office)
        if kind is None:
            result.reject(record, f"office {v['office']!r} is not a local prosecutor's office "
                                  "(no pattern in election_offices matches)", column="office", kind="excluded")
            return None
        district_text, district_party = _strip_party(v["district"].upper())
        round_ = kind_of_round["round"]
        if round_ == "general" and _SPECIAL.search(office):
            round_ = "special"
        party = ""
        if round_ in ("primary", "primary_runoff"):
            party = kind_of_round["party"] or _party(office_party or district_party) or ""
        fips = v["county_fips"]
        if v["geo_level"] == "county" and not _FIPS.match(fips):
            result.reject(record, f"county_fips {fips!r} is not a 5-digit county code", column="county_fips")
            return None
        if v["geo_level"] != "county":
            fips = ""
        if not v["votes"]:
            result.reject(record, "no vote count: this county did not vote in the race (statewide files list every "
                          "district's candidates in every county) or kept no count for it", column="votes",
                          kind="excluded")
            return None
        try:
            votes = parse_count(v["votes"], column="votes")
        except ValueError as error:
            result.reject(record, str(error), column="votes")
            return None
        name = _INCUMBENT.sub("", v["candidate"]).strip()
        incumbent = True if name != v["candidate"].strip() else None
        named_party = _PARTY_PREFIX.match(name.upper())
        if named_party and len(name) > named_party.end():  # 'REP CHARLES T. MILLER': the party typed into the name
            name, v["party"] = name[named_party.end():].strip(), v["party"] or named_party.group(1)
        role = self._role(name, v["row_kind"])
        if role == "candidate" and not name:
            result.reject(record, "candidate name is empty", column="candidate")
            return None
        if round_ in ("primary", "primary_runoff") and not party:
            party = _party(v["party"]) or ""
        district, shown = _district(district_text, office)
        return _Row(result, record, collection, state, fips, when, round_, party, kind, district, shown, name,
                    _party(v["party"]), votes, role, incumbent)

    def _role(self, name: str, row_kind: str) -> str:
        upper = name.upper()
        for pattern, kind in self.non_candidates:
            if pattern.search(upper):
                return kind
        if row_kind == "non_candidate_total" or not name:
            return "not_a_vote"
        return "candidate"  # a named write-in is a candidate

    # across files ----------------------------------------------------------------------------------------
    def finish(self, results: list[FileResult]) -> None:
        if not results:
            return
        out = results[0]
        rows = self._drop_duplicates(self.rows)
        for (state, kind, district), members in _group(rows, lambda r: (r.state, r.kind, r.district)).items():
            if district:
                self.district_counties[(state, kind, district)].update(r.fips for r in members if r.fips)
        self._district_of_county_rows(rows)
        contests: dict[tuple, _Contest] = {}
        for row in rows:
            place = row.district or row.fips
            key = (row.state, row.when, row.round, row.party, row.kind, place)
            contest = contests.setdefault(key, _Contest(row.state, row.when, row.round, row.party, row.kind,
                                                        row.district, row.district_text))
            contest.rows.append(row)
        winners: list[tuple[str, str, _Contest, str, bool]] = []
        offices: dict[str, tuple[str, str, str, set[str]]] = {}
        for contest in contests.values():
            counted = self._count(contest, offices)
            if counted is not None:
                winners.append(counted)
        for office_id, (name, state, kind, counties) in sorted(offices.items()):
            out.emit("office", {"office_id": office_id, "name": name, "state_abbr": state, "kind": kind,
                                "selection": "elected"})
            for fips in sorted(counties):
                out.emit("office_county", {"office_id": office_id, "fips": fips})
        self._derive_terms(out, winners, offices)

    def _drop_duplicates(self, rows: list[_Row]) -> list[_Row]:
        """One collection per county contest; a district total only where no county rows exist."""
        kept: list[_Row] = []
        by_county = _group([r for r in rows if r.fips],
                           lambda r: (r.state, r.fips, r.when, r.round, r.party, r.kind))
        for members in by_county.values():
            collections = _group(members, lambda r: r.collection)
            if len(collections) == 1:
                kept.extend(members)
                continue
            valid = {c: sum(r.votes for r in m if r.role != "not_a_vote") for c, m in collections.items()}
            chosen = max(valid, key=lambda c: (valid[c], c == "openelections"))
            other = next(c for c in collections if c != chosen)
            why = "more valid votes" if valid[chosen] != valid[other] else "equal votes: OpenElections preferred"
            kept.extend(collections[chosen])
            first = collections[chosen][0]
            for row in collections[other]:
                row.result.reject(row.record, f"same contest (county {row.fips}, {row.when}, {row.round}) is also in "
                                  f"{COLLECTIONS[chosen]} ({first.result.file} line {first.record.line}): kept "
                                  f"{COLLECTIONS[chosen]} ({valid[chosen]:,} valid votes against {valid[other]:,}; "
                                  f"{why})", column="source_repo", kind="duplicate")
        with_counties = {(r.state, r.when, r.round, r.party, r.kind, r.district) for r in kept}
        for row in rows:
            if row.fips:
                continue
            if (row.state, row.when, row.round, row.party, row.kind, row.district) in with_counties:
                row.result.reject(row.record, "district total: this contest is summed from its county rows",
                                  column="geo_level", kind="excluded")
            elif not row.district or not self.district_counties.get((row.state, row.kind, row.district)):
                row.result.reject(row.record, "district total whose counties are not known (no county rows "
                                  "or crosswalk for this district)", column="district")
            else:
                kept.append(row)
        return kept

    def _district_of_county_rows(self, rows: list[_Row]) -> None:
        """A county's row that names no district, for an office its state's rule says is elected by district (a
        Georgia circuit's special election reported county by county), belongs to the one multi-county district
        known to hold that county: without this, each county's share of one race would become an office of its
        own. States that elect by county (or by both) keep such rows as the county's own office."""
        holding: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for (state, kind, district), counties in self.district_counties.items():
            rule = rule_for(self.rules, state, kind)
            if len(counties) > 1 and rule is not None and rule.elected_per == "district":
                for fips in counties:
                    holding[(state, kind, fips)].append(district)
        shown = {(r.state, r.kind, r.district): r.district_text for r in rows if r.district and r.district_text}
        for row in rows:
            found = holding.get((row.state, row.kind, row.fips), []) if row.fips and not row.district else []
            if len(found) == 1:
                row.district = found[0]
                row.district_text = shown.get((row.state, row.kind, found[0]), found[0])

    def _count(self, contest: _Contest, offices: dict[str, tuple[str, str, str, set[str]]]
               ) -> tuple[str, str, _Contest, str, bool] | None:
        """Emit one contest's election rows; (office_id, winner, contest, note, complete) for a general."""
        candidates: dict[str, list[_Row]] = defaultdict(list)
        write_ins = 0
        for row in contest.rows:
            if row.role == "candidate":
                candidates[_name_key(row.candidate)].append(row)
            elif row.role == "write_in":
                write_ins += row.votes
        if not candidates:
            for row in contest.rows:
                row.result.reject(row.record, "write-in-only race: no candidate was on the ballot, so there is "
                                  "no winner to name", column="candidate", kind="excluded")
            return None
        reported = {r.fips for r in contest.rows if r.fips}
        expected = set(self.district_counties.get((contest.state, contest.kind, contest.district), set())) \
            if contest.district else set()
        from_total = not reported
        counties = expected if from_total else (reported | expected)
        missing = sorted(expected - reported) if not from_total else []
        office_id, office_name = self._office(contest, counties)
        known = offices.setdefault(office_id, (office_name, contest.state, contest.kind, set()))
        known[3].update(counties)
        totals = {key: sum(r.votes for r in rows) for key, rows in candidates.items()}
        valid = sum(totals.values()) + write_ins
        ranked = sorted(totals, key=lambda k: -totals[k])
        top = ranked[0]
        winner_key = top if len(ranked) == 1 or totals[ranked[1]] < totals[top] else None
        serious = [k for k in ranked if valid and totals[k] / valid >= CONTESTED_SHARE]
        contested = len(serious) >= 2
        names = {key: _display(rows) for key, rows in candidates.items()}
        for key in ranked:
            rows = candidates[key]
            for row in rows:
                row.result.accept()
            out = rows[0].result
            out.emit("election", {
                "office_id": office_id, "election_date": contest.when, "round": _round(contest),
                "candidate_name": names[key], "incumbent": True if any(r.incumbent for r in rows) else None,
                "vote_share": totals[key] / valid if valid else None,
                "winner": (key == winner_key) if winner_key else None, "contested": contested})
        for row in contest.rows:
            if row.role != "candidate":
                row.result.accept()  # write-ins and over/under votes are read into the contest's totals
        collections = sorted({COLLECTIONS[r.collection] for r in contest.rows})
        notes = []
        if missing:
            notes.append(f"{len(missing)} of {len(counties)} counties of this district are missing from the returns "
                         f"({', '.join(self.county_names.get(f, f) for f in missing)}); shares and winner are from "
                         "the counties reported")
        if from_total:
            notes.append("from the district's total (no county rows)")
        if winner_key is None:
            notes.append("tie for first place: no winner named")
        contest.rows[0].result.emit("election_contest", {
            "office_id": office_id, "election_date": contest.when, "round": _round(contest),
            "party": contest.party or None,
            "counties_reported": len(reported) if not from_total else 0, "counties_expected": len(counties),
            "counties_missing": ";".join(missing) or None, "valid_votes": valid,
            "candidates": len(ranked), "contested": contested,
            "winner_name": names[winner_key] if winner_key else None,
            "winner_share": totals[winner_key] / valid if winner_key and valid else None,
            "collection": "; ".join(collections), "note": "; ".join(notes) or None})
        if contest.round != "general" or winner_key is None:
            return None
        return office_id, names[winner_key], contest, "; ".join(notes), not missing

    def _office(self, contest: _Contest, counties: set[str]) -> tuple[str, str]:
        state, label = contest.state, self.labels.get(contest.kind, contest.kind)
        if contest.district:
            if state == "GA" and contest.kind == "district_attorney" and not contest.district.isdigit():
                circuit = contest.district_text.title()
                official = vocab.load_mapping("ga_circuit_names").rows.get(vocab.normalize_key(circuit))
                circuit = official["judicial_circuit"] if official else circuit
                return circuit_office_id(circuit), f"{circuit} Judicial Circuit District Attorney"
            area = ("judicial circuit" if "CIRCUIT" in contest.district_text
                    else "judicial district" if "JUDIC" in contest.district_text else "district")
            number = contest.district.isdigit()
            place = f"{_ordinal(int(contest.district))} {area}" if number else contest.district_text.title()
            # the id rests on the district's number alone: '010' and '10TH JUDICIAL CIRCUIT' are one office
            key = _ordinal(int(contest.district)) if number else vocab.slug(place)
            office_id = f"{state.lower()}-{key}-{vocab.slug(label)}"
            name = f"{label}, {place} ({state})"
        else:
            fips = min(counties)
            county = self.county_names.get(fips, fips)
            short = re.sub(r"\s+(County|Parish|Borough|Census Area|Municipality)$", "", county)
            office_id = f"{state.lower()}-{vocab.slug(short)}-{vocab.slug(label)}"
            name = f"{label}, {county}"
        alias = vocab.load_mapping("election_office_ids").rows.get(vocab.normalize_key(office_id))
        return (alias["office_id"], name) if alias else (office_id, name)

    def _derive_terms(self, out: FileResult, winners: list[tuple[str, str, _Contest, str, bool]],
                      offices: dict[str, tuple[str, str, str, set[str]]]) -> None:
        """General-election winners -> derived terms, one per run of consecutive wins of one person."""
        by_office = _group(winners, lambda w: w[0])
        people: set[str] = set()
        for office_id, wins in sorted(by_office.items()):
            _, state, kind, _ = offices[office_id]
            rule = rule_for(self.rules, state, kind)
            if rule is None:
                continue
            wins = sorted(wins, key=lambda w: w[2].when)
            runs: list[list[tuple[str, str, _Contest, str, bool]]] = []
            for win in wins:
                if runs and vocab.slug(runs[-1][-1][1]) == vocab.slug(win[1]):
                    runs[-1].append(win)
                else:
                    runs.append([win])
            for i, run in enumerate(runs):
                start, _ = rule.term_after(run[0][2].when)
                _, end = rule.term_after(run[-1][2].when)
                if i + 1 < len(runs):
                    end = min(end, rule.term_after(runs[i + 1][0][2].when)[0] - timedelta(days=1))
                if end < start:
                    continue
                name = run[-1][1]
                prosecutor_id = vocab.slug(f"{name} {state}")
                if prosecutor_id not in people:
                    people.add(prosecutor_id)
                    out.emit("prosecutor", {"prosecutor_id": prosecutor_id, "name": name, "party": None})
                won = " and ".join(f"{_month_year(w[2].when)}" for w in run)
                caveats = "; ".join(w[3] for w in run if w[3])
                where = ", ".join(sorted({c for w in run for c in _collections(w[2])}))
                citation = (f"Derived from election returns ({where}): "
                            f"won the {won} general election{'s' if len(run) > 1 else ''}; term to "
                            f"{end:%B %Y} by state law ({rule.citation}). Not an official roster: a winner may "
                            "have left office early." + (f" Note: {caveats}." if caveats else ""))
                out.emit("term", {"term_id": term_id(office_id, prosecutor_id, start), "prosecutor_id": prosecutor_id,
                                  "office_id": office_id, "start_date": start, "end_date": end, "entry": "derived",
                                  "citation": citation})


# helpers -----------------------------------------------------------------------------------------------------
def _header(path: Path) -> list[str]:
    with open_text(path, "election_returns") as text:
        first = text.readline(100_000)
    return [h.replace("\ufeff", "").strip().strip('"') for h in first.split(",")]


def _strip_party(text: str) -> tuple[str, str]:
    """Take a party out of an office or district field: ('PROSECUTING ATTORNEY', 'DEM')."""
    text = re.sub(r"\s+", " ", text).strip()
    match = _PARTY_PREFIX.match(text)
    if match:
        return text[match.end():].strip(), match.group(1)
    match = _PARTY_SUFFIX.search(text)
    if match and (match.group(0).strip().startswith(("-", "(")) or len(match.group(1)) > 1):
        return text[:match.start()].strip(" -"), match.group(1)
    return text, ""


def _party(code: str | None) -> str | None:
    if not code:
        return None
    row = vocab.load_mapping("election_parties").rows.get(vocab.normalize_key(code))
    return row["party"] if row else None


def _district(district: str, office: str) -> tuple[str, str]:
    """(normalised key, shown text) of a contest's district: '010' and '10TH JUDICIAL CIRCUIT' are both '10'."""
    text = (district or "").upper().strip()
    if _COURT.fullmatch(text):  # 'STATE COURT': the court the office serves, not a district of several places
        text = ""
    if not text:
        for pattern in _OFFICE_DISTRICT:
            match = pattern.search(office.upper())
            if match:
                text = match.group(0) if match.group(1).isdigit() else match.group(1)
                break
    if not text:
        return "", ""
    number = re.search(r"\d+", text)
    if number:
        return str(int(number.group(0))), text
    name = re.sub(r"\b(JUDICI?AL|CIRCUIT|DISTRICT|PROSECUTORIAL|THE)\b", " ", text)
    name = re.sub(r"[^A-Z ]", " ", name)
    name = re.sub(r"\s+", " ", name).strip()
    return vocab.slug(name), name


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", vocab.slug(name.replace('"', " ")))


def _display(rows: list[_Row]) -> str:
    spelled = Counter(r.candidate for r in rows).most_common(1)[0][0]
    return title_name(spelled)


def _round(contest: _Contest) -> str:
    return {"primary_runoff": "runoff"}.get(contest.round, contest.round)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month_year(day: date) -> str:
    return f"{day:%B %Y}"


def _collections(contest: _Contest) -> set[str]:
    return {COLLECTIONS[r.collection] for r in contest.rows}


def _group(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


