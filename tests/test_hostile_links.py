"""Hostile links: random and adversarial query strings thrown at every page through the real router (AppTest on a
real demo warehouse). No page may raise; every value the page had to drop is named in a friendly message; the
address the page writes back holds only clean values; and the warehouse is never touched. A static audit shows
that every SQL statement of the app lives in a named file and receives URL values only as $parameters.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import db, permalinks
from dashboard.content.questions import LENS_KEYS
from etl.config import PROJECT
from tests.dashboard.apptest_pages import assert_no_raw_html, open_page, sql
from tests.figures import record

DASHBOARD = PROJECT / "dashboard"
QUERIES = DASHBOARD / "queries"
PAGES = ("map", "county", "prosecutor", "compare", "methods", "questions")
EXAMPLES_PER_PAGE = 25
HIDDEN_KEYS = ("embed", "embed_options")  # Streamlit keeps these to itself: a page never sees them

ADVERSARIAL = [
    # SQL fragments
    "' OR '1'='1", "17031' OR 1=1 --", "1; DROP TABLE metric_value; --", "x' UNION SELECT value FROM build_info --",
    "$fips", "?", "%s", "%(fips)s", "{fips}", "{0}", "'; ATTACH '/tmp/x.duckdb' AS x; --",
    "COPY metric_value TO '/tmp/x'",
    # path traversal and URLs
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "pages/methods.py", "file:///etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "https://evil.example/x", "javascript:alert(1)",
    # markup and templates
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "${7*7}", "**bold** [x](javascript:1)",
    # unicode: RTL override, zero-width, BOM, emoji, other digits and letters that change under upper()/lower()
    "\u202e17031\u202c", "170\u200b31", "\ufeff17031", "\u200d", "😀" * 40, "١٧٠٣١", "１７０３１", "ＩＬ", "ß", "ǅ",
    "K\u212a", "İstanbul", "\U0001f1fa\U0001f1f8",
    # control characters and NUL
    "\x00", "17031\x00", "\x00' OR 1=1", "\r\nSet-Cookie: x=1", "\t \n",
    # numbers that are not what they look like
    "-1", "0", "1e309", "NaN", "inf", "0x7d0", "2019.0", "99999", "00000", "20190", "1989", "2101",
    # huge values
    "A" * 10_000, "9" * 10_000, ",".join(["17031"] * 2_000), "<" * 10_000,
    # empty and separators only
    "", " ", ",", ",,,", ", ,",
]
KEY_PHRASES = {  # the words a message about a dropped value of this key contains (any one of them)
    "fips": ("`fips`", "FIPS code"),
    "id": ("`id`", "prosecutor with the id"),
    "prosecutor": ("`id`", "`prosecutor`", "prosecutor with the id"),
    "metric": ("`metric`", "measure"),
    "from": ("`from`",),
    "to": ("`to`",),
    "year": ("`year`", "no county values of this measure for"),
    "by": ("`by`",),
    "state": ("`state`", "The state"),
    "baseline": ("`baseline`", "no published jail count for"),
    "source": ("`source`", "The source"),
    "county": ("`fips`", "`county`", "FIPS code"),
    "lens": ("`lens`",),
}
_YEAR = re.compile(r"[0-9]{4}")


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path) -> dict:
    """PAD_WAREHOUSE for the whole module (hypothesis runs many examples in one test function), and the
    warehouse's own valid values, which the strategies mix with junk."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    mp.setattr("dashboard.components.image_export_available", lambda: False)
    with_data = [f for (f,) in sql(demo_warehouse, """SELECT DISTINCT scope_id FROM metric_value
        WHERE scope = 'county' AND NOT suppressed ORDER BY 1""")]
    known = {
        "path": demo_warehouse,
        "sha256": hashlib.sha256(demo_warehouse.read_bytes()).hexdigest(),
        "fips": [f for (f,) in sql(demo_warehouse, "SELECT fips FROM county ORDER BY fips")],
        "fips_with_data": with_data,
        "id": [p for (p,) in sql(demo_warehouse, "SELECT prosecutor_id FROM prosecutor ORDER BY 1")],
        "metric": [m for (m,) in sql(demo_warehouse, "SELECT metric_id FROM metric_definition ORDER BY sort_order")],
        "state": [s for (s,) in sql(demo_warehouse, "SELECT DISTINCT state_abbr FROM county ORDER BY 1")],
        "source": [s for (s,) in sql(demo_warehouse, "SELECT source_id FROM source ORDER BY 1")],
        "year": [str(y) for (y,) in sql(demo_warehouse, """SELECT DISTINCT year(period_start) FROM metric_value
            WHERE scope = 'county' ORDER BY 1""")],
        "by": list(permalinks.DIMENSIONS),
    }
    known["prosecutor"] = known["id"]
    known["county"] = known["fips"]
    known["lens"] = list(LENS_KEYS)
    known["from"] = known["to"] = known["baseline"] = known["year"]
    yield known
    mp.undo()


