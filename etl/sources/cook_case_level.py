"""Cook County State's Attorney case-level files (county portal): Intake, Initiation, Dispositions, Sentencing.

Each file has one row per case participant (Intake) or per charge (the others). The adapters count
people, not charges: a row is counted only if it is the participant's primary charge (and, for
sentences, the current original sentence), and each CASE_PARTICIPANT_ID is counted once per source
across all its files; repeats are rejected as duplicates. Which repeat wins is the adapter's rule:
the first seen (Intake, Initiation), the latest disposition (Dispositions), the most severe sentence
(Sentencing). Counts are aggregated by month of the decision date.

A primary charge is often dropped because the person pleaded guilty to another count (`Nolle
Prosecution` with reason `PG to Other Count/s`): Dispositions reads CHARGE_DISPOSITION_REASON so such
a participant counts as a plea, not a dismissal, and a drug court graduation as diversion.

Offense: OFFENSE_CATEGORY is the category at intake; UPDATED_OFFENSE_CATEGORY is revised as charges
change (and names the offense of legacy `PROMIS Conversion` cases). Intake uses the intake category, so
approved and rejected cases are grouped alike; later stages use the updated one when it is filled in.
The offense level comes from the charge's class (X, 1-4 felony; A-C misdemeanor) where the file has one,
else from the offense category (these are felony cases).

Identifiers (case, participant, charge ids), judges' names and any birth date are redacted from the raw
text kept for rejected rows; none reaches a table. The portal has renamed columns between releases
(PRIMARY_CHARGE -> PRIMARY_CHARGE_FLAG, ...) and its API exports lower-case names: both are accepted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

import pandas as pd

from etl.sources.base import Adapter, FileResult, Record, read_csv
from etl.sources.cook_common import COOK_FIPS, REDACT_COLUMNS, Lookup, age_from_text, parse_cook_date, parse_flag
from etl.vocab import age_band

KEY_COLUMNS = ("period_start", "stage", "outcome", "source_outcome", "offense_category", "offense_level",
               "offense_detail", "race", "sex", "age_band")

# Every column of the four files (old and new names), so lower-case API headers are read as these.
KNOWN_COLUMNS = (
    "CASE_ID", "CASE_PARTICIPANT_ID", "RECEIVED_DATE", "OFFENSE_CATEGORY", "PARTICIPANT_STATUS", "AGE_AT_INCIDENT",
    "RACE", "GENDER", "INCIDENT_CITY", "INCIDENT_BEGIN_DATE", "INCIDENT_END_DATE", "LAW_ENFORCEMENT_AGENCY",
    "LAW_ENFORCEMENT_UNIT", "ARREST_DATE", "FELONY_REVIEW_DATE", "FELONY_REVIEW_RESULT", "UPDATED_OFFENSE_CATEGORY",
    "PRIMARY_CHARGE_FLAG", "CHARGE_ID", "CHARGE_VERSION_ID", "CHARGE_OFFENSE_TITLE", "CHARGE_COUNT", "CHAPTER", "ACT",
    "SECTION", "CLASS", "AOIC", "EVENT", "EVENT_DATE", "FINDING_NO_PROBABLE_CAUSE", "ARRAIGNMENT_DATE",
    "BOND_DATE_INITIAL", "BOND_DATE_CURRENT", "BOND_TYPE_INITIAL", "BOND_TYPE_CURRENT", "BOND_AMOUNT_INITIAL",
    "BOND_AMOUNT_CURRENT", "BOND_ELECTRONIC_MONITOR_FLAG_INITIAL", "BOND_ELECTRONIC_MONITOR_FLAG_CURRENT",
    "DISPOSITION_CHARGED_OFFENSE_TITLE", "DISPOSITION_DATE", "DISPOSITION_CHARGED_CHAPTER", "DISPOSITION_CHARGED_ACT",
    "DISPOSITION_CHARGED_SECTION", "DISPOSITION_CHARGED_CLASS", "DISPOSITION_CHARGED_AOIC", "CHARGE_DISPOSITION",
    "CHARGE_DISPOSITION_REASON", "JUDGE", "DISPOSITION_COURT_NAME", "DISPOSITION_COURT_FACILITY", "COMMITMENT_TERM",
    "COMMITMENT_TYPE", "COMMITMENT_UNIT", "SENTENCE_COURT_NAME", "SENTENCE_COURT_FACILITY", "CURRENT_SENTENCE_FLAG",
    "LENGTH_OF_CASE_IN_DAYS", "SENTENCE_DATE", "SENTENCE_JUDGE", "SENTENCE_PHASE", "SENTENCE_TYPE",
)
RENAMED = {
    "UPDATE_OFFENSE_CATEGORY": "UPDATED_OFFENSE_CATEGORY",  # Intake's spelling
    "PRIMARY_CHARGE": "PRIMARY_CHARGE_FLAG",  # Sentencing, ~2020 extract
    "CURRENT_SENTENCE": "CURRENT_SENTENCE_FLAG",
    "COURT_NAME": "SENTENCE_COURT_NAME",
    "COURT_FACILITY": "SENTENCE_COURT_FACILITY",
    "BOND_ELECTROINIC_MONITOR_FLAG_CURRENT": "BOND_ELECTRONIC_MONITOR_FLAG_CURRENT",  # (sic) in Initiation
}
ALIASES = {**{c: c for c in KNOWN_COLUMNS}, **RENAMED}
PERSON_COLUMNS = ("OFFENSE_CATEGORY", "AGE_AT_INCIDENT", "RACE", "GENDER")
# Participant ids kept as ints to save memory; ASCII digits only (str.isdigit() passes '²', which int() refuses).
_NUMERIC_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Filter:
    """A flag column a row must have true to be counted (else it is excluded with `reason`)."""

    column: str
    reason: str


@dataclass
class _Candidate:
    priority: tuple[object, ...]
    file_index: int
    line: int
    key: tuple[object, ...]
    raw: str


class _CookCaseLevel(Adapter):
    """Shared reading: filters, the stage's code, the decision month, offense and person -> one count."""

    stage_column: ClassVar[str]  # the owner's code that gives the outcome
    stage_mapping: ClassVar[str]
    date_columns: ClassVar[tuple[str, ...]]  # decision date, then fall-backs when it is blank
    class_column: ClassVar[str | None] = None
    use_updated_offense: ClassVar[bool] = True
    filters: ClassVar[tuple[Filter, ...]] = ()
    extra_required: ClassVar[tuple[str, ...]] = ()
    _why: ClassVar[str] = "each participant is counted once"  # said in duplicate rows' reason

    def read(self, paths: Iterable[Path], *, display_root: Path | None = None) -> list[FileResult]:
        self._best: dict[object, _Candidate] = {}
        self._results: list[FileResult] = []
        self._counts: list[Counter[tuple[object, ...]]] = []
        return super().read(paths, display_root=display_root)

    def read_file(self, path: Path, result: FileResult) -> None:
        index = len(self._results)
        self._results.append(result)
        self._counts.append(Counter())
        self._lookups = {
            "stage": Lookup(self.stage_mapping, self.stage_column),
            "offense": Lookup("cook_offense_types", "OFFENSE_CATEGORY"),
            "updated": Lookup("cook_offense_types", "UPDATED_OFFENSE_CATEGORY"),
            "class": Lookup("cook_charge_classes", self.class_column or "CLASS"),
            "race": Lookup("cook_race", "RACE"),
            "sex": Lookup("cook_sex", "GENDER"),
        }
        required = ("CASE_PARTICIPANT_ID", self.stage_column, self.date_columns[0], *PERSON_COLUMNS,
                    *(f.column for f in self.filters), *self.extra_required)
        for record in read_csv(path, result, required=dict.fromkeys(required), aliases=ALIASES,
                               redact=REDACT_COLUMNS):
            self._row(record, result, index)

    def finish(self, results: list[FileResult]) -> None:
        """Emit each file's surviving participants, aggregated; only now are they loaded."""
        for result, counts in zip(self._results, self._counts, strict=True):
            rows = [(*key, n) for key, n in counts.items() if n > 0]
            if not rows:
                continue
            frame = pd.DataFrame(rows, columns=[*KEY_COLUMNS, "n"])
            result.emit_frame("case_counts", frame.assign(fips=COOK_FIPS, period_grain="month"))
            result.accept(int(frame["n"].sum()))

    # --- one row ---------------------------------------------------------------------------------

    def _row(self, record: Record, result: FileResult, index: int) -> None:
        participant = record["CASE_PARTICIPANT_ID"].strip()
        if not participant:
            result.reject(record, "participant id missing", column="CASE_PARTICIPANT_ID")
            return
        for rule in self.filters:
            flag = parse_flag(record[rule.column])
            if flag is None:
                result.reject(record, f"unreadable flag {record[rule.column]!r} (expected true or false)",
                              column=rule.column)
                return
            if not flag:
                result.reject(record, rule.reason, column=rule.column, kind="excluded",
                              raw=f"{rule.column}={record[rule.column]}")
                return
        if not self._extra_checks(record, result):
            return
        code = " ".join(record[self.stage_column].split())
        lookups = self._lookups
        if not code and not lookups["stage"].has(""):
            result.reject(record, f"{self.stage_column} missing", column=self.stage_column)
            return
        stage = lookups["stage"].apply(code, record, result)
        if stage is None:
            return
        refined = self._refine(record, result, code, stage)
        if refined is None:
            return
        stage, label = refined
        when = self._date(record, result)
        if when is None:
            return
        offense = self._offense(record, result)
        if offense is None:
            return
        race = lookups["race"].apply(record["RACE"], record, result)
        sex = lookups["sex"].apply(record["GENDER"], record, result) if race is not None else None
        if race is None or sex is None:
            return
        try:
            years = age_from_text(record["AGE_AT_INCIDENT"])
        except ValueError:
            result.reject(record, f"non-numeric age {record['AGE_AT_INCIDENT']!r}", column="AGE_AT_INCIDENT")
            return
        key = (date(when.year, when.month, 1), stage["stage"], stage["outcome"], label, *offense,
               race["race"], sex["sex"], age_band(years))
        self._keep(participant, record, result, index, key, self._priority(stage, when))

    def _extra_checks(self, record: Record, result: FileResult) -> bool:
        """A subclass's further conditions for a row to count (True: go on)."""
        return True

    def _refine(self, record: Record, result: FileResult, code: str,
                stage: dict[str, str]) -> tuple[dict[str, str], str | None] | None:
        """The row's (stage, outcome) and source_outcome label after a subclass's refinements; None: rejected."""
        return stage, code or None

    def _priority(self, stage: dict[str, str], when: date) -> tuple[object, ...]:
        """Which of a participant's rows is counted: the highest priority; ties keep the first seen."""
        return ()

    def _date(self, record: Record, result: FileResult) -> date | None:
        for column in self.date_columns:
            text = record.get(column).strip()
            if not text:
                continue
            try:
                return parse_cook_date(text)
            except ValueError as error:
                result.reject(record, str(error), column=column)
                return None
        result.reject(record, f"{self.date_columns[0]} missing", column=self.date_columns[0])
        return None

    def _offense(self, record: Record, result: FileResult) -> tuple[str, str, str | None] | None:
        """(offense_category, offense_level, offense_detail) or None when the row was rejected."""
        label = " ".join(record["OFFENSE_CATEGORY"].split())
        lookup = self._lookups["offense"]
        updated = " ".join(record.get("UPDATED_OFFENSE_CATEGORY").split())
        if self.use_updated_offense and updated:
            label, lookup = updated, self._lookups["updated"]
        offense = lookup.apply(label, record, result)
        if offense is None:
            return None
        level = offense["offense_level"]
        charge_class = record.get(self.class_column).strip() if self.class_column else ""
        if charge_class:
            found = self._lookups["class"].apply(charge_class, record, result)
            if found is None:
                return None
            level = found["offense_level"]
        return offense["offense_category"], level, label or None

    def _keep(self, participant: str, record: Record, result: FileResult, index: int, key: tuple[object, ...],
              priority: tuple[object, ...]) -> None:
        """Count the row unless this participant already has a row that wins; reject the loser."""
        pid: object = int(participant) if _NUMERIC_ID.fullmatch(participant) else participant
        raw = "; ".join(f"{c}={record.get(c)}" for c in (self.stage_column, self.date_columns[0]))
        new = _Candidate(priority, index, record.line, key, raw)
        old = self._best.get(pid)
        if old is None:
            self._best[pid] = new
            self._counts[index][key] += 1
            return
        if new.priority > old.priority:
            loser, self._best[pid] = old, new
            self._counts[old.file_index][old.key] -= 1
            self._counts[index][key] += 1
            winner = new
        else:
            loser, winner = new, old
        where = f"line {winner.line}" + ("" if winner.file_index == loser.file_index
                                          else f" of {self._results[winner.file_index].file}")
        self._results[loser.file_index].reject(
            None, f"another row of this participant is counted: {self._why}", column="CASE_PARTICIPANT_ID",
            kind="duplicate", line=loser.line, raw=f"{loser.raw}; counted: {where}",
        )


