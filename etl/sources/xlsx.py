"""Excel workbooks (.xlsx) read as the CSV reader reads text: every row loaded or rejected, every place named.

Offices publish spreadsheets; asking a volunteer to re-save each sheet as CSV loses them (and the re-save is
where leading zeros and dates get mangled). A workbook is read here, one sheet (the first, or the one a
source names), with the header in row 1. What a spreadsheet does to a value is undone where it is safe:
- a date typed as a date is written `YYYY-MM-DD` (with its time only when it has one);
- a whole number stored as a number (`6075.0`) is written `6075`, so the FIPS check can say that the
  leading zero was lost, instead of the file passing with a wrong county;
- a row with no value in any cell (trailing formatted rows) is not a row, as a blank line is not in a CSV.
Positions are given as a spreadsheet user sees them: sheet, row number and column letter with its name.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from etl.sources.base import FileResult, Record, SourceError, read_csv

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OTHER_SPREADSHEETS = (".xls", ".ods", ".numbers")  # not readable here: saved as .xlsx or CSV first
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive, whatever its name says


def is_workbook(path: Path) -> bool:
    """True for an .xlsx file, by name or by content (a workbook renamed to .csv is still a workbook)."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(4) == ZIP_MAGIC
    except OSError:
        return False


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def cell_text(value: Any) -> str:
    """A cell's value as the text a CSV of the same sheet would hold (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class Sheet:
    """One sheet of a workbook, open for reading rows; `where` names it in messages."""

    def __init__(self, path: Path, source_id: str, shown: str, sheet: str | None):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        self.handle = path.open("rb")  # a handle, not the name: openpyxl refuses a workbook not named .xlsx
        try:
            self.book = load_workbook(self.handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
            self.handle.close()
            raise SourceError(source_id, shown, f"not a readable .xlsx workbook ({error}): open it in a "
                              "spreadsheet program and save it again as .xlsx, or as 'CSV UTF-8'") from error
        names = self.book.sheetnames
        if sheet is not None and sheet not in names:
            self.close()
            raise SourceError(source_id, shown, f"no sheet named {sheet!r} (the workbook has: "
                              f"{', '.join(repr(n) for n in names)})")
        self.name = sheet if sheet is not None else names[0]
        self.where = f"{shown}, sheet {self.name!r}"
        self.source_id = source_id

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cell texts) of every row that has a value in some cell."""
        for number, values in enumerate(self.book[self.name].iter_rows(values_only=True), start=1):
            texts = [cell_text(v) for v in values]
            while texts and not texts[-1].strip():
                texts.pop()
            if texts:
                yield number, texts

    def close(self) -> None:
        self.book.close()
        self.handle.close()


def header_names(cells: list[str], sheet: Sheet, *, first_row: int) -> list[str]:
    """The header's column names; a blank cell among them (a merged or missing header cell) is a SourceError
    naming the cells, since the values under it would have no column to go to."""
    names = [c.replace("\ufeff", "").strip() for c in cells]
    blank = [f"{column_letter(i)}{first_row}" for i, n in enumerate(names) if not n]
    if blank:
        raise SourceError(sheet.source_id, f"{sheet.where}, row {first_row}",
                          f"header cell(s) {', '.join(blank)} are empty: merged header cells, or a title above "
                          "the header? Row 1 must hold one name per column (unmerge the cells and name each column)")
    return names


def read_xlsx(path: Path, result: FileResult, *, required: Iterable[str] = (), sheet: str | None = None
              ) -> Iterator[Record]:
    """Yield the rows of one sheet as Records (line = the sheet's row number); reject a row with values beyond
    the header. Whole-sheet problems (no header, a blank or repeated header name, a missing required column)
    are SourceErrors naming the sheet. `result.sheet` and `result.column_letters` (header name -> letter) let
    a report name cells as the spreadsheet shows them."""
    book = Sheet(path, result.source_id, result.file, sheet)
    try:
        rows = book.rows()
        first = next(rows, None)
        if first is None:
            raise SourceError(result.source_id, book.where, "the sheet is empty (no header row)")
        number, cells = first
        if number != 1:
            raise SourceError(result.source_id, book.where, f"row 1 is empty: the header must be in row 1 "
                              f"(found the first values in row {number})")
        header = header_names(cells, book, first_row=1)
        letters = {name: column_letter(i) for i, name in enumerate(header)}
        result.sheet, result.column_letters = book.name, letters
        repeated = [h for h, n in Counter(header).items() if n > 1]
        if repeated:
            cells = [f"{column_letter(i)}1" for i, h in enumerate(header) if h == repeated[0]]
            raise SourceError(result.source_id, f"{book.where}, row 1", f"duplicated column in header (cells "
                              f"{', '.join(cells)})", column=repeated[0])
        missing = [c for c in required if c not in letters]
        if missing:
            raise SourceError(result.source_id, f"{book.where}, row 1", f"missing column "
                              f"{', '.join(map(repr, missing))} (row 1 has: {', '.join(header)[:300]})",
                              column=missing[0])
        width = len(header)
        for number, cells in rows:
            result.rows_read += 1
            raw = ",".join(cells)
            if len(cells) > width:
                extra = f"{column_letter(width)}{number}"
                result.reject(None, f"a value in cell {extra}, right of the last named column "
                              f"({letters[header[-1]]}, {header[-1]!r}): name its column in row 1, or clear it",
                              line=number, raw=raw)
                continue
            cells += [""] * (width - len(cells))
            yield Record(number, dict(zip(header, cells, strict=True)), raw)
    finally:
        book.close()


def read_table(path: Path, result: FileResult, *, required: Iterable[str] = (), sheet: str | None = None,
               **csv_options: Any) -> Iterator[Record]:
    """Rows of a CSV (options as `read_csv`) or of a workbook's sheet, whichever the file is."""
    if path.suffix.lower() in OTHER_SPREADSHEETS:
        raise SourceError(result.source_id, result.file, f"a {path.suffix} spreadsheet cannot be read: save it "
                          "as .xlsx (Excel workbook) or as 'CSV UTF-8'", line=1)
    if is_workbook(path):
        return read_xlsx(path, result, required=required, sheet=sheet)
    return read_csv(path, result, required=required, **csv_options)
