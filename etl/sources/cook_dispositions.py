"""Cook County State's Attorney: felony disposition outcomes by offense type and race, per year (2011-2016).

The owner's dataset "Felony Cases - Disposition Outcomes By Offense Type and Defendant Race" counts
defendants (`DEFENDANT COUNT`) per YEAR, DISPOSITION, OFFENSE TYPE and RACE. Every disposition code is
mapped in `mappings/cook_disposition_codes.csv` to a disposition outcome, or excluded with its reason
when it is not a final outcome (BFW, Superseded by Indictment, ...); a blank disposition is rejected.

Besides rows, the adapter reconciles defendants: for each year, defendants read = loaded + excluded +
rejected (rows whose year or count cannot be read are counted apart), written to the file's notes so
the methods page can show where every defendant went.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd

from etl.sources.base import Adapter, FileResult, Record, parse_count, read_csv
from etl.sources.cook_common import COOK_FIPS, Lookup

COLUMNS = ("YEAR", "DISPOSITION", "OFFENSE TYPE", "RACE", "DEFENDANT COUNT")
FIRST_YEAR = 1990  # the dataset starts in 2011: a year before 1990 or after this one is a typo
_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits only: str.isdigit() also passes '2015²', which int() refuses


class CookDispositionOutcomes(Adapter):
    """Yearly defendant counts by disposition -> case_counts (stage `disposition`, grain year)."""

    source_id = "cook_dispositions"
    mappings = ("cook_disposition_codes", "cook_offense_types", "cook_race")

    def read_file(self, path: Path, result: FileResult) -> None:
        outcomes = Lookup("cook_disposition_codes", "DISPOSITION")
        offenses = Lookup("cook_offense_types", "OFFENSE TYPE")
        races = Lookup("cook_race", "RACE")
        totals: Counter[tuple[object, ...]] = Counter()
        tally: dict[int, Counter[str]] = {}
        this_year = date.today().year

        for record in read_csv(path, result, required=COLUMNS):
            year_text = record["YEAR"].strip()
            if not (_YEAR.fullmatch(year_text) and FIRST_YEAR <= int(year_text) <= this_year):
                result.reject(record, f"unreadable or impossible year {year_text!r}", column="YEAR")
                continue
            year = int(year_text)
            try:
                n = parse_count(record["DEFENDANT COUNT"], column="DEFENDANT COUNT")
            except ValueError as error:
                result.reject(record, str(error), column="DEFENDANT COUNT")
                continue
            counts = tally.setdefault(year, Counter())
            counts["read"] += n
            before = len(result.rejections)
            row = self._row(record, result, outcomes, offenses, races)
            if row is None:
                kind = result.rejections[before].kind if len(result.rejections) > before else "rejected"
                counts[kind] += n
                continue
            totals[(date(year, 1, 1), *row)] += n
            counts["loaded"] += n
            result.accept()

        if totals:
            frame = pd.DataFrame(
                [(*key, n) for key, n in totals.items()],
                columns=["period_start", "stage", "outcome", "source_outcome", "offense_category",
                         "offense_level", "offense_detail", "race", "n"],
            )
            result.emit_frame("case_counts", frame.assign(fips=COOK_FIPS, period_grain="year"))
        for year in sorted(tally):
            c = tally[year]
            result.notes.append(
                f"{year}: {c['read']:,} defendants read = {c['loaded']:,} loaded + {c['excluded']:,} excluded"
                f" (not final outcomes) + {c['rejected']:,} rejected"
            )

    @staticmethod
    def _row(record: Record, result: FileResult, outcomes: Lookup, offenses: Lookup,
             races: Lookup) -> tuple[str, ...] | None:
        """Canonical fields of one row, or None when the row was rejected or excluded."""
        disposition = " ".join(record["DISPOSITION"].split())
        if not disposition:
            result.reject(record, "disposition missing", column="DISPOSITION")
            return None
        outcome = outcomes.apply(disposition, record, result)
        if outcome is None:
            return None
        offense_type = " ".join(record["OFFENSE TYPE"].split())
        offense = offenses.apply(offense_type, record, result)
        if offense is None:
            return None
        race = races.apply(record["RACE"], record, result)
        if race is None:
            return None
        return (outcome["stage"], outcome["outcome"], disposition, offense["offense_category"],
                offense["offense_level"], offense_type or None, race["race"])
