"""Counts already in the warehouse's own vocabulary: one CSV row per case_counts row.

For sources an editor transcribes by hand (a DA's annual report table) and for test fixtures whose
expected metrics are worked out by hand. Same rules as every adapter: each value is checked against
the vocabulary, and a bad row is rejected with its line, column and reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl import vocab
from etl.sources.base import Adapter, FileResult, parse_count, read_csv

COLUMNS = ("fips", "period_start", "period_grain", "stage", "outcome", "n")
OPTIONAL = ("source_outcome", "offense_category", "offense_level", "offense_detail", "race", "sex", "age_band")


class CanonicalCounts(Adapter):
    source_id = "canonical_counts"

    def read_file(self, path: Path, result: FileResult) -> None:
        for record in read_csv(path, result, required=COLUMNS):
            try:
                row = self._row(record.values)
            except ValueError as error:
                column = getattr(error, "column", None)
                result.reject(record, str(error), column=column)
                continue
            result.emit("case_counts", row)
            result.accept()

    @staticmethod
    def _row(values: dict[str, str]) -> dict:
        def fail(column: str, message: str) -> ValueError:
            error = ValueError(message)
            error.column = column  # type: ignore[attr-defined]
            return error

        try:
            fips = vocab.check_fips(values["fips"])
        except ValueError as error:
            raise fail("fips", str(error)) from None
        grain, stage, outcome = (values[c].strip() for c in ("period_grain", "stage", "outcome"))
        if grain not in vocab.PERIOD_GRAINS:
            raise fail("period_grain", vocab.not_allowed("period_grain", grain, vocab.PERIOD_GRAINS))
        try:
            start = vocab.check_period_start(vocab.check_date(date.fromisoformat(values["period_start"].strip())),
                                             grain)
        except ValueError as error:
            raise fail("period_start", f"invalid period_start {values['period_start']!r}: {error}") from None
        if stage not in vocab.STAGE_OUTCOMES:
            raise fail("stage", vocab.not_allowed("stage", stage, vocab.STAGES))
        if outcome not in vocab.STAGE_OUTCOMES[stage]:
            raise fail("outcome", vocab.not_allowed(f"outcome of stage {stage!r}", outcome,
                                                    vocab.STAGE_OUTCOMES[stage]))
        try:
            n = parse_count(values["n"], column="n")
        except ValueError as error:
            raise fail("n", str(error)) from None  # the rejection names its column, like every other check
        row = {"fips": fips, "period_start": start, "period_grain": grain, "stage": stage, "outcome": outcome,
               "n": n}
        for column in OPTIONAL:
            value = (values.get(column) or "").strip()
            if not value:
                continue
            allowed = vocab.FIELD_VOCAB.get(column)
            if allowed is not None and value not in allowed:
                raise fail(column, vocab.not_allowed(column, value, allowed))
            row[column] = value
        return row
