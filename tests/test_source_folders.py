"""Source folders (data/sources/<id>/source.toml + mapping CSVs) build into the warehouse with no Python:
the four real sources reproduce the figures their owners state, each is credited as its own source, and a
build with more than 64 sources names every one of them (the sources of a cell were once bits of a 64-bit
integer)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.config import load_sources
from etl.public import private_path
from tests.conftest import shared_file

NEW_SOURCES = ("ma_berkshire_da_bail", "pa_bail", "co_bond", "cook_jail")


@pytest.fixture(scope="module")
def con(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("folders") / "warehouse.duckdb"
    build(out, raw_dir=shared_data, sources=list(NEW_SOURCES), progress=False)
    with duckdb.connect(str(private_path(out)), read_only=True) as connection:  # the facts: case_counts, detention
        yield connection


def test_the_four_sources_are_folders_read_by_the_one_declarative_adapter() -> None:
    catalogue = load_sources()
    for source_id in NEW_SOURCES:
        config = catalogue[source_id]
        assert config.adapter == "etl.sources.declared:DeclaredSource" and Path(config.definition).is_dir()
        assert not list(Path(config.definition).glob("*.py")), source_id


def test_each_source_is_credited_with_its_own_publisher_licence_date_and_notes(con) -> None:
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT source_id, publisher, license, retrieved_at, notes, rows_read, rows_loaded + rows_rejected "
        "FROM source").fetchall()}
    for source_id in NEW_SOURCES:
        publisher, licence, retrieved, notes, read, accounted = rows[source_id]
        assert publisher and licence and retrieved and notes, source_id
        assert "Editors of this project" not in publisher
        assert "counting unit: " in notes, source_id
        assert read == accounted > 0, source_id


def test_pennsylvania_statewide_cases_and_cash_bail_cases(con, shared_data: Path) -> None:
    import json

    stated = json.loads(shared_file(shared_data, "pa-bail/pa_statewide_bail_2016_2017.json").read_text())
    [(total, cash, ror, counties, grains)] = con.execute(
        "SELECT sum(n), sum(n) FILTER (outcome = 'bail_set'), sum(n) FILTER (outcome = 'released_ror'), "
        "count(DISTINCT fips), list(DISTINCT period_grain) FROM case_counts WHERE source_id = 'pa_bail'").fetchall()
    assert (total, cash, ror) == (stated["total_cases"], stated["cash_bail_cases"], stated["ror_cases"])
    assert (total, cash) == (383_317, 166_299)
    assert counties == 67 and grains == ["two_years"]
    # two years together belong to no single year: no yearly measure is drawn from them
    [(shown,)] = con.execute("SELECT count(*) FROM metric_value WHERE source_ids LIKE '%pa_bail%'").fetchall()
    assert shown == 0


def _berkshire_rows(shared_data: Path) -> list[dict[str, str]]:
    path = shared_file(shared_data, "ma-berkshire-da/berkshire_da_bail_2014_2018.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle)
                if r["Court"] not in ("Massachusetts Court of Appeals", "Westfield District Court")]


def test_berkshire_ror_share_by_year_is_the_raw_files(con, shared_data: Path) -> None:
    decided = {"Released on Own Recognizance": "ror", "Cash Only": "bail", "Cash/Surety": "bail",
               "Out on Cash Bail": "bail", "Out On Cash Bail": "bail", "In Custody - Bail Set": "bail",
               "Conditions Only": "conditions", "Personal Surety": "conditions",
               "Held Without Right To Bail": "remand"}
    ror: Counter[int] = Counter()
    decisions: Counter[int] = Counter()
    for row in _berkshire_rows(shared_data):
        kind = decided.get(row["Bail Status"])
        if kind:
            year = int(row["Arraign Date"][:4])
            decisions[year] += 1
            ror[year] += kind == "ror"
    shown = {r[0]: r[1:] for r in con.execute(
        "SELECT year(period_start), numerator, denominator, value FROM metric_value WHERE metric_id = 'ror_rate' "
        "AND scope = 'county' AND scope_id = '25003' AND dimension = 'all'").fetchall()}
    assert sorted(shown) == [2014, 2015, 2016, 2017, 2018]
    for year, (numerator, denominator, value) in shown.items():
        assert (numerator, denominator) == (ror[year], decisions[year])
        assert value == pytest.approx(ror[year] / decisions[year])


def test_prosecutor_requested_bail_beside_the_bail_set(con, shared_data: Path) -> None:
    asked: Counter[int] = Counter()
    arraignments: Counter[int] = Counter()
    below: Counter[int] = Counter()
    for row in _berkshire_rows(shared_data):
        year = int(row["Arraign Date"][:4])
        arraignments[year] += 1
        requested = float(row["Amnt Bl Rqstd"] or 0)
        if requested > 0:
            asked[year] += 1
            below[year] += float(row["Amnt Bl Set"] or 0) < requested
    cells = {(r[0], r[1]): r[2:] for r in con.execute(
        "SELECT metric_id, year(period_start), numerator, denominator FROM metric_value "
        "WHERE metric_id IN ('bail_request_rate', 'bail_below_request_rate') AND scope = 'county' "
        "AND scope_id = '25003' AND dimension = 'all' AND NOT suppressed").fetchall()}
    # the years suppression publishes both measures for (it hides some to protect the breakdowns' small counts)
    shown = [year for year in arraignments
             if ("bail_request_rate", year) in cells and ("bail_below_request_rate", year) in cells]
    assert shown
    for year in shown:
        assert cells[("bail_request_rate", year)] == (asked[year], arraignments[year])
        assert cells[("bail_below_request_rate", year)] == (below[year], asked[year])
    [(label, caveat)] = con.execute("SELECT label, caveat FROM metric_definition "
                                    "WHERE metric_id = 'bail_request_rate'").fetchall()
    assert "prosecutor" in label.lower() and caveat


def test_berkshire_cash_to_go_home_is_the_cash_bail_set(con, shared_data: Path) -> None:
    """Cash bail is posted in full in Massachusetts: the share needing $1,000 or more is the share of cash bails
    (by the bail status) set at $1,000 or more, each year, from the raw file."""
    cash_bail = ("Cash Only", "Cash/Surety", "Out on Cash Bail", "Out On Cash Bail", "In Custody - Bail Set")
    priced: Counter[int] = Counter()
    high: Counter[int] = Counter()
    for row in _berkshire_rows(shared_data):
        amount = float(row["Amnt Bl Set"] or 0)
        if row["Bail Status"] in cash_bail and amount > 0:
            year = int(row["Arraign Date"][:4])
            priced[year] += 1
            high[year] += amount >= 1000
    cells = dict((r[0], (r[1], r[2])) for r in con.execute(
        "SELECT year(period_start), numerator, denominator FROM metric_value "
        "WHERE metric_id = 'bail_cash_1000_plus_rate' AND scope = 'county' AND scope_id = '25003' "
        "AND dimension = 'all' AND NOT suppressed").fetchall())
    assert sorted(cells) == sorted(priced)
    for year, counted in cells.items():
        assert counted == (high[year], priced[year])


def test_colorado_counties_and_denver_misdemeanors_absent(con, shared_data: Path) -> None:
    path = shared_file(shared_data, "co-bond/complete-county-bond.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if r["money_bond_freq"].isdigit() and r["pr_bond_freq"].isdigit() and r["total_bond_freq"].isdigit()]
    stated_money = sum(int(r["money_bond_freq"]) for r in rows)
    [(money, counties, denver_misdemeanors)] = con.execute(
        "SELECT sum(n) FILTER (outcome = 'bail_set'), count(DISTINCT fips), "
        "count(*) FILTER (fips = '08031' AND offense_level = 'misdemeanor') "
        "FROM case_counts WHERE source_id = 'co_bond'").fetchall()
    assert money == stated_money and counties == 64 and denver_misdemeanors == 0


def test_cook_jail_population_averages_the_days_reported(con, shared_data: Path) -> None:
    path = shared_file(shared_data, "cook-jail/cook_jail_daily_population_2018_2026.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        days = [(r["Date"][:4], float(r["Jail Population"])) for r in csv.DictReader(handle) if r["Jail Population"]]
    in_2019 = [v for y, v in days if y == "2019"]
    [(rows, average)] = con.execute(
        "SELECT count(*), avg(value) FILTER (year(period_start) = 2019) FROM detention "
        "WHERE source_id = 'cook_jail' AND fips = '17031' AND measure = 'jail_population'").fetchall()
    assert rows == len(days) and average == pytest.approx(sum(in_2019) / len(in_2019))


def _write_folder(root: Path, number: int) -> Path:
    folder = root / "sources" / f"s{number:03d}"
    folder.mkdir(parents=True)
    (folder / "source.toml").write_text(f'''title = "Synthetic source {number}"
publisher = "Publisher {number}"
url = "https://example.org/{number}"
license = "CC0"
form = "counts"
folder = "raw{number:03d}"
files = ["counts.csv"]
[place]
column = "fips"
[period]
year = "year"
[[count]]
stage = "referral"
outcome = "declined"
column = "declined"
[[count]]
stage = "referral"
outcome = "charged"
total = "referrals"
''', encoding="utf-8")
    raw = root / "raw" / f"raw{number:03d}"
    raw.mkdir(parents=True)
    (raw / "counts.csv").write_text(f"fips,year,declined,referrals\n{17001 + 2 * number:05d},2020,40,200\n",
                                    encoding="utf-8")
    return folder


def test_seventy_sources_are_each_named_on_the_cells_they_feed(tmp_path: Path) -> None:
    folders = [_write_folder(tmp_path, i) for i in range(70)]
    catalogue = load_sources(folders=folders)
    ids = [f"s{i:03d}" for i in range(70)]
    out = tmp_path / "warehouse.duckdb"
    build(out, raw_dir=tmp_path / "raw", sources=ids, catalogue=catalogue, progress=False)
    with duckdb.connect(str(out), read_only=True) as con:
        [(names, numerator, denominator)] = con.execute(
            "SELECT source_ids, numerator, denominator FROM metric_value WHERE metric_id = 'declination_rate' "
            "AND scope = 'state' AND scope_id = 'IL' AND dimension = 'all'").fetchall()
        county = dict(con.execute(
            "SELECT scope_id, source_ids FROM metric_value WHERE metric_id = 'declination_rate' "
            "AND scope = 'county' AND dimension = 'all'").fetchall())
    assert names.split(",") == ids
    assert (numerator, denominator) == (70 * 40, 70 * 200)
    assert county[f"{17001 + 2 * 69:05d}"] == "s069" and county["17001"] == "s000"


def test_overlap_is_explicit_per_cell_and_a_declared_replacement_wins(tmp_path: Path) -> None:
    """Two sources for one county, stage and year: the build writes which counts and why; a change of counted
    source between years is marked; `replaces` with a year range hands those years to the newer source."""
    folders = [_write_folder(tmp_path, i) for i in range(3)]
    for number, rows in ((1, "17001,2020,10,100\n17001,2021,10,100\n"), (2, "17001,2021,30,60\n")):
        (tmp_path / "raw" / f"raw{number:03d}" / "counts.csv").write_text("fips,year,declined,referrals\n" + rows)
    ids = ["s000", "s001", "s002"]
    out = tmp_path / "warehouse.duckdb"
    report = build(out, raw_dir=tmp_path / "raw", sources=ids, catalogue=load_sources(folders=folders),
                   progress=False)
    assert report.overlaps == [
        "17001 referral 2020: counted s000 (more cases than s001 (same priority))",
        "17001 referral 2021: counted s001 (more cases than s002 (same priority)); the year before: s000 (a break in "
        "the series)",
    ]
    with duckdb.connect(str(out), read_only=True) as con:
        choices = con.execute("SELECT year, source_id, candidates, reason, previous_source_id FROM source_choice "
                              "WHERE fips = '17001' AND stage = 'referral' ORDER BY year").fetchall()
    # 2020: s000 (200 referrals) and s001 (100); 2021: s001 (100) and s002 (60)
    assert choices == [
        (2020, "s000", "s000,s001", "more cases than s001 (same priority)", None),
        (2021, "s001", "s001,s002", "more cases than s002 (same priority)", "s000"),
    ]
    toml = folders[2] / "source.toml"
    toml.write_text(toml.read_text().replace('files = ["counts.csv"]',
                                             'files = ["counts.csv"]\nreplaces = [{ source = "s001", from = 2021, '
                                             'to = 2021 }]'))
    from etl.sources.declared import load_definition

    load_definition.cache_clear()
    out2 = tmp_path / "replaced.duckdb"
    build(out2, raw_dir=tmp_path / "raw", sources=ids, catalogue=load_sources(folders=folders), progress=False)
    with duckdb.connect(str(out2), read_only=True) as con:
        [(source, reason, before)] = con.execute(
            "SELECT source_id, reason, previous_source_id FROM source_choice WHERE fips = '17001' AND year = 2021"
        ).fetchall()
        [(value,)] = con.execute("SELECT value FROM metric_value WHERE metric_id = 'declination_rate' AND scope = "
                                 "'county' AND scope_id = '17001' AND year(period_start) = 2021 AND dimension = 'all'"
                                 ).fetchall()
    assert (source, reason, before) == ("s002", "replaces s001 for this year (declared)", "s000")
    assert value == pytest.approx(30 / 60)


def test_canonical_counts_in_a_folder_are_credited_to_their_own_publisher(tmp_path: Path) -> None:
    folder = tmp_path / "sources" / "da_annual_report"
    folder.mkdir(parents=True)
    (folder / "source.toml").write_text('''title = "Annual report, table 3"
publisher = "Example County District Attorney"
url = "https://example.org/annual-report.pdf"
license = "Public record"
retrieved = "2025-02-01"
notes = "Transcribed from the printed table; 2019 only."
form = "canonical"
folder = "da-annual-report"
files = ["*.csv"]
''', encoding="utf-8")
    raw = tmp_path / "raw" / "da-annual-report"
    raw.mkdir(parents=True)
    (raw / "table3.csv").write_text("fips,period_start,period_grain,stage,outcome,n,race\n"
                                    "17001,2019-01-01,year,referral,charged,120,black\n"
                                    "17001,2019-01-01,year,referral,declined,30,black\n"
                                    "17001,2019-03-15,year,referral,declined,30,white\n", encoding="utf-8")
    out = tmp_path / "warehouse.duckdb"
    build(out, raw_dir=tmp_path / "raw", sources=["da_annual_report"], catalogue=load_sources(folders=[folder]),
          progress=False)
    with duckdb.connect(str(out), read_only=True) as con:
        [(publisher, retrieved, notes, read, loaded, rejected)] = con.execute(
            "SELECT publisher, retrieved_at::DATE::VARCHAR, notes, rows_read, rows_loaded, rows_rejected FROM source "
            "WHERE source_id = 'da_annual_report'").fetchall()
        [(line, column, reason)] = con.execute("SELECT line, column_name, reason FROM rejected_row").fetchall()
    assert (publisher, retrieved) == ("Example County District Attorney", "2025-02-01")
    assert notes.startswith("Transcribed from the printed table")
    assert (read, loaded, rejected) == (3, 2, 1)
    assert (line, column) == (4, "period_start") and "a yearly period starts on 1 January" in reason


def test_two_jail_series_for_one_county_say_which_counts(tmp_path: Path) -> None:
    folders = []
    for number, priority in ((0, 0), (1, 5)):
        folder = tmp_path / "sources" / f"jail{number}"
        folder.mkdir(parents=True)
        (folder / "source.toml").write_text(f'''title = "Jail population {number}"
publisher = "Sheriff {number}"
url = "https://example.org"
license = "Public"
form = "detention"
priority = {priority}
folder = "jail{number}"
files = ["*.csv"]
[place]
fips = "17031"
[period]
date = "day"
grain = "day"
[[measure]]
measure = "jail_population"
column = "people"
''', encoding="utf-8")
        raw = tmp_path / "raw" / f"jail{number}"
        raw.mkdir(parents=True)
        (raw / "jail.csv").write_text(f"day,people\n2019-03-01,{5000 + number * 500}\n2019-03-02,5100\n")
        folders.append(folder)
    out = tmp_path / "warehouse.duckdb"
    build(out, raw_dir=tmp_path / "raw", sources=["jail0", "jail1"], catalogue=load_sources(folders=folders),
          progress=False)
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute("SELECT stage, year, source_id, candidates, reason FROM source_choice").fetchall() == [
            ("detention", 2019, "jail1", "jail0,jail1", "higher priority")]


def test_each_canonical_file_is_its_own_credited_source_and_their_overlap_is_chosen_not_spliced(
        tmp_path: Path) -> None:
    """Two files of transcribed counts (one credited by a .toml beside it, one by a sub-folder's) are two sources;
    where both cover a county, stage and year the build counts one and says which; a file with no credit keeps
    the editors' credit, named by its file."""
    raw = tmp_path / "raw" / "canonical"
    (raw / "state_report").mkdir(parents=True)
    header = "fips,period_start,period_grain,stage,outcome,n\n"
    (raw / "da_annual_report.csv").write_text(header + "17031,2019-01-01,year,referral,declined,30\n"
                                              "17031,2019-01-01,year,referral,charged,70\n", encoding="utf-8")
    (raw / "da_annual_report.toml").write_text('''title = "Annual report 2019, table 3"
publisher = "Cook County State's Attorney"
url = "https://example.org/annual-report-2019.pdf"
license = "Public record"
retrieved = "2025-02-01"
notes = "Transcribed from the printed table."
''', encoding="utf-8")
    (raw / "state_report" / "cook.csv").write_text(header + "17031,2019-01-01,year,referral,declined,100\n"
                                                   "17031,2019-01-01,year,referral,charged,300\n", encoding="utf-8")
    (raw / "state_report.toml").write_text('''title = "State statistical report 2019"
publisher = "Illinois Criminal Justice Information Authority"
url = "https://example.org/icjia"
license = "Public record"
''', encoding="utf-8")
    (raw / "scratch.csv").write_text(header + "17043,2019-01-01,year,referral,declined,20\n"
                                     "17043,2019-01-01,year,referral,charged,20\n", encoding="utf-8")
    real = load_sources()
    catalogue = {s: real[s] for s in ("us_atlas", "prosecutor_rules", "canonical_counts")}
    out = tmp_path / "warehouse.duckdb"
    report = build(out, raw_dir=tmp_path / "raw", sources=["canonical_counts"], catalogue=catalogue, progress=False)
    ids = ["canonical_counts_da_annual_report", "canonical_counts_scratch", "canonical_counts_state_report"]
    assert sorted(s for s in report.sources if s.startswith("canonical")) == ids
    assert report.overlaps == [
        "17031 referral 2019: counted canonical_counts_state_report (more cases than "
        "canonical_counts_da_annual_report (same priority))"]
    with duckdb.connect(str(out), read_only=True) as con:
        credits = {r[0]: r[1:] for r in con.execute(
            "SELECT source_id, title, publisher, retrieved_at::DATE::VARCHAR, notes FROM source "
            "WHERE source_id LIKE 'canonical%'").fetchall()}
        [(value, names)] = con.execute(
            "SELECT value, source_ids FROM metric_value WHERE metric_id = 'declination_rate' AND scope = 'county' "
            "AND scope_id = '17031' AND dimension = 'all'").fetchall()
        [(candidates,)] = con.execute("SELECT candidates FROM source_choice WHERE fips = '17031'").fetchall()
    assert credits["canonical_counts_da_annual_report"] == (
        "Annual report 2019, table 3", "Cook County State's Attorney", "2025-02-01",
        "Transcribed from the printed table.")
    assert credits["canonical_counts_state_report"][:2] == (
        "State statistical report 2019", "Illinois Criminal Justice Information Authority")
    assert credits["canonical_counts_scratch"][0].endswith(": scratch.csv")
    assert "Editors of this project" in credits["canonical_counts_scratch"][1]
    assert candidates == "canonical_counts_da_annual_report,canonical_counts_state_report"
    assert (value, names) == (pytest.approx(100 / 400), "canonical_counts_state_report")  # not (30+100)/(100+400)

    from etl import validate

    said: list[str] = []
    status = validate.run(raw / "da_annual_report.csv", source=None, catalogue=catalogue, raw_dir=tmp_path / "raw",
                          strict=True, warehouse=out, show=5, say=said.append, err=said.append)
    preview = [line.split() for line in "\n".join(said).splitlines() if line.strip().startswith("17031")]
    assert status == 0 and "as source canonical_counts_da_annual_report (Annual report 2019, table 3)" in said[0]
    assert [(row[3], row[4]) for row in preview] == [("canonical_counts_state_report", "400"),
                                                     ("canonical_counts_da_annual_report", "100")]


def test_a_canonical_files_credit_with_a_typo_stops_the_build_by_name(tmp_path: Path) -> None:
    from etl.errors import BuildError

    raw = tmp_path / "raw" / "canonical"
    raw.mkdir(parents=True)
    (raw / "report.csv").write_text("fips,period_start,period_grain,stage,outcome,n\n", encoding="utf-8")
    (raw / "report.toml").write_text('title = "T"\npublisher = "P"\nurl = "u"\nlicence = "typo"\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"report.toml: unknown key\(s\) licence"):
        build(tmp_path / "w.duckdb", raw_dir=tmp_path / "raw", sources=["canonical_counts"], progress=False)


def test_a_transcribed_workbook_is_a_source_of_its_own(tmp_path: Path) -> None:
    from openpyxl import Workbook

    raw = tmp_path / "raw" / "canonical"
    raw.mkdir(parents=True)
    book = Workbook()
    book.active.append(["fips", "period_start", "period_grain", "stage", "outcome", "n"])
    book.active.append(["17031", "2019-01-01", "year", "referral", "declined", 30])
    book.active.append([17031, "2019-01-01", "year", "referral", "charged", 70.0])
    book.save(raw / "Annual Report 2019.xlsx")
    real = load_sources()
    catalogue = {s: real[s] for s in ("us_atlas", "prosecutor_rules", "canonical_counts")}
    out = tmp_path / "warehouse.duckdb"
    report = build(out, raw_dir=tmp_path / "raw", sources=["canonical_counts"], catalogue=catalogue, progress=False)
    assert "canonical_counts_annual_report_2019" in report.sources
    with duckdb.connect(str(private_path(out)), read_only=True) as con:
        assert con.execute("SELECT outcome, n FROM case_counts ORDER BY n").fetchall() == [("declined", 30),
                                                                                          ("charged", 70)]
