"""Cook County State's Attorney felony review (Intake), 2011-2017, as recoded by a third party.

`intake_clean_2011_2017.parquet` (github qhood01/Cook-County-DA) has one row per case participant of
the county portal's Intake.csv, with the recoder's own columns: `result` (1 = PARTICIPANT_STATUS
Approved, 0 = Rejected, null = anything else), `year` (of RECEIVED_DATE), `charge.cat` (12 groups of
OFFENSE_CATEGORY), `age` (bands such as `17-20`; `55+` means 56 and over), `gender`, `race` (Black,
White, Hispanic; null also holds Asian, American Indian, Biracial and Unknown), `chicagoPD`,
`multiple.defendents`. Each code is mapped as data (`mappings/cook_felony_review_*.csv`, `cook_sex`,
`cook_race`); the band and group caveats are in those mappings' notes.

The file is read whole with pyarrow and mapped column by column (300k rows in about a second);
only rows with a bad value are turned into records, for their rejection. "Line" is the 1-based row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.sources.base import Adapter, FileResult, Record, SourceError
from etl.sources.cook_common import COOK_FIPS
from etl.vocab import load_mapping, normalize_key

COLUMNS = ("result", "year", "charge.cat", "age", "gender", "race")
FIRST_YEAR = 1990  # the file covers 2011-2017: a year before 1990 or after this one is a typo

# (column, mapping, canonical fields it gives), in the order rows are checked.
CODE_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("result", "cook_felony_review_results", ("stage", "outcome", "source_label")),
    ("charge.cat", "cook_felony_review_charges", ("offense_category", "offense_level")),
    ("age", "cook_felony_review_ages", ("age_band",)),
    ("gender", "cook_sex", ("sex",)),
    ("race", "cook_race", ("race",)),
)


class CookFelonyReview(Adapter):
    """Participants reviewed -> yearly referral counts (charged / declined / other)."""

    source_id = "cook_felony_review"
    mappings = tuple(m for _, m, _ in CODE_COLUMNS)

    def read_file(self, path: Path, result: FileResult) -> None:
        frame = self._load(path, result)
        result.rows_read += len(frame)
        text = pd.DataFrame({c: _as_text(frame[c]) for c in COLUMNS})
        keys = pd.DataFrame({c: text[c].map({v: normalize_key(v) for v in text[c].unique()}) for c in COLUMNS})
        bad = np.zeros(len(frame), dtype=bool)

        years = pd.to_numeric(text["year"].where(text["year"].str.fullmatch(r"\s*\d{4}\s*")), errors="coerce")
        year_bad = years.isna() | (years < FIRST_YEAR) | (years > date.today().year)
        for i in np.flatnonzero(year_bad.to_numpy()):
            result.reject(_record(text, i), f"unreadable or impossible year {text['year'].iat[i]!r}", column="year")
        bad |= year_bad.to_numpy()

        canonical: dict[str, pd.Series] = {}
        for column, name, fields in CODE_COLUMNS:
            mapping = load_mapping(name)
            known = keys[column].isin(mapping.rows.keys()).to_numpy()
            excluded = keys[column].isin(mapping.excluded.keys()).to_numpy()
            for i in np.flatnonzero(~known & ~bad):
                record = _record(text, i)
                if excluded[i]:
                    reason = mapping.excluded[keys[column].iat[i]]
                    result.reject(record, f"{text[column].iat[i]!r} in column {column!r} excluded: {reason}",
                                  column=column, kind="excluded")
                else:
                    result.unknown(record, column, text[column].iat[i])
            bad |= ~known
            for fld in fields:
                lookup = {k: v[fld] for k, v in mapping.rows.items()}
                canonical[fld] = keys[column].map(lookup)

        good = ~bad
        result.accept(int(good.sum()))
        rows = pd.DataFrame({
            "year": years[good].astype(int),
            "stage": canonical["stage"][good],
            "outcome": canonical["outcome"][good],
            "source_outcome": canonical["source_label"][good],
            "offense_category": canonical["offense_category"][good],
            "offense_level": canonical["offense_level"][good],
            "offense_detail": text["charge.cat"][good].str.strip().replace("", None),
            "race": canonical["race"][good],
            "sex": canonical["sex"][good],
            "age_band": canonical["age_band"][good],
        })
        counts = rows.groupby(list(rows.columns), dropna=False).size().reset_index(name="n")
        counts["n"] = counts["n"].astype("int64")
        counts["period_start"] = counts.pop("year").map(lambda y: date(y, 1, 1))
        result.emit_frame("case_counts", counts.assign(fips=COOK_FIPS, period_grain="year"))

    def _load(self, path: Path, result: FileResult) -> pd.DataFrame:
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as error:
            raise SourceError(self.source_id, result.file, f"not a readable parquet file: {error}") from error
        missing = [c for c in COLUMNS if c not in table.column_names]
        if missing:
            raise SourceError(self.source_id, result.file,
                              f"missing column (file has: {', '.join(table.column_names)})", column=missing[0])
        if table.num_rows == 0:
            raise SourceError(self.source_id, result.file, "file has no rows")
        return table.select(list(COLUMNS)).to_pandas()


def _as_text(column: pd.Series) -> pd.Series:
    """Values as the owner's text: null -> '', whole floats without '.0' (result 1.0 -> '1')."""
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=float)
        missing = np.isnan(values)
        filled = np.where(missing, 0.0, values)
        whole = np.isfinite(filled) & (filled == np.floor(filled))
        text = np.where(whole, np.abs(filled).astype("int64").astype(str), filled.astype(str))
        text = np.where(whole & (filled < 0), np.char.add("-", text), text)
        return pd.Series(np.where(missing, "", text), index=column.index, dtype=object).astype(str)
    return column.astype(object).where(column.notna(), "").astype(str)


def _record(text: pd.DataFrame, index: int) -> Record:
    values = {c: text[c].iat[index] for c in text.columns}
    return Record(line=index + 1, values=values, raw=",".join(f"{c}={v}" for c, v in values.items()))