# --- the oracle: which values a page must drop, worked out from the warehouse, not from permalinks.parse -----------


def _parts(key: str, text: str) -> list[str]:
    def fix(part: str) -> str:
        if key in ("fips", "county") and part.isdigit() and len(part) == 4:
            return part.zfill(5)
        return {"id": str.lower, "prosecutor": str.lower, "metric": str.lower, "source": str.lower,
                "lens": str.lower, "state": str.upper}.get(key, lambda s: s)(part)

    if key in ("fips", "county", "id", "prosecutor"):
        return [fix(p.strip()) for p in text.split(",") if p.strip()]
    return [fix(text.strip())] if text.strip() else []


def dropped(page: str, key: str, text: str, known: Mapping) -> bool:
    """Whether the page cannot show this value of a key it reads: not in the warehouse, not a year, too many."""
    if len(text) > permalinks.MAX_VALUE_LENGTH * (permalinks.MAX_COMPARE + 1):
        return True
    parts = _parts(key, text)
    if key in ("from", "to", "year", "baseline"):
        return bool(parts) and not (_YEAR.fullmatch(parts[0]) and
                                    permalinks.YEAR_MIN <= int(parts[0]) <= permalinks.YEAR_MAX)
    if key == "by":
        return bool(parts) and parts[0] not in permalinks.DIMENSIONS
    if any(p not in set(known[key]) for p in parts):
        return True
    limit = permalinks.MAX_COMPARE if page == "compare" else 1
    return len(dict.fromkeys(parts)) > limit


def expected_messages(page: str, params: Mapping[str, str | list[str]], known: Mapping) -> list[tuple[str, ...]]:
    """For every problem of the link, the phrases of which at least one must be on the page."""
    out: list[tuple[str, ...]] = []
    for key, value in params.items():
        values = [value] if isinstance(value, str) else list(value)
        if key.lower() in HIDDEN_KEYS:
            continue
        if key not in permalinks.KNOWN_KEYS or page not in permalinks.KNOWN_KEYS[key]:
            out.append(("does not apply to this page",))
            continue
        if len(values) > 1:
            out.append(("more than once",))
        if key in KEY_PHRASES and values and dropped(page, key, values[-1], known):
            out.append(KEY_PHRASES[key])
    return out


def info_texts(at) -> list[str]:
    return [element.value for element in at.info]


def check_page(page: str, params: dict, known: Mapping) -> None:
    at = open_page(page, **params)
    assert not at.exception, f"{page} raised on {params!r}: {[e.value for e in at.exception]}"
    assert at.title, f"{page} drew no title for {params!r}"
    assert_no_raw_html(at)
    shown = "\n".join(info_texts(at))
    for phrases in expected_messages(page, params, known):
        assert any(p in shown for p in phrases), f"{page}: no message with {phrases} for {params!r}; shown:\n{shown}"
    # the address the page wrote back (if it wrote one) is clean: it reopens with no message
    if at.query_params != params:
        clean = permalinks.parse(page, {k: v for k, v in at.query_params.items() if k.lower() not in HIDDEN_KEYS})
        assert not clean.messages, f"{page} wrote a bad link {at.query_params!r}: {clean.messages}"


