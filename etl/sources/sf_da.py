"""San Francisco District Attorney "DA Stat" yearly summaries (all crimes), transcribed from the SF DA dashboards.

Two files, one adapter each, same shape: one row per year, one column per outcome, plus a `Total`.
- `DA_Actions_On_Arrests_All_Crimes.csv`: what the DA did with the arrests presented (referral stage).
- `Case_Resoultions_All_Crimes.csv` (sic): how cases ended (disposition stage).

Which column is which canonical outcome is data (`mappings/sf_da_columns.csv`, with the reasoning in its
notes); a column the mapping does not know is a whole-file error, because it could be part of `Total`.
`Total` and `Action_Taken_Rate` are checks, not counts: a row whose parts do not add up is rejected.
The `2023*` row is the owner's projection of the partial year 2023, not data: it is excluded, and the ratio
between it and the real `2023` row says how much of the year the real row covers (reported in a note and
recorded in `period_coverage`, with the end date it implies).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from etl.sources.base import Adapter, FileResult, Record, SourceError, parse_count, read_csv
from etl.vocab import Mapping, load_mapping, normalize_key

FIPS = "06075"  # San Francisco city and county
MAPPING = "sf_da_columns"
STRUCTURE_COLUMNS = ("id", "Year")  # row number and year: not outcome columns
MISSING = "-"
FIRST_YEAR = 1990
RATE_TOLERANCE = 1e-6
_YEAR = re.compile(r"(\d{4})(\*?)")


class _SanFranciscoYearly(Adapter):
    """Shared reader: one row per year; the mapping's columns for `stage` are the counts."""

    stage: ClassVar[str]
    mappings = (MAPPING,)

    def read_file(self, path: Path, result: FileResult) -> None:
        mapping = load_mapping(MAPPING)
        counts = {name: fields for name, fields in mapping.rows.items() if fields["stage"] == self.stage}
        declined = [name for name, fields in counts.items() if fields["outcome"] == "declined"]
        projections: dict[int, int] = {}
        real_totals: dict[int, int] = {}
        seen: dict[int, int] = {}
        columns: dict[str, str] | None = None
        for record in read_csv(path, result, required=("Year", "Total")):
            if columns is None:
                columns = self._check_header(record, mapping, counts, result)
            year_text = record["Year"].strip()
            match = _YEAR.fullmatch(year_text)
            if not match:
                result.reject(record, f"invalid year {year_text!r}", column="Year")
                continue
            year = int(match.group(1))
            if match.group(2):
                result.reject(record, f"projection, not data: the owner's {year_text!r} row extrapolates a partial"
                              " year", column="Year", kind="excluded")
                total = _count_or_none(record["Total"])
                if total is not None:
                    projections[year] = total
                continue
            if not FIRST_YEAR <= year <= date.today().year:
                result.reject(record, f"implausible year {year}", column="Year")
                continue
            if year in seen:
                result.reject(record, f"year {year} already read at line {seen[year]}", column="Year",
                              kind="duplicate")
                continue
            parsed = self._parse_counts(record, columns, counts, declined, result)
            if parsed is None:
                continue
            seen[year] = record.line
            real_totals[year] = sum(parsed.values())
            result.accept()
            for key, n in parsed.items():
                if n:
                    result.emit("case_counts", {
                        "fips": FIPS, "period_start": date(year, 1, 1), "period_grain": "year",
                        "stage": self.stage, "outcome": counts[key]["outcome"], "source_outcome": columns[key],
                        "n": n,
                    })
        for year, projected in sorted(projections.items()):
            if year in real_totals and projected:
                share = real_totals[year] / projected
                result.notes.append(
                    f"{year} is a partial year: the owner's projection ({year}*, excluded) is {1 / share:.3f} times"
                    f" the real {year} row, so that row covers about {12 * share:.1f} of 12 months")
                start = date(year, 1, 1)
                days = round(share * (date(year + 1, 1, 1) - start).days)
                result.emit("period_coverage", {
                    "fips": FIPS, "stage": self.stage, "period_start": start, "period_grain": "year",
                    "covered_from": start, "covered_to": start + timedelta(days=max(days, 1) - 1),
                    "partial": days < (date(year + 1, 1, 1) - start).days,
                    "basis": f"the owner's {year}* projection scales the real {year} row by {1 / share:.3f}: "
                             f"about {days} days of data (end date estimated)",
                })
        if self.stage == "disposition":
            result.notes.append("Conviction counts pleas and trial convictions together; it is loaded as conviction "
                                "(plea or trial not known), so this source gives no plea share or trial rate. "
                                "Plead_Guilty_Other is loaded as other (resolved by a plea in another case).")

    def _check_header(self, record: Record, mapping: Mapping, counts: dict[str, dict[str, str]],
                      result: FileResult) -> dict[str, str]:
        """Map normalised column name -> header name; every column must be known to the mapping."""
        header = {normalize_key(name): name for name in record.values}
        allowed = {normalize_key(c) for c in STRUCTURE_COLUMNS} | set(counts) | set(mapping.excluded)
        unknown = [name for key, name in header.items() if key not in allowed]
        if unknown:
            raise SourceError(result.source_id, result.file,
                              f"column not in mapping {MAPPING} (it may be part of Total, so nothing is guessed)",
                              line=1, column=unknown[0])
        missing = [key for key in counts if key not in header]
        if missing:
            spelled = {normalize_key(row["source_value"]): row["source_value"] for row in mapping.items()}
            raise SourceError(result.source_id, result.file, "missing column", line=1, column=spelled[missing[0]])
        return header

    def _parse_counts(self, record: Record, columns: dict[str, str], counts: dict[str, dict[str, str]],
                      declined: list[str], result: FileResult) -> dict[str, int] | None:
        """The row's counts, or None (and the row rejected) when one is missing or they fail a check."""
        parsed: dict[str, int] = {}
        for key in [*counts, "total"]:
            column = columns[key]
            value = record[column].strip()
            if value == MISSING:
                result.reject(record, f"missing count ('-') in column {column!r}", column=column)
                return None
            try:
                parsed[key] = parse_count(value, column=column)
            except ValueError as error:
                result.reject(record, str(error), column=column)
                return None
        total = parsed.pop("total")
        if sum(parsed.values()) != total:
            result.reject(record, f"parts sum to {sum(parsed.values())} but Total is {total}",
                          column=columns["total"])
            return None
        rate_key = normalize_key("Action_Taken_Rate")
        if rate_key in columns and declined and total:
            column = columns[rate_key]
            text = record[column].strip()
            if text and text != MISSING:
                expected = 1 - sum(parsed[k] for k in declined) / total
                try:
                    rate = float(text)
                except ValueError:
                    result.reject(record, f"non-numeric rate {text!r} in column {column!r}", column=column)
                    return None
                if abs(rate - expected) > RATE_TOLERANCE:
                    result.reject(record, f"{column} is {rate} but 1 - declined/Total is {expected:.8f}",
                                  column=column)
                    return None
        return parsed


def _count_or_none(value: str) -> int | None:
    try:
        return parse_count(value, column="Total")
    except ValueError:
        return None


class SanFranciscoArrestActions(_SanFranciscoYearly):
    """DA actions on arrests presented: charged, discharged, further investigation, motion to revoke, other."""

    source_id = "sf_da_arrests"
    stage = "referral"


class SanFranciscoResolutions(_SanFranciscoYearly):
    """Case resolutions: conviction, dismissal, diversion, acquittal, plea in another case."""

    source_id = "sf_da_resolutions"
    stage = "disposition"