PRIMARY = Filter("PRIMARY_CHARGE_FLAG",
                 "not the primary charge: each participant is counted once, on the primary charge")


class CookIntake(_CookCaseLevel):
    """Intake: felony review decisions -> referral (charged / declined / other), by month of review."""

    source_id = "cook_intake"
    mappings = ("cook_intake_results", "cook_offense_types", "cook_race", "cook_sex")
    stage_column = "FELONY_REVIEW_RESULT"
    stage_mapping = "cook_intake_results"
    date_columns = ("FELONY_REVIEW_DATE", "RECEIVED_DATE")
    use_updated_offense = False
    extra_required = ("RECEIVED_DATE",)
    _why = "each participant is counted once (the first row seen)"


class CookInitiation(_CookCaseLevel):
    """Initiation: the initial bond decision -> pretrial, by month of the initial bond date."""

    source_id = "cook_initiation"
    mappings = ("cook_bond_types", "cook_offense_types", "cook_charge_classes", "cook_race", "cook_sex")
    stage_column = "BOND_TYPE_INITIAL"
    stage_mapping = "cook_bond_types"
    date_columns = ("BOND_DATE_INITIAL", "RECEIVED_DATE")
    class_column = "CLASS"
    filters = (PRIMARY,)
    extra_required = ("RECEIVED_DATE",)
    _why = "each participant is counted once (the first primary-charge row seen)"