# --- the strategies -------------------------------------------------------------------------------------------------

JUNK = st.sampled_from(ADVERSARIAL) | st.text(max_size=40) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
ANY_KEY = st.sampled_from(sorted(permalinks.KNOWN_KEYS)) | st.sampled_from(["", " ", "FIPS", "fips ", "fips[]",
    "id\x00", "<script>", "../x", "__proto__", "constructor", "a" * 2000, "😀", "\u202efips"]) | st.text(max_size=20)


def value_for(known: Mapping, key: str) -> st.SearchStrategy[str]:
    valid = st.sampled_from(known[key]) if known.get(key) else st.just("")
    mixed = st.lists(valid | JUNK, min_size=2, max_size=6).map(",".join)  # valid ids mixed with junk
    return valid | JUNK | mixed


def query_strings(known: Mapping) -> st.SearchStrategy[dict]:
    @st.composite
    def build(draw: st.DrawFn) -> dict:
        keys = draw(st.lists(ANY_KEY, max_size=6, unique=True))  # `id` with its alias `prosecutor` included
        params: dict[str, str | list[str]] = {}
        for key in keys:
            one = value_for(known, key) if key in known else JUNK
            params[key] = draw(one | st.lists(one, min_size=2, max_size=3))  # repeated keys
        return params

    return build()


