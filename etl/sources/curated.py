"""Curated, cited tables of prosecutors' offices, their holders and elections (data/reference/).

Why a curated source: no public file lists who held an office on which day, and attribution by date (each
decision belongs to the prosecutor in office on its date) needs exactly that. Every row is typed by hand from a
public record and carries its citation; this adapter is the gate that keeps the table honest:

- offices.csv  -> `office` and `office_county` (FIPS: 5 digits, `;`-separated, in the office's state);
- terms.csv    -> `prosecutor` (one per person) and `term` (dates checked, entry from the vocabulary,
  citation required; two terms of one office never overlap: the later row is rejected, naming the other);
- elections.csv (optional) -> `election` (known office, date, round, 0-1 vote share, citation required).

Which table a file holds is read from its header, so test fixtures may use any file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from etl import vocab
from etl.sources.base import MAX_LINE_CHARS, Adapter, FileResult, Record, SourceError, open_text, read_csv

OFFICE_COLUMNS = ("office_id", "name", "state_abbr", "kind", "selection", "fips")
TERM_COLUMNS = ("office_id", "prosecutor_name", "party", "start_date", "end_date", "entry", "citation")
ELECTION_COLUMNS = ("office_id", "election_date", "round", "candidate_name", "incumbent", "vote_share", "winner",
                    "contested", "citation")

OFFICE_KINDS = ("district_attorney", "state_attorney", "states_attorney", "solicitor_general", "county_attorney",
                "attorney_general")
SELECTIONS = ("elected", "appointed")
PARTIES = ("Democratic", "Republican", "Independent", "Libertarian", "Green", "Nonpartisan")
ROUNDS = ("primary", "general", "special", "runoff")
BOOLEANS = {"true": True, "false": False, "": None}

_OFFICE_ID = re.compile(r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIPS = re.compile(r"^\d{5}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(value: str, column: str) -> date:
    """`yyyy-mm-dd` -> date; a malformed, impossible or future date -> ValueError naming the column."""
    text = value.strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"date {value!r} in column {column!r} is not yyyy-mm-dd")
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"impossible date {value!r} in column {column!r}") from None
    try:
        return vocab.check_date(parsed)
    except ValueError as error:
        raise ValueError(f"{error} in column {column!r}") from None


def term_id(office_id: str, prosecutor_id: str, start: date) -> str:
    """The stable id every source uses: `<office_id>--<prosecutor_id>--<start yyyy-mm-dd>`."""
    return f"{office_id}--{prosecutor_id}--{start.isoformat()}"


@dataclass(frozen=True)
class _Term:
    term_id: str
    line: int
    start: date
    end: date | None

    def overlaps(self, start: date, end: date | None) -> bool:
        far = date.max
        return start <= (self.end or far) and self.start <= (end or far)


class CuratedProsecutors(Adapter):
    """Reads the hand-curated office, term and election tables; rejects any row that breaks the rules."""

    source_id = "curated_prosecutors"
    mappings: ClassVar[tuple[str, ...]] = ("us_state_fips",)

    def __init__(self) -> None:
        self.offices: dict[str, str] = {}  # office_id -> state_abbr, from the offices file read in this run
        self.prosecutors: dict[str, str | None] = {}  # prosecutor_id -> party, across term files

    def read_file(self, path: Path, result: FileResult) -> None:
        header = _header(path, result)
        if "prosecutor_name" in header:
            if not self.offices:
                self._load_sibling_offices(path, result)
            self._read_terms(path, result)
        elif "candidate_name" in header:
            if not self.offices:
                self._load_sibling_offices(path, result)
            self._read_elections(path, result)
        elif "fips" in header and "kind" in header:
            self._read_offices(path, result)
        else:
            raise SourceError(self.source_id, result.file,
                              "not an offices, terms or elections table (header has: " + ", ".join(header)[:200] + ")",
                              line=1)

    # offices ---------------------------------------------------------------------------------------
    def _read_offices(self, path: Path, result: FileResult) -> None:
        states = vocab.load_mapping("us_state_fips")
        for record in read_csv(path, result, required=OFFICE_COLUMNS):
            values = {c: record.get(c).strip() for c in OFFICE_COLUMNS}
            office_id = values["office_id"]
            problem = _office_problem(values, states)
            if problem:
                result.reject(record, problem[1], column=problem[0])
                continue
            if office_id in self.offices:
                result.reject(record, f"office {office_id!r} is listed twice", column="office_id", kind="duplicate")
                continue
            fips_list = [f.strip() for f in values["fips"].split(";")]
            self.offices[office_id] = values["state_abbr"]
            result.emit("office", {c: values[c] for c in ("office_id", "name", "state_abbr", "kind", "selection")})
            for fips in fips_list:
                result.emit("office_county", {"office_id": office_id, "fips": fips})
            result.accept()

    def _load_sibling_offices(self, path: Path, result: FileResult) -> None:
        """A terms or elections file read on its own checks its office ids against offices.csv beside it."""
        sibling = path.with_name("offices.csv")
        if not sibling.exists():
            raise SourceError(self.source_id, result.file,
                              "no offices table read before this file and no offices.csv beside it")
        scratch = FileResult(source_id=self.source_id, file=sibling.name)
        for record in read_csv(sibling, scratch, required=OFFICE_COLUMNS):
            self.offices.setdefault(record.get("office_id").strip(), record.get("state_abbr").strip())

    # terms -----------------------------------------------------------------------------------------
    def _read_terms(self, path: Path, result: FileResult) -> None:
        accepted: dict[str, list[_Term]] = {}
        for record in read_csv(path, result, required=TERM_COLUMNS):
            parsed = self._parse_term(record, result)
            if parsed is None:
                continue
            office_id, name, party, start, end, entry, citation = parsed
            prosecutor_id = vocab.slug(name)
            if not prosecutor_id:
                result.reject(record, f"prosecutor name {name!r} gives an empty id", column="prosecutor_name")
                continue
            clash = next((t for t in accepted.get(office_id, []) if t.overlaps(start, end)), None)
            if clash is not None:
                result.reject(record, f"term overlaps term {clash.term_id} (line {clash.line}) of the same office",
                              column="start_date")
                continue
            known_party = self.prosecutors.get(prosecutor_id, party)
            if prosecutor_id in self.prosecutors and party and known_party and party != known_party:
                result.reject(record, f"party {party!r} contradicts {known_party!r} given for {name} on an earlier row",
                              column="party")
                continue
            tid = term_id(office_id, prosecutor_id, start)
            accepted.setdefault(office_id, []).append(_Term(tid, record.line, start, end))
            if prosecutor_id not in self.prosecutors:
                self.prosecutors[prosecutor_id] = party
                result.emit("prosecutor", {"prosecutor_id": prosecutor_id, "name": name, "party": party})
            elif party and not self.prosecutors[prosecutor_id]:
                self.prosecutors[prosecutor_id] = party
                for row in result.rows.get("prosecutor", []):
                    if row["prosecutor_id"] == prosecutor_id:
                        row["party"] = party
            result.emit("term", {"term_id": tid, "prosecutor_id": prosecutor_id, "office_id": office_id,
                                 "start_date": start, "end_date": end, "entry": entry, "citation": citation})
            result.accept()

    def _parse_term(self, record: Record, result: FileResult
                    ) -> tuple[str, str, str | None, date, date | None, str, str] | None:
        values = {c: record.get(c).strip() for c in TERM_COLUMNS}
        if values["office_id"] not in self.offices:
            result.reject(record, f"unknown office {values['office_id']!r} (not in the offices table)",
                          column="office_id")
            return None
        if not values["prosecutor_name"]:
            result.reject(record, "prosecutor name is empty", column="prosecutor_name")
            return None
        if values["party"] and values["party"] not in PARTIES:
            result.unknown(record, "party", values["party"])
            return None
        if values["entry"] not in vocab.TERM_ENTRIES:
            result.reject(record, f"entry {values['entry']!r} is not one of {', '.join(vocab.TERM_ENTRIES)}",
                          column="entry")
            return None
        if not values["citation"]:
            result.reject(record, "citation is empty: every term needs a public source for its dates",
                          column="citation")
            return None
        try:
            start = parse_iso_date(values["start_date"], "start_date")
            end = parse_iso_date(values["end_date"], "end_date") if values["end_date"] else None
        except ValueError as error:
            column = "start_date" if "start_date" in str(error) else "end_date"
            result.reject(record, str(error), column=column)
            return None
        if end is not None and end < start:
            result.reject(record, f"term ends ({end}) before it starts ({start})", column="end_date")
            return None
        return (values["office_id"], values["prosecutor_name"], values["party"] or None, start, end,
                values["entry"], values["citation"])

    # elections -------------------------------------------------------------------------------------
    def _read_elections(self, path: Path, result: FileResult) -> None:
        seen: dict[tuple[str, date, str, str], int] = {}
        for record in read_csv(path, result, required=ELECTION_COLUMNS):
            values = {c: record.get(c).strip() for c in ELECTION_COLUMNS}
            row = self._parse_election(record, values, result)
            if row is None:
                continue
            key = (row["office_id"], row["election_date"], row["round"], vocab.slug(row["candidate_name"]))
            if key in seen:
                result.reject(record, f"candidate already listed for this election on line {seen[key]}",
                              column="candidate_name", kind="duplicate")
                continue
            seen[key] = record.line
            result.emit("election", row)
            result.accept()

    def _parse_election(self, record: Record, values: dict[str, str], result: FileResult) -> dict | None:
        if values["office_id"] not in self.offices:
            result.reject(record, f"unknown office {values['office_id']!r} (not in the offices table)",
                          column="office_id")
            return None
        if values["round"] not in ROUNDS:
            result.unknown(record, "round", values["round"])
            return None
        if not values["candidate_name"]:
            result.reject(record, "candidate name is empty", column="candidate_name")
            return None
        if not values["citation"]:
            result.reject(record, "citation is empty", column="citation")
            return None
        flags = {}
        for column in ("incumbent", "winner", "contested"):
            if values[column].lower() not in BOOLEANS:
                result.reject(record, f"{column} must be true, false or empty, not {values[column]!r}", column=column)
                return None
            flags[column] = BOOLEANS[values[column].lower()]
        try:
            when = parse_iso_date(values["election_date"], "election_date")
        except ValueError as error:
            result.reject(record, str(error), column="election_date")
            return None
        share = None
        if values["vote_share"]:
            try:
                share = float(values["vote_share"])
            except ValueError:
                share = float("nan")
            if not 0 <= share <= 1:
                result.reject(record, f"vote_share {values['vote_share']!r} is not a fraction between 0 and 1",
                              column="vote_share")
                return None
        return {"office_id": values["office_id"], "election_date": when, "round": values["round"],
                "candidate_name": values["candidate_name"], "incumbent": flags["incumbent"], "vote_share": share,
                "winner": flags["winner"], "contested": flags["contested"]}


def _header(path: Path, result: FileResult) -> list[str]:
    with open_text(path, result.source_id) as text:
        first = text.readline(MAX_LINE_CHARS)  # bounded: a hostile first line is not read whole
    return [h.replace("\ufeff", "").strip().strip('"') for h in first.split(",")]


def _office_problem(values: dict[str, str], states: vocab.Mapping) -> tuple[str, str] | None:
    """(column, reason) for the first broken rule of an office row, or None when it is sound."""
    office_id, state = values["office_id"], values["state_abbr"]
    if not _OFFICE_ID.match(office_id):
        return "office_id", f"office_id {office_id!r} is not '<state>-<slug>' in lower case"
    state_fips = states.rows.get(vocab.normalize_key(state), {}).get("state_fips")
    if state_fips is None:
        return "state_abbr", f"unknown state {state!r}"
    if not office_id.startswith(state.lower() + "-"):
        return "office_id", f"office_id {office_id!r} does not start with its state {state.lower()!r}"
    if not values["name"]:
        return "name", "office name is empty"
    if values["kind"] not in OFFICE_KINDS:
        return "kind", f"kind {values['kind']!r} is not one of {', '.join(OFFICE_KINDS)}"
    if values["selection"] not in SELECTIONS:
        return "selection", f"selection {values['selection']!r} is not elected or appointed"
    fips_list = [f.strip() for f in values["fips"].split(";")]
    for fips in fips_list:
        if not _FIPS.match(fips):
            return "fips", f"FIPS {fips!r} is not a 5-digit county code"
        if not fips.startswith(state_fips):
            return "fips", f"FIPS {fips} is not in {state} (state code {state_fips})"
    if len(set(fips_list)) != len(fips_list):
        return "fips", "a county is listed twice"
    return None
