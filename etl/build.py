"""Raw files -> canonical tables -> data checks -> metrics -> public warehouse -> atomic publish.

Two files come out: the private working database (facts, rejected rows with their text, intermediates) and
the public warehouse the app opens, holding only what etl/sql/public/ declares public (etl/public.py). Each
is written to a temporary file beside its target and swapped in with one `os.replace` only after every check
passed, so a failed or killed build leaves the previous files untouched and in service (readers that have
one open keep their snapshot; new readers see the new one).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from etl import checks, election_measures, fetch, metrics, public, schema, vocab
from etl.config import (
    PROJECT,
    RAW_DIR,
    SOURCE_DATE_COLUMNS,
    SQL_DIR,
    STAGE_DEFINITION_COLUMNS,
    SourceConfig,
    load_source_dates,
    load_sources,
    load_stage_definitions,
    split_per_file,
)
from etl.errors import BuildError
from etl.sources.base import TABLE_COLUMNS, FileResult, SourceError

REFERENCE_SOURCES = ("us_atlas", "prosecutor_rules")  # every build needs the county list and the term rules
# DuckDB's memory for the whole build, every stage. Unbounded, DuckDB takes up to 80% of the machine's memory and
# keeps every intermediate in it; with a limit it spills large groupings, joins and sorts to a directory beside the
# new warehouse instead, with the same results. That needs every big step to be one DuckDB can spill: the case
# metrics are grouped one metric at a time, the suppression loop appends instead of updating, and no step keeps a
# materialised CTE or a count(DISTINCT). tests/test_build_memory.py holds a build to it.
# Running out is a one-line error that names PAD_ETL_MEMORY_LIMIT, which overrides it (such as "4GB").
MEMORY_LIMIT = "1200MB"
MEMORY_LIMIT_ENV = "PAD_ETL_MEMORY_LIMIT"


@dataclass
class BuildReport:
    out: Path
    mode: str
    sources: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    skipped: list[str] = field(default_factory=list)
    unknown_codes: dict[str, dict[str, int]] = field(default_factory=dict)
    overlaps: list[str] = field(default_factory=list)  # which source counts where several cover a cell, and why
    seconds: float = 0.0
    content_sha256: str = ""  # of the public warehouse
    private: Path | None = None


def select_sources(
    catalogue: dict[str, SourceConfig], raw_dir: Path, requested: Iterable[str] | None, demo: bool,
    fallback_demo: bool,
) -> tuple[list[SourceConfig], list[str], str]:
    """Choose what to build: the demo, the requested sources, or every real source with files present.

    Demo and real sources are never mixed: a warehouse is one or the other, and says which.
    """
    requested = list(requested or [])
    unknown = [s for s in requested if s not in catalogue]
    if unknown:
        raise BuildError(f"unknown source id(s): {', '.join(unknown)} (known: {', '.join(sorted(catalogue))})")
    reference = [catalogue[s] for s in REFERENCE_SOURCES if s in catalogue]  # a test catalogue may leave one out
    if demo:
        return reference + [c for c in catalogue.values() if c.demo], [], "demo"
    if requested:
        chosen = [catalogue[s] for s in requested if s not in REFERENCE_SOURCES]
        if any(c.demo for c in chosen):
            raise BuildError("the demo source cannot be mixed with real sources: use --demo on its own")
        missing = [c.source_id for c in chosen if not c.find_files(raw_dir)]
        if missing:
            raise BuildError(
                "no input files for " + ", ".join(
                    f"{s} (expected {catalogue[s].folder_path(raw_dir)}/{' or '.join(catalogue[s].files)})"
                    for s in missing)
                + "; run `python -m etl fetch` or pass --raw-dir")
        people = [catalogue[s] for s in ("curated_prosecutors",) if s in catalogue and s not in requested]
        return reference + people + chosen, [], "real"
    real = [c for c in catalogue.values() if not c.demo and c.source_id not in REFERENCE_SOURCES]
    present = [c for c in real if c.find_files(raw_dir)]
    skipped = [c.source_id for c in real if c not in present]
    has_facts = any(c.kind in ("case", "detention") for c in present)
    if not has_facts:
        if fallback_demo:
            return reference + [c for c in catalogue.values() if c.demo], [], "demo"
        raise BuildError(
            f"no source files found under {raw_dir}: run `python -m etl fetch`, pass --raw-dir, or build --demo")
    return reference + present, skipped, "real"


def build(
    out: Path,
    *,
    raw_dir: Path = RAW_DIR,
    sources: Iterable[str] | None = None,
    demo: bool = False,
    fallback_demo: bool = False,
    threshold: int = vocab.SUPPRESSION_THRESHOLD,
    progress: bool = True,
    catalogue: dict[str, SourceConfig] | None = None,
    replace: bool = False,
    private_out: Path | None = None,
) -> BuildReport:
    """Build the private database and the public warehouse `out` (the private one beside it by default).

    A warehouse of the other kind already at `out` (demo where this build is real, or the reverse) is replaced
    only with `replace=True`: otherwise the build stops before any work and says so, so `make run` (demo) can
    never silently overwrite a real warehouse, nor the reverse.
    """
    started = time.monotonic()
    public.check_declared()
    catalogue = catalogue or load_sources()
    raw_dir = raw_dir.resolve()
    try:
        catalogue, split = split_per_file(catalogue, raw_dir)  # each file of transcribed counts: its own source
    except ValueError as error:
        raise BuildError(str(error)) from error
    if sources is not None:
        sources = [part for s in sources for part in split.get(s, [s])]
    chosen, skipped, mode = select_sources(catalogue, raw_dir, sources, demo, fallback_demo)
    existing = existing_mode(out)
    if existing is not None and existing != mode and not replace:
        raise BuildError(f"{out} holds a {existing} warehouse and this build is {mode}: it would replace it. "
                         f"Build into another file (--out), or pass --replace to replace it.")
    if mode == "demo" and not any(c.find_files(raw_dir) for c in chosen if c.demo):
        _generate_demo(raw_dir, catalogue)
    out = out.resolve()
    private = (private_out or public.private_path(out)).resolve()
    if private == out:
        raise BuildError(f"the private database and the public warehouse must be two files, not both {out}")
    report = BuildReport(out=out, mode=mode, skipped=skipped, private=private)
    out.parent.mkdir(parents=True, exist_ok=True)
    private.parent.mkdir(parents=True, exist_ok=True)
    tmp = private.with_name(f"{private.name}.building-{os.getpid()}")
    public_tmp = out.with_name(f"{out.name}.building-{os.getpid()}")
    _remove_stale(out)
    _remove_stale(private)
    _remove(tmp)
    _remove(public_tmp)
    try:
        con = _connect(tmp)
        try:
            con.execute("SET preserve_insertion_order = false")
            con.execute("SET enable_progress_bar = false")  # per query and without context: the stages say more
            con.execute(_sql("schema.sql"))
            bar = tqdm(chosen, desc="sources", unit="source", disable=not progress, leave=False)
            for config in bar:
                bar.set_postfix_str(config.source_id)
                _stage(progress, f"load {config.source_id}")
                _load_source(con, config, raw_dir, report)
            _stage(progress, "resolve offices")
            metrics.register_priorities(con, {c.source_id: c.priority for c in chosen})
            _resolve_people(con)
            _stage(progress, "checks")
            checks.run_all(con)
            _stage(progress, "metrics")
            metrics.materialize(con, threshold=threshold, priorities={c.source_id: c.priority for c in chosen},
                                replaces=[(c.source_id, r["source"], int(r["from"]), int(r["to"]))
                                          for c in chosen for r in c.replaces],
                                progress=progress)
            checks.run_metric_checks(con)
            report.overlaps = _overlaps(con)
            election_measures.materialize(con)
            _stage(progress, "build info")
            _write_build_info(con, mode, chosen, raw_dir, threshold)
            _stage(progress, "checkpoint")
            con.execute("CHECKPOINT")
            _stage(progress, "public warehouse")
            report.content_sha256 = public.write(con, public_tmp)
        finally:
            con.close()
            shutil.rmtree(_spill_dir(tmp), ignore_errors=True)
        _stage(progress, "publish")
        _publish(tmp, private)
        _publish(public_tmp, out)
    except (duckdb.Error, OSError) as error:
        _remove(tmp)
        _remove(public_tmp)
        if isinstance(error, duckdb.OutOfMemoryException):
            raise BuildError(f"the build needed more memory than its limit of {_memory_limit()}: set "
                             f"{MEMORY_LIMIT_ENV} higher (such as 4GB) and build again. Nothing was "
                             "published.") from error
        if isinstance(error, duckdb.Error) and not _is_write_failure(error):
            raise
        raise BuildError(f"could not write the new warehouse beside {out} ({_first_line(error)}); is the disk "
                         "full? Nothing was published.") from error
    except BaseException:
        _remove(tmp)
        _remove(public_tmp)
        raise
    report.seconds = time.monotonic() - started
    return report


def _overlaps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per county, stage and year that more than one source covers, or whose source changed."""
    return [f"{fips} {stage} {year}: counted {source} ({reason})"
            + (f"; the year before: {before} (a break in the series)" if before else "")
            for fips, stage, year, source, reason, before in con.execute(
                "SELECT fips, stage, year, source_id, reason, previous_source_id FROM source_choice "
                "ORDER BY fips, stage, year").fetchall()]


