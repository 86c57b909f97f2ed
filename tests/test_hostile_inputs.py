"""The hostile-input corpus: every case in tests/hostile/cases.toml through the real adapter, and a few through the CLI.

Why: the dashboard publishes numbers from files that agencies produce by hand. Each hostile file must end in
a clear `SourceError` (source, file, line, column, reason) or in rows rejected with their line, column and
reason; never a traceback, never a silent drop (rows read = loaded + rejected, for every file).

The expected outcomes are data (cases.toml), each written by hand from what the file holds. Binary and large
inputs (gzip cuts, parquet, UTF-16, the 200 MB line) are generated here at run time from that data; the
figures of the run go to test-artifacts/hostile_inputs.json for docs/RELIABILITY.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import tomllib
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.config import PROJECT

HOSTILE = PROJECT / "tests" / "hostile"
FILES = HOSTILE / "files"
ARTIFACT = PROJECT / "test-artifacts" / "hostile_inputs.json"
CATALOGUE = tomllib.loads((HOSTILE / "cases.toml").read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {c["id"]: c for c in CATALOGUE["case"]}
CLI_CASES: dict[str, dict[str, Any]] = {c["id"]: c for c in CATALOGUE["cli"]}
PEAK_GROWTH_LIMIT = 1024**3  # bytes of resident memory a hostile file may add while it is read
MB = 1024 * 1024


# --- inputs --------------------------------------------------------------------------------------------------

def materialize(case: dict[str, Any], folder: Path) -> list[Path]:
    """Write the case's input files into `folder`, in reading order; the last one is the file under test."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for extra in case.get("also", []):
        target = folder / Path(extra).name
        target.write_bytes((FILES / extra).read_bytes())
        paths.append(target)
    name = case.get("name") or Path(case["file"]).name
    target = folder / name
    if case.get("generate") == "huge_line":
        _write_huge_line(case, target)
    else:
        target.write_bytes(_transform(case, _source_bytes(case)))
    paths.append(target)
    return paths


def _source_bytes(case: dict[str, Any]) -> bytes:
    if case.get("generate") == "parquet":
        return _parquet(case["parquet"])
    data = (FILES / case["file"]).read_bytes()
    if "repeat_rows" in case:  # a bigger file from a small fixture: its rows again and again
        header, _, body = data.partition(b"\n")
        data = header + b"\n" + body * case["repeat_rows"]
    if "encode" in case:  # fixtures are kept readable in UTF-8; the hostile encoding is applied here
        data = data.decode("utf-8").encode(case["encode"])
    return data


