"""New York City arraignment release decisions (NY courts' pretrial release data, aggregated by a third party).

`county_agg.json` is one object of code lists (`counties`, `categories`, `severities`, `releases`), a `columns`
list, and `data`: rows of values in `columns` order whose `*_idx` values index the code lists. Each row is one
year x county x charge category x severity, with a `total` and one count per release decision.

- A JSON row's "line" is its 1-based position in `data` (the file is one line).
- Release decisions, counties, categories and severities map through CSV tables (`mappings/nyc_pretrial_*.csv`).
  "Disposed at arraign" is not a release decision (the case ended there): it is loaded as pretrial `other` so
  the totals reconcile, which keeps it out of the release-rate denominators. Rearrest, failure-to-appear and
  supervision columns are not loaded.
- A row whose release counts do not add up to `total`, or with an index out of range, is rejected; malformed
  JSON or a missing code list is a `SourceError`. The last year is partial (the aggregator's metadata.json,
  when it sits beside the file, says which; its caveats are kept as notes).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from etl.sources.base import READ_ERRORS, Adapter, FileResult, Record, SourceError, open_text, parse_count
from etl.vocab import ExcludedCode, Mapping, UnknownCode, load_mapping

RELEASES, COUNTIES, CATEGORIES, SEVERITIES = (
    "nyc_pretrial_releases", "nyc_pretrial_counties", "nyc_pretrial_categories", "nyc_pretrial_severities")
CODE_LISTS = {"counties": "county_idx", "categories": "cat_idx", "severities": "sev_idx"}
KEY_COLUMNS = ("year", "county_idx", "cat_idx", "sev_idx", "total")
FIRST_YEAR = 2000
RAW_LIMIT = 600
MAX_CHARS = 64 * 1024 * 1024  # the whole document is parsed at once: a bound keeps a hostile file's memory in check
_SURROGATE = re.compile("[\udc80-\udcff]")


class NewYorkCityPretrial(Adapter):
    """Release decisions at arraignment by year, borough, charge category and severity."""

    source_id = "nyc_pretrial"
    mappings = (RELEASES, COUNTIES, CATEGORIES, SEVERITIES)

    def read_file(self, path: Path, result: FileResult) -> None:
        document = self._load(path, result)
        lists = {name: document[name] for name in (*CODE_LISTS, "releases")}
        columns: list[str] = document["columns"]
        release_columns = self._release_columns(lists["releases"], columns, result)
        position = {name: i for i, name in enumerate(columns)}
        maps = {"counties": load_mapping(COUNTIES), "categories": load_mapping(CATEGORIES),
                "severities": load_mapping(SEVERITIES)}
        counts: Counter[tuple[Any, ...]] = Counter()
        years: Counter[int] = Counter()
        for index, row in enumerate(document["data"], start=1):
            result.rows_read += 1
            raw = json.dumps(row, ensure_ascii=False)
            record = Record(line=index, values={}, raw=raw[:RAW_LIMIT])
            if not isinstance(row, list) or len(row) != len(columns):
                width = len(row) if isinstance(row, list) else type(row).__name__
                result.reject(record, f"misaligned row: {width} values where columns has {len(columns)}")
                continue
            parsed = self._parse_row(row, position, release_columns, lists, maps, record, result)
            if parsed is None:
                continue
            year, fips, category, level, detail, releases = parsed
            result.accept()
            years[year] += sum(n for _, _, n in releases)
            for outcome, label, n in releases:
                if n:
                    counts[(fips, year, outcome, label, category, level, detail)] += n
        for (fips, year, outcome, label, category, level, detail), n in sorted(counts.items()):
            result.emit("case_counts", {
                "fips": fips, "period_start": date(year, 1, 1), "period_grain": "year", "stage": "pretrial",
                "outcome": outcome, "source_outcome": label, "offense_category": category,
                "offense_level": level, "offense_detail": detail, "n": n,
            })
        places = {(fips, year) for fips, year, *_ in counts}
        for year, caveat in self._notes(path, years, result):
            for fips in sorted(f for f, y in places if y == year):
                result.emit("period_coverage", {
                    "fips": fips, "stage": "pretrial", "period_start": date(year, 1, 1), "period_grain": "year",
                    "covered_from": date(year, 1, 1), "covered_to": None, "partial": True,
                    "basis": f"the aggregator's metadata.json: {caveat!r} (it does not say where the data end)",
                })

    def _load(self, path: Path, result: FileResult) -> dict[str, Any]:
        """The whole document, checked for the code lists and columns every row depends on."""
        try:
            with open_text(path, self.source_id) as handle:
                text = handle.read(MAX_CHARS + 1)
        except READ_ERRORS as error:
            raise SourceError(self.source_id, result.file, f"file is truncated or corrupt ({error})") from error
        if len(text) > MAX_CHARS:
            raise SourceError(self.source_id, result.file, f"file is larger than {MAX_CHARS:,} characters: not the "
                              "aggregated county file (which is well under 1 MB); not read further")
        if not text.strip():
            raise SourceError(self.source_id, result.file, "malformed JSON: the file is empty", line=1)
        bad = _SURROGATE.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            column = bad.start() - text.rfind("\n", 0, bad.start())
            raise SourceError(self.source_id, result.file,
                              f"file is not valid UTF-8 text (first bad byte at character {column})", line=line)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise SourceError(self.source_id, result.file, f"malformed JSON: {error.msg} (column {error.colno})",
                              line=error.lineno) from error
        if not isinstance(document, dict):
            raise SourceError(self.source_id, result.file, "expected a JSON object with code lists and data")
        for name in (*CODE_LISTS, "releases", "columns", "data"):
            if not isinstance(document.get(name), list):
                raise SourceError(self.source_id, result.file, f"missing or non-list key {name!r}", column=name)
        odd = next((c for c in document["columns"] if not isinstance(c, str)), None)
        if odd is not None:
            raise SourceError(self.source_id, result.file, f"'columns' holds {json.dumps(odd)[:60]}, not a column name",
                              column="columns")
        missing = [c for c in KEY_COLUMNS if c not in document["columns"]]
        if missing:
            raise SourceError(self.source_id, result.file, "missing column in 'columns'", column=missing[0])
        return document

    def _release_columns(self, releases: list[Any], columns: list[str],
                         result: FileResult) -> list[tuple[str, str, str]]:
        """(data column, owner's label, outcome) for every release decision the file lists."""
        mapping = load_mapping(RELEASES)
        found = []
        for label in releases:
            try:
                fields = mapping.lookup(str(label), "releases")
            except (UnknownCode, ExcludedCode) as error:
                raise SourceError(self.source_id, result.file,
                                  f"{error}: every release decision must be mapped, since rows are checked against"
                                  " their total", column="releases") from error
            if fields["column"] not in columns:
                raise SourceError(self.source_id, result.file,
                                  f"release decision {label!r} has no column {fields['column']!r}",
                                  column=fields["column"])
            found.append((fields["column"], str(label), fields["outcome"]))
        return found

    def _parse_row(self, row: list[Any], position: dict[str, int], release_columns: list[tuple[str, str, str]],
                   lists: dict[str, list[Any]], maps: dict[str, Mapping], record: Record,
                   result: FileResult) -> tuple[Any, ...] | None:
        """(year, fips, category, level, detail, [(outcome, label, n)]) or None when the row is rejected."""
        year = row[position["year"]]
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= date.today().year:
            result.reject(record, f"invalid year {year!r}", column="year")
            return None
        labels: dict[str, str] = {}
        for list_name, column in CODE_LISTS.items():
            value = row[position[column]]
            codes = lists[list_name]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(codes):
                result.reject(record, f"index {value!r} out of range (the {list_name} list has {len(codes)})",
                              column=column)
                return None
            labels[list_name] = str(codes[value])
        mapped: dict[str, dict[str, str]] = {}
        for list_name, mapping in maps.items():
            try:
                mapped[list_name] = mapping.lookup(labels[list_name], list_name)
            except UnknownCode:
                result.unknown(record, CODE_LISTS[list_name], labels[list_name])
                return None
            except ExcludedCode as error:
                result.reject(record, str(error), column=CODE_LISTS[list_name], kind="excluded")
                return None
        numbers: dict[str, int] = {}
        for column in ("total", *(c for c, _, _ in release_columns)):
            try:
                numbers[column] = parse_count(str(row[position[column]]), column=column)
            except ValueError as error:
                result.reject(record, str(error), column=column)
                return None
        parts = sum(numbers[c] for c, _, _ in release_columns)
        if parts != numbers["total"]:
            result.reject(record, f"release columns sum to {parts} but total is {numbers['total']}", column="total")
            return None
        fips = mapped["counties"]["fips"]
        releases = [(outcome, label, numbers[column]) for column, label, outcome in release_columns]
        return (year, fips, mapped["categories"]["offense_category"], mapped["severities"]["offense_level"],
                labels["categories"], releases)

    def _notes(self, path: Path, years: Counter[int], result: FileResult) -> list[tuple[int, str]]:
        """Say which year is partial: from the aggregator's metadata.json when present, else the latest year.

        Returns the (year, caveat) pairs the metadata names as partial, so that they are flagged as data.
        """
        if not years:
            return []
        result.notes.append("release decisions per year: " + ", ".join(f"{y} {n:,}" for y, n in sorted(years.items())))
        metadata = path.with_name("metadata.json")
        caveats: list[str] = []
        if metadata.exists():
            try:
                caveats = [str(c) for c in json.loads(metadata.read_text(encoding="utf-8")).get("caveats", [])]
            except (ValueError, OSError, AttributeError):
                caveats = []
        kept = [c for c in caveats if re.search(r"partial|incomplete", c, re.IGNORECASE)]
        if kept:
            result.notes.extend(f"aggregator's caveat: {c}" for c in kept)
        else:
            result.notes.append(f"{max(years)} is the latest year and may be partial (the aggregated file does not"
                                " say when its data end)")
        return [(year, c) for c in kept if re.search(r"partial", c, re.IGNORECASE)
                for year in partial_years(c) if year in years]


def partial_years(caveat: str) -> list[int]:
    """Years a caveat names as partial: '2025 contains partial year data' -> [2025]; 'pre-2022' names none."""
    return [int(y) for y in re.findall(r"(?<![-\w])((?:19|20)\d{2})\b", caveat)]
