"""Okaloosa County (FL) Clerk of Court criminal export: one row per charge, counted once per case.

The export concatenates monthly files (`source_file_mmyy`) that overlap, so the same charge (Case Number +
Arrest Charge Count + Prosecutor Charge Count) can appear several times: the row from the latest monthly file
wins (the later line within one file), and the others are rejected as duplicates. Invalid rows are rejected
first, so a bad later row never hides a good earlier one.

Each case (one person, one case number) yields at most ONE referral decision and ONE disposition:
- per charge, the prosecutor's final action and the court action map through CSV tables
  (`mappings/okaloosa_prosecutor_actions.csv`, `mappings/okaloosa_court_actions.csv`, whose notes give the
  reasoning). A recorded court action decides; a blank one leaves it to the prosecutor's final action. A court
  diversion makes the referral `diverted` when the prosecutor's action says no charge had been filed
  (Dropped/Abandoned, No Action, ...) and `charged` otherwise. Nolle prosequi is entered after filing, so it is
  a charge later dismissed, never a declination. Court actions that move the charge elsewhere (transfers,
  change of venue) count nowhere.
- per case, the strongest charge wins: referral charged > diverted > declined; disposition (only for charged
  cases) plea > trial_conviction > conviction > adjudication_withheld > trial_acquittal > diverted > dismissed >
  other. Guilty is counted as conviction: the export does not say plea or trial, so this source gives no plea
  share or trial rate. Adjudication withheld is its own outcome: under Florida law it is not a conviction.
- the referral is dated by the month of Case Open Date, the disposition by Disposition Date (else Case
  Close Date). Race, gender, age at offense, court type (offense level) and the Florida Statutes prefix of
  the first arrest charge (offense category, longest prefix in `mappings/okaloosa_statutes.csv`) come from the
  case's first charge. A statute no prefix matches is loaded with category `unknown` and counted in a note.
- rows loaded = charge rows of cases that count somewhere; a case that counts nowhere (every charge moved,
  consolidated, or blank) has its rows rejected as excluded.
Identifiers (case numbers, person key, attorneys, judge) are redacted from rejected rows and never emitted.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from etl.sources.base import Adapter, FileResult, Record, read_csv
from etl.vocab import STAGE_OUTCOMES, ExcludedCode, Mapping, UnknownCode, age_band, check_date, load_mapping

FIPS = "12091"  # Okaloosa County, Florida
PROSECUTOR_ACTIONS, COURT_ACTIONS = "okaloosa_prosecutor_actions", "okaloosa_court_actions"
RACE, SEX, COURT_TYPES, STATUTES = "okaloosa_race", "okaloosa_sex", "okaloosa_court_types", "okaloosa_statutes"
BLANK = "(blank)"  # how a blank cell is spelled in the mapping tables
REQUIRED = (
    "source_file_mmyy", "Case Number", "Court Type", "Case Open Date", "Case Close Date", "Disposition Date",
    "Race", "Gender", "Arrest Charge Count", "Arrest Charge", "Prosecutor Charge Count", "Prosecutor Final Action",
    "Court Action", "age_at_offense",
)
REDACT = ("Case Number", "Uniform Case Number", "person_key", "Defense Attorney", "Prosecutor", "Judge")
REFERRAL_RANK = {"charged": 3, "diverted": 2, "declined": 1}
DISPOSITION_RANK = {
    "plea": 8, "trial_conviction": 7, "conviction": 6, "adjudication_withheld": 5, "trial_acquittal": 4, "diverted": 3,
    "dismissed": 2, "other": 1,
}
MIN_AGE = 10  # younger ages in this export are recording errors (a missing birth date gives 0)
_MMYY = re.compile(r"(0[1-9]|1[0-2])(\d{2})")
_STATUTE = re.compile(r"\d+(\.\d+)?")
# ASCII digits, bounded: str.isdigit() and \d also pass '²' or a 5,000-digit string, which int() refuses.
_CHARGE_COUNT = re.compile(r"[0-9]{1,6}")
_AGE = re.compile(r"-?[0-9]{1,4}")
COLUMNS = (
    "row", "line", "file_order", "mmyy", "case", "arrest_count", "prosecutor_count", "opened", "disposed", "closed",
    "race", "sex", "age_band", "level", "court_type", "category", "referral", "referral_label", "disposition",
    "disposition_label", "actions",
)


class OkaloosaClerk(Adapter):
    """Referral decisions and dispositions per case from the Okaloosa clerk's charge-level export."""

    source_id = "okaloosa_clerk"
    mappings = (PROSECUTOR_ACTIONS, COURT_ACTIONS, RACE, SEX, COURT_TYPES, STATUTES)

    def read_file(self, path: Path, result: FileResult) -> None:
        maps = {name: load_mapping(name) for name in self.mappings}
        _check_outcomes(maps)
        lookups = _Lookups(maps)
        rows: list[tuple[Any, ...]] = []
        raws: list[str] = []  # raw text by row position, kept out of the frame so sorting stays cheap
        for record in read_csv(path, result, required=REQUIRED, redact=REDACT):
            row = self._parse(record, lookups, result)
            if row is not None:
                rows.append((len(raws), *row))
                raws.append(record.raw)
        charges = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
        if charges.empty:
            return
        charges = self._deduplicate(charges, raws, result)
        self._count_cases(charges, raws, result)

    def _parse(self, record: Record, lookups: _Lookups, result: FileResult) -> tuple[Any, ...] | None:
        """One charge row reduced to what is counted, or None when it is rejected."""
        mmyy = record["source_file_mmyy"].strip()
        match = _MMYY.fullmatch(mmyy)
        if not match:
            result.reject(record, f"invalid source_file_mmyy {mmyy!r} (expected MMYY)", column="source_file_mmyy")
            return None
        case = record["Case Number"].strip()
        if not case:
            result.reject(record, "blank Case Number", column="Case Number")
            return None
        counts = []
        for column in ("Arrest Charge Count", "Prosecutor Charge Count"):
            text = record[column].strip()
            if not _CHARGE_COUNT.fullmatch(text):
                result.reject(record, f"non-numeric charge count {text!r} in column {column!r}", column=column)
                return None
            counts.append(int(text))
        dates: dict[str, date | None] = {}
        for column in ("Case Open Date", "Disposition Date", "Case Close Date"):
            text = record[column].strip()
            if not text:
                dates[column] = None
                continue
            parsed = lookups.date(text)
            if isinstance(parsed, str):
                result.reject(record, f"invalid date {text!r} in column {column!r}: {parsed}", column=column)
                return None
            dates[column] = parsed
        if dates["Case Open Date"] is None:
            result.reject(record, "blank Case Open Date", column="Case Open Date")
            return None
        age_text = record["age_at_offense"].strip()
        if age_text and not _AGE.fullmatch(age_text):
            result.reject(record, f"unreadable age {age_text!r} (not a whole number of years)", column="age_at_offense")
            return None
        looked: dict[str, dict[str, str] | None] = {}
        for name, column in ((RACE, "Race"), (SEX, "Gender"), (COURT_TYPES, "Court Type"),
                             (PROSECUTOR_ACTIONS, "Prosecutor Final Action"), (COURT_ACTIONS, "Court Action")):
            value = record[column].strip() or BLANK
            try:
                looked[name] = lookups.code(name, value, column)
            except UnknownCode:
                result.unknown(record, column, value)
                return None
        pfa_label = record["Prosecutor Final Action"].strip() or BLANK
        court_label = record["Court Action"].strip() or BLANK
        referral, referral_label, disposition, disposition_label = _charge_outcome(
            looked[PROSECUTOR_ACTIONS], pfa_label, looked[COURT_ACTIONS], court_label)
        age = int(age_text) if age_text else None
        statute = _STATUTE.match(record["Arrest Charge"].strip())
        category = lookups.category(statute.group(0)) if statute else None
        race, sex, level = looked[RACE], looked[SEX], looked[COURT_TYPES]
        assert race is not None and sex is not None and level is not None  # never excluded
        return (
            record.line, int(match.group(2)) * 100 + int(match.group(1)), mmyy, case, counts[0],
            counts[1], dates["Case Open Date"], dates["Disposition Date"], dates["Case Close Date"],
            race["race"], sex["sex"], age_band(age) if age is not None and age >= MIN_AGE else "unknown",
            level["offense_level"], record["Court Type"].strip(), category, referral, referral_label, disposition,
            disposition_label, f"{pfa_label} / {court_label}",
        )

    @staticmethod
    def _deduplicate(charges: pd.DataFrame, raws: list[str], result: FileResult) -> pd.DataFrame:
        """Keep each charge's row from the latest monthly file; reject the others as duplicates."""
        charges = charges.sort_values(["file_order", "line"], kind="stable").reset_index(drop=True)
        key = ["case", "arrest_count", "prosecutor_count"]
        kept_file = charges.groupby(key, sort=False)["mmyy"].transform("last")
        repeated = charges.duplicated(key, keep="last")
        for row, kept in zip(charges[repeated].itertuples(index=False), kept_file[repeated], strict=True):
            where = "later in the same monthly file" if kept == row.mmyy else "in a later monthly file"
            result.reject(None, f"superseded by the same charge (case number and charge counts) {where}",
                          kind="duplicate", line=row.line, raw=raws[row.row])
        if repeated.any():
            result.notes.append(f"{int(repeated.sum()):,} repeated charge rows (overlapping monthly files) rejected as"
                                " duplicates")
        return charges[~repeated].reset_index(drop=True)

    @staticmethod
    def _count_cases(charges: pd.DataFrame, raws: list[str], result: FileResult) -> None:
        """One referral and one disposition per case, aggregated into case_counts."""
        charges = charges.sort_values(["case", "arrest_count", "prosecutor_count"], kind="stable")
        cases = charges.drop_duplicates("case").set_index("case")  # the first charge describes the case
        charges["referral_rank"] = charges["referral"].map(REFERRAL_RANK).fillna(0)
        charges["disposition_rank"] = charges["disposition"].map(DISPOSITION_RANK).fillna(0)
        best = charges.sort_values(["case", "referral_rank"], ascending=[True, False], kind="stable") \
            .drop_duplicates("case").set_index("case")
        cases["referral"] = best["referral"].where(best["referral_rank"] > 0)
        cases["referral_label"] = best["referral_label"]
        best = charges.sort_values(["case", "disposition_rank"], ascending=[True, False], kind="stable") \
            .drop_duplicates("case").set_index("case")
        charged = cases["referral"] == "charged"
        cases["disposition"] = best["disposition"].where((best["disposition_rank"] > 0) & charged)
        cases["disposition_label"] = best["disposition_label"]
        cases["disposed_on"] = cases["disposed"].where(cases["disposed"].notna(), cases["closed"])
        undated = cases["disposition"].notna() & cases["disposed_on"].isna()
        # a disposition dated before its case was opened is a recording error: counted, it would stretch the
        # source's years back before its first case (and the pages' year sliders with them)
        before_open = (cases["disposition"].notna() & cases["disposed_on"].notna() & cases["opened"].notna()
                       & (cases["disposed_on"] < cases["opened"]))
        cases.loc[undated | before_open, "disposition"] = None
        counted = cases["referral"].notna() | cases["disposition"].notna()

        used = charges["case"].map(counted)
        result.accept(int(used.sum()))
        skipped = charges[~used]
        if len(skipped):
            actions = skipped.groupby("case")["actions"].agg(lambda s: "; ".join(sorted(set(s))))
            for row in skipped.itertuples(index=False):
                result.reject(None, f"case counted nowhere: no charge has a final prosecutor or court action"
                              f" (prosecutor / court actions: {actions[row.case]})", kind="excluded",
                              line=row.line, raw=raws[row.row])

        dims = ["offense_category", "offense_level", "offense_detail", "race", "sex", "age_band"]
        cases = cases.rename(columns={"category": "offense_category", "level": "offense_level",
                                      "court_type": "offense_detail"})
        unmatched = int(cases["offense_category"].isna().sum())
        cases["offense_category"] = cases["offense_category"].fillna("unknown")
        for stage, outcome, label, when in (("referral", "referral", "referral_label", "opened"),
                                            ("disposition", "disposition", "disposition_label", "disposed_on")):
            chosen = cases[cases[outcome].notna()]
            frame = pd.DataFrame({
                "period_start": [d.replace(day=1) for d in chosen[when]],
                "outcome": chosen[outcome].to_numpy(),
                "source_outcome": chosen[label].to_numpy(),
                **{d: chosen[d].to_numpy() for d in dims},
            })
            frame = frame.groupby(["period_start", "outcome", "source_outcome", *dims], dropna=False) \
                .size().reset_index(name="n")
            frame["fips"], frame["period_grain"], frame["stage"] = FIPS, "month", stage
            result.emit_frame("case_counts", frame)

        result.notes.append(
            f"{len(cases):,} cases: referral counted for {int(cases['referral'].notna().sum()):,}, disposition for"
            f" {int(cases['disposition'].notna().sum()):,}; {int((charged & cases['disposition'].isna()).sum()):,}"
            f" charged cases have no final court outcome; {unmatched:,} cases' first arrest charge has no statute"
            f" prefix in {STATUTES}.csv (offense_category unknown)")
        if undated.any():
            result.notes.append(f"{int(undated.sum()):,} dispositions without a disposition or close date not counted")
        if before_open.any():
            result.notes.append(f"{int(before_open.sum()):,} dispositions dated before their case was opened not"
                                " counted (a recording error in the date)")
        closed = cases["closed"].dropna()
        if len(closed):
            result.notes.append(
                f"the export holds cases closed {min(closed):%Y-%m} to {max(closed):%Y-%m}: cases still open then are"
                " missing, so the latest referral months (by Case Open Date) are undercounted. Guilty is counted"
                " as conviction (the export does not say plea or trial); adjudication withheld is its own outcome,"
                " not a conviction under Florida law")


