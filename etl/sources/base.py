"""What every source adapter shares: the result it fills, the hostile-CSV reader, and its errors.

An adapter turns one owner's files into canonical rows. Its contract with the build:
- every input row it reads is either loaded or rejected (with line, column and reason), so that
  rows read = rows loaded + rows rejected holds for every file and the build can check it;
- a problem with the whole file (missing, not gzip, renamed column) raises `SourceError`, which names
  the source, file, line and column, and fails the build before anything is published;
- no identifier reaches the warehouse: `raw` text of rejected rows is redacted and scrubbed.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from etl import schema

RAW_TEXT_LIMIT = 2000
REASON_LIMIT = 1000  # a reason quotes its bad values (each cut to 60); a 5,000-character value is cut, not stored whole
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(FIELD_SIZE_LIMIT)

# Identifier shapes seen in the real files: scrubbed from any raw text or reason that is kept. The build's
# identifier scan runs the same patterns in DuckDB, so they must stay RE2-compatible (no look-behind).
IDENTIFIER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b[A-Z]{2}-\d{2}-[A-Z]{2}-\d{5,8}-\d{4}\b"),  # Philadelphia docket MC-51-CR-0015890-2021
    re.compile(r"\b(?:19|20)\d{2} ?[A-Z]{2} ?\d{4,7}(?: ?[A-Z]{1,2})?\b"),  # Florida case 2010 CF 000015 C
    re.compile(r"\b\d{6}[A-Z]{2}\d{6}[A-Z]{3,}\b"),  # Florida uniform case number
    re.compile(r"\b0x[0-9A-Fa-f]{8,}\b"),  # hashed case ids
    re.compile(r"\b\d{9,}\b"),  # long numeric ids (Cook County CASE_ID, participant ids)
    re.compile(r"\b[0-9a-f]{16}\b"),  # person_key hashes
)
REDACTED = "[redacted]"

# The tables an adapter fills; their columns (TABLE_COLUMNS) and the defaults of the case_counts columns an
# adapter may leave out (NULL or a DEFAULT: CASE_COUNT_DEFAULTS) are read from etl/sql/schema.sql.
# period_coverage holds what the files say about the dates a period covers (an owner's note, a projection row);
# the build adds the dates seen in the data for every other period.
ADAPTER_TABLES = ("case_counts", "detention", "county", "county_population", "office", "office_county", "prosecutor",
                  "term", "election", "period_coverage", "election_contest", "prosecutor_rule",
                  "event", "jail_cost")  # event, jail_cost: cited context for the jail pages (jail_context.py)
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {table: schema.row_columns(table) for table in ADAPTER_TABLES}
CASE_COUNT_DEFAULTS: dict[str, Any] = schema.row_defaults("case_counts")


def scrub(text: str) -> str:
    """Remove identifier-shaped tokens from free text before it is kept anywhere."""
    for pattern in IDENTIFIER_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class SourceError(Exception):
    """A whole-file problem: the build stops with this message and publishes nothing."""

    def __init__(self, source_id: str, file: str | Path, reason: str, *, line: int | None = None,
                 column: str | None = None):
        self.source_id, self.file, self.reason = source_id, str(file), reason
        self.line, self.column = line, column
        where = f"source {source_id}, file {self.file}"
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


class Record:
    """One input row: its 1-based line in the file, its values by column, and redacted raw text.

    `raw` is built only when asked for (rejected rows): read_csv hands over the parsed fields and the
    file's layout, so the millions of rows that load never pay for joining and redacting their text.
    """

    __slots__ = ("line", "values", "_raw", "_fields", "_layout")

    def __init__(self, line: int, values: dict[str, str], raw: str | None = None,
                 fields: list[str] | None = None, layout: _Layout | None = None):
        self.line, self.values, self._raw = line, values, raw
        self._fields, self._layout = fields, layout

    @property
    def raw(self) -> str:
        if self._raw is None:
            self._raw = self._layout.join(self._fields) if self._layout is not None and self._fields is not None \
                else ""
        return self._raw

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def get(self, column: str, default: str = "") -> str:
        value = self.values.get(column)
        return default if value is None else value

    def __repr__(self) -> str:
        return f"Record(line={self.line}, values={self.values!r})"


@dataclass(frozen=True)
class _Layout:
    """What turns a row's fields back into raw text: the delimiter and which positions are redacted."""

    delimiter: str
    redacted: frozenset[int]

    def join(self, fields: list[str]) -> str:
        if not self.redacted:
            return self.delimiter.join(fields)
        return self.delimiter.join(REDACTED if i in self.redacted else f for i, f in enumerate(fields))


