"""Hostile data in a real browser: a warehouse built by the real pipeline from source files whose office,
prosecutor, candidate and source names carry HTML, script, template and link payloads (and a 5,000-character
name). Every page, the map's deck.gl tooltip, the tables, the chart labels, the CSV download and the exported
images must show that text as text: nothing runs (window.__pwned stays undefined, no dialog opens, no element
with an event handler or a javascript: link appears), and the characters are on screen as typed.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from etl.build import build
from etl.config import SourceConfig, load_sources
from tests.e2e.conftest import RUN_TIMEOUT_MS, wait_for_app, wait_for_map
from tests.e2e.streamlit_server import streamlit_server
from tests.figures import record

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "</script><script>window.__pwned=1</script>"
TEMPLATE = "{{7*7}}"
JS_URL = "javascript:window.__pwned=1"
MD_LINK = "[click me](javascript:window.__pwned=1)"
SVG = "<svg/onload=window.__pwned=1>"
LONG = "L" * 5_000
PAYLOADS = (IMG, SCRIPT, TEMPLATE, JS_URL, MD_LINK, SVG, LONG)

FIPS = "17031"
OFFICE_ID = "il-hostile-sa"
OFFICE_NAME = f"{IMG} Hostile State's Attorney {TEMPLATE}"
ANN = f"{SCRIPT} Ann Early"
BEA = f"Bea {MD_LINK} {JS_URL}"
CY = f"Cy {SVG} {MD_LINK} {LONG}"
WINNER = f"{MD_LINK} {IMG} Dee Winner"
SOURCE_TITLE = f"Counts {IMG}"
PUBLISHER = f"Publisher {SCRIPT}"
DETAIL = f"Detail {IMG} {TEMPLATE}"
BAD_STAGE = f"<b>stage</b>{IMG}"

RACES = ("white", "black", "hispanic")
OUTCOMES = {
    "referral": {"charged": 60, "declined": 20, "diverted": 15},
    "pretrial": {"released_ror": 30, "released_conditions": 20, "bail_set": 25, "remanded": 12},
    "disposition": {"plea": 40, "trial_conviction": 12, "trial_acquittal": 11, "dismissed": 25, "diverted": 14},
    "sentence": {"prison": 15, "jail": 20, "probation": 30},
}
YEARS = range(2011, 2020)
DANGER_JS = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    handlers: [...document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]')]
        .map(e => e.outerHTML.slice(0, 120)),
    js_links: [...document.querySelectorAll('a[href^="javascript:" i], iframe[src^="javascript:" i]')]
        .map(e => e.outerHTML.slice(0, 120)),
    scripts: [...document.querySelectorAll('script')].filter(s => (s.textContent || '').includes('__pwned')).length,
    md_links: [...document.querySelectorAll('a')].filter(a => a.textContent.trim() === 'click me')
        .map(a => (a.closest('[data-testid]') || a).textContent.slice(0, 160)),
})"""


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def write_hostile_sources(raw: Path) -> dict[str, SourceConfig]:
    people = raw / "people"
    counts = raw / "counts"
    people.mkdir(parents=True)
    counts.mkdir(parents=True)
    (people / "offices.csv").write_text(_csv([
        ["office_id", "name", "state_abbr", "kind", "selection", "fips"],
        [OFFICE_ID, OFFICE_NAME, "IL", "states_attorney", "elected", FIPS]]), encoding="utf-8")
    (people / "terms.csv").write_text(_csv([
        ["office_id", "prosecutor_name", "party", "start_date", "end_date", "entry", "citation"],
        [OFFICE_ID, ANN, "Democratic", "2008-12-01", "2012-11-30", "elected", f"Cited {IMG}"],
        [OFFICE_ID, BEA, "Republican", "2012-12-01", "2016-11-30", "elected", f"Cited {SCRIPT}"],
        [OFFICE_ID, CY, "Independent", "2016-12-01", "", "elected", f"Cited {TEMPLATE} {MD_LINK}"]]),
        encoding="utf-8")
    (people / "elections.csv").write_text(_csv([
        ["office_id", "election_date", "round", "candidate_name", "incumbent", "vote_share", "winner", "contested",
         "citation"],
        [OFFICE_ID, "2020-11-03", "general", WINNER, "false", "0.61", "true", "true", f"Cited {IMG}"],
        [OFFICE_ID, "2020-11-03", "general", f"Loser {SCRIPT}", "true", "0.39", "false", "true", "Cited"]]),
        encoding="utf-8")
    rows = [["fips", "period_start", "period_grain", "stage", "outcome", "race", "n", "offense_detail",
             "source_outcome"]]
    for year in YEARS:
        for stage, outcomes in OUTCOMES.items():
            for outcome, n in outcomes.items():
                for i, race in enumerate(RACES):
                    rows.append([FIPS, f"{year}-01-01", "year", stage, outcome, race, str(n + 3 * i + year % 5),
                                 DETAIL, f"{outcome} {SCRIPT}"])
    rows.append([FIPS, "2015-01-01", "year", BAD_STAGE, "charged", "white", "12", DETAIL, ""])  # rejected, quoted
    (counts / "counts.csv").write_text(_csv(rows), encoding="utf-8")
    real = load_sources()
    source = SourceConfig(
        source_id="hostile_counts", title=SOURCE_TITLE, publisher=PUBLISHER, url=JS_URL, license=TEMPLATE,
        adapter="etl.sources.canonical:CanonicalCounts", kind="case", folder="counts", files=("*.csv",))
    return {"us_atlas": real["us_atlas"],
            "curated_prosecutors": replace(real["curated_prosecutors"], location="raw", folder="people"),
            "hostile_counts": source}


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    catalogue = write_hostile_sources(root / "raw")
    out = root / "warehouse.duckdb"
    build(out, raw_dir=root / "raw", catalogue=catalogue, progress=False)
    return out


