"""The public warehouse: the only file the app opens and the only one that may be handed out.

The build works in a private database (facts at the source's grain, rejected rows with their text, every
intermediate). What may be shown is declared in one place, `etl/sql/public/`: one `<table>.sql` per public
table (a SELECT naming every column it publishes) and `private.csv` naming every table or `table.column` of
`etl/sql/schema.sql` that stays private, with the reason. A table or column declared neither way stops the
build, so nothing new is published, or silently dropped, by default.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb

from etl import checks, sqlfiles
from etl.config import SQL_DIR
from etl.errors import BuildError
from etl.schema import column_names, schema_text

PUBLIC_SQL = SQL_DIR / "public"
PRIVATE_CSV = PUBLIC_SQL / "private.csv"


def release_name(mode: str, content_sha256: str) -> str:
    """The data release's folder name: the data's mode and the start of the public content checksum."""
    return f"prosecutor-data-{mode}-{content_sha256[:16]}"


def private_path(public: Path) -> Path:
    """Where the private working database of a public warehouse lives by default (beside it)."""
    return public.with_name(f"{public.stem}.private{public.suffix}")


def facts_path(warehouse: Path) -> Path:
    """The file holding the facts of a build: the private database beside a public warehouse, or the path itself
    (when it is the private database)."""
    private = private_path(warehouse)
    return private if private.exists() else warehouse


def public_tables() -> dict[str, Path]:
    """Public table name -> the SELECT that publishes it."""
    return {path.stem: path for path in sorted(PUBLIC_SQL.glob("*.sql"))}


def private_declarations() -> dict[str, str]:
    """`table` or `table.column` kept private -> why."""
    with PRIVATE_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["name"].strip(): row["why"].strip() for row in csv.DictReader(handle)}


def undeclared(schema: str | None = None) -> list[str]:
    """Tables and columns of schema.sql (or of `schema`) declared neither public nor private (or both)."""
    schema = schema if schema is not None else schema_text()
    tables, public, private = column_names(schema), public_tables(), private_declarations()
    problems = [f"{name} is declared private but is not in etl/sql/schema.sql"
                for name in private if name.split(".")[0] not in tables]
    problems += [f"etl/sql/public/{name}.sql publishes a table that is not in etl/sql/schema.sql"
                 for name in public if name not in tables]
    with duckdb.connect() as con:
        con.execute(schema)
        for table, columns in tables.items():
            if table in private and table in public:
                problems.append(f"{table} is declared both public and private")
            if table in private:
                continue
            if table not in public:
                problems.append(f"table {table} is neither public (etl/sql/public/{table}.sql) nor private "
                                f"(etl/sql/public/private.csv)")
                continue
            shown = [d[0] for d in con.execute(_select(public[table])).description]
            for column in columns:
                name = f"{table}.{column}"
                if column in shown and name in private:
                    problems.append(f"{name} is declared private but etl/sql/public/{table}.sql publishes it")
                elif column not in shown and name not in private:
                    problems.append(f"column {name} is neither published by etl/sql/public/{table}.sql nor "
                                    "declared private in etl/sql/public/private.csv")
    return problems


def check_declared() -> None:
    """Stop the build before any work when a table or column of schema.sql is declared neither way."""
    problems = undeclared()
    if problems:
        raise BuildError("the public/private declaration in etl/sql/public/ is incomplete; nothing was "
                         "published:\n" + "\n".join(f"  - {p}" for p in problems))


def write(con: duckdb.DuckDBPyConnection, public_tmp: Path) -> str:
    """Write the public warehouse from the finished private one (`con`); returns its content checksum.

    The checksums in its build_info are over its own tables, so they name exactly what is handed out; so
    does `release`, the folder name `python -m etl release` writes this data to.
    """
    [(home,)] = con.execute("SELECT current_database()").fetchall()
    con.execute(f"ATTACH '{_quoted(public_tmp)}' AS public_warehouse")
    try:
        for table, path in public_tables().items():
            con.execute(f'CREATE TABLE public_warehouse.main."{table}" AS {_select(path)}')
        con.execute("USE public_warehouse")  # the same connection, so the build's memory limit holds
        try:
            # the interval definitions travel with the data: the dashboard pools counts with these macros
            sqlfiles.run_file(con, SQL_DIR / "intervals.sql", 0)
            content = checks.content_checksums(con)
            overall = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
            [(mode,)] = con.execute("SELECT value FROM build_info WHERE key = 'mode'").fetchall()
            con.executemany("INSERT INTO build_info VALUES (?, ?)", [
                ("content_sha256", overall), ("table_checksums", json.dumps(content, sort_keys=True)),
                ("release", release_name(mode, overall))])
        finally:
            con.execute(f'USE "{home}"')
        con.execute("CHECKPOINT public_warehouse")
    finally:
        con.execute("DETACH public_warehouse")
    return overall


def _select(path: Path) -> str:
    """The file's one SELECT, as DuckDB's own parser reads it."""
    [statement] = duckdb.extract_statements(path.read_text(encoding="utf-8"))
    return statement.query


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