@dataclass(frozen=True)
class Rejection:
    line: int | None
    reason: str
    raw: str
    column: str | None = None
    kind: str = "rejected"  # rejected (bad input) | excluded (known, not counted) | duplicate


@dataclass
class FileResult:
    """Everything one adapter learned from one file; the build checks and loads it."""

    source_id: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    queries: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unknown_codes: Counter[tuple[str, str]] = field(default_factory=Counter)
    sheet: str | None = None  # a workbook's sheet that was read (lines are then its row numbers)
    column_letters: dict[str, str] = field(default_factory=dict)  # a workbook's header name -> column letter

    def emit(self, table: str, row: dict[str, Any]) -> None:
        """Add one canonical row (case_counts defaults filled) to a warehouse table."""
        if table not in TABLE_COLUMNS:
            raise KeyError(f"unknown warehouse table {table!r}")
        if table == "case_counts":
            row = {**CASE_COUNT_DEFAULTS, **row}
        self.rows.setdefault(table, []).append(row)

    def emit_frame(self, table: str, frame: pd.DataFrame) -> None:
        """Add many canonical rows at once (vectorised adapters); missing case_counts columns get defaults."""
        if table not in TABLE_COLUMNS:
            raise KeyError(f"unknown warehouse table {table!r}")
        frame = frame.copy()
        if table == "case_counts":
            for column, default in CASE_COUNT_DEFAULTS.items():
                if column not in frame:
                    frame[column] = default
        self.frames.setdefault(table, []).append(frame[list(TABLE_COLUMNS[table])])

    def emit_sql(self, table: str, query: str) -> None:
        """Rows computed by DuckDB inside the build (for inputs too large for Python rows).

        The query must return the table's columns by name (see TABLE_COLUMNS); the build runs it in
        the new warehouse and inserts the result with this file's source_id.
        """
        if table not in TABLE_COLUMNS:
            raise KeyError(f"unknown warehouse table {table!r}")
        self.queries.setdefault(table, []).append(query)

    def accept(self, count: int = 1) -> None:
        self.rows_loaded += count

    def reject(self, record: Record | None, reason: str, *, column: str | None = None,
               kind: str = "rejected", line: int | None = None, raw: str | None = None) -> None:
        text = raw if raw is not None else (record.raw if record else "")
        self.rejections.append(Rejection(
            line=line if line is not None else (record.line if record else None),
            reason=_limit(scrub(reason), REASON_LIMIT),  # reasons quote values: a misplaced id must not leak
            raw=_limit(scrub(text)),
            column=column,
            kind=kind,
        ))

    def reject_repeat(self, record: Record, seen: dict[Any, int], key: Any, what: str, *, column: str) -> bool:
        """True, with the row rejected as a duplicate, when `key` is already in `seen` (key -> first line);
        else records this line. A repeated row is never merged or overwritten, so the first one stands."""
        if key in seen:
            self.reject(record, f"{what} repeated (first on line {seen[key]})", column=column, kind="duplicate")
            return True
        seen[key] = record.line
        return False

    def unknown(self, record: Record, column: str, value: str) -> None:
        """An unknown code: rejected, and counted so the build can report every unknown value."""
        self.unknown_codes[(column, _limit(scrub(value), REASON_LIMIT))] += 1
        self.reject(record, f"unknown code {value!r} in column {column!r}", column=column)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejections)

    def frame(self, table: str) -> pd.DataFrame:
        """All rows emitted for a table (row by row and as frames), as one data frame."""
        columns = list(TABLE_COLUMNS[table])
        parts = list(self.frames.get(table, []))
        data = self.rows.get(table, [])
        if data:
            parts.append(pd.DataFrame.from_records(data, columns=columns))
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)

    def tables(self) -> set[str]:
        return set(self.rows) | set(self.frames) | set(self.queries)

    def check_reconciles(self) -> None:
        if self.rows_read != self.rows_loaded + self.rows_rejected:
            raise SourceError(
                self.source_id, self.file,
                f"rows do not reconcile: read {self.rows_read} != loaded {self.rows_loaded}"
                f" + rejected {self.rows_rejected}",
            )


