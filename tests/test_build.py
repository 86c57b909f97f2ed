"""The build end to end on small hand-made inputs: metrics equal hand computation, checks fail loudly,
and a failed build never touches the published warehouse."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.config import PROJECT, SourceConfig, load_sources
from etl.errors import BuildError, CheckFailed
from tests.intervals import wilson

HEADER = "fips,period_start,period_grain,stage,outcome,race,n\n"
OFFICES = (
    "office_id,name,state_abbr,kind,selection,fips\n"
    "il-test-sa,Test State's Attorney,IL,states_attorney,elected,17031\n"
)
TERMS = (
    "office_id,prosecutor_name,party,start_date,end_date,entry,citation\n"
    "il-test-sa,Ann Before,Democratic,2008-12-01,2016-11-30,elected,Test fixture\n"
    "il-test-sa,Bea After,Democratic,2016-12-01,,elected,Test fixture\n"
)


def catalogue(*extra: SourceConfig) -> dict[str, SourceConfig]:
    real = load_sources()
    people = replace(real["curated_prosecutors"], location="raw", folder="people")
    counts = SourceConfig(
        source_id="test_counts", title="Test counts", publisher="Tests", url="tests", license="CC0",
        adapter="etl.sources.canonical:CanonicalCounts", kind="case", folder="counts", files=("*.csv",))
    sources = {"us_atlas": real["us_atlas"], "curated_prosecutors": people, "test_counts": counts}
    sources.update({c.source_id: c for c in extra})
    return sources


def write_inputs(raw: Path, counts: str, terms: str = TERMS) -> None:
    (raw / "people").mkdir(parents=True, exist_ok=True)
    (raw / "counts").mkdir(parents=True, exist_ok=True)
    (raw / "people" / "offices.csv").write_text(OFFICES)
    (raw / "people" / "terms.csv").write_text(terms)
    (raw / "counts" / "counts.csv").write_text(HEADER + counts)


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


GOOD = (
    "17031,2015-01-01,year,referral,charged,white,300\n"
    "17031,2015-01-01,year,referral,declined,white,60\n"
    "17031,2015-01-01,year,referral,charged,black,400\n"
    "17031,2015-01-01,year,referral,declined,black,120\n"
    "17031,2015-01-01,year,referral,diverted,black,5\n"
    "17031,2016-01-01,year,referral,charged,white,100\n"
    "17031,2016-01-01,year,referral,declined,white,4\n"
    "17031,2016-12-01,month,disposition,plea,white,50\n"
    "17031,2016-12-01,month,disposition,dismissed,white,30\n"
)


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    write_inputs(raw, GOOD)
    out = tmp_path / "w.duckdb"
    build(out, raw_dir=raw, catalogue=catalogue(), progress=False)
    return out


def test_declination_rate_equals_hand_computation(built: Path) -> None:
    [(num, den, value, low, high, suppressed)] = rows(
        built, "SELECT numerator, denominator, value, ci_low, ci_high, suppressed FROM metric_value "
        "WHERE metric_id = 'declination_rate' AND scope = 'county' AND scope_id = '17031' "
        "AND period_start = DATE '2015-01-01' AND dimension = 'all'")
    assert (num, den) == (180, 885)  # declined 60 + 120 out of 300 + 60 + 400 + 120 + 5
    assert value == pytest.approx(180 / 885)
    assert (low, high) == pytest.approx(wilson(180, 885))
    assert suppressed is False


def test_small_cells_are_suppressed_with_their_counts_removed(built: Path) -> None:
    [(num, den, value, suppressed, reason)] = rows(
        built, "SELECT numerator, denominator, value, suppressed, suppression_reason FROM metric_value "
        "WHERE metric_id = 'declination_rate' AND scope = 'county' AND period_start = DATE '2016-01-01' "
        "AND dimension = 'all'")
    assert suppressed is True and (num, den, value) == (None, None, None)
    assert "fewer than 10" in reason
    # the diversion cell of 2015 (5 of 885) is small too
    [(div_suppressed,)] = rows(
        built, "SELECT suppressed FROM metric_value WHERE metric_id = 'prefiling_diversion_rate' AND scope = 'county'"
        " AND period_start = DATE '2015-01-01' AND dimension = 'all'")
    assert div_suppressed is True


def test_relative_rate_against_white_defendants(built: Path) -> None:
    [(value, low, high)] = rows(
        built, "SELECT value, ci_low, ci_high FROM disparity WHERE measure = 'relative_rate' "
        "AND metric_id = 'declination_rate' AND scope = 'county' AND race = 'black' "
        "AND period_start = DATE '2015-01-01'")
    black, white = 120 / 525, 60 / 360
    assert value == pytest.approx(black / white)
    se = math.sqrt(1 / 120 - 1 / 525 + 1 / 60 - 1 / 360)
    assert low == pytest.approx(math.exp(math.log(black / white) - 1.96 * se))
    assert high == pytest.approx(math.exp(math.log(black / white) + 1.96 * se))


def test_terms_attribute_years_by_majority_and_months_by_date(built: Path) -> None:
    attribution = dict(rows(
        built, "SELECT period_start::VARCHAR || '/' || period_grain, term_id FROM term_attribution"))
    assert attribution["2016-01-01/year"].startswith("il-test-sa--ann-before")  # 11 of 12 months
    assert attribution["2016-12-01/month"].startswith("il-test-sa--bea-after")
    [(term_scope_n,)] = rows(
        built, "SELECT denominator FROM metric_value WHERE metric_id = 'dismissal_rate' AND scope = 'term' "
        "AND period_grain = 'term' AND dimension = 'all'")
    assert term_scope_n == 80


def test_every_file_reconciles(built: Path) -> None:
    for read, loaded, rejected in rows(built, "SELECT rows_read, rows_loaded, rows_rejected FROM source_file"):
        assert read == loaded + rejected
    assert rows(built, "SELECT rows_read FROM source WHERE source_id = 'test_counts'") == [(9,)]


def test_bad_rows_are_kept_with_line_column_and_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_inputs(raw, GOOD + "17031,2015-01-01,year,referral,charged,white,-4\n"
                 "17031,2015-01-01,year,referral,acquitted,white,4\n")
    out = tmp_path / "w.duckdb"
    build(out, raw_dir=raw, catalogue=catalogue(), progress=False)
    rejected = rows(out, "SELECT line, column_name, reason FROM rejected_row WHERE source_id = 'test_counts' "
                    "ORDER BY line")
    assert [r[0] for r in rejected] == [11, 12]
    assert "negative" in rejected[0][2]
    assert rejected[1][1] == "outcome"


def test_unknown_county_fails_the_build(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_inputs(raw, GOOD + "99999,2015-01-01,year,referral,charged,white,4\n")
    with pytest.raises(CheckFailed, match="unknown county fips 99999"):
        build(tmp_path / "w.duckdb", raw_dir=raw, catalogue=catalogue(), progress=False)


def test_overlapping_terms_fail_the_build_and_name_both(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    overlapping = TERMS + "il-test-sa,Cal Overlap,,2015-01-01,2015-12-31,appointed,Test fixture\n"
    write_inputs(raw, GOOD, overlapping)
    try:
        build(tmp_path / "w.duckdb", raw_dir=raw, catalogue=catalogue(), progress=False)
    except BuildError as error:
        assert "overlap" in str(error).lower()
    else:  # the curated adapter may reject the row itself instead: then it must say so, row kept
        out = tmp_path / "w.duckdb"
        [(reason,)] = rows(out, "SELECT reason FROM rejected_row WHERE source_id = 'curated_prosecutors'")
        assert "overlap" in reason.lower()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_build_leaves_the_published_warehouse_untouched(built: Path, tmp_path: Path) -> None:
    before = digest(built)
    raw = tmp_path / "raw2"
    write_inputs(raw, GOOD)
    renamed = "fips,period_start,stage,outcome,n\n17031,2015-01-01,referral,charged,5\n"  # no period_grain
    (raw / "counts" / "counts.csv").write_text(renamed)
    with pytest.raises(BuildError) as failure:
        build(built, raw_dir=raw, catalogue=catalogue(), progress=False)
    message = str(failure.value)
    assert "test_counts" in message and "counts.csv" in message and "period_grain" in message and "line 1" in message
    assert digest(built) == before
    assert rows(built, "SELECT count(*) FROM metric_value")[0][0] > 0
    assert not [p for p in built.parent.iterdir() if ".building-" in p.name]


def test_same_inputs_give_the_same_content_checksum(tmp_path: Path) -> None:
    checksums = []
    for name in ("a", "b"):
        raw = tmp_path / name
        write_inputs(raw, GOOD)
        out = tmp_path / f"{name}.duckdb"
        build(out, raw_dir=raw, catalogue=catalogue(), progress=False)
        checksums.append(rows(out, "SELECT value FROM build_info WHERE key = 'content_sha256'")[0][0])
    assert checksums[0] == checksums[1]


def test_demo_cannot_be_mixed_with_real_sources(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="demo"):
        build(tmp_path / "w.duckdb", raw_dir=tmp_path, sources=["demo"], progress=False)


def test_cli_validate_reports_rejections_without_a_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(HEADER + "17031,2015-01-01,year,referral,charged,white,x\n17031,2015-01-01,year,referral,declined,"
                    "white,3\n")
    done = subprocess.run([sys.executable, "-m", "etl", "validate", str(path), "--source", "canonical_counts"],
                          capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "2 rows read = 1 would load + 1 rejected" in done.stdout
    assert "non-numeric count" in done.stdout and "line 2" in done.stdout


def test_cli_build_failure_exits_nonzero_with_the_reason(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "etl", "build", "--source", "no_such_source", "--out",
                           str(tmp_path / "w.duckdb"), "--no-progress"], capture_output=True, text=True, cwd=PROJECT,
                          timeout=60)
    assert done.returncode == 1
    assert "unknown source id(s): no_such_source" in done.stderr


def test_a_warehouse_of_the_other_kind_is_replaced_only_when_asked(built: Path, tmp_path: Path) -> None:
    before = digest(built)
    done = subprocess.run([sys.executable, "-m", "etl", "build", "--demo", "--raw-dir", str(tmp_path / "none"),
                           "--out", str(built), "--no-progress"], capture_output=True, text=True, cwd=PROJECT,
                          timeout=120)
    assert done.returncode == 1
    assert "holds a real warehouse and this build is demo" in done.stderr and "--replace" in done.stderr
    assert digest(built) == before and not (tmp_path / "none").exists()
    with duckdb.connect(str(built)) as con:  # now the kind of file `make run` builds: a demo warehouse
        con.execute("UPDATE build_info SET value = 'demo' WHERE key = 'mode'")
    before = digest(built)
    with pytest.raises(BuildError, match=r"holds a demo warehouse and this build is real"):
        build(built, raw_dir=tmp_path / "raw", catalogue=catalogue(), progress=False)
    assert digest(built) == before
    build(built, raw_dir=tmp_path / "raw", catalogue=catalogue(), progress=False, replace=True)
    assert rows(built, "SELECT value FROM build_info WHERE key = 'mode'") == [("real",)]


def test_the_metric_stage_shows_its_step_and_the_time_left(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    write_inputs(tmp_path / "raw", GOOD)
    build(tmp_path / "w.duckdb", raw_dir=tmp_path / "raw", catalogue=catalogue(), progress=True)
    shown = capsys.readouterr().err
    assert "  metrics..." in shown
    assert "metrics (suppression)" in shown and "metrics (10_metric_value)" in shown and " left]" in shown