class CookDispositions(_CookCaseLevel):
    """Dispositions: the primary charge's final disposition -> disposition, by month of disposition.

    A dropped primary charge is refined by its CHARGE_DISPOSITION_REASON (`mappings/cook_disposition_reasons`).
    """

    source_id = "cook_case_dispositions"
    mappings = ("cook_disposition_codes", "cook_disposition_reasons", "cook_offense_types", "cook_charge_classes",
                "cook_race", "cook_sex")
    stage_column = "CHARGE_DISPOSITION"
    stage_mapping = "cook_disposition_codes"
    date_columns = ("DISPOSITION_DATE",)
    class_column = "DISPOSITION_CHARGED_CLASS"
    filters = (PRIMARY,)
    _why = "each participant is counted once, on the latest disposition of the primary charge"

    def read_file(self, path: Path, result: FileResult) -> None:
        self._reasons = Lookup("cook_disposition_reasons", "CHARGE_DISPOSITION_REASON")
        self._unlisted: Counter[str] = Counter()
        super().read_file(path, result)
        if self._unlisted:
            listed = "; ".join(f"{reason!r} ({n})" for reason, n in sorted(self._unlisted.items()))
            result.notes.append(f"CHARGE_DISPOSITION_REASON values not in cook_disposition_reasons, disposition"
                                f" kept as coded: {listed}")

    def _refine(self, record: Record, result: FileResult, code: str,
                stage: dict[str, str]) -> tuple[dict[str, str], str | None] | None:
        """A dropped primary charge whose reason gives the participant's real outcome takes that outcome.

        `Nolle Prosecution` with reason `PG to Other Count/s` means the person pleaded guilty to another
        count (a plea, not a dismissal); `Drug Court Graduate` means diversion. Only dismissals are refined;
        a reason the mapping does not list leaves the disposition as coded and is named in the notes.
        """
        reason = " ".join(record.get("CHARGE_DISPOSITION_REASON").split())
        if not reason or stage["outcome"] != "dismissed":
            return stage, code
        if not self._reasons.has(reason):
            self._unlisted[reason] += 1
            return stage, code
        found = self._reasons.apply(reason, record, result)
        if found is None:
            return None
        if not found["outcome"]:
            return stage, code
        return found, f"{code} - {reason}"

    def _priority(self, stage: dict[str, str], when: date) -> tuple[object, ...]:
        return (when,)


