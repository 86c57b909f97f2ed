"""Two files, two audiences: the public warehouse the app opens holds only what may be shown, and the private
working database keeps the facts. Checked on the demo and (when ../shared exists) the real build."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import public
from etl.build import build
from etl.checks import FORBIDDEN_COLUMN_WORDS, identifier_problems
from etl.errors import BuildError
from tests.dashboard.apptest_pages import open_page

# Columns that would carry a row of a source, a person or a case rather than a published value.
ROW_LEVEL_COLUMNS = {"raw", "n", "source_outcome", "offense_detail", "defendant_name", "case_number"}


@pytest.fixture(params=["demo", "real"])
def built(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """(public warehouse, private database) of the demo and of the real build."""
    warehouse = request.getfixturevalue(f"{request.param}_warehouse")
    return warehouse, public.private_path(warehouse)


def columns(path: Path) -> dict[str, dict[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        found: dict[str, dict[str, str]] = {}
        for table, column, data_type in con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main'").fetchall():
            found.setdefault(table, {})[column] = data_type
    return found


def test_every_schema_table_and_column_is_declared_public_or_private() -> None:
    assert public.undeclared() == []


def test_a_new_table_or_column_declared_neither_way_is_reported() -> None:
    schema = (public.SQL_DIR / "schema.sql").read_text(encoding="utf-8")
    problems = public.undeclared(schema + ";\nCREATE TABLE bail_events (fips VARCHAR, n BIGINT);\n"
                                          "ALTER TABLE metric_value ADD COLUMN cases BIGINT;")
    assert any("table bail_events is neither public" in p for p in problems), problems
    assert any("column metric_value.cases is neither published" in p for p in problems), problems
    assert len(problems) == 2


def test_an_incomplete_declaration_stops_the_build_before_any_work(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    declarations = tmp_path / "private.csv"
    kept = [line for line in public.PRIVATE_CSV.read_text(encoding="utf-8").splitlines()
            if not line.startswith("rejected_row.raw,")]
    declarations.write_text("\n".join(kept) + "\n", encoding="utf-8")
    monkeypatch.setattr(public, "PRIVATE_CSV", declarations)
    out = tmp_path / "warehouse.duckdb"
    with pytest.raises(BuildError, match=r"column rejected_row\.raw is neither published"):
        build(out, raw_dir=tmp_path / "raw", demo=True, progress=False)
    assert not out.exists() and not public.private_path(out).exists()
    assert not (tmp_path / "raw").exists()  # stopped before generating or reading anything


def test_the_public_file_holds_only_declared_tables_and_columns(built: tuple[Path, Path]) -> None:
    warehouse, _ = built
    found = columns(warehouse)
    assert set(found) == set(public.public_tables())
    private = public.private_declarations()
    for table, cols in found.items():
        assert table not in private
        for column in cols:
            assert f"{table}.{column}" not in private, f"{table}.{column} is private"
            assert column not in ROW_LEVEL_COLUMNS, f"{table}.{column} looks like row-level content"
            assert not any(word in column.lower() for word in FORBIDDEN_COLUMN_WORDS), f"{table}.{column}"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert identifier_problems(con) == []


def test_the_private_database_keeps_the_facts(built: tuple[Path, Path]) -> None:
    warehouse, private = built
    assert private.is_file() and private != warehouse
    found = columns(private)
    assert {"case_counts", "detention"} <= set(found) and "raw" in found["rejected_row"]
    with duckdb.connect(str(private), read_only=True) as con:
        [(facts,)] = con.execute("SELECT count(*) FROM case_counts").fetchall()
        [(rejected,)] = con.execute("SELECT count(*) FROM rejected_row").fetchall()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(published_rejected,)] = con.execute("SELECT count(*) FROM rejected_row").fetchall()
        [(read, loaded, rejected_total)] = con.execute(
            "SELECT sum(rows_read), sum(rows_loaded), sum(rows_rejected) FROM source").fetchall()
    assert facts > 0
    assert published_rejected == rejected == rejected_total  # every set-aside row is still counted
    assert read == loaded + rejected_total


def test_no_count_of_1_to_9_outside_the_values_published_by_rule(built: tuple[Path, Path]) -> None:
    """Shown cells follow the rule (denominator >= 10; numerator and the rest 0 or >= 10; jail counts >= 10);
    hidden cells carry no number at all; no table keeps a case count of its own (coverage.n is private)."""
    warehouse, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(k,)] = con.execute("SELECT value::INTEGER FROM build_info WHERE key = 'suppression_threshold'").fetchall()
        [(shown, broken)] = con.execute("""
            SELECT count(*), count(*) FILTER (
                WHERE CASE WHEN d.unit = 'per_100k' THEN v.numerator < $k
                           ELSE v.denominator < $k OR v.numerator BETWEEN 1 AND $k - 1
                                OR v.denominator - v.numerator BETWEEN 1 AND $k - 1 END)
            FROM metric_value v JOIN metric_definition d USING (metric_id) WHERE NOT v.suppressed""",
            {"k": k}).fetchall()
        [(hidden_with_numbers,)] = con.execute("""
            SELECT count(*) FROM metric_value WHERE suppressed AND (numerator IS NOT NULL OR denominator IS NOT NULL
                OR value IS NOT NULL OR ci_low IS NOT NULL OR ci_high IS NOT NULL)""").fetchall()
        [(hidden_ratios,)] = con.execute("""
            SELECT count(*) FROM disparity WHERE suppressed AND (value IS NOT NULL OR ci_low IS NOT NULL
                OR ci_high IS NOT NULL)""").fetchall()
    assert shown > 0
    assert broken == 0 and hidden_with_numbers == 0 and hidden_ratios == 0
    assert "n" not in columns(warehouse)["coverage"]


def test_every_page_runs_on_the_public_file_alone(demo_warehouse: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the public file with no private database beside it serves every page."""
    alone = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_warehouse, alone)
    assert not public.private_path(alone).exists()
    monkeypatch.setenv("PAD_WAREHOUSE", str(alone))
    with duckdb.connect(str(alone), read_only=True) as con:
        [(fips,)] = con.execute("SELECT scope_id FROM metric_value WHERE scope = 'county' AND NOT suppressed "
                                "GROUP BY ALL ORDER BY count(*) DESC, scope_id LIMIT 1").fetchall()
        [(pid,)] = con.execute("SELECT t.prosecutor_id FROM term t JOIN office_county oc USING (office_id) "
                               "WHERE oc.fips = ? ORDER BY t.start_date DESC LIMIT 1", [fips]).fetchall()
    for page, params in [("map", {}), ("county", {"fips": fips}), ("prosecutor", {"id": pid}),
                         ("compare", {"fips": fips}), ("methods", {})]:
        at = open_page(page, **params)
        assert not at.exception, (page, at.exception)
    methods = open_page("methods")
    text = "\n".join(m.value for m in methods.markdown)
    assert "python -m etl release" in "\n".join(c.value for c in methods.code)
    with duckdb.connect(str(alone), read_only=True) as con:
        [(release,)] = con.execute("SELECT value FROM build_info WHERE key = 'release'").fetchall()
    assert f"data/releases/{release}/" in text


def test_the_interval_definitions_travel_with_the_public_file(demo_warehouse: Path) -> None:
    """One definition of each 95% interval: the build's (etl/sql/intervals.sql), kept in the public file as
    macros, which every dashboard query that pools counts calls instead of writing the formula again."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        macros = {name for (name,) in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal").fetchall()}
        low, high = con.execute("SELECT wilson_low(20, 100), wilson_high(20, 100)").fetchone()
    assert {"wilson_low", "wilson_high", "poisson_low_per_100k", "poisson_high_per_100k", "interval_low",
            "interval_high"} <= macros
    assert (round(low, 4), round(high, 4)) == (0.1334, 0.2888)  # the Wilson interval of 20 out of 100
    queries = Path(__file__).resolve().parents[1] / "dashboard" / "queries"
    written_again = [p.name for p in queries.glob("*.sql")
                     if any(formula in p.read_text(encoding="utf-8") for formula in ("1.96 ^ 2", "sqrt(numerator)"))]
    assert written_again == []
