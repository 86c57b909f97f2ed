"""`python -m etl validate PATH`: check a file or a source folder and say every problem at once, with the fix.

For someone bringing their county's data: all missing columns (each with the closest column the file has),
columns the source does not read (a misspelled `offense_categroy` would silently lose its breakdown),
refused values grouped with their allowed values, a workbook's cells named by sheet, row and column letter, and with
`--against WAREHOUSE` which source would count per county, stage and year, with both totals and rates.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import vocab
from etl.config import SourceConfig, declared_config, split_per_file
from etl.sources import canonical
from etl.sources.base import FileResult, SourceError, open_text
from etl.sources.declared import DEFINITION, DefinitionError, load_definition
from etl.sources.xlsx import OTHER_SPREADSHEETS, Sheet, column_letter, header_names, is_workbook

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


@dataclass
class Report:
    """What validation found: problems stop a file from loading; warnings do not."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    config: SourceConfig | None = None


def target(path: Path, source: str | None, catalogue: dict[str, SourceConfig], raw_dir: Path
           ) -> tuple[SourceConfig, list[Path]]:
    """Which source reads PATH, and which files: a source folder, a file of a named source, or a file in the
    standard's aggregate form (canonical counts) when no source is named."""
    if path.is_dir():
        if not (path / DEFINITION).exists():
            raise ValueError(f"{path} is a folder without {DEFINITION}: pass a file, or a source folder")
        config = declared_config(path)
        mappings = {vocab.mapping_path(n).resolve() for n in load_definition(path.resolve()).mapping_names()}
        files = [p for pattern in config.files for p in sorted(path.glob(pattern))
                 if p.is_file() and p.resolve() not in mappings]
        return config, files or config.find_files(raw_dir)
    if source is not None:
        if source not in catalogue:
            raise ValueError(f"unknown source {source!r} (known: {', '.join(sorted(catalogue))})")
        return catalogue[source], [path]
    if (path.parent / DEFINITION).exists():
        return declared_config(path.parent), [path]
    split, _ = split_per_file(catalogue, raw_dir)
    for config in split.values():  # a file of transcribed counts in the raw folder is checked as its own source
        if config.parent and path.resolve() in {p.resolve() for p in config.find_files(raw_dir)}:
            return config, [path]
    return catalogue["canonical_counts"], [path]


def expected_columns(config: SourceConfig) -> tuple[list[str], list[str]] | None:
    """(required, optional) columns the source reads, when they are declared as data; None for Python
    adapters, whose own header checks run."""
    if config.definition:
        return load_definition(Path(config.definition)).columns()
    if config.adapter == "etl.sources.canonical:CanonicalCounts":
        return list(canonical.COLUMNS), list(canonical.OPTIONAL)
    return None


def check_file(config: SourceConfig, path: Path, report: Report) -> None:
    """Check one file: its kind, its header against the declared columns, then every row through the adapter."""
    name = path.name
    if path.suffix.lower() in OTHER_SPREADSHEETS:
        report.problems.append(f"{name}: a {path.suffix} spreadsheet cannot be read: open it and save it as .xlsx "
                               "(Excel workbook), or choose File > Save As > 'CSV UTF-8 (comma delimited)'")
        return
    columns = expected_columns(config)
    workbook = is_workbook(path)
    if workbook and columns is None:
        report.problems.append(
            f"{name}: this is a spreadsheet, and source {config.source_id} reads CSV files only. Open it, choose "
            "File > Save As > 'CSV UTF-8 (comma delimited)', and validate the .csv (one sheet per file; the "
            "header must be the first row)")
        return
    if columns is not None:
        sheet = load_definition(Path(config.definition)).meta.get("sheet") if config.definition else None
        header = _workbook_header(config, path, sheet, report) if workbook else _csv_header(config, path, report)
        if header is None or not _check_header(config, path, header, columns, report):
            return
    adapter = config.load_adapter()
    try:
        report.results.extend(adapter.read([path]))
    except SourceError as error:
        report.problems.append(str(error))


def _csv_header(config: SourceConfig, path: Path, report: Report) -> tuple[list[str], dict[str, str]] | None:
    """(the first line's names, {}) or None with the problem reported."""
    try:
        with open_text(path, config.source_id) as text:
            header = next(csv.reader(text), [])
    except (SourceError, OSError, UnicodeError) as error:
        report.problems.append(f"{path.name}: cannot read the header ({error})")
        return None
    header = [h.replace("\ufeff", "").strip() for h in header]
    if any(undecodable(h) for h in header):
        report.problems.append(f"{path.name}: the header is not UTF-8 text: save the file as 'CSV UTF-8'")
        return None
    return header, {}