@pytest.fixture(scope="module")
def hostile_server(hostile_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    with streamlit_server(hostile_warehouse, tmp_path_factory.mktemp("hostile-server") / "server.log") as base:
        yield base


def ids(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("SELECT name, prosecutor_id FROM prosecutor").fetchall())


class Watch:
    """Dialogs and page errors of one browser page, and the check that nothing ran."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.pages: set[str] = set()  # the app's pages opened and checked
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, url: str) -> None:
        self.page.goto(url)
        wait_for_app(self.page)
        self.safe(url)
        self.pages.add(urlsplit(url).path.strip("/") or "map")

    def safe(self, where: str) -> None:
        state = self.page.evaluate(DANGER_JS)
        assert state["pwned"] is None, f"{where}: a payload ran (window.__pwned = {state['pwned']})"
        assert not self.dialogs, f"{where}: a dialog opened: {self.dialogs}"
        assert not state["handlers"], f"{where}: elements with event handlers: {state['handlers']}"
        assert not state["js_links"], f"{where}: javascript: links: {state['js_links']}"
        assert not state["scripts"], f"{where}: a script element carries the payload"
        assert self.page.locator("[data-testid='stException']").count() == 0, f"{where}: the page raised"

    def markdown_links(self) -> list[str]:
        """Where a name's markdown link syntax became a link (it is made harmless, `href="#"`, but not literal)."""
        return self.page.evaluate(DANGER_JS)["md_links"]

    def text(self) -> str:
        return self.page.locator("[data-testid='stMain']").inner_text()


def shows(text: str, literal: str, where: str) -> None:
    flat = re.sub(r"\s+", " ", text)
    assert re.sub(r"\s+", " ", literal) in flat, f"{where}: {literal[:80]!r} is not shown as typed"


def test_the_warehouse_keeps_the_hostile_text_as_data(hostile_warehouse: Path) -> None:
    """The payloads reached the warehouse unchanged (else the browser test below would prove nothing)."""
    with duckdb.connect(str(hostile_warehouse), read_only=True) as con:
        assert con.execute("SELECT name FROM office WHERE office_id = ?", [OFFICE_ID]).fetchone()[0] == OFFICE_NAME
        names = {n for (n,) in con.execute("SELECT name FROM prosecutor").fetchall()}
        assert {ANN, BEA, CY} <= names
        assert con.execute("SELECT title FROM source WHERE source_id = 'hostile_counts'").fetchone()[0] == SOURCE_TITLE
        assert con.execute("""SELECT count(*) FROM metric_value WHERE scope = 'county' AND scope_id = ?
                              AND NOT suppressed""", [FIPS]).fetchone()[0] > 50
        [(reason,)] = con.execute("SELECT reason FROM rejected_row WHERE source_id = 'hostile_counts'").fetchall()
        assert IMG in reason


def test_county_page_shows_hostile_names_as_text(hostile_server: str, page) -> None:
    watch = Watch(page)
    watch.open(f"{hostile_server}/county?fips={FIPS}")
    text = watch.text()
    for literal in (OFFICE_NAME, CY[:200], WINNER):
        shows(text, literal, "county page")
    assert "49" not in re.findall(r"\d+", text.split("Who prosecutes here")[1][:400])  # {{7*7}} stayed literal
    # the trend's CSV carries the prosecutors' names as plain CSV text
    button = page.get_by_role("button", name="Download data (CSV)").first
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert rows and {r["prosecutor"] for r in rows if r["prosecutor"]} >= {ANN, BEA, CY}
    assert {r["source"] for r in rows} == {SOURCE_TITLE}
    watch.safe("county page after the download")


TREND_TITLE = "Declination rate, Cook County"  # the county page's first chart: its shading names every term


def export_images(page, chart_title: str = TREND_TITLE) -> dict[str, bytes]:
    """The PNG and SVG of the chart titled `chart_title`: its own buttons, found after its plot, never the first
    on the page (on a busy machine the page's later blocks can be in place before the earlier ones)."""
    if not shutil.which("chromium"):
        pytest.skip("no chromium on PATH: the app offers no server-side image export here (plotly's button remains)")
    chart = page.locator("[data-testid='stPlotlyChart']", has_text=chart_title)

    def after_chart(name: str):  # a button's text also holds its icon's name
        return chart.locator(f"xpath=following::button[contains(normalize-space(.), '{name}')][1]")

    prepare = after_chart("Prepare PNG and SVG downloads")
    prepare.wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
    prepare.scroll_into_view_if_needed()
    prepare.click()
    wait_for_app(page)
    images = {}
    for fmt in ("PNG", "SVG"):
        button = after_chart(f"{fmt} with title and source")
        button.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
        with page.expect_download() as info:
            button.click()
        images[fmt] = Path(info.value.path()).read_bytes()
    return images


def svg_words(svg: bytes) -> str:
    return " ".join(t for e in ElementTree.fromstring(svg).iter() for t in (e.text, e.tail) if t)


def test_exported_images_carry_no_markup(hostile_server: str, page) -> None:
    watch = Watch(page)
    watch.open(f"{hostile_server}/county?fips={FIPS}")
    images = export_images(page)
    assert images["PNG"].startswith(b"\x89PNG\r\n\x1a\n") and len(images["PNG"]) > 20_000
    svg = ElementTree.fromstring(images["SVG"])
    tags = {element.tag.rsplit("}", 1)[-1] for element in svg.iter()}
    assert not tags & {"script", "img", "iframe", "foreignObject", "a"}, tags
    assert not [e for e in svg.iter() if any(a.lower().startswith("on") for a in e.attrib)]
    words = svg_words(images["SVG"])
    assert "Source: Counts <img src=x onerror=" in words  # the source title's markup is characters
    assert f"Cy {SVG} {MD_LINK} LLL" in words  # the shaded term's name, too
    watch.safe("county page after the image export")


def test_chart_and_image_text_is_exactly_the_source_text(hostile_server: str, hostile_warehouse: Path, page) -> None:
    watch = Watch(page)
    watch.open(f"{hostile_server}/county?fips={FIPS}")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    page.wait_for_selector("[data-testid='stPlotlyChart'] .annotation-text", state="attached")
    notes = page.evaluate("() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .annotation-text')]"
                          ".map(t => t.textContent)")
    assert any(note.startswith("Source: Counts <img src=x onerror=") for note in notes), notes  # markup as text
    shows(" ".join(notes), f"Source: {SOURCE_TITLE}", "chart footer on the page")
    shows(svg_words(export_images(page)["SVG"]), f"Source: {SOURCE_TITLE}", "exported SVG")


def test_map_tooltip_shows_hostile_names_as_text(hostile_server: str, page) -> None:
    watch = Watch(page)
    watch.open(f"{hostile_server}/?state=IL&fips={FIPS}")
    canvas = wait_for_map(page)
    box = canvas.bounding_box()
    tooltip = page.locator(".deck-tooltip")
    for dx in (0, 4, -4, 8):  # the centre of the view is Cook County; nudge if a border is under the mouse
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dx)
        try:
            tooltip.first.wait_for(state="visible", timeout=20_000)
            break
        except Exception:  # noqa: BLE001 - playwright's timeout: try the next point
            continue
    shown = tooltip.first.inner_text()
    assert shown.startswith("Cook, IL\nProsecutor in office"), shown
    shows(shown, f"Cy {SVG} {MD_LINK} LLL", "map tooltip")  # the name as characters (cut to the tooltip's length)
    shows(shown, f"Source: {SOURCE_TITLE}", "map tooltip")
    assert tooltip.first.locator("img, svg, script").count() == 0
    watch.safe("map with the tooltip open")