def existing_mode(out: Path) -> str | None:
    """`build_info.mode` of the warehouse at `out` ("demo" or "real"); None when there is no readable one."""
    if not out.is_file():
        return None
    try:
        with duckdb.connect(str(out), read_only=True) as con:
            row = con.execute("SELECT value FROM build_info WHERE key = 'mode'").fetchone()
    except duckdb.Error:
        return None  # not a warehouse (or not one this version can read): nothing of another kind to protect
    return row[0] if row else None


def _generate_demo(raw_dir: Path, catalogue: dict[str, SourceConfig]) -> None:
    from etl import demo as demo_module

    folder = catalogue["demo"].folder_path(raw_dir)
    demo_module.generate(folder)


def _stage(progress: bool, name: str) -> None:
    if progress:
        tqdm.write(f"  {name}...", file=sys.stderr)
        sys.stderr.flush()


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def _connect(tmp: Path) -> duckdb.DuckDBPyConnection:
    """The build's connection: memory bounded for every stage, spilling beside the new warehouse."""
    limit = _memory_limit()
    try:
        return duckdb.connect(str(tmp), config={"memory_limit": limit, "temp_directory": str(_spill_dir(tmp))})
    except (duckdb.ParserException, duckdb.InvalidInputException) as error:
        raise BuildError(f"{MEMORY_LIMIT_ENV}={limit!r} is not a memory size DuckDB accepts, such as 4GB "
                         f"({_first_line(error)})") from error