def _workbook_header(config: SourceConfig, path: Path, sheet: str | None, report: Report
                     ) -> tuple[list[str], dict[str, str]] | None:
    """(row 1's names, name -> column letter) of the sheet read, or None with the problem reported."""
    try:
        book = Sheet(path, config.source_id, path.name, sheet)
    except SourceError as error:
        report.problems.append(str(error))
        return None
    try:
        first = next(book.rows(), None)
        if first is None:
            return [], {}
        header = header_names(first[1], book, first_row=first[0])
    except SourceError as error:
        report.problems.append(str(error))
        return None
    finally:
        book.close()
    return header, {h: column_letter(i) for i, h in enumerate(header)}


def _check_header(config: SourceConfig, path: Path, found: tuple[list[str], dict[str, str]],
                  columns: tuple[list[str], list[str]], report: Report) -> bool:
    required, optional = columns
    header, letters = found
    if not header:
        report.problems.append(f"{path.name}: the file is empty: the first line must name the columns")
        return False
    missing = [c for c in required if c not in header]
    known = set(required) | set(optional)
    spare = [h for h in header if h not in known]  # a missing column's likely misspelling is among these
    for column in missing:
        report.problems.append(f"{path.name}: missing column {column!r}{vocab.did_you_mean(column, spare)}")
    absent = sorted(known - set(header))  # an unread column is likely a misspelling of one of these
    ignored = set(load_definition(Path(config.definition)).meta.get("ignore", ())) if config.definition else set()
    for column in header:
        if column and column not in known and column not in ignored:
            hint = vocab.did_you_mean(column, absent)
            report.warnings.append(f"{path.name}: column {_label(column, letters)} is not read by this source"
                                   + (f"{hint}: as spelled, its values are lost" if hint else ""))
    return not missing


def _label(column: str, letters: dict[str, str]) -> str:
    """A column as the file's reader finds it: `'race'` in a CSV, `C 'race'` in a workbook."""
    return f"{letters[column]} {column!r}" if column in letters else repr(column)


