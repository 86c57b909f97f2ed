"""Counts already in the warehouse's own vocabulary: one CSV row per case_counts row.

For sources an editor transcribes by hand (a DA's annual report table) and for test fixtures whose
expected metrics are worked out by hand. Same rules as every adapter: each value is checked against
the vocabulary, and a bad row is rejected with its line, column and reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl import vocab
from etl.sources.base import Adapter, FileResult, parse_count
from etl.sources.xlsx import read_table

COLUMNS = ("fips", "period_start", "period_grain", "stage", "outcome", "n")
OPTIONAL = ("source_outcome", "offense_category", "offense_level", "offense_detail", "race", "sex", "age_band")


class CanonicalCounts(Adapter):
    source_id = "canonical_counts"

    def read_file(self, path: Path, result: FileResult, *, sheet: str | None = None) -> None:
        """A CSV, or an .xlsx (its first sheet, or `sheet`)."""
        for record in read_table(path, result, required=COLUMNS, sheet=sheet):
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
        """One row checked whole: every refused value is named at once (the first one's column is kept)."""
        problems: list[tuple[str, str]] = []
        row: dict = {}

        def check(column: str, test) -> None:
            try:
                row[column] = test(values[column])
            except ValueError as error:
                problems.append((column, str(error)))

        def allowed(column: str, vocabulary: tuple[str, ...], label: str | None = None):
            def test(raw: str) -> str:
                value = raw.strip()
                if value not in vocabulary:
                    raise ValueError(vocab.not_allowed(label or column, value, vocabulary))
                return value
            return test

        check("fips", vocab.check_fips)
        check("period_grain", allowed("period_grain", vocab.PERIOD_GRAINS))
        check("stage", allowed("stage", vocab.STAGES))
        if "stage" in row:
            outcomes = vocab.STAGE_OUTCOMES[row["stage"]]
            check("outcome", allowed("outcome", outcomes, f"outcome of stage {row['stage']!r}"))
        check("period_start", lambda raw: _period_start(raw, row.get("period_grain", "day")))
        check("n", lambda raw: parse_count(raw, column="n"))
        for column in OPTIONAL:
            value = (values.get(column) or "").strip()
            if not value:
                continue
            vocabulary = vocab.FIELD_VOCAB.get(column)
            if vocabulary is None:
                row[column] = value
            else:
                check(column, allowed(column, vocabulary))
        if problems:
            error = ValueError("; ".join(message for _, message in problems))
            error.column = problems[0][0]  # type: ignore[attr-defined]
            raise error
        return row


def _period_start(raw: str, grain: str) -> date:
    try:
        return vocab.check_period_start(vocab.check_date(date.fromisoformat(raw.strip())), grain)
    except ValueError as error:
        raise ValueError(f"invalid period_start {raw!r}: {error}") from None