@pytest.mark.parametrize("page", PAGES)
def test_random_and_adversarial_links_never_break_a_page(page: str, warehouse: dict) -> None:
    tried: list[dict] = []

    @settings(max_examples=EXAMPLES_PER_PAGE, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(params=query_strings(warehouse))
    def run(params: dict) -> None:
        tried.append(params)
        check_page(page, params, warehouse)

    run()
    assert len(tried) >= EXAMPLES_PER_PAGE // 2  # hypothesis really ran examples (it may stop early only on dupes)
    assert hashlib.sha256(warehouse["path"].read_bytes()).hexdigest() == warehouse["sha256"]
    record("hostile_links", page, {"links_tried": len(tried)})


# Every adversarial value on each page, a few at once: link i gives the page's j-th key the value i*k+j, so every
# value is tried on every page in a handful of runs (hypothesis above explores around this fixed corpus).
@pytest.mark.parametrize("page", PAGES)
def test_every_adversarial_value_on_every_page(page: str, warehouse: dict) -> None:
    keys = [k for k, pages in permalinks.KNOWN_KEYS.items() if page in pages and k not in HIDDEN_KEYS
            and k != "prosecutor"]  # `id`'s other spelling: see test_the_two_spellings_...
    links = [{key: ADVERSARIAL[(start + j) % len(ADVERSARIAL)] for j, key in enumerate(keys)}
             for start in range(0, len(ADVERSARIAL), len(keys))]
    if "id" in keys:  # every other link spells it `prosecutor`
        links = [{("prosecutor" if k == "id" and i % 2 else k): v for k, v in link.items()}
                 for i, link in enumerate(links)]
    for params in links:
        check_page(page, params, warehouse)
    assert {v for link in links for v in link.values()} == set(ADVERSARIAL)
    record("hostile_links", f"{page}-corpus", {"links_tried": len(links), "values": len(ADVERSARIAL), "keys": keys})


def test_the_valid_part_of_a_mixed_link_is_shown(warehouse: dict) -> None:
    """A real county or prosecutor beside junk: the page shows the real one and names what it dropped."""
    fips = "17031"
    county = sql(warehouse["path"], "SELECT county_name FROM county WHERE fips = ?", [fips])[0][0]
    at = open_page("county", fips=f"{fips},' OR 1=1 --", metric="<script>x</script>", **{"from": "1e309"})
    assert not at.exception
    assert county in at.title[0].value
    shown = "\n".join(info_texts(at))
    assert "Some `fips` values" in shown and "`metric` value is not valid" in shown and "`from` must be a year" in shown
    pid = sql(warehouse["path"], """SELECT t.prosecutor_id FROM office_county oc JOIN term t USING (office_id)
                                    WHERE oc.fips = ? ORDER BY t.start_date DESC LIMIT 1""", [fips])[0][0]
    name = sql(warehouse["path"], "SELECT name FROM prosecutor WHERE prosecutor_id = ?", [pid])[0][0]
    at = open_page("prosecutor", id=f"../../{pid}", prosecutor=pid)
    assert not at.exception
    assert at.title[0].value == name  # the alias key carried the real id; the traversal was dropped
    at = open_page("compare", fips=["17031,06075", "'; DROP TABLE county; --"])
    assert not at.exception
    assert "more than once" in "\n".join(info_texts(at))


def test_compare_a_county_whose_measure_has_one_year(warehouse: dict) -> None:
    """Found by the random links above: a county with one year of the measure (no year slider) made the compare
    page pass a numpy integer to DuckDB, which raised."""
    metric = warehouse["metric"][0]
    [(fips,)] = sql(warehouse["path"], """SELECT scope_id FROM metric_value WHERE scope = 'county' AND metric_id = ?
        AND dimension = 'all' AND period_grain = 'year' GROUP BY 1 HAVING count(DISTINCT period_start) = 1
        ORDER BY 1 LIMIT 1""", [metric])
    at = open_page("compare", fips=fips)
    assert not at.exception, [e.value for e in at.exception]
    assert any("Every measure side by side" in s.value for s in at.subheader)


@pytest.mark.parametrize("first, second", [("id", "prosecutor"), ("prosecutor", "id")])
def test_the_two_spellings_of_the_prosecutor_key_never_hide_a_dropped_value(first: str, second: str,
                                                                           warehouse: dict) -> None:
    """`id` and its alias `prosecutor` in one link: whichever order, a junk value in either is reported."""
    pid = warehouse["id"][0]
    params = {first: "<script>alert(1)</script>", second: pid}
    at = open_page("prosecutor", **params)
    assert not at.exception
    shown = "\n".join(info_texts(at))
    assert any(p in shown for p in ("`id`", "`prosecutor`")), shown
    name = sql(warehouse["path"], "SELECT name FROM prosecutor WHERE prosecutor_id = ?", [pid])[0][0]
    assert at.title[0].value == name  # the valid value is shown whichever key carried it


# --- static: every statement is a named file with $parameters; nothing formats URL values into SQL --------------------

_SQL_STRING = re.compile(r"'(?:[^']|'')*'")
_SQL_COMMENT = re.compile(r"--[^\n]*")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _sql_code(text: str) -> str:
    """The SQL with comments and string literals removed (so a `?` or `{` inside them does not count)."""
    return _SQL_STRING.sub("''", _SQL_COMMENT.sub("", text))


def _query_calls() -> list[tuple[Path, int, ast.Call]]:
    calls = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if (isinstance(node.func, ast.Attribute) and node.func.attr == "query"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "db") \
                    or (path.name == "db.py" and isinstance(node.func, ast.Name) and node.func.id == "query"):
                calls.append((path, node.lineno, node))
    return calls


def test_every_query_file_uses_only_named_parameters() -> None:
    files = sorted(QUERIES.glob("*.sql"))
    assert len(files) >= 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.lstrip().startswith("--"), f"{path.name}: no comment line on top saying what it returns"
        code = _sql_code(text)
        for pattern, what in ((r"\?", "a positional ? parameter"), (r"%\(?[a-z_]*\)?s", "a %s placeholder"),
                              (r"\{[^}]*\}", "a {format} placeholder"), (r"\$[0-9]", "a numbered $1 parameter")):
            assert not re.search(pattern, code), f"{path.name} has {what}; use $name parameters"
        assert code.count(";") <= 1 and not code.strip().rstrip(";").count(";"), f"{path.name}: one statement only"
        assert re.match(r"(?is)\s*(select|with)\b", code), f"{path.name}: not a SELECT"
        writes = re.search(r"(?i)\b(insert|update|delete|drop|create|alter|attach|detach|copy|pragma|install|load|"
                           r"export|import|checkpoint|call)\b", code)
        assert not writes, f"{path.name} has {writes.group(0)!r}: the app only reads"


def test_every_db_query_call_names_a_file_and_passes_exactly_its_parameters() -> None:
    calls = _query_calls()
    assert len(calls) >= 20
    used = set()
    for path, line, call in calls:
        where = f"{path.relative_to(PROJECT)}:{line}"
        assert call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str), \
            f"{where}: the query name must be a literal (an allow-listed file), not built at run time"
        name = call.args[0].value
        sql_file = QUERIES / f"{name}.sql"
        assert sql_file.exists(), f"{where}: no dashboard/queries/{name}.sql"
        assert len(call.args) == 1 and all(k.arg for k in call.keywords), f"{where}: pass values as keywords only"
        wanted = set(_PARAM.findall(_sql_code(sql_file.read_text(encoding="utf-8"))))
        given_ = {k.arg for k in call.keywords}
        assert given_ == wanted, f"{where}: passes {sorted(given_)} but {name}.sql uses {sorted(wanted)}"
        used.add(name)
    unused = {p.stem for p in QUERIES.glob("*.sql")} - used
    assert not unused, f"query files no page runs: {sorted(unused)}"