def _charge_outcome(prosecutor: dict[str, str] | None, prosecutor_label: str, court: dict[str, str] | None,
                    court_label: str) -> tuple[str, str | None, str, str | None]:
    """(referral, its label, disposition, its label) for one charge; '' where it says nothing."""
    if court is None:  # moved to another court: counted there
        return "", None, "", None
    assert prosecutor is not None  # the prosecutor table has no excluded rows
    if court_label == BLANK:
        return prosecutor["referral"], prosecutor_label, prosecutor["disposition"], prosecutor_label
    referral = court["referral"]
    if referral == "diverted" and prosecutor["filed"] == "yes":
        referral = "charged"  # diverted after a charge was filed
    return referral, court_label, court["disposition"], court_label


class _Lookups:
    """Mapping, date and statute look-ups, memoised: the export repeats a few hundred values 175,000 times."""

    def __init__(self, maps: dict[str, Mapping]):
        self.maps = maps
        self.prefixes = sorted(maps[STATUTES].rows.items(), key=lambda item: -len(item[0]))
        self._codes: dict[tuple[str, str], dict[str, str] | None] = {}
        self._dates: dict[str, date | str] = {}
        self._categories: dict[str, str | None] = {}

    def code(self, name: str, value: str, column: str) -> dict[str, str] | None:
        """Canonical fields of a code; None for a code excluded on purpose; UnknownCode for an unmapped one."""
        key = (name, value)
        if key not in self._codes:
            try:
                self._codes[key] = self.maps[name].lookup(value, column)
            except ExcludedCode:
                self._codes[key] = None  # a court action that moves the charge elsewhere: counted nowhere
        return self._codes[key]

    def date(self, text: str) -> date | str:
        """A MM/DD/YYYY date, or the reason it is not one."""
        if text not in self._dates:
            try:
                self._dates[text] = check_date(datetime.strptime(text, "%m/%d/%Y").date())
            except ValueError as error:
                self._dates[text] = str(error)
        return self._dates[text]

    def category(self, statute: str) -> str | None:
        """Offense category of the longest matching statute prefix, None when none matches."""
        if statute not in self._categories:
            self._categories[statute] = next(
                (fields["offense_category"] for prefix, fields in self.prefixes if statute.startswith(prefix)), None)
        return self._categories[statute]


def _check_outcomes(maps: dict[str, Mapping]) -> None:
    """The action tables' own columns are not checked by load_mapping: check them against the vocabulary."""
    for name in (PROSECUTOR_ACTIONS, COURT_ACTIONS):
        for key, fields in maps[name].rows.items():
            for stage in ("referral", "disposition"):
                if fields[stage] and fields[stage] not in STAGE_OUTCOMES[stage]:
                    raise ValueError(f"mapping {name}.csv: {key!r} {stage}={fields[stage]!r} not in "
                                     f"{STAGE_OUTCOMES[stage]}")
            if fields.get("filed", "yes") not in ("yes", "no"):
                raise ValueError(f"mapping {name}.csv: {key!r} filed={fields['filed']!r} is not yes or no")