SENTENCE_SEVERITY = {"prison": 3, "jail": 2, "probation": 1, "other": 0}


class CookSentencing(_CookCaseLevel):
    """Sentencing: the original sentence on the primary charge -> sentence, by month of sentencing."""

    source_id = "cook_sentencing"
    mappings = ("cook_sentence_types", "cook_sentence_phases", "cook_offense_types", "cook_charge_classes",
                "cook_race", "cook_sex")
    stage_column = "SENTENCE_TYPE"
    stage_mapping = "cook_sentence_types"
    date_columns = ("SENTENCE_DATE",)
    class_column = "DISPOSITION_CHARGED_CLASS"
    filters = (PRIMARY, Filter("CURRENT_SENTENCE_FLAG", "not the current sentence (a later sentence replaced it)"))
    extra_required = ("SENTENCE_PHASE",)
    _why = "each participant is counted once, on the most severe original sentence of the primary charge"

    def read_file(self, path: Path, result: FileResult) -> None:
        self._phases = Lookup("cook_sentence_phases", "SENTENCE_PHASE")
        super().read_file(path, result)

    def _extra_checks(self, record: Record, result: FileResult) -> bool:
        """Only the original sentencing counts: resentencing after a violation, corrections... are excluded."""
        phase = " ".join(record["SENTENCE_PHASE"].split())
        if not phase:
            result.reject(record, "SENTENCE_PHASE missing", column="SENTENCE_PHASE")
            return False
        return self._phases.apply(phase, record, result) is not None

    def _priority(self, stage: dict[str, str], when: date) -> tuple[object, ...]:
        return (SENTENCE_SEVERITY[stage["outcome"]],)