def undecodable(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def print_report(report: Report, say: Callable[[str], None], show: int, err: Callable[[str], None]) -> None:
    """Every problem, then per file what would load and every distinct reason for a refused row."""
    for problem in report.problems:
        err(f"error: {problem}")
    for warning in report.warnings:
        say(f"warning: {warning}")
    for result in report.results:
        rejected = sum(r.kind == "rejected" for r in result.rejections)
        excluded = result.rows_rejected - rejected
        shown = f"{result.file} (sheet {result.sheet!r})" if result.sheet else result.file
        say(f"{shown}: {result.rows_read:,} rows read = {result.rows_loaded:,} would load + "
            f"{result.rows_rejected:,} rejected ({excluded:,} of them excluded on purpose)")
        for table in sorted(result.tables()):
            say(f"  {table}: {len(result.frame(table)):,} rows")
        grouped: dict[tuple[str | None, str, str], list[int | None]] = {}
        for rejection in result.rejections:
            grouped.setdefault((rejection.column, rejection.kind, rejection.reason), []).append(rejection.line)
        for (column, kind, reason), lines in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
            listed = ", ".join(str(n) for n in lines[:show]) + (" ..." if len(lines) > show else "")
            unit = "row" if result.sheet else "line"  # a workbook's rows are numbered as the spreadsheet shows them
            where = f"{unit}{'s' if len(lines) > 1 else ''} {listed}" + (
                f", column {_label(column, result.column_letters)}" if column else "")
            say(f"  {kind} {where}: {reason}" + (f" ({len(lines):,} rows)" if len(lines) > 1 else ""))
        if rejected:
            say(f"  {rejected:,} of {result.rows_read:,} rows would be rejected"
                " (--strict makes this an error)")
        for note in result.notes:
            say(f"  note: {note}")


def exit_status(report: Report, strict: bool) -> int:
    if report.problems:
        return EXIT_USAGE
    if strict and any(r.kind == "rejected" for res in report.results for r in res.rejections):
        return EXIT_REJECTED
    return EXIT_OK


def against(report: Report, warehouse: Path, catalogue: dict[str, SourceConfig]) -> pd.DataFrame:
    """Per county, stage and year: the new source's total beside each source already in the warehouse, each
    stage measure's rate for both, and which one the build would count (and why)."""
    import duckdb

    assert report.config is not None
    new_id = report.config.source_id
    frames = [r.frame("case_counts") for r in report.results]
    new = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if new.empty:
        return pd.DataFrame()
    new = new.assign(year=pd.to_datetime(new["period_start"]).dt.year, source_id=new_id)
    new = new[new["period_grain"].isin(vocab.YEARLY_GRAINS)]
    new = new.groupby(["fips", "stage", "year", "source_id", "outcome"], as_index=False)["n"].sum()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.register("incoming", new[["fips", "stage"]].drop_duplicates())
        old = con.execute(
            "SELECT cc.fips, cc.stage, year(cc.period_start) AS year, cc.source_id, cc.outcome, sum(cc.n) AS n "
            "FROM case_counts cc SEMI JOIN incoming i ON i.fips = cc.fips AND i.stage = cc.stage "
            "WHERE cc.source_id <> ? AND cc.period_grain <> 'two_years' GROUP BY ALL", [new_id]).df()
        metrics = con.execute("SELECT metric_id, stage, numerator_outcomes, denominator_outcomes "
                              "FROM metric_definition ORDER BY sort_order").fetchall()
    both = pd.concat([new, old], ignore_index=True)
    priority = {**{s: c.priority for s, c in catalogue.items()}, new_id: report.config.priority}
    rows = []
    cells = set(new[["fips", "stage", "year"]].itertuples(index=False, name=None))
    for (fips, stage, year), cell in both.groupby(["fips", "stage", "year"]):
        if (fips, stage, year) not in cells:
            continue
        totals = cell.groupby("source_id")["n"].sum()
        ranked = sorted(totals.index, key=lambda s: (priority.get(s, 0), totals[s], s), reverse=True)
        counted = ranked[0]
        if len(ranked) == 1:
            why = "the only source"
        elif priority.get(counted, 0) != priority.get(ranked[1], 0):
            why = f"higher priority than {ranked[1]}"
        else:
            why = f"more cases than {ranked[1]} (same priority)"
        for source_id in ranked:
            outcomes = cell[cell["source_id"] == source_id].groupby("outcome")["n"].sum()
            row = {"fips": fips, "stage": stage, "year": int(year), "source": source_id, "n": int(totals[source_id]),
                   "counted": "yes: " + why if source_id == counted else "no"}
            for metric_id, metric_stage, numerator, denominator in metrics:
                if metric_stage == stage:
                    den = sum(outcomes.get(o, 0) for o in denominator)
                    row[metric_id] = round(sum(outcomes.get(o, 0) for o in numerator) / den, 3) if den else None
            rows.append(row)
    return pd.DataFrame(rows)


def run(path: Path, *, source: str | None, catalogue: dict[str, SourceConfig], raw_dir: Path, strict: bool,
        warehouse: Path | None, show: int, say: Callable[[str], None], err: Callable[[str], None]) -> int:
    """Validate PATH; `say` prints the report, `err` the problems (stderr on the command line)."""
    report = Report()
    try:
        config, files = target(path, source, catalogue, raw_dir)
    except (ValueError, DefinitionError) as error:
        err(f"error: {error}")
        return EXIT_USAGE
    report.config = config
    say(f"validating {path} as source {config.source_id} ({config.title})")
    if not files:
        err(f"error: no files matching {', '.join(config.files)} in {path} or {config.folder_path(raw_dir)}")
        return EXIT_USAGE
    for file in files:
        check_file(config, file, report)
    print_report(report, say, show, err)
    if warehouse is not None and report.results:
        if not warehouse.exists():
            err(f"error: no warehouse at {warehouse}")
            return EXIT_USAGE
        from etl.public import facts_path

        preview = against(report, facts_path(warehouse), catalogue)  # the counts are in the private database
        if preview.empty:
            say(f"against {warehouse}: no yearly case counts to compare")
        else:
            say(f"against {warehouse}: per county, stage and year, which source the build would count")
            say(preview.to_string(index=False, na_rep="-"))
    status = exit_status(report, strict)
    counts = Counter(r.kind for res in report.results for r in res.rejections)
    say("result: " + ("problems found: nothing from a file with a problem can load" if report.problems else
                      "rejected rows (--strict)" if status else
                      f"ok ({counts.get('rejected', 0):,} rows rejected, {counts.get('excluded', 0):,} excluded)"))
    return status
