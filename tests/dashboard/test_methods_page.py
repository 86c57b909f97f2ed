"""The methods page (`/methods`) through AppTest: everything it shows is checked against the warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import tables

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TIMEOUT = 180


def open_methods(**params: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # the map, the app's home page
    assert not at.exception
    at.switch_page("views/methods.py")
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def rows(path: Path, text: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(text, params or []).df()


def plain(text: str) -> str:
    """Markdown source as a reader sees it: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", text)


def page_text(at: AppTest) -> str:
    return plain("\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]))


def messages(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def test_every_measure_source_and_the_build_are_shown(warehouse: Path) -> None:
    at = open_methods()
    assert not at.exception
    assert at.title[0].value == "Methods and sources"
    text = page_text(at)
    metrics = rows(warehouse, "SELECT label, question, caveat FROM metric_definition")
    for metric in metrics.itertuples():
        assert metric.label in text and metric.question in text and metric.caveat in text
    sources = rows(warehouse, "SELECT * FROM source")
    subheaders = [plain(s.value) for s in at.subheader]
    for source in sources.itertuples():
        assert source.title in subheaders
        assert f"{source.rows_read:,} read = {source.rows_loaded:,} loaded + {source.rows_rejected:,} set aside" in text
        assert source.license in text
    info = dict(rows(warehouse, "SELECT key, value FROM build_info").itertuples(index=False))
    assert info["content_sha256"] in text
    assert "demo (synthetic, not real)" in text
    assert f"fewer than {info['suppression_threshold']} cases" in text
    assert "most of the year" in text  # the term attribution rule, in plain words
    assert any("Demo data" in w.value for w in at.warning)


def test_coverage_matrix_matches_the_warehouse(warehouse: Path) -> None:
    at = open_methods()
    coverage = rows(warehouse, "SELECT * FROM coverage")
    frames = [d.value for d in at.dataframe]
    summary = next(f for f in frames if "Stage" in f.columns)
    matrix = next(f for f in frames if "FIPS" in f.columns and "Page" in f.columns)
    assert len(matrix) == coverage["fips"].nunique()
    referral = summary.set_index("Stage").loc["Referral (charging)"]
    assert referral["Counties"] == coverage.loc[coverage["stage"] == "referral", "fips"].nunique()
    one = coverage[coverage["stage"] == "referral"].iloc[0]
    cell = matrix.set_index("FIPS").loc[one["fips"], "Referral (charging)"]
    assert f"{one['first_year']}–{one['last_year']}" in cell
    assert matrix.set_index("FIPS").loc[one["fips"], "Page"] == f"/county?fips={one['fips']}"


def test_one_source_from_the_link(warehouse: Path) -> None:
    at = open_methods(source="demo")
    assert not at.exception
    assert at.selectbox(key="methods-source").value == "demo"
    titles = rows(warehouse, "SELECT source_id, title FROM source")
    shown = [plain(s.value) for s in at.subheader]
    assert titles.set_index("source_id").loc["demo", "title"] in shown
    assert not any(t in shown for t in titles.loc[titles["source_id"] != "demo", "title"])
    assert at.query_params == {"source": "demo"}


def test_choosing_a_source_puts_it_in_the_url(warehouse: Path) -> None:
    at = open_methods()
    assert at.selectbox(key="methods-source").value == ""
    at.selectbox(key="methods-source").select("us_atlas").run()
    assert not at.exception
    assert at.query_params == {"source": "us_atlas"}


def test_measure_from_the_link_comes_first(warehouse: Path) -> None:
    at = open_methods(metric="trial_rate")
    assert not at.exception
    label = rows(warehouse, "SELECT label FROM metric_definition WHERE metric_id = 'trial_rate'").iloc[0, 0]
    measures = [m.value for m in at.markdown if m.value.startswith("**") and "Caveat:" in m.value]
    assert plain(measures[0]).startswith(f"**{label}.**")
    assert len(measures) == len(rows(warehouse, "SELECT * FROM metric_definition"))


HOSTILE = [
    {"source": "../../etc/passwd"},
    {"source": "no_such_source"},
    {"metric": "1;DROP TABLE metric_value"},
    {"fips": "../../etc/passwd"},
    {"source": ["demo", "us_atlas"]},
    {"source": "ünïcödé"},
    {"metric": "y" * 100_000},
    {"year": "99999999999"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_bad_and_hostile_links_get_a_friendly_message(warehouse: Path, params: dict) -> None:
    at = open_methods(**params)
    assert not at.exception
    assert at.title[0].value == "Methods and sources"
    assert messages(at), "a link problem must be explained"
    assert "Measures" in [h.value for h in at.header]  # the page still shows


def test_repeated_source_uses_the_last(warehouse: Path) -> None:
    at = open_methods(source=["demo", "us_atlas"])
    assert at.selectbox(key="methods-source").value == "us_atlas"


def test_markdown_escape_shows_data_text_as_typed() -> None:
    hostile = "<img src=x onerror=alert(1)> $x$ **bold** [link](javascript:alert(1))"
    escaped = tables.md_escape(hostile)
    assert plain(escaped) == hostile
    for special in "<>[]()*$":  # every markdown / HTML / LaTeX character comes out backslash-escaped
        assert re.search(r"(?<!\\)" + re.escape(special), escaped) is None, special


def test_search_and_coverage_helpers() -> None:
    frame = pd.DataFrame({"source_value": ["Plea Of Guilty", "Nolle Prosecution", "BFW", "a.b"],
                          "value": ["plea", "dismissed", None, "other"]})
    assert list(tables.search(frame, "plea")["source_value"]) == ["Plea Of Guilty"]
    assert list(tables.search(frame, "NOLLE")["value"]) == ["dismissed"]
    assert list(tables.search(frame, ".")["source_value"]) == ["a.b"]  # literal, not a pattern
    assert len(tables.search(frame, "(")) == 0  # no pattern error either
    assert tables.search(frame, "  ").equals(frame)
    coverage = pd.DataFrame({"fips": ["17031", "17031", "17031", "06075"],
                             "county": ["Cook, IL", "Cook, IL", "Cook, IL", "San Francisco, CA"],
                             "source_id": ["a", "b", "a", "c"], "stage": ["referral", "referral", "disposition",
                                                                          "disposition"],
                             "first_year": [2011, 2014, 2011, 2015], "last_year": [2017, 2016, 2016, 2023]})
    matrix = tables.coverage_matrix(coverage, {"17031": "/county?fips=17031"}).set_index("FIPS")
    assert list(matrix.columns) == ["County", "Referral (charging)", "Disposition", "Page"]
    assert matrix.loc["17031", "Referral (charging)"] == "2011–2017, 2014–2016"
    assert matrix.loc["06075", "Referral (charging)"] == ""
    assert matrix.loc["06075", "Page"] == ""
    summary = tables.coverage_summary(coverage).set_index("Stage")
    assert summary.loc["Disposition", "Counties"] == 2 and summary.loc["Disposition", "From"] == 2011
    assert tables.coverage_matrix(coverage.iloc[0:0]).empty


def test_real_sources_show_code_mappings_and_rejected_rows(real_warehouse: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAD_WAREHOUSE", str(real_warehouse))
    counts = rows(real_warehouse, """
        SELECT s.source_id, s.rows_rejected, (SELECT count(*) FROM code_mapping m WHERE m.source_id = s.source_id)
               AS codes FROM source s WHERE s.rows_rejected > 0 ORDER BY codes DESC LIMIT 1""")
    assert not counts.empty, "the real sources reject some rows"
    sid, rejected, codes = counts.iloc[0]
    at = open_methods(source=sid)
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    mapping = next(f for f in frames if "source_value" in f.columns)
    assert len(mapping) == codes
    reasons = next(f for f in frames if "reason" in f.columns and "rows" in f.columns)
    assert reasons["rows"].sum() == rejected
    sample = next(f for f in frames if "line" in f.columns)
    assert "raw" not in sample.columns  # a rejected row can be one case or a small count: never shown
    assert sample.groupby(["kind", "reason"]).size().max() <= 5
    assert set(sample["reason"]) <= set(reasons["reason"])
    # search the codes
    needle = str(mapping["source_value"].iloc[0])[:4]
    at.text_input(key=f"mapping-search-{sid}").input(needle).run()
    assert not at.exception
    narrowed = next(d.value for d in at.dataframe if "source_value" in d.value.columns)
    assert 0 < len(narrowed) <= len(mapping)
    assert narrowed.apply(lambda r: needle.lower() in " ".join(map(str, r)).lower(), axis=1).all()


def test_source_folders_are_credited_and_their_overlap_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two source folders covering one county, stage and year: each credited as its own source, and the
    overlap table says which counts and why, as the warehouse's source_choice does."""
    from etl.build import build
    from etl.config import load_sources
    from tests.test_source_folders import _write_folder

    folders = [_write_folder(tmp_path, i) for i in range(2)]
    (tmp_path / "raw" / "raw001" / "counts.csv").write_text("fips,year,declined,referrals\n17001,2020,10,100\n")
    out = tmp_path / "warehouse.duckdb"
    build(out, raw_dir=tmp_path / "raw", sources=["s000", "s001"], catalogue=load_sources(folders=folders),
          progress=False)
    monkeypatch.setenv("PAD_WAREHOUSE", str(out))
    at = open_methods()
    assert not at.exception
    text = page_text(at)
    assert "Publisher 0" in text and "Publisher 1" in text
    assert "Where sources overlap" in [h.value for h in at.header]
    [shown] = [d.value for d in at.dataframe if "counted" in d.value.columns]
    expected = rows(out, "SELECT source_id, candidates, reason FROM source_choice")
    assert shown[["counted", "sources", "reason"]].values.tolist() == expected.values.tolist()
    assert shown["reason"].tolist() == ["more cases than s001 (same priority)"]


def test_real_sources_say_when_published_and_obtained(real_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dates are the ones declared per source (data/source_dates.csv), never the files' timestamps."""
    monkeypatch.setenv("PAD_WAREHOUSE", str(real_warehouse))
    declared = rows(real_warehouse, "SELECT published, obtained, citation FROM source_date "
                                    "WHERE source_id = 'cook_dispositions'")
    assert len(declared) == 1
    at = open_methods(source="cook_dispositions")
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes undone
    published, obtained = declared.iloc[0]["published"], declared.iloc[0]["obtained"]
    assert f"**Published by the owner:** {published} · **Obtained:** {obtained}" in page
    assert "Retrieved" not in page
    import tomllib

    from etl.config import SOURCES_TOML

    catalogue = set(tomllib.loads(SOURCES_TOML.read_text(encoding="utf-8"))["sources"])
    missing = rows(real_warehouse, "SELECT s.source_id FROM source s ANTI JOIN source_date d USING (source_id)")
    assert not set(missing["source_id"]) & catalogue, "every catalogued source declares its dates (or says why not)"
