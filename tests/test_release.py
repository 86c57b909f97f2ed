"""`python -m etl release` on the demo warehouse: every file opens in pandas and DuckDB, matches the public
warehouse's published values, and is described in the data dictionary; the private database is refused."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import public
from etl.__main__ import main


@pytest.fixture(scope="module")
def release(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    assert main(["release", "--warehouse", str(demo_warehouse), "--out", str(out)]) == 0
    [folder] = [p for p in out.iterdir()]  # no half-written folder is left beside it
    return folder


@pytest.fixture(scope="module")
def package(release: Path) -> dict:
    return json.loads((release / "datapackage.json").read_text(encoding="utf-8"))


def build_info(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM build_info").fetchall())


def test_the_folder_is_named_by_the_content_checksum(release: Path, package: dict, demo_warehouse: Path) -> None:
    info = build_info(demo_warehouse)
    assert release.name == info["release"] == package["name"]
    assert release.name == f"prosecutor-data-demo-{info['content_sha256'][:16]}"
    assert package["version"] == info["content_sha256"]


def test_every_file_opens_in_pandas_and_duckdb_and_matches_the_dictionary(release: Path, package: dict) -> None:
    files = {p.name for p in release.iterdir()} - {"datapackage.json", "README.md"}
    described = {r["path"] for r in package["resources"]}
    assert files == described
    assert {f"{t}.{ext}" for t in public.public_tables() for ext in ("csv", "parquet")} == files
    with duckdb.connect() as con:
        for resource in package["resources"]:
            path = release / resource["path"]
            names = [f["name"] for f in resource["schema"]["fields"]]
            if resource["format"] == "csv":
                frame = pd.read_csv(path, keep_default_na=False, dtype=str)
                relation = con.execute("SELECT * FROM read_csv(?, header = true, all_varchar = true)", [str(path)])
            else:
                frame = pd.read_parquet(path)
                relation = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
            rows = relation.fetchall()
            assert list(frame.columns) == names == [d[0] for d in relation.description], resource["path"]
            assert len(frame) == len(rows) == resource["rows"], resource["path"]
            assert all(f["description"].strip() for f in resource["schema"]["fields"]), resource["path"]
            assert resource["description"].strip(), resource["path"]


def test_every_published_value_and_only_those(release: Path, demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        shown = con.execute("SELECT metric_id, scope, scope_id, period_start, period_grain, dimension, "
                            "dimension_value, numerator, denominator, value FROM metric_value "
                            "WHERE NOT suppressed ORDER BY ALL").df()
    with duckdb.connect() as con:
        released = con.execute("SELECT metric_id, scope, scope_id, period_start, period_grain, dimension, "
                               "dimension_value, numerator, denominator, value FROM read_parquet(?) ORDER BY ALL",
                               [str(release / "metric_value.parquet")]).df()
        [(hidden,)] = con.execute("SELECT count(*) FROM read_csv(?, header = true) WHERE suppressed",
                                  [str(release / "metric_value.csv")]).fetchall()
    assert len(shown) > 0 and hidden == 0
    pd.testing.assert_frame_equal(released, shown)


def test_the_dictionary_has_every_metric_with_its_caveat_and_every_source_with_its_licence(
        release: Path, package: dict, demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        metrics = dict(con.execute("SELECT metric_id, caveat FROM metric_definition").fetchall())
        licences = dict(con.execute("SELECT source_id, license FROM source").fetchall())
    assert {m["metric_id"]: m["caveat"] for m in package["metrics"]} == metrics
    assert all(m["definition"] and m["question"] for m in package["metrics"])
    assert {s["name"]: s["license"] for s in package["sources"]} == licences
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert all(caveat[:40] in readme for caveat in metrics.values())
    assert all(f"| {source} |" in readme for source in licences)
    assert "DEMO" in package["title"]


def test_the_private_database_is_refused(demo_warehouse: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    private = public.private_path(demo_warehouse)
    assert main(["release", "--warehouse", str(private), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "is not a public warehouse" in error and "case_counts" in error
    assert list(tmp_path.iterdir()) == []


def test_a_missing_warehouse_says_how_to_build_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "out")]) == 2
    assert "python -m etl build" in capsys.readouterr().err