def _transform(case: dict[str, Any], data: bytes) -> bytes:
    """gzip it, corrupt its compressed stream, or cut it: the damage a download or a disk does."""
    if case.get("gzip"):
        data = gzip.compress(data, mtime=0)
    if case.get("corrupt"):
        middle = bytearray(data)
        for i in range(len(middle) // 10, len(middle) // 10 + 48):  # inside the first deflate block
            middle[i] ^= 0x5A
        data = bytes(middle)
    if "cut" in case:
        data = data[: int(len(data) * case["cut"])]
    return data


def _parquet(columns: dict[str, list[Any]]) -> bytes:
    """A parquet file from the case's columns (floats -> double, text -> string), as the recoder's file has."""
    arrays = {}
    for name, values in columns.items():
        kind = pa.float64() if any(isinstance(v, float) for v in values) else (
            pa.int64() if all(isinstance(v, int) for v in values) else pa.string())
        arrays[name] = pa.array(values, type=kind)
    sink = io.BytesIO()
    pq.write_table(pa.table(arrays), sink)
    return sink.getvalue()


def _write_huge_line(case: dict[str, Any], target: Path) -> None:
    """The fixture's header and rows with one line of `line_mb` MB of `fill` inserted after `after_line`."""
    lines = (FILES / case["file"]).read_bytes().splitlines(keepends=True)
    fill = case["fill"].encode()
    chunk = fill * (MB // len(fill))
    with target.open("wb") as handle:
        handle.writelines(lines[: case["after_line"]])
        for _ in range(case["line_mb"]):
            handle.write(chunk)
        handle.write(b"\n")
        handle.writelines(lines[case["after_line"]:])


# --- running the real adapter ----------------------------------------------------------------------------------

def run_case(case: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    """The outcome of the real adapter on the case's files, as plain data (also produced in a child process)."""
    from etl.config import load_sources
    from etl.sources.base import SourceError

    adapter = load_sources()[case["source"]].load_adapter()
    try:
        results = adapter.read(paths)
    except SourceError as error:
        return {"error": {"message": str(error), "source_id": error.source_id, "file": error.file,
                          "line": error.line, "column": error.column}}
    except Exception:  # the failure this corpus exists to catch: reported, never swallowed
        return {"crash": traceback.format_exc()}
    target = results[-1]
    emitted = []
    for want in case.get("emitted", []):
        frame = target.frame(want["table"])
        emitted.append(bool(len(frame)) and want["value"] in set(frame[want["column"]].astype(str)))
    return {
        "files": [(r.file, r.rows_read, r.rows_loaded, r.rows_rejected) for r in results],
        "rows_read": target.rows_read, "rows_loaded": target.rows_loaded, "rows_rejected": target.rows_rejected,
        "rejected": [{"line": r.line, "column": r.column, "kind": r.kind, "reason": r.reason}
                     for r in target.rejections],
        "sum_n": int(target.frame("case_counts")["n"].sum()) if "case_counts" in target.tables() else None,
        "emitted": emitted,
        "notes": target.notes,
    }


def run_measured(case: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    """Run the case and measure how much resident memory reading the file added (peak over the start).

    Linux lets a process reset its own peak (VmHWM) by writing 5 to /proc/self/clear_refs; where that is
    refused, the case runs in a fresh interpreter whose peak is measured from its start instead.
    """
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return _run_in_child(case, paths)
    base = _rss("VmRSS:")
    out = run_case(case, paths)
    out["peak_growth"] = _rss("VmHWM:") - base
    return out


def _rss(key: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(key))


def _run_in_child(case: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    script = (
        "import json, resource, sys\n"
        f"sys.path.insert(0, {str(PROJECT)!r}); sys.path.insert(0, {str(PROJECT / 'tests')!r})\n"
        "from pathlib import Path\n"
        "import test_hostile_inputs as t\n"
        "from etl.config import load_sources\n"
        "load_sources()[sys.argv[1]].load_adapter()  # imports done before the baseline\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "out = t.run_case(t.CASES[sys.argv[2]], [Path(p) for p in sys.argv[3:]])\n"
        "out['peak_growth'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, case["source"], case["id"], *map(str, paths)],
                          capture_output=True, text=True, timeout=300, cwd=PROJECT)
    assert done.returncode == 0, f"child process failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- checking ------------------------------------------------------------------------------------------------

def check(case: dict[str, Any], name: str, out: dict[str, Any]) -> None:
    """Assert the exact outcome the case states: the error, or every count and every rejected row."""
    assert "crash" not in out, f"{case['id']}: an exception other than SourceError escaped:\n{out['crash']}"
    if "error" in case:
        assert "error" in out, f"{case['id']}: expected a SourceError, got rows {out.get('files')}"
        want, got = case["error"], out["error"]
        assert got["source_id"] == case["source"] and got["file"] == name, got
        if "line_from" in want:  # where a cut stream gives out depends on buffer sizes: at least this line
            assert got["line"] is not None and got["line"] >= want["line_from"], got
            assert got["column"] == want.get("column"), got
        else:
            assert (got["line"], got["column"]) == (want.get("line"), want.get("column")), got
        parts = [f"source {case['source']}", f"file {name}", want["reason"]]
        parts += [f"line {got['line']}"] if got["line"] is not None else []
        parts += [f"column {want['column']!r}"] if "column" in want else []
        missing = [p for p in parts if p not in got["message"]]
        assert not missing, f"{case['id']}: message {got['message']!r} lacks {missing}"
        return
    assert "error" not in out, f"{case['id']}: unexpected SourceError {out['error']['message']}"
    for file, read, loaded, rejected in out["files"]:
        assert read == loaded + rejected, f"{case['id']}: {file} does not reconcile"
    assert (out["rows_read"], out["rows_loaded"], out["rows_rejected"]) == (
        case["rows_read"], case["rows_loaded"], case["rows_rejected"]), case["id"]
    expected = case.get("rejected", [])
    assert len(expected) == case["rows_rejected"], f"{case['id']}: list every rejected row in cases.toml"
    actual = list(out["rejected"])
    for want in expected:
        key = (want.get("line"), want.get("column"), want.get("kind", "rejected"))
        match = next((r for r in actual if (r["line"], r["column"], r["kind"]) == key
                      and want["reason"] in r["reason"]), None)
        assert match is not None, f"{case['id']}: no rejection {want}; got {actual}"
        actual.remove(match)
    assert not actual, f"{case['id']}: unexpected rejections {actual}"
    if "sum_n" in case:
        assert out["sum_n"] == case["sum_n"], case["id"]
    for want, found in zip(case.get("emitted", []), out["emitted"], strict=True):
        assert found, f"{case['id']}: {want['table']}.{want['column']} does not hold {want['value']!r} verbatim"
    for note in case.get("notes", []):
        assert any(note in n for n in out["notes"]), f"{case['id']}: no note with {note!r} in {out['notes']}"


def record(kind: str, key: str, figures: dict[str, Any]) -> None:
    """Merge one case's figures into test-artifacts/hostile_inputs.json (locked: xdist workers share it)."""
    ARTIFACT.parent.mkdir(exist_ok=True)
    with open(Path(tempfile.gettempdir()) / "pad_hostile_inputs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data: dict[str, Any] = {}
        with contextlib.suppress(FileNotFoundError, ValueError):
            data = json.loads(ARTIFACT.read_text(encoding="utf-8"))
        entries = {k: v for k, v in data.get(kind, {}).items() if k in (CASES if kind == "cases" else CLI_CASES)}
        entries[key] = {**figures, "at": datetime.now(UTC).replace(microsecond=0).isoformat()}
        data[kind] = dict(sorted(entries.items()))
        data.setdefault("cli", {})
        data.setdefault("cases", {})
        data = {k: data[k] for k in ("cases", "cli")}
        data["summary"] = _summary(data)
        tmp = ARTIFACT.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, ARTIFACT)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    cases = [c for c in data["cases"].values() if c["passed"]]
    rows = [c for c in cases if c["outcome"] == "rows"]
    return {
        "what": "tests/test_hostile_inputs.py: hostile files through the real adapters (cases.toml)",
        "cases_in_corpus": len(CASES), "cases_passed": len(cases),
        "cases_failed": sorted(k for k, c in data["cases"].items() if not c["passed"]),
        "adapters_covered": len({CASES[k]["source"] for k in data["cases"]}),
        "source_errors": sum(c["outcome"] == "error" for c in cases),
        "row_cases": len(rows),
        "rows_read": sum(c["rows_read"] for c in rows), "rows_loaded": sum(c["rows_loaded"] for c in rows),
        "rows_rejected": sum(c["rows_rejected"] for c in rows),
        "rows_reconciled": all(c["rows_read"] == c["rows_loaded"] + c["rows_rejected"] for c in rows),
        "largest_peak_rss_growth_mb": max((c.get("peak_growth_mb", 0) for c in cases), default=0),
        "cli_runs": len(data["cli"]), "cli_passed": sum(c["passed"] for c in data["cli"].values()),
    }


# --- the tests -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id", sorted(CASES))
def test_hostile_file(case_id: str, tmp_path: Path) -> None:
    case = CASES[case_id]
    paths = materialize(case, tmp_path)
    figures: dict[str, Any] = {"source": case["source"], "passed": False}
    try:
        out = run_measured(case, paths) if case.get("measure") else run_case(case, paths)
        figures["outcome"] = "error" if "error" in out else ("crash" if "crash" in out else "rows")
        if figures["outcome"] == "rows":
            figures.update({k: out[k] for k in ("rows_read", "rows_loaded", "rows_rejected")})
        if "peak_growth" in out:
            figures["peak_growth_mb"] = round(out["peak_growth"] / MB, 1)
            assert out["peak_growth"] < PEAK_GROWTH_LIMIT, f"reading grew resident memory by {out['peak_growth']:,}"
        check(case, paths[-1].name, out)
        figures["passed"] = True
    finally:
        for path in paths:  # the 200 MB inputs go at once, not at the end of the session
            path.unlink(missing_ok=True)
        record("cases", case_id, figures)


def test_corpus_covers_every_adapter_and_each_kind_of_damage() -> None:
    """The corpus: at least 45 files, every adapter, every kind of damage named."""
    from etl.config import load_sources

    assert len(CASES) >= 45
    adapters = {c["source"] for c in CASES.values()}
    case_sources = {s for s, c in load_sources().items() if c.location != "project" or s == "curated_prosecutors"}
    assert case_sources <= adapters, f"no hostile case for {sorted(case_sources - adapters)}"
    tags = {t for c in CASES.values() for t in c["tags"]}
    required = {
        "truncated", "gzip-truncated", "empty", "header-only", "semicolon", "tab", "latin-1", "bom", "mojibake",
        "renamed-column", "missing-column", "duplicated-column", "extra-column", "misaligned", "unknown-code",
        "negative-count", "non-numeric-count", "billions", "future-date", "pre-1900-date", "invalid-fips",
        "overlapping-terms", "term-ends-before-start", "overlapping-extracts", "huge-line", "not-gzip",
        "not-parquet", "not-json", "nul-bytes", "crlf", "bom-in-middle", "formula-injection", "html",
    }
    assert required <= tags, f"no case tagged {sorted(required - tags)}"
    for case in CASES.values():
        assert case.get("what"), f"{case['id']}: say what the file is"
        assert ("error" in case) != ("rows_read" in case), f"{case['id']}: either error or rows, not both"


# --- the command line ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cli_id", sorted(CLI_CASES))
def test_hostile_file_through_the_cli(cli_id: str, tmp_path: Path) -> None:
    """`python -m etl validate` and `build`: the exit status, and stderr naming source, file, line, column."""
    from etl.config import load_sources
    from etl.public import private_path

    spec = CLI_CASES[cli_id]
    cases = [CASES[c] for c in spec["cases"]]
    raw = tmp_path / "raw"
    catalogue = load_sources()
    paths = [materialize(case, raw / catalogue[case["source"]].folder)[-1] for case in cases]
    out = tmp_path / "warehouse.duckdb"
    if spec["command"] == "validate":
        args = ["validate", str(paths[0]), "--source", cases[0]["source"]]
    else:
        args = ["build", "--raw-dir", str(raw), "--out", str(out), "--no-progress"]
        args += [a for case in cases for a in ("--source", case["source"])]
    figures: dict[str, Any] = {"command": f"python -m etl {args[0]}", "cases": spec["cases"], "passed": False}
    try:
        done = subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, timeout=300,
                              cwd=PROJECT)
        figures["exit"] = done.returncode
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == spec["exit"], f"exit {done.returncode}:\n{done.stdout}\n{done.stderr}"
        for part in spec.get("stderr", []):
            assert part in done.stderr, f"stderr lacks {part!r}:\n{done.stderr}"
        for part in spec.get("stdout", []):
            assert part in done.stdout, f"stdout lacks {part!r}:\n{done.stdout}"
        if spec["command"] == "build" and spec["exit"] != 0:
            assert not out.exists() and not private_path(out).exists(), "a failed build must publish nothing"
        if spec.get("checks"):
            import duckdb

            # the checks read stored facts (case_counts): the private database holds every table
            with duckdb.connect(str(private_path(out)), read_only=True) as con:
                for want in spec["checks"]:
                    got = [list(row) for row in con.execute(want["query"]).fetchall()]
                    assert got == want["rows"], f"{want['query']}: {got}"
        figures["passed"] = True
    finally:
        record("cli", cli_id, figures)


def test_raw_text_is_built_only_when_asked_and_is_redacted(tmp_path: Path) -> None:
    """read_csv's speed-up: a loaded row never joins its raw text; asked for, the text is the redacted row."""
    from etl.sources.base import FileResult, read_csv

    path = tmp_path / "rows.csv"
    path.write_text("id,name,n\n800000000101,Ann,3\n800000000102,Bob,4\n", encoding="utf-8")
    result = FileResult(source_id="test", file=path.name)
    records = list(read_csv(path, result, required=("id", "n"), redact=("id",)))
    assert [r._raw for r in records] == [None, None]
    assert records[1].raw == "[redacted],Bob,4" and records[1]["name"] == "Bob"
    result.reject(records[0], "test")
    assert result.rejections[0].raw == "[redacted],Ann,3" and result.rows_read == 2
