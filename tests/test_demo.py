"""The synthetic demo data set (etl/demo.py) and its adapter (etl/sources/demo.py).

The demo is what the app shows with no real files and the performance workload, so these tests check that
it is deterministic, covers every county in data/geo/counties.csv, speaks only the canonical vocabulary,
has a sane case funnel with the racial disparities the real data show, keeps terms from overlapping, and
that the adapter's DuckDB aggregation adds back up to the cases, stage by stage.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl import demo, vocab
from etl.sources.base import TABLE_COLUMNS, FileResult, SourceError
from etl.sources.demo import DemoCases, case_counts_query

CASES = 20_000


def _counties_csv() -> Path:
    if not demo.DEFAULT_COUNTIES.exists():
        pytest.skip(f"{demo.DEFAULT_COUNTIES} is absent (it is built from the us-atlas package)")
    return demo.DEFAULT_COUNTIES


def _small_counties(folder: Path) -> Path:
    """Three counties, one in a state outside the region table, one whose name already says 'city'."""
    path = folder / "counties.csv"
    path.write_text(
        "fips,state_fips,state_abbr,state_name,county_name,lat,lon\n"
        "22071,22,LA,Louisiana,Orleans,30.0,-90.0\n"
        "51760,51,VA,Virginia,Richmond city,37.5,-77.4\n"
        "72001,72,PR,Puerto Rico,Adjuntas,18.2,-66.7\n",
        encoding="utf-8")
    return path


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    summary = demo.generate(folder, cases=CASES, seed=7, counties_csv=_counties_csv())
    assert summary["files"] == ["cases-0000.parquet", "people.json"]
    return folder


@pytest.fixture(scope="session")
def cases(generated: Path) -> pd.DataFrame:
    return pd.read_parquet(generated / "cases-0000.parquet")


@pytest.fixture(scope="session")
def people_result(generated: Path) -> FileResult:
    return DemoCases().read([generated / "people.json"])[0]


@pytest.fixture(scope="session")
def people(people_result: FileResult) -> dict[str, pd.DataFrame]:
    """people.json tables as the adapter emits them (constants filled, dates parsed)."""
    return {table: people_result.frame(table) for table in people_result.tables()}


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(generated: Path, tmp_path: Path) -> None:
    again = demo.generate(tmp_path / "again", cases=CASES, seed=7, counties_csv=_counties_csv())
    assert again["files"] == ["cases-0000.parquet", "people.json"]
    assert _digest(tmp_path / "again") == _digest(generated)
    small = _small_counties(tmp_path)
    for seed in (7, 8):
        demo.generate(tmp_path / f"seed{seed}", cases=CASES, seed=seed, counties_csv=small)
    for name in ("cases-0000.parquet", "people.json"):
        assert (tmp_path / "seed7" / name).read_bytes() != (tmp_path / "seed8" / name).read_bytes()
    # people.json depends on the seed only, so a smaller workload keeps the same prosecutors.
    demo.generate(tmp_path / "fewer", cases=500, seed=7, counties_csv=small)
    assert (tmp_path / "fewer" / "people.json").read_bytes() == (tmp_path / "seed7" / "people.json").read_bytes()


def test_every_county_is_present(cases: pd.DataFrame, people: dict[str, pd.DataFrame]) -> None:
    counties = set(demo.read_counties(_counties_csv())["fips"])
    assert len(counties) > 3000
    assert set(cases["fips"].astype(str)) == counties
    assert set(people["office_county"]["fips"]) == counties
    assert set(people["office"]["office_id"]) == {f"demo-{f}" for f in counties}
    assert set(people["county_population"]["fips"]) == counties
    detention = people["detention"]
    assert len(detention) == len(counties) * len(demo.YEARS) * 2
    assert set(detention["fips"]) == counties


def test_case_volume_follows_population(cases: pd.DataFrame, people: dict[str, pd.DataFrame]) -> None:
    population = people["county_population"].query("race == 'all' and age_group == 'all'").set_index("fips")
    volume = cases["fips"].astype(str).value_counts()
    joined = population.join(volume.rename("cases"))
    assert joined["population"].rank().corr(joined["cases"].rank()) > 0.6  # Spearman
    assert volume.idxmax() in demo.MAJOR_COUNTIES  # the big places are big
    assert joined.loc["06037", "population"] > 9_000_000


def test_values_come_from_the_vocabulary_and_no_identifier_is_written(generated: Path,
                                                                       cases: pd.DataFrame) -> None:
    assert tuple(pq.ParquetFile(generated / "cases-0000.parquet").schema_arrow.names) == demo.CASE_COLUMNS
    vocabularies = {
        "offense_category": vocab.OFFENSE_CATEGORIES, "offense_level": vocab.OFFENSE_LEVELS, "race": vocab.RACES,
        "sex": vocab.SEXES, "age_band": vocab.AGE_BANDS,
        **{f"{stage}_outcome": vocab.STAGE_OUTCOMES[stage] for stage in vocab.CASE_FLOW_STAGES},
    }
    for column, allowed in vocabularies.items():
        used = set(cases[column].dropna().astype(str))
        assert used and used <= set(allowed), column
    for column in ("referral_date", "disposition_date", "sentence_date"):
        dates = pd.to_datetime(cases[column]).dropna()
        assert dates.min() >= pd.Timestamp(demo.FIRST_DAY) and dates.max() <= pd.Timestamp(demo.LAST_DAY), column
    assert cases["referral_date"].notna().all()


def test_stage_outcomes_are_null_exactly_where_they_should_be(cases: pd.DataFrame) -> None:
    charged = cases["referral_outcome"] == "charged"
    assert (cases["pretrial_outcome"].notna() == charged).all()
    assert not cases.loc[~charged, "disposition_outcome"].notna().any()
    pending = charged & cases["disposition_outcome"].isna()
    assert 0 < pending.sum() < 0.15 * charged.sum()
    assert (cases["disposition_outcome"].isna() == cases["disposition_date"].isna()).all()
    convicted = cases["disposition_outcome"].isin(["plea", "trial_conviction"])
    assert not cases.loc[~convicted, "sentence_outcome"].notna().any()
    assert cases.loc[convicted, "sentence_outcome"].notna().mean() > 0.97
    assert (cases["sentence_outcome"].isna() == cases["sentence_date"].isna()).all()
    resolved = cases.dropna(subset=["disposition_date"])
    assert (resolved["disposition_date"] > resolved["referral_date"]).all()
    sentenced = cases.dropna(subset=["sentence_date"])
    assert (sentenced["sentence_date"] >= sentenced["disposition_date"]).all()


def test_funnel_is_sane(cases: pd.DataFrame) -> None:
    referral = cases["referral_outcome"].value_counts(normalize=True)
    assert 0.6 < referral["charged"] < 0.95
    assert 0.05 < referral["declined"] < 0.3
    disposition = cases["disposition_outcome"].value_counts()
    convictions = disposition["plea"] + disposition["trial_conviction"]
    assert disposition["plea"] / convictions > 0.85
    resolved = disposition[["plea", "trial_conviction", "trial_acquittal", "dismissed", "diverted"]].sum()
    assert 0.02 < (disposition["trial_conviction"] + disposition["trial_acquittal"]) / resolved < 0.07
    sentence = cases["sentence_outcome"].value_counts(normalize=True)
    assert {"prison", "jail", "probation"} <= set(sentence.index)
    assert 0.3 < sentence["prison"] + sentence["jail"] < 0.75


def test_black_defendants_face_more_cash_bail_and_incarceration(cases: pd.DataFrame) -> None:
    pretrial = cases[cases["pretrial_outcome"].notna() & (cases["pretrial_outcome"] != "other")]
    bail = (pretrial["pretrial_outcome"] == "bail_set").groupby(pretrial["race"].astype(str)).mean()
    assert 1.2 < bail["black"] / bail["white"] < 2.2
    sentenced = cases[cases["sentence_outcome"].notna()]
    jailed = sentenced["sentence_outcome"].isin(["prison", "jail"]).groupby(sentenced["race"].astype(str)).mean()
    assert jailed["black"] > jailed["white"]


def test_terms_of_an_office_never_overlap_and_cover_the_period(people: dict[str, pd.DataFrame]) -> None:
    terms = people["term"].sort_values(["office_id", "start_date"])
    assert terms["term_id"].is_unique
    assert set(terms["entry"]) <= set(vocab.TERM_ENTRIES) and {"elected", "appointed"} <= set(terms["entry"])
    assert set(terms["prosecutor_id"]) <= set(people["prosecutor"]["prosecutor_id"])
    for office_id, group in terms.groupby("office_id"):
        starts, ends = list(group["start_date"]), list(group["end_date"])
        assert starts[0] <= demo.FIRST_DAY, office_id
        assert ends[-1] is None, office_id
        for end, following in zip(ends[:-1], starts[1:], strict=True):
            assert end is not None and end + timedelta(days=1) == following, office_id
    elected = terms[terms["entry"] == "elected"]["start_date"]
    assert all(d.month == 1 and 2 <= d.day <= 4 and d.weekday() < 5 for d in elected)
    assert (terms.groupby("office_id").size() > 3).all()  # 2012-2024 spans several 4-year terms


def test_elections_have_one_winner_and_shares_that_add_up(people: dict[str, pd.DataFrame]) -> None:
    elections = people["election"]
    assert elections["candidate_name"].str.endswith("(demo)").all()
    assert people["prosecutor"]["name"].str.endswith("(demo)").all()
    assert people["office"]["name"].str.endswith("District Attorney (demo)").all()
    grouped = elections.groupby(["office_id", "election_date"])
    assert (grouped["winner"].sum() == 1).all()
    assert ((grouped["vote_share"].sum() - 1).abs() < 0.001).all()
    assert (grouped["contested"].first() == (grouped.size() > 1)).all()
    assert all(d.weekday() == 1 and d.month == 11 for d in elections["election_date"])
    reelected = elections[elections["incumbent"] & elections["winner"]]
    challenged = elections[elections["incumbent"]]
    assert 0.7 < len(reelected) / len(challenged) < 0.98  # incumbents usually win


def test_population_and_detention_are_plausible(people: dict[str, pd.DataFrame]) -> None:
    population = people["county_population"]
    assert set(population["race"]) == {"all", *demo.POPULATION_RACES}
    wide = population.pivot_table(index=["fips", "age_group"], columns="race", values="population")
    assert (wide[list(demo.POPULATION_RACES)].sum(axis=1) == wide["all"]).all()
    adults = population.query("race == 'all' and age_group == '18_plus'").set_index("fips")["population"]
    detention = people["detention"].pivot_table(index=["fips", "period_start"], columns="measure", values="value")
    assert (detention["pretrial_population"] <= detention["jail_population"]).all()
    jail = detention["jail_population"].groupby(level="fips").sum()
    rate = jail.sum() / len(demo.YEARS) / adults.sum() * 100_000
    assert 200 < rate < 400


def test_a_change_of_prosecutor_moves_the_rates(tmp_path: Path) -> None:
    folder = tmp_path / "three"
    demo.generate(folder, cases=60_000, seed=3, counties_csv=_small_counties(tmp_path))
    con = duckdb.connect()
    people = DemoCases().read([folder / "people.json"])[0]
    con.register("term", people.frame("term"))
    rates = con.sql(f"""
        SELECT t.term_id, avg((c.referral_outcome = 'declined')::INT) AS declined, count(*) AS n
        FROM read_parquet('{folder / "cases-0000.parquet"}') c
        JOIN term t ON t.office_id = 'demo-' || c.fips AND c.referral_date >= t.start_date
            AND (t.end_date IS NULL OR c.referral_date <= t.end_date)
        GROUP BY ALL HAVING count(*) >= 1000""").df()
    assert len(rates) >= 4
    assert rates["declined"].max() - rates["declined"].min() > 0.03


def test_adapter_query_sums_back_to_the_cases_per_stage(generated: Path, cases: pd.DataFrame) -> None:
    result = DemoCases().read([generated / "cases-0000.parquet"])[0]
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (CASES, CASES, 0)
    assert result.tables() == {"case_counts"} and len(result.queries["case_counts"]) == 1
    frame = duckdb.connect().sql(result.queries["case_counts"][0]).df()
    assert tuple(frame.columns) == TABLE_COLUMNS["case_counts"]
    assert frame["office_id"].isna().all() and set(frame["period_grain"]) == {"month"}
    assert (pd.to_datetime(frame["period_start"]).dt.day == 1).all()
    assert (frame["outcome"] == frame["source_outcome"]).all()
    totals = frame.groupby("stage")["n"].sum()
    assert totals["referral"] == CASES
    for stage in ("pretrial", "disposition", "sentence"):
        assert totals[stage] == cases[f"{stage}_outcome"].notna().sum(), stage
    for stage, outcomes in vocab.STAGE_OUTCOMES.items():
        assert set(frame.loc[frame["stage"] == stage, "outcome"]) <= set(outcomes)
    # a decision is counted in the month it was made
    sentence = frame[frame["stage"] == "sentence"].groupby("period_start")["n"].sum()
    expected = pd.to_datetime(cases["sentence_date"]).dropna().dt.to_period("M").value_counts()
    assert sentence.sort_index().tolist() == expected.sort_index().tolist()


def test_adapter_loads_every_people_row(generated: Path, people_result: FileResult,
                                       people: dict[str, pd.DataFrame]) -> None:
    document = json.loads((generated / "people.json").read_text(encoding="utf-8"))
    result = people_result
    expected = sum(len(t["rows"]) for t in document["tables"].values())
    assert result.rows_read == result.rows_loaded == expected and result.rows_rejected == 0
    for table, frame in people.items():
        assert tuple(frame.columns) == TABLE_COLUMNS[table]
        assert len(frame) == len(document["tables"][table]["rows"])
    assert any("not census figures" in note for note in result.notes)
    assert all(isinstance(d, date) for d in people["term"]["start_date"])


def test_adapter_rejects_malformed_people_rows_and_bad_files(tmp_path: Path) -> None:
    people = tmp_path / "people.json"
    people.write_text(json.dumps({"tables": {
        "term": {"columns": ["term_id", "prosecutor_id", "office_id", "start_date", "end_date", "entry"],
                 "constant": {"citation": "demo"},
                 "rows": [["t1", "p1", "demo-01001", "2013-01-02", None, "elected"],
                          ["t2", "p2", "demo-01001", "2013-02-30", None, "elected"],
                          ["t3", "p3", "demo-01001"]]}}}), encoding="utf-8")
    result = DemoCases().read([people])[0]
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    reasons = sorted(r.reason for r in result.rejections)
    assert reasons == ["term row 2: invalid date '2013-02-30'", "term row 3: expected 6 values"]
    assert result.frame("term").loc[0, "citation"] == "demo"

    people.write_text(json.dumps({"tables": {"office": {"columns": ["office_id"], "rows": []}}}), encoding="utf-8")
    with pytest.raises(SourceError, match="table 'office' has columns"):
        DemoCases().read([people])
    people.write_text(json.dumps({"tables": {"people": {"columns": [], "rows": []}}}), encoding="utf-8")
    with pytest.raises(SourceError, match="unknown table 'people'"):
        DemoCases().read([people])
    broken = tmp_path / "cases-0000.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(SourceError, match="not a readable parquet file"):
        DemoCases().read([broken])
    pd.DataFrame({"fips": ["01001"]}).to_parquet(broken)
    with pytest.raises(SourceError, match="missing column"):
        DemoCases().read([broken])


def test_many_parts_small_runs_and_awkward_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counties = _small_counties(tmp_path)
    folder = tmp_path / "it's here"
    monkeypatch.setattr(demo, "PART_ROWS", 4_000)
    monkeypatch.setattr(demo, "CHUNK_ROWS", 1_500)
    summary = demo.generate(folder, cases=9_000, seed=1, counties_csv=counties)
    assert summary["files"] == ["cases-0000.parquet", "cases-0001.parquet", "cases-0002.parquet", "people.json"]
    parts = sorted(folder.glob("cases-*.parquet"))
    assert [pq.ParquetFile(p).metadata.num_rows for p in parts] == [4_000, 4_000, 1_000]
    assert [pq.ParquetFile(p).metadata.num_row_groups for p in parts] == [3, 3, 1]
    results = DemoCases().read(parts)
    con = duckdb.connect()
    referrals = sum(con.sql(f"SELECT sum(n) FROM ({case_counts_query(p)}) WHERE stage = 'referral'").fetchall()[0][0]
                    for p in parts)
    assert referrals == sum(r.rows_loaded for r in results) == 9_000
    offices = {r[0]: r[1] for r in json.loads((folder / "people.json").read_text())["tables"]["office"]["rows"]}
    assert offices == {"demo-22071": "Orleans Parish District Attorney (demo)",
                       "demo-51760": "Richmond city District Attorney (demo)",
                       "demo-72001": "Adjuntas County District Attorney (demo)"}
    # a smaller run replaces the older parts; fewer cases than counties still works
    demo.generate(folder, cases=2, seed=1, counties_csv=counties)
    assert sorted(p.name for p in folder.iterdir()) == ["cases-0000.parquet", "people.json"]
    assert pq.ParquetFile(folder / "cases-0000.parquet").metadata.num_rows == 2


def test_main_demo_reports_success_and_a_missing_county_list(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main_demo(cases=100, seed=2, out_dir=tmp_path / "out", counties_csv=_small_counties(tmp_path)) == 0
    assert "100 cases over 3 counties" in capsys.readouterr().out
    assert demo.main_demo(cases=100, out_dir=tmp_path / "out", counties_csv=tmp_path / "nope.csv") == 1
    assert "nope.csv not found" in capsys.readouterr().err


def test_cli_demo_generates_the_default_size_and_refuses_a_non_positive_one(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from etl.__main__ import main

    assert main(["demo", "--cases", "0", "--out-dir", str(tmp_path / "none")]) == 2
    assert "--cases must be positive" in capsys.readouterr().err and not (tmp_path / "none").exists()
    assert main(["demo", "--out-dir", str(tmp_path / "out")]) == 0
    assert f"demo: {demo.DEFAULT_CASES:,} cases" in capsys.readouterr().out
    assert json.loads((tmp_path / "out" / "people.json").read_text())["seed"] == 7
