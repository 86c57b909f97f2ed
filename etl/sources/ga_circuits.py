"""Georgia counties, judicial circuits, District Attorneys and Solicitors-General (c. 2025 directory).

Georgia elects its District Attorney per judicial circuit (one to eight counties), so a circuit is one
office covering many counties; its counties come from every row of the directory (a county's Solicitor
row names its circuit too, which covers Thomas County, whose DA row is missing). Counties with a State
Court also elect a Solicitor-General, who prosecutes misdemeanours there: one office per county, kind
`solicitor_general` (the build counts felony cases for the District Attorney, who outranks it).

Cleaning, all as data or stated rules: the owner's positions map through `mappings/ga_positions.csv`;
a county filed under the wrong circuit is corrected by `mappings/ga_circuit_corrections.csv` (with the
evidence), and a circuit not called by its statutory name is renamed by `mappings/ga_circuit_names.csv`
(`DeKalb` -> `Stone Mountain`); names in capitals are title-cased (`RANDY MCGINLEY` -> `Randy McGinley`);
`Vacant` seats get an office but no person. A circuit or county listed with two different prosecutors
keeps the one on most rows and rejects the rest, naming the kept line.

The directory has no dates: each person gets one current term from 2025-01-01, the directory's date,
with a citation saying the real start date is not known. Phone numbers are never read into any table
(and are redacted from rejected rows' raw text).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from etl import vocab
from etl.sources.base import Adapter, FileResult, Record, read_csv
from etl.sources.curated import term_id

DIRECTORY_DATE = date(2025, 1, 1)
REQUIRED = ("county_fips", "county_name", "judicial_circuit", "person_id", "name", "position")
CITATION = ("Georgia prosecutors directory (enukenuk/georgia-prosecutors, county-circuit-prosecutor table): "
            "in office per the directory (c. 2025); start date not known: shown from the directory date "
            "(2025-01-01). Entry '{entry}'{why}.")
_GA_FIPS = re.compile(r"^13\d{3}$")
_ROMAN = {"II", "III", "IV", "VI", "VII", "VIII"}
_SUFFIXES = {"JR": "Jr", "SR": "Sr"}


def title_name(raw: str) -> str:
    """Title-case a name typed in capitals, keeping `McX`, `O'X`, hyphens, initials, `Jr.` and `III` sensible.

    Names already in mixed case are kept as the owner wrote them (`Samuel J. DeRocco, IV`).
    """
    text = re.sub(r"\s+", " ", raw).strip()
    if any(ch.islower() for ch in text):
        return text

    def word(token: str) -> str:
        bare = token.rstrip(".,")
        tail = token[len(bare):]
        if bare in _ROMAN:
            return bare + tail
        if bare in _SUFFIXES:
            return _SUFFIXES[bare] + tail
        parts = re.split(r"([-'’])", bare)
        out = []
        for part in parts:
            if part in "-'’" or not part:
                out.append(part)
            elif part.startswith("MC") and len(part) > 2:
                out.append("Mc" + part[2:].capitalize())
            else:
                out.append(part.capitalize())
        return "".join(out) + tail

    return " ".join(word(t) for t in text.split(" "))


@dataclass
class _Row:
    record: Record
    fips: str
    county: str
    circuit: str
    person: str  # the owner's person_id
    name: str  # title-cased; "" for a vacant seat
    kind: str  # district_attorney | solicitor_general


class GeorgiaCircuits(Adapter):
    """County -> circuit -> District Attorney, and county Solicitors-General, from the Georgia directory."""

    source_id = "ga_circuits"
    mappings: ClassVar[tuple[str, ...]] = ("ga_positions", "ga_circuit_corrections", "ga_circuit_names",
                                           "ga_term_entry")

    def read_file(self, path: Path, result: FileResult) -> None:
        rows = [r for r in (self._parse(rec, result) for rec in
                            read_csv(path, result, required=REQUIRED, redact=("phone",))) if r]
        rows = self._consistent(rows, result)
        for _ in rows:
            result.accept()
        self._emit(rows, result)

    def _parse(self, record: Record, result: FileResult) -> _Row | None:
        values = {c: re.sub(r"\s+", " ", record.get(c)).strip() for c in REQUIRED}
        if not _GA_FIPS.match(values["county_fips"]):
            result.reject(record, f"county_fips {values['county_fips']!r} is not a Georgia county code (13xxx)",
                          column="county_fips")
            return None
        for column in ("county_name", "judicial_circuit", "name"):
            if not values[column]:
                result.reject(record, f"{column} is empty", column=column)
                return None
        try:
            kind = vocab.load_mapping("ga_positions").lookup(values["position"], "position")["kind"]
        except vocab.UnknownCode:
            result.unknown(record, "position", values["position"])
            return None
        circuit = values["judicial_circuit"]
        correction = vocab.load_mapping("ga_circuit_corrections").rows.get(values["county_fips"])
        if correction and correction["judicial_circuit"] != circuit:
            result.notes.append(f"line {record.line}: {values['county_name']} ({values['county_fips']}) moved from "
                                f"circuit {circuit!r} to {correction['judicial_circuit']!r} (ga_circuit_corrections)")
            circuit = correction["judicial_circuit"]
        official = vocab.load_mapping("ga_circuit_names").rows.get(vocab.normalize_key(circuit))
        if official:
            circuit = official["judicial_circuit"]
        name = "" if values["name"].casefold() == "vacant" else title_name(values["name"])
        return _Row(record, values["county_fips"], values["county_name"], circuit, values["person_id"], name, kind)

    def _consistent(self, rows: list[_Row], result: FileResult) -> list[_Row]:
        """Reject rows that contradict the majority: a county in two circuits, two holders of one office."""
        rejected: set[int] = set()

        def reject_minority(groups: dict[str, list[_Row]], label: str, what: str, of: str) -> None:
            for key, members in groups.items():
                counts = Counter(getattr(r, label) for r in members)
                if len(counts) < 2:
                    continue
                winner = max(counts, key=lambda v: (counts[v], -min(r.record.line for r in members
                                                                     if getattr(r, label) == v)))
                kept = next(r for r in members if getattr(r, label) == winner)
                shown = repr(winner) if label == "circuit" else f"{kept.name or 'a vacant seat'} (person_id {winner})"
                for row in members:
                    if getattr(row, label) != winner and id(row) not in rejected:
                        rejected.add(id(row))
                        result.reject(row.record, f"{of} {key} already has {what} {shown} on line {kept.record.line}",
                                      column="judicial_circuit" if label == "circuit" else "name")

        by_county: dict[str, list[_Row]] = {}
        for row in rows:
            by_county.setdefault(row.fips, []).append(row)
        reject_minority(by_county, "circuit", "the judicial circuit", "county")
        live = [r for r in rows if id(r) not in rejected]
        das: dict[str, list[_Row]] = {}
        solicitors: dict[str, list[_Row]] = {}
        for row in live:
            (das.setdefault(row.circuit, []) if row.kind == "district_attorney"
             else solicitors.setdefault(row.fips, [])).append(row)
        reject_minority(das, "person", "District Attorney", "circuit")
        reject_minority(solicitors, "person", "Solicitor-General", "county")
        seen: dict[tuple[str, str, str], int] = {}
        kept = []
        for row in rows:
            if id(row) in rejected:
                continue
            key = (row.kind, row.fips, row.person)
            if key in seen:
                result.reject(row.record, f"same person and county already listed on line {seen[key]}",
                              column="county_fips", kind="duplicate")
                continue
            seen[key] = row.record.line
            kept.append(row)
        return kept

    def _emit(self, rows: list[_Row], result: FileResult) -> None:
        circuits: dict[str, set[str]] = {}
        for row in rows:
            circuits.setdefault(row.circuit, set()).add(row.fips)
        for circuit, counties in sorted(circuits.items()):
            office_id = circuit_office_id(circuit)
            result.emit("office", {"office_id": office_id, "name": f"{circuit} Judicial Circuit District Attorney",
                                   "state_abbr": "GA", "kind": "district_attorney", "selection": "elected"})
            for fips in sorted(counties):
                result.emit("office_county", {"office_id": office_id, "fips": fips})
        solicitor_offices: dict[str, _Row] = {}
        for row in rows:
            if row.kind == "solicitor_general":
                solicitor_offices.setdefault(row.fips, row)
        for fips, row in sorted(solicitor_offices.items()):
            office_id = solicitor_office_id(row.county)
            result.emit("office", {"office_id": office_id, "name": f"{row.county} County Solicitor-General",
                                   "state_abbr": "GA", "kind": "solicitor_general", "selection": "elected"})
            result.emit("office_county", {"office_id": office_id, "fips": fips})
        people: set[str] = set()
        terms: set[str] = set()
        vacant = []
        entries = vocab.load_mapping("ga_term_entry")
        for row in rows:
            if not row.name:
                vacant.append(f"{row.county} ({row.fips})")
                continue
            office_id = circuit_office_id(row.circuit) if row.kind == "district_attorney" \
                else solicitor_office_id(row.county)
            prosecutor_id = vocab.slug(row.name)
            if prosecutor_id not in people:
                people.add(prosecutor_id)
                result.emit("prosecutor", {"prosecutor_id": prosecutor_id, "name": row.name, "party": None})
            tid = term_id(office_id, prosecutor_id, DIRECTORY_DATE)
            if tid in terms:
                continue
            terms.add(tid)
            override = entries.rows.get(vocab.normalize_key(row.circuit)) if row.kind == "district_attorney" else None
            entry = override["entry"] if override else "elected"
            why = (f" because {_first_sentence(entries, row.circuit)}" if override
                   else " assumed (Georgia elects these offices; the directory does not say how the holder took "
                        "office)")
            result.emit("term", {"term_id": tid, "prosecutor_id": prosecutor_id, "office_id": office_id,
                                 "start_date": DIRECTORY_DATE, "end_date": None, "entry": entry,
                                 "citation": CITATION.format(entry=entry, why=why)})
        if vacant:
            result.notes.append("vacant Solicitor-General seats (office kept, no prosecutor or term): "
                                + ", ".join(vacant))


def circuit_office_id(circuit: str) -> str:
    return f"ga-{vocab.slug(circuit)}-circuit-da"


def solicitor_office_id(county: str) -> str:
    return f"ga-{vocab.slug(county)}-solicitor-general"


def _first_sentence(entries: vocab.Mapping, circuit: str) -> str:
    note = next((r.get("note", "") for r in entries.items()
                 if vocab.normalize_key(r["source_value"]) == vocab.normalize_key(circuit)), "")
    return note.rstrip(".")
