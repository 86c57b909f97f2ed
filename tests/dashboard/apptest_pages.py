"""Helpers the county, prosecutor and compare page tests share: open a page through the real router with URL
parameters, read its charts' plotly specs and its visible text, and ask the warehouse for expected values."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TIMEOUT = 240

# Bad and hostile URL values every page must survive with a friendly message.
HOSTILE = [
    ({"fips": "abc"}, "not valid"),
    ({"fips": "99999"}, "No county with FIPS code 99999"),
    ({"fips": ",".join(f"{17001 + 2 * i:05d}" for i in range(40))}, "can be shown here"),
    ({"metric": "../../x"}, "not valid"),
    ({"from": "3000"}, "must be a year"),
    ({"by": "<script>alert(1)</script>"}, "`by` must be one of"),
    ({"<img src=x onerror=alert(1)>": "1"}, "does not apply to this page"),
    ({"metric": "<b>bold</b>"}, "not valid"),
]


def open_page(page: str, **params: str) -> AppTest:
    """Run the app (the router registers its pages), switch to `page` and run it with these URL parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(f"views/{page}.py")
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titled(at: AppTest, words: str) -> dict:
    found = [c for c in charts(at) if words in c["layout"]["title"]["text"]]
    assert found, f"no chart titled with {words!r}: {[c['layout']['title']['text'] for c in charts(at)]}"
    return found[0]


def shaded_names(chart: dict) -> list[str]:
    return [s.get("name") for s in chart["layout"].get("shapes", []) if s.get("type") == "rect"]


def html_text(body: str) -> str:
    """What an st.html element shows: its text, one line per element, entities decoded, styles dropped."""
    body = re.sub(r"<style.*?</style>", "", body, flags=re.DOTALL)
    lines = (html.unescape(part).strip() for part in re.split(r"<[^>]+>", body))
    return "\n".join(line for line in lines if line)


def texts(at: AppTest) -> str:
    parts = ([t.value for t in at.title] + [m.value for m in at.markdown] + [c.value for c in at.caption]
             + [s.value for s in at.subheader] + [i.value for i in at.info]
             + [m.label + " " + m.value for m in at.metric] + [html_text(h.proto.body) for h in at.get("html")])
    return "\n".join(parts)


def messages(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


def assert_no_raw_html(at: AppTest) -> None:
    """Hostile text may be shown, but only as text: never as live markup in markdown or a chart."""
    for element in list(at.markdown) + list(at.caption) + list(at.info):
        assert "<script" not in element.value and "<img" not in element.value, element.value
    for block in at.get("html"):  # our own markup, with every text in it escaped
        assert "<script" not in block.proto.body and "<img" not in block.proto.body, block.proto.body
    for chart in charts(at):
        assert "<script" not in json.dumps(chart)


def sql(path: Path, text: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(text, params or []).fetchall()
