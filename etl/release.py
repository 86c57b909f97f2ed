"""`python -m etl release`: every published value as Parquet and CSV, with a data dictionary.

For journalists and researchers who want the numbers outside the app. Built only from the public warehouse
(a file holding anything etl/sql/public/ does not declare public is refused), in a folder named by the
build's content checksum, so two people quoting the same folder name hold the same numbers. The dictionary
(`datapackage.json`, a Frictionless data package, and the same as `README.md`) describes every column of
every file, every metric's definition and caveat, and every source with its licence.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

from etl import public
from etl.fetch import sha256_file

COLUMNS_CSV = public.PUBLIC_SQL / "columns.csv"
# Hidden cells carry no number: the release leaves them out instead of shipping rows of empty values.
SHOWN_ONLY = {"metric_value": "NOT suppressed", "disparity": "NOT suppressed"}
FIELD_TYPES = {"VARCHAR": "string", "BIGINT": "integer", "INTEGER": "integer", "DOUBLE": "number",
               "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime"}


class ReleaseError(Exception):
    """The release cannot be written (no warehouse, or not a public one); the message says why."""


def column_descriptions() -> dict[tuple[str, str], str]:
    """(table, column) -> what the column holds, for the data dictionary."""
    with COLUMNS_CSV.open(encoding="utf-8", newline="") as handle:
        return {(row["table"], row["column"]): row["description"] for row in csv.DictReader(handle)}


def table_description(table: str) -> str:
    """The comment at the top of the table's public SELECT (etl/sql/public/<table>.sql)."""
    path = public.public_tables().get(table)
    if path is None:
        return ""
    lines = [line.strip()[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("--")]
    return " ".join(lines)


def write(warehouse: Path, out: Path | None = None) -> Path:
    """Write the release of `warehouse` under `out` (default: releases/ beside it); returns its folder.

    The folder is written under a temporary name and renamed into place, so a half-written release never
    carries the checksum's name.
    """
    warehouse = warehouse.resolve()
    if not warehouse.is_file():
        raise ReleaseError(f"no warehouse at {warehouse}: build one first (`python -m etl build`)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = _columns(con)
        _check_public(warehouse, columns)
        info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        if "release" not in info or "content_sha256" not in info:
            raise ReleaseError(f"{warehouse} records no release name and checksum in build_info: rebuild it")
        root = (out or warehouse.parent / "releases").resolve()
        final = root / info["release"]
        tmp = root / f".{final.name}.partial-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            resources = [resource for table in sorted(columns)
                         for resource in _write_table(con, tmp, table, columns[table])]
            metrics = con.execute("SELECT * FROM metric_definition ORDER BY sort_order").df()
            sources = con.execute("SELECT * FROM source ORDER BY source_id").df()
            package = _package(final.name, info, resources, metrics.to_dict("records"), sources.to_dict("records"))
            (tmp / "datapackage.json").write_text(json.dumps(package, indent=2, default=str) + "\n",
                                                  encoding="utf-8")
            (tmp / "README.md").write_text(_markdown(package), encoding="utf-8")
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
        found.setdefault(table, []).append((column, data_type))
    return found


def _check_public(warehouse: Path, columns: dict[str, list[tuple[str, str]]]) -> None:
    """Refuse a file holding a table or column that is not declared public (such as the private database)."""
    declared, private = public.public_tables(), public.private_declarations()
    extra = [t for t in columns if t not in declared or t in private]
    extra += [f"{t}.{c}" for t, cols in columns.items() for c, _ in cols if f"{t}.{c}" in private]
    if extra:
        raise ReleaseError(f"{warehouse} is not a public warehouse (it holds {', '.join(sorted(extra)[:5])}): "
                           "release the file the app opens, never the private database")
    if "build_info" not in columns:
        raise ReleaseError(f"{warehouse} has no build_info table: is it a warehouse?")


def _write_table(con: duckdb.DuckDBPyConnection, folder: Path, table: str,
                 columns: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """`<table>.parquet` and `<table>.csv` (lists joined with commas), each with its dictionary entry."""
    where = f" WHERE {SHOWN_ONLY[table]}" if table in SHOWN_ONLY else ""
    names = ", ".join(f'"{c}"' for c, _ in columns)
    as_text = ", ".join(f"""array_to_string("{c}", ',') AS "{c}\"""" if t.endswith("[]") else f'"{c}"'
                        for c, t in columns)
    source = f'FROM "{table}"{where} ORDER BY ALL'
    parquet, text = folder / f"{table}.parquet", folder / f"{table}.csv"
    con.execute(f"COPY (SELECT {names} {source}) TO '{_quoted(parquet)}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT {as_text} {source}) TO '{_quoted(text)}' (FORMAT csv, HEADER)")
    [(rows,)] = con.execute(f'SELECT count(*) FROM "{table}"{where}').fetchall()
    descriptions = column_descriptions()
    fields = [{"name": c, "type": "array" if t.endswith("[]") else FIELD_TYPES.get(t, "string"),
               "description": descriptions.get((table, c), "")} for c, t in columns]
    text_fields = [{**f, "type": "string"} if f["type"] == "array" else f for f in fields]
    about = table_description(table) + (" Hidden cells are left out of this file." if where else "")
    return [
        {"name": f"{table}-csv", "path": text.name, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "description": about, "rows": rows, "bytes": text.stat().st_size, "hash": f"sha256:{sha256_file(text)}",
         "schema": {"fields": text_fields}},
        {"name": f"{table}-parquet", "path": parquet.name, "format": "parquet",
         "mediatype": "application/vnd.apache.parquet", "description": about, "rows": rows,
         "bytes": parquet.stat().st_size, "hash": f"sha256:{sha256_file(parquet)}", "schema": {"fields": fields}},
    ]


def _package(name: str, info: dict[str, str], resources: list[dict[str, Any]], metrics: list[dict[str, Any]],
             sources: list[dict[str, Any]]) -> dict[str, Any]:
    demo = info.get("mode") == "demo"
    threshold = info.get("suppression_threshold", "10")
    return {
        "profile": "data-package",
        "name": name,
        "title": "Prosecutor accountability dashboard: published values"
                 + (" (DEMO: synthetic data, not real)" if demo else ""),
        "version": info["content_sha256"],
        "created": info.get("built_at"),
        "description": (
            "Every value the prosecutor accountability dashboard publishes, per county, office, prosecutor's "
            f"term and state. Counts, not people: a value resting on fewer than {threshold} cases is hidden, and "
            "more are hidden beside it so that it cannot be worked out from the others; hidden cells are left "
            "out of these files. Each value keeps its sources (source_ids); each source's licence is listed "
            "under sources."),
        "suppression_threshold": threshold,
        "build": {k: v for k, v in info.items() if k != "table_checksums"},
        "sources": [{"name": s["source_id"], "title": s["title"], "publisher": s["publisher"], "path": s["url"],
                     "license": s["license"], "retrieved_at": s["retrieved_at"],
                     "redistributable": bool(s["redistributable"]), "is_demo": bool(s["is_demo"])}
                    for s in sources],
        "metrics": [{"metric_id": m["metric_id"], "label": m["label"], "question": m["question"],
                     "definition": m["description"], "caveat": m["caveat"], "unit": m["unit"], "stage": m["stage"],
                     "numerator_outcomes": list(m["numerator_outcomes"]),
                     "denominator_outcomes": list(m["denominator_outcomes"]), "direction": m["direction"]}
                    for m in metrics],
        "resources": resources,
    }


def _markdown(package: dict[str, Any]) -> str:
    """The data dictionary for people: the same content as datapackage.json."""
    md = _cell
    lines = [f"# {package['title']}", "", package["description"], "",
             f"- Release: `{package['name']}`",
             f"- Content checksum (SHA-256 of the published tables): `{package['version']}`",
             f"- Built: {package['created']}, code version `{package['build'].get('code_version', '')}`",
             "", "## Sources", "", "| id | title | publisher | licence | retrieved | files redistributable |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {md(s['name'])} | {md(s['title'])} | {md(s['publisher'])} | {md(s['license'])} | "
              f"{md(s['retrieved_at'])} | {'yes' if s['redistributable'] else 'no'} |" for s in package["sources"]]
    lines += ["", "## Metrics", ""]
    for m in package["metrics"]:
        lines += [f"### {md(m['label'])} (`{m['metric_id']}`)", "", f"{md(m['question'])} {md(m['definition'])}",
                  "", f"- Unit: {m['unit']}; stage: {m['stage']}; counted: {', '.join(m['numerator_outcomes'])}; "
                  f"out of: {', '.join(m['denominator_outcomes'])}",
                  f"- Caveat: {md(m['caveat'])}", ""]
    lines += ["## Files", "", "Each table comes as CSV (lists joined with commas) and Parquet, with the same columns.",
              ""]
    for resource in package["resources"]:
        if resource["format"] != "csv":
            continue
        table = resource["path"].removesuffix(".csv")
        lines += [f"### `{table}.csv` / `{table}.parquet` ({resource['rows']:,} rows)", "",
                  md(resource["description"]), "", "| column | type | description |", "|---|---|---|"]
        lines += [f"| `{f['name']}` | {f['type']} | {md(f['description'])} |" for f in resource["schema"]["fields"]]
        lines.append("")
    return "\n".join(lines)


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