def _memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV, "").strip() or MEMORY_LIMIT


def _spill_dir(tmp: Path) -> Path:
    """Where DuckDB spills what does not fit in the memory limit (it starts with the build's file name)."""
    return tmp.with_name(tmp.name + ".tmp")


def _remove(path: Path) -> None:
    """Delete a build's file, its write-ahead log and its spill directory."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
    shutil.rmtree(_spill_dir(path), ignore_errors=True)


WRITE_FAILURES = ("could not write", "no space left", "file too large", "disk full", "could not truncate")


def _is_write_failure(error: BaseException) -> bool:
    return isinstance(error, duckdb.IOException) or any(w in str(error).lower() for w in WRITE_FAILURES)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__


def _remove_stale(out: Path) -> None:
    """Delete temporary files of builds that died (killed, power cut) before they could clean up."""
    for path in out.parent.glob(f"{out.name}.building-*"):
        pid_text = path.name.rsplit("-", 1)[-1].split(".", 1)[0]  # "123", "123.wal", "123.tmp"
        if pid_text.isdigit() and not _alive(int(pid_text)):
            _remove(out.with_name(f"{out.name}.building-{pid_text}"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _publish(tmp: Path, out: Path) -> None:
    """Swap the finished file in atomically and make the swap durable."""
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, out)
    _remove(out.with_name(out.name + ".wal"))
    directory = os.open(out.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _retrieved_at(config: SourceConfig, files: list[Path], raw_dir: Path) -> datetime | None:
    """When the files were retrieved: as the source folder states, else as `etl fetch` recorded, else their
    modification time."""
    if config.retrieved:
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(config.retrieved).replace(tzinfo=None)
    record = fetch.read_fetched(config.folder_path(raw_dir))
    with contextlib.suppress(ValueError, KeyError, TypeError):
        stamps = [record[f.name]["retrieved_at"] for f in files if f.name in record]
        if stamps:
            return datetime.fromisoformat(max(stamps)).replace(tzinfo=None)
    if not files:
        return None
    return datetime.fromtimestamp(max(f.stat().st_mtime for f in files), tz=UTC).replace(tzinfo=None, microsecond=0)


def _load_source(con: duckdb.DuckDBPyConnection, config: SourceConfig, raw_dir: Path, report: BuildReport) -> None:
    files = config.find_files(raw_dir)
    if not files:
        folder = config.folder_path(raw_dir)
        raise BuildError(f"source {config.source_id}: no files matching {config.files} in {folder}")
    with vocab.record_mappings() as used_mappings:
        adapter = config.load_adapter()
        used_mappings.update(adapter.mappings)
        try:
            results = adapter.read(files, display_root=config.folder_path(raw_dir).parent)
        except SourceError as error:
            raise BuildError(str(error)) from error
    for path, result in zip(files, results, strict=True):
        try:
            _insert_result(con, config, path, result)
        except (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.BinderException,
                duckdb.ConstraintException, ValueError, TypeError) as error:
            raise BuildError(f"source {config.source_id}, file {result.file}: rows do not fit the warehouse "
                             f"table ({_first_line(error)})") from error
    totals = {k: sum(getattr(r, k) for r in results) for k in ("rows_read", "rows_loaded", "rows_rejected")}
    excluded = sum(1 for r in results for j in r.rejections if j.kind == "excluded")
    notes = ([config.notes] if config.notes else []) + ([f"counting unit: {config.unit}"] if config.unit else []) \
        + [n for r in results for n in r.notes]
    unknown: dict[str, int] = {}
    for result in results:
        for (column, value), count in result.unknown_codes.items():
            unknown[f"{column}={value}"] = unknown.get(f"{column}={value}", 0) + count
    if unknown:
        report.unknown_codes[config.source_id] = unknown
        notes.append("unknown codes rejected: " + "; ".join(f"{k} ({v})" for k, v in sorted(unknown.items())))
    combined = hashlib.sha256("".join(fetch.sha256_file(p) for p in files).encode()).hexdigest()
    con.execute(
        "INSERT INTO source VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [config.source_id, config.title, config.publisher, config.url, config.license,
         _retrieved_at(config, files, raw_dir), combined, totals["rows_read"], totals["rows_loaded"],
         totals["rows_rejected"], " | ".join(dict.fromkeys(notes)) or None, excluded, config.kind, config.demo,
         config.redistributable],
    )
    for row in load_stage_definitions().get(config.source_id, []):
        con.execute("INSERT INTO stage_definition VALUES (?, ?, ?, ?, ?)",
                    [row[c] for c in STAGE_DEFINITION_COLUMNS])
    dates = load_source_dates().get(config.source_id, [])
    if not dates and config.retrieved:  # a source folder states when its files were obtained
        dates = [{"source_id": config.source_id, "published": "", "obtained": config.retrieved,
                  "citation": "as its source folder states (source.toml)"}]
    for row in dates:
        con.execute("INSERT INTO source_date VALUES (?, ?, ?, ?)", [row[c] or None for c in SOURCE_DATE_COLUMNS])
    for name in sorted(used_mappings):
        for row in vocab.load_mapping(name).items():
            fields = [f for f in row if f not in ("source_value", "exclude_reason", "note")]
            reason = (row.get("exclude_reason") or "").strip() or None
            for fld in fields or ["-"]:
                con.execute("INSERT INTO code_mapping VALUES (?, ?, ?, ?, ?, ?)",
                            [config.source_id, name, row["source_value"], fld, row.get(fld) or None, reason])
    report.sources.append(config.source_id)
    report.rows_read += totals["rows_read"]
    report.rows_loaded += totals["rows_loaded"]
    report.rows_rejected += totals["rows_rejected"]


def _insert_result(con: duckdb.DuckDBPyConnection, config: SourceConfig, path: Path, result: FileResult) -> None:
    for table in sorted(result.tables()):
        columns = list(TABLE_COLUMNS[table])
        frame = result.frame(table)
        target = _target_columns(table, columns)
        if len(frame):
            frame = _with_source(frame, table, config.source_id)
            con.register("incoming", frame)
            try:
                con.execute(f"INSERT INTO {table} ({', '.join(target)}) SELECT {', '.join(target)} FROM incoming")
            finally:
                con.unregister("incoming")
        for query in result.queries.get(table, []):
            select = ", ".join(f"'{config.source_id}' AS source_id" if c == "source_id" else c for c in target)
            con.execute(f"INSERT INTO {table} ({', '.join(target)}) SELECT {select} FROM ({query})")
    if result.rejections:
        frame = pd.DataFrame({
            "source_id": config.source_id,
            "file": result.file,
            "line": [r.line for r in result.rejections],
            "reason": [r.reason for r in result.rejections],
            "raw": [r.raw for r in result.rejections],
            "column_name": [r.column for r in result.rejections],
            "kind": [r.kind for r in result.rejections],
        })
        con.register("incoming", frame)
        try:
            con.execute("INSERT INTO rejected_row SELECT source_id, file, line, reason, raw, column_name, kind"
                        " FROM incoming")
        finally:
            con.unregister("incoming")
    excluded = sum(1 for r in result.rejections if r.kind == "excluded")
    con.execute("INSERT INTO source_file VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [config.source_id, result.file, fetch.sha256_file(path), path.stat().st_size, result.rows_read,
                 result.rows_loaded, result.rows_rejected, excluded])


def _target_columns(table: str, columns: list[str]) -> list[str]:
    return (["source_id"] + columns) if schema.has_source(table) else columns


def _with_source(frame: pd.DataFrame, table: str, source_id: str) -> pd.DataFrame:
    if schema.has_source(table):
        frame = frame.assign(source_id=source_id)
    return frame


def _resolve_people(con: duckdb.DuckDBPyConnection) -> None:
    """Merge people tables from several sources and attribute case rows to offices.

    The higher `priority` wins (the curated table is declared above directories, directories above
    election returns): an office's terms come from the one source of highest priority that has terms for it,
    duplicate offices and prosecutors keep that source's row; equal priorities go by source id, never by the
    order of the catalogue.
    """
    con.execute(_sql("resolve_people.sql"))
    con.execute(_sql("office_schedule.sql"))


def _code_version() -> str:
    try:
        commit = subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    digest = hashlib.sha256()
    for path in sorted([*(PROJECT / "etl").rglob("*"), *(PROJECT / "data" / "sources").rglob("*")]):
        if path.is_file() and path.suffix in (".py", ".sql", ".csv", ".toml"):
            digest.update(path.relative_to(PROJECT).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update((PROJECT / "data" / "sources.toml").read_bytes())
    return f"{commit or 'unknown'}+{digest.hexdigest()[:12]}"


def _write_build_info(con: duckdb.DuckDBPyConnection, mode: str, chosen: list[SourceConfig], raw_dir: Path,
                      threshold: int) -> str:
    content = checks.content_checksums(con)
    overall = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    inputs = {r[0]: r[1] for r in con.execute(
        "SELECT source_id || '/' || file, sha256 FROM source_file ORDER BY 1").fetchall()}
    info = {
        "mode": mode,
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "code_version": _code_version(),
        "duckdb_version": duckdb.__version__,
        "suppression_threshold": str(threshold),
        "sources": ",".join(c.source_id for c in chosen),
        "content_sha256": overall,
        "table_checksums": json.dumps(content, sort_keys=True),
        "input_checksums": json.dumps(inputs, sort_keys=True),
    }
    con.executemany("INSERT INTO build_info VALUES (?, ?)", sorted(info.items()))
    return overall
