"""The app's only door to data: named SQL files in `dashboard/queries/`, run read-only on the warehouse.

The warehouse is replaced atomically by each build (a new file swapped in). Results are cached per
warehouse *version* (inode, size and modification time), so sessions keep working on the snapshot they
have while a publish happens, and the next query after it sees the new data.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard import i18n

PROJECT = Path(__file__).resolve().parents[1]
QUERIES_DIR = Path(__file__).parent / "queries"
DEFAULT_WAREHOUSE = PROJECT / "data" / "warehouse.duckdb"
_NAME = re.compile(r"[a-z0-9_]+")


class WarehouseMissing(RuntimeError):
    """No warehouse file: the app says how to build one instead of failing."""


@dataclass(frozen=True)
class Version:
    path: str
    inode: int
    size: int
    mtime_ns: int


def warehouse_path() -> Path:
    return Path(os.environ.get("PAD_WAREHOUSE") or DEFAULT_WAREHOUSE)


def current_version() -> Version:
    path = warehouse_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(f"no warehouse at {path}: run `make run` or `python -m etl build --demo`") from None
    return Version(str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


_lock = threading.Lock()
_connections: dict[Version, duckdb.DuckDBPyConnection] = {}


def _connection(version: Version) -> duckdb.DuckDBPyConnection:
    """One read-only connection per warehouse version.

    Older versions are closed *before* the new one opens: DuckDB hands back the database already open at
    a path, so opening first would serve the replaced file's data after a publish.
    """
    with _lock:
        con = _connections.get(version)
        if con is None:
            for old in [v for v in _connections if v != version]:
                _connections.pop(old).close()
            con = duckdb.connect(version.path, read_only=True)
            _connections[version] = con
        return con


def sql_text(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid query name {name!r}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run `queries/<name>.sql` with named parameters ($name in the SQL); cached per warehouse version.

    Each caller gets its own copy to change. The cache keeps the frames themselves (`cache_resource`), not
    pickles of them (`cache_data`): a copy shares the strings, where unpickling would make every string of a
    result again on every read.
    """
    version = current_version()
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    lang = i18n.language()
    if lang != i18n.DEFAULT and name != "metric_words":
        return _in_language(name, frozen, version, lang).copy()
    return _cached(name, frozen, version).copy()


WORDS = ("label", "question", "description", "direction", "caveat")  # a measure's words metric_definition_i18n has


@st.cache_resource(max_entries=2048, show_spinner=False)
def _in_language(name: str, params: tuple[tuple[str, Any], ...], version: Version, lang: str) -> pd.DataFrame:
    """A query's result in language `lang`: a column with a `<column>_<lang>` beside it (an event's `label_es`)
    takes that column's words where it has them; every column named like a measure's word in a result keyed by
    `metric_id` takes the warehouse's translation (metric_definition_i18n). So each query and page shows the
    reader's language without naming it; words with no translation keep their English."""
    frame = _cached(name, params, version)
    beside = [c for c in frame.columns if f"{c}_{lang}" in frame.columns]
    if beside:
        frame = frame.copy()
        for column in beside:
            frame[column] = frame[f"{column}_{lang}"].fillna(frame[column])
    columns = [c for c in WORDS if c in frame.columns]
    if "metric_id" not in frame.columns or not columns:
        return frame
    words = query("metric_words", lang=lang).set_index("metric_id")
    frame = frame.copy()
    for column in columns:
        frame[column] = frame["metric_id"].map(words[column]).fillna(frame[column])
    return frame


@st.cache_resource(max_entries=2048, show_spinner=False)
def _cached(name: str, params: tuple[tuple[str, Any], ...], version: Version) -> pd.DataFrame:
    text = sql_text(name)
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
    for attempt in range(2):
        try:
            cursor = _connection(version).cursor()
            try:
                return cursor.execute(text, values or None).df()
            finally:
                cursor.close()
        except duckdb.ConnectionException:
            if attempt:
                raise
            with _lock:  # closed under us by a newer version: reopen once
                _connections.pop(version, None)
    raise AssertionError("unreachable")


def build_info() -> Mapping[str, str]:
    return _build_info(current_version())


@st.cache_resource(max_entries=4, show_spinner=False)
def _build_info(version: Version) -> Mapping[str, str]:
    """Read on every rerun (the demo banner): one read-only mapping per warehouse version, not a frame copied."""
    frame = query("build_info")
    return MappingProxyType(dict(zip(frame["key"], frame["value"], strict=True)))


def lookup(name: str, key: str, value: str) -> Mapping[str, Any]:
    """One column of a query by another (county label by FIPS code), made once per warehouse version: the map's
    county search lists all 3,000 on every rerun."""
    return _lookup(name, key, value, current_version())


@st.cache_resource(max_entries=32, show_spinner=False)
def _lookup(name: str, key: str, value: str, version: Version) -> Mapping[str, Any]:
    frame = _cached(name, (), version)
    return MappingProxyType(dict(zip(frame[key].tolist(), frame[value].tolist(), strict=True)))


def known(name: str, column: str) -> frozenset[str]:
    """Every value of one column of a query, to check a link's ids against on every rerun."""
    return _known(name, column, current_version())


@st.cache_resource(max_entries=32, show_spinner=False)
def _known(name: str, column: str, version: Version) -> frozenset[str]:
    return frozenset(_cached(name, (), version)[column])


def is_demo() -> bool:
    return build_info().get("mode") == "demo"