def test_no_code_in_the_dashboard_formats_values_into_sql() -> None:
    """Only db.py talks to DuckDB, with the text of a named file; no f-string, % or .format reaches execute."""
    for path in sorted(DASHBOARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                   for alias in node.names} | {node.module for node in ast.walk(tree)
                                                if isinstance(node, ast.ImportFrom) and node.module}
        if path.name != "db.py":
            assert "duckdb" not in imports, f"{path.relative_to(PROJECT)} imports duckdb: only db.py may"
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "executemany", "sql", "query_df", "from_query")):
                continue
            where = f"{path.relative_to(PROJECT)}:{node.lineno}"
            assert path.name == "db.py", f"{where}: SQL run outside db.py"
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Name), f"{where}: execute() must get the text of a named query file"
            formatted = any(isinstance(n, ast.JoinedStr) or (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod))
                            or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                and n.func.attr in ("format", "format_map", "replace"))
                            for arg in node.args for n in ast.walk(arg))
            assert not formatted, f"{where}: SQL built with string formatting"
    source = (DASHBOARD / "db.py").read_text(encoding="utf-8")
    assert "sql_text(name)" in source and "execute(text, values" in source  # the one path: file text + parameters


NAMES = st.text(max_size=60).filter(lambda s: not re.fullmatch(r"[a-z0-9_]+", s))


@settings(max_examples=300, deadline=None, database=None)
@given(name=NAMES | st.sampled_from(["../queries/counties", "counties.sql", "counties; DROP TABLE county",
                                      "/etc/passwd", "COUNTIES", "counties\x00", "counties\n", "", " counties"]))
def test_db_query_rejects_any_name_that_is_not_a_plain_file_name(name: str) -> None:
    with pytest.raises(ValueError, match="invalid query name"):
        db.sql_text(name)


def test_db_query_refuses_bad_names_before_touching_the_warehouse_and_treats_values_as_data(
        warehouse: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAD_WAREHOUSE", str(warehouse["path"]))
    for name in ("../../etc/passwd", "counties; DROP TABLE county", "Counties", "counties.sql"):
        with pytest.raises(ValueError, match="invalid query name"):
            db.query(name)
    with pytest.raises(FileNotFoundError):
        db.query("no_such_query")  # a well-formed name reads only dashboard/queries/<name>.sql
    for junk in ("' OR '1'='1", "17031' OR 1=1 --", "1; DROP TABLE county; --", "\x00"):
        assert db.query("county_profile", fips=junk).empty
        assert db.query("prosecutor_profile", id=junk).empty
        assert db.query("map_values", metric=junk, year=2019)["value"].isna().all()
    assert len(db.query("counties")) == len(warehouse["fips"])  # still all there
    assert hashlib.sha256(warehouse["path"].read_bytes()).hexdigest() == warehouse["sha256"]