def test_prosecutor_pages_show_hostile_names_as_text(hostile_server: str, hostile_warehouse: Path, page) -> None:
    watch = Watch(page)
    people = ids(hostile_warehouse)
    for name in (ANN, BEA, CY):  # CY's 5,000-character name too: its id is capped (etl/vocab.slug)
        pid = people[name]
        watch.open(f"{hostile_server}/prosecutor?id={pid}")
        text = watch.text()
        shows(text, name, f"prosecutor page of {name[:30]!r}")
        shows(text, OFFICE_NAME, f"prosecutor page of {name[:30]!r}")


def test_every_prosecutor_page_can_be_linked(hostile_warehouse: Path) -> None:
    """A 5,000-character name still gives an id a link can carry (permalinks accept ids of up to 100 characters)."""
    from dashboard import permalinks

    for name, pid in ids(hostile_warehouse).items():
        view = permalinks.parse("prosecutor", {"id": pid})
        assert view.ids == (pid,), f"{name[:40]!r}: its id ({len(pid)} characters) cannot be opened by a link"


def test_compare_and_methods_show_hostile_text_as_text(hostile_server: str, hostile_warehouse: Path, page) -> None:
    watch = Watch(page)
    people = ids(hostile_warehouse)
    watch.open(f"{hostile_server}/compare?id={people[ANN]},{people[BEA]},{people[CY]}")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    page.wait_for_selector(".legendtext", state="attached")
    legend = " ".join(page.evaluate("() => [...document.querySelectorAll('.legendtext')].map(t => t.textContent)"))
    for name in (ANN, BEA):
        shows(legend, name, "compare chart legend")
    watch.open(f"{hostile_server}/compare?fips={FIPS},06075")
    watch.open(f"{hostile_server}/methods")
    text = watch.text()
    for literal in (SOURCE_TITLE, PUBLISHER, JS_URL, TEMPLATE):
        shows(text, literal, "methods page")
    watch.open(f"{hostile_server}/methods?source=hostile_counts")
    record("hostile_data", "browser", {"payloads": len(PAYLOADS), "pages": sorted(watch.pages)})


def test_no_markdown_in_data_becomes_a_link_on_any_page(hostile_server: str, hostile_warehouse: Path, page) -> None:
    watch = Watch(page)
    people = ids(hostile_warehouse)
    found = {}
    for path in (f"/county?fips={FIPS}", f"/prosecutor?id={people[BEA]}", f"/compare?id={people[ANN]},{people[BEA]}",
                 f"/?state=IL&fips={FIPS}", "/methods"):
        watch.open(hostile_server + path)
        if watch.markdown_links():
            found[path] = watch.markdown_links()
    assert not found, found