def _limit(text: str, limit: int = RAW_TEXT_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"... [{len(text) - limit} more characters]"


class Adapter:
    """One source: its id and how to read its files. Subclasses implement `read_file`.

    Where a file lives (sub-folder and file pattern) is data in `data/sources.toml`, not code.
    Override `finish` for work across files (de-duplicating overlapping extracts).
    """

    source_id: ClassVar[str]
    mappings: ClassVar[tuple[str, ...]] = ()  # mapping names shown on the methods page (also recorded on use)

    def read_file(self, path: Path, result: FileResult) -> None:
        raise NotImplementedError

    def finish(self, results: list[FileResult]) -> None:
        """Cross-file step after every file is read; the default does nothing."""

    def read(self, paths: Iterable[Path], *, display_root: Path | None = None) -> list[FileResult]:
        results = []
        for path in paths:
            shown = str(path.relative_to(display_root)) if display_root and path.is_relative_to(display_root) \
                else path.name
            result = FileResult(source_id=self.source_id, file=shown)
            if not path.exists():
                raise SourceError(self.source_id, shown, "file not found")
            self.read_file(path, result)
            results.append(result)
        self.finish(results)
        for result in results:
            result.check_reconciles()
        return results


def open_text(path: Path, source_id: str, *, encoding: str = "utf-8") -> io.TextIOBase:
    """Open a (possibly gzipped) text file; undecodable bytes survive as surrogates for per-row errors."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise SourceError(source_id, path.name, f"cannot open file: {error.strerror or error}") from error
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        binary: io.BufferedIOBase = gzip.GzipFile(fileobj=handle)  # type: ignore[assignment]
    elif path.suffix == ".gz":
        handle.close()
        raise SourceError(source_id, path.name, "file ends in .gz but is not gzip-compressed")
    else:
        binary = handle  # type: ignore[assignment]
    return io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")


# Reading a compressed or plain file can fail in these ways: a cut or corrupt gzip stream, a disk error.
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)

# No real line comes near this; a longer one is rejected without being held in memory, so a hostile
# 200 MB line costs a few MB, not gigabytes of parsed fields.
MAX_LINE_CHARS = 1 << 20

_SURROGATE = re.compile("[\udc80-\udcff]")


class _Trouble:
    """What `_lines` saw while csv.reader parsed the current row; read_csv checks `any` once per row."""

    __slots__ = ("any", "too_long", "undecodable", "nul", "exhausted")

    def __init__(self) -> None:
        self.any = self.too_long = self.undecodable = self.nul = self.exhausted = False

    def clear(self) -> None:
        self.any = self.too_long = self.undecodable = self.nul = False


def _lines(text: io.TextIOBase, trouble: _Trouble) -> Iterator[str]:
    """The physical lines csv.reader parses, each read with a length cap, flagging what it finds.

    csv.reader pulls lines only as it needs them, so what is flagged between two rows belongs to the row
    in between. An over-long line is skipped a chunk at a time and handed over as an empty line: memory
    stays bounded whatever the file holds, and the row is rejected by its flag.
    """
    readline = text.readline
    while True:
        line = readline(MAX_LINE_CHARS + 1)
        if not line:
            trouble.exhausted = True
            return
        if len(line) > MAX_LINE_CHARS:
            while line and line[-1] not in "\r\n":
                line = readline(MAX_LINE_CHARS)
            trouble.any = trouble.too_long = True
            yield "\n"
            continue
        if not line.isascii() and _SURROGATE.search(line):
            trouble.any = trouble.undecodable = True
        if "\0" in line:
            trouble.any = trouble.nul = True
        yield line


def read_csv(
    path: Path,
    result: FileResult,
    *,
    required: Iterable[str] = (),
    aliases: dict[str, str] | None = None,
    redact: Iterable[str] = (),
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Iterator[Record]:
    """Yield the well-formed rows of a CSV; reject the rest into `result`, counting every row read.

    - header names are stripped of BOM and whitespace and renamed through `aliases` (older/newer exports);
    - a missing required column, duplicated column or wrong delimiter is a `SourceError` (line 1);
    - rejected, with line and reason: a row with the wrong number of fields, bytes that are not valid in
      `encoding`, NUL bytes, a line longer than MAX_LINE_CHARS, a row cut by the end of the file inside
      quotes (a truncated file), and a repeat of the header line (files concatenated);
    - values of `redact` columns are replaced in the raw text kept for rejected rows.

    `result.rows_read` is brought up to date when the iteration ends (or is abandoned), not row by row.
    """
    aliases = {_clean_header(k).casefold(): v for k, v in (aliases or {}).items()}
    redact_set = set(redact)
    required = list(required)
    reader: Any = None
    try:
        with open_text(path, result.source_id, encoding=encoding) as text:
            trouble = _Trouble()
            reader = csv.reader(_lines(text, trouble), delimiter=delimiter)
            header, own = _read_header(reader, trouble, result, aliases, required, delimiter)
            width = len(header)
            layout = _Layout(delimiter, frozenset(i for i, h in enumerate(header) if h in redact_set))
            first_name = own[0] if own else ""
            last_line = reader.line_num
            read = 0  # rows read, added to result once (finally) rather than per row: this loop is the hot path
            try:
                while True:
                    try:
                        for fields in reader:
                            start, last_line = last_line + 1, reader.line_num
                            if trouble.any:
                                read += 1
                                _reject_trouble(result, trouble, fields, header, layout, start, encoding)
                                continue
                            if not fields or (len(fields) == 1 and not fields[0].strip()):
                                continue  # a blank line carries no row
                            read += 1
                            if trouble.exhausted:
                                result.reject(None, "the file ends inside a quoted value: it is probably truncated",
                                              line=start, raw=layout.join(fields),
                                              column=header[len(fields) - 1] if len(fields) <= width else None)
                            elif len(fields) != width:
                                result.reject(None, f"misaligned row: {len(fields)} fields where the header has"
                                              f" {width}", line=start, raw=layout.join(fields))
                            elif fields[0].endswith(first_name) and [_clean_header(f) for f in fields] == own:
                                result.reject(None, "the header line repeated (files concatenated?)", line=start,
                                              raw=layout.join(fields), kind="excluded")
                            else:
                                yield Record(start, dict(zip(header, fields, strict=False)), None, fields, layout)
                        break
                    except csv.Error as error:  # a field over csv's size limit; the reader goes on at the next line
                        start, last_line = last_line + 1, reader.line_num
                        read += 1
                        result.reject(None, _trouble_reason(trouble, encoding) or f"unreadable CSV row: {error}",
                                      line=start, raw="")
                        trouble.clear()
            finally:
                result.rows_read += read
    except READ_ERRORS as error:
        line = reader.line_num + 1 if reader is not None else None
        raise SourceError(result.source_id, result.file,
                          f"file is truncated or corrupt, reading stopped here ({error}); nothing from it is loaded",
                          line=line) from error


def _reject_trouble(result: FileResult, trouble: _Trouble, fields: list[str], header: list[str], layout: _Layout,
                    line: int, encoding: str) -> None:
    """Reject a row that `_lines` flagged, naming the first column holding the bad characters."""
    reason = _trouble_reason(trouble, encoding) or "unreadable row"
    trouble.clear()
    bad = next((i for i, f in enumerate(fields) if _SURROGATE.search(f) or "\0" in f), None)
    result.reject(None, reason, line=line, column=header[bad] if bad is not None and bad < len(header) else None,
                  raw=layout.join(fields).encode("utf-8", "replace").decode("utf-8").replace("\0", "\ufffd"))


def _trouble_reason(trouble: _Trouble, encoding: str) -> str | None:
    if trouble.too_long:
        return f"line longer than {MAX_LINE_CHARS:,} characters: not read"
    if trouble.undecodable:
        return f"bytes that are not valid {encoding} text"
    if trouble.nul:
        return "NUL bytes in the row (a corrupt or binary file?)"
    return None


def _clean_header(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _read_header(reader: Any, trouble: _Trouble, result: FileResult, aliases: dict[str, str],
                 required: list[str], delimiter: str) -> tuple[list[str], list[str]]:
    """(column names after aliases, the header line's own names) or a SourceError saying what is wrong."""
    try:
        raw_header = next(reader)
    except StopIteration:
        raise SourceError(result.source_id, result.file, "file is empty (no header row)", line=1) from None
    except csv.Error as error:
        raise SourceError(result.source_id, result.file, f"unreadable header: {error}", line=1) from error
    if trouble.too_long:
        raise SourceError(result.source_id, result.file,
                          f"header longer than {MAX_LINE_CHARS:,} characters: not a CSV of this source", line=1)
    own = [_clean_header(h) for h in raw_header]
    if trouble.undecodable:
        raise SourceError(result.source_id, result.file, "header is not valid UTF-8 text (wrong encoding?)",
                          line=1)
    if trouble.nul:
        raise SourceError(result.source_id, result.file, "NUL bytes in the header: not a text file", line=1)
    header = [aliases.get(h.casefold(), h) for h in own]
    if len(header) == 1 and required and len(required) > 1:
        guess = next((d for d in (";", "\t", "|", ",") if d != delimiter and d in header[0]), None)
        hint = f" (the file seems to use {guess!r})" if guess else ""
        raise SourceError(result.source_id, result.file,
                          f"expected {delimiter!r}-separated columns but found one column{hint}", line=1)
    counts = Counter(header)
    duplicated = [h for h, c in counts.items() if c > 1 and h]
    if duplicated:
        raise SourceError(result.source_id, result.file, "duplicated column in header", line=1,
                          column=duplicated[0])
    missing = [c for c in required if c not in counts]
    if missing:
        raise SourceError(result.source_id, result.file,
                          f"missing column (header has: {', '.join(header)[:300]})", line=1, column=missing[0])
    return header, own


# A count as owners write it: plain ASCII digits, optionally with thousands commas and a zero fraction.
_PLAIN_COUNT = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0*)?")


def parse_count(value: str, *, column: str, maximum: int = 100_000_000) -> int:
    """A non-negative whole count; `1,234` allowed; negative, fractional, huge or text -> ValueError.

    Only plain digits are read: `1e3`, `1_000`, `１２` or `1,2,3` would each be a guess at what the owner
    meant, so they are refused with a reason, as are `inf` and `nan`.
    """
    text = (value or "").strip()
    if not text:
        raise ValueError(f"empty count in column {column!r}")
    if len(text) <= 32 and _PLAIN_COUNT.fullmatch(text):  # bounded: int() refuses over 4,300 digits
        number = int(text.split(".", 1)[0].replace(",", ""))
        if number > maximum:
            raise ValueError(f"implausible count {value!r} in column {column!r} (over {maximum:,})")
        return number
    try:
        number_f = float(text.replace(",", ""))  # only to say why it is refused
    except ValueError:
        raise ValueError(f"non-numeric count {_short(value)!r} in column {column!r}") from None
    if math.isnan(number_f) or number_f < 0:
        raise ValueError(f"negative or invalid count {_short(value)!r} in column {column!r}")
    if number_f > maximum:
        raise ValueError(f"implausible count {_short(value)!r} in column {column!r} (over {maximum:,})")
    if not number_f.is_integer():
        raise ValueError(f"fractional count {value!r} in column {column!r}")
    raise ValueError(f"count {value!r} in column {column!r} is not written in plain digits")


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "..."
