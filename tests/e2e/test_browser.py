"""End to end in a real Chromium against `streamlit run`: the map, opening a county, links that reopen the same
view in a fresh browser, the CSV download, and screenshots of every page at desktop and phone width."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from dashboard.charts import maps
from tests.e2e.conftest import DESKTOP, PHONE, PHONE_USER_AGENT, full_page_screenshot, wait_for_app, wait_for_map

pytestmark = pytest.mark.browser

MAP_TITLE = "What do prosecutors do in your county?"
TILE_HOSTS = ("cartocdn", "mapbox", "cdn.plot.ly")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def selectbox(page, label: str):
    return page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first


def choose(page, label: str, option: str, typed: str | None = None) -> None:
    box = selectbox(page, label)
    box.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option, exact=True).click()


def title_text(page) -> str:
    return page.locator("[data-testid='stMainBlockContainer'] h1").first.inner_text()


def sql(path: Path, text: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(text, params or []).fetchall()


def test_map_opens_without_tiles_or_errors(server: str, page) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/")
    wait_for_app(page)
    assert title_text(page) == MAP_TITLE
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(state="visible")
    assert page.locator("[data-testid='stException']").count() == 0
    expect(page.get_by_text("Demo data.", exact=False).first).to_be_visible()
    expect(page.get_by_text("no public data").first).to_be_visible()  # the colour key
    assert not [u for u in requests if any(host in u for host in TILE_HOSTS)], "the map must need no tile server"
    assert not errors, errors
    params = query(page.url)
    assert set(params) == {"metric", "year"}  # the default view is written into the address bar
    served = page.request.get(server + "/app/static/counties.geojson")  # the geometry, as a static file
    assert served.ok and len(served.json()["features"]) > 3000
    shapes = [u for u in requests if f"/app/static/{maps.SHAPES_FILE}?v=" in u]
    assert len(shapes) == 1, shapes  # the map's polygons come by URL, once


def test_open_a_county_from_the_search_box(server: str, page) -> None:
    page.goto(server + "/")
    wait_for_app(page)
    choose(page, "Find your county", "Cook, IL", typed="Cook")
    page.wait_for_url(re.compile(r"/county\?fips=17031$"))
    wait_for_app(page)
    assert "Cook" in title_text(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_embed_hides_the_navigation(server: str, page) -> None:
    """`?embed=true` (for iframes) shows the page without the app's navigation; without it, the navigation is
    there. Streamlit keeps `embed` out of st.query_params, so reading it there never hid anything."""
    page.goto(server + "/county?fips=17031")
    wait_for_app(page)
    expect(page.locator("[data-testid='stTopNavLink']").first).to_be_visible()
    page.goto(server + "/county?fips=17031&embed=true")
    wait_for_app(page)
    assert "Cook" in title_text(page)
    assert page.locator("[data-testid='stTopNavLink']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    assert "embed=true" in page.url, "the parameter stays in the address"


def test_open_a_county_by_clicking_the_map(server: str, page) -> None:
    # Zoomed to Cook County inside Illinois: only Illinois' counties are clickable in a state view, which
    # keeps deck.gl's picking quick even in this software-rendered (no GPU) headless Chromium.
    page.goto(server + "/?state=IL&fips=17031")
    wait_for_app(page)
    canvas = wait_for_map(page)
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip")
    tooltip.first.wait_for(state="visible")
    assert tooltip.first.inner_text().startswith("Cook, IL\nProsecutor in office")  # the hover text
    # Software rendering makes the first pick slow enough that deck.gl may not count it as a click (a tap
    # must end within 250 ms); a user with a GPU never sees that. Click again if the page did not change.
    for _ in range(3):
        page.mouse.click(x, y)
        try:
            page.wait_for_url(re.compile(r"/county\?fips=17031$"), timeout=20_000)
            break
        except PlaywrightTimeout:
            continue
    assert re.search(r"/county\?fips=17031$", page.url), page.url
    wait_for_app(page)
    assert "Cook" in title_text(page)


def _hover_centre(page) -> str:
    """The tooltip over the middle of the map (nudged off a border if needed)."""
    canvas = wait_for_map(page)
    box = canvas.bounding_box()
    tooltip = page.locator(".deck-tooltip")
    for dx in (0, 4, -4, 8):
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dx)
        try:
            tooltip.first.wait_for(state="visible", timeout=20_000)
            return tooltip.first.inner_text()
        except PlaywrightTimeout:
            continue
    raise AssertionError("no tooltip over the map")


def test_a_change_of_measure_recolours_the_map_without_fetching_the_geometry_again(server: str, page,
                                                                                   demo_warehouse: Path) -> None:
    shapes: list[str] = []
    page.on("request", lambda request: shapes.append(request.url) if maps.SHAPES_FILE in request.url else None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/?state=IL&fips=17031")
    wait_for_app(page)
    before = _hover_centre(page)
    assert before.startswith("Cook, IL\nProsecutor in office")
    current = query(page.url)["metric"][0]
    label, metric = next(row for row in sql(demo_warehouse, """
        SELECT label, metric_id FROM metric_definition ORDER BY sort_order""") if row[1] != current)
    page.mouse.move(1, 1)
    choose(page, "Measure", label)
    page.wait_for_url(re.compile(rf"metric={metric}"))
    wait_for_app(page)
    after = _hover_centre(page)
    assert after.startswith("Cook, IL\nProsecutor in office")
    assert f"\n{label} in " in after and after != before  # the new measure's words and numbers
    assert len(shapes) == 1, shapes  # the polygons came once, with the first view
    assert not errors, errors


def test_a_changed_metric_is_in_the_url_and_reopens_in_a_new_browser(server: str, browser, page,
                                                                     demo_warehouse: Path) -> None:
    page.goto(server + "/?fips=17031")
    wait_for_app(page)
    current = query(page.url)["metric"][0]
    target, label, question = next(row for row in sql(demo_warehouse, """
        SELECT metric_id, label, question FROM metric_definition ORDER BY sort_order""") if row[0] != current)
    choose(page, "Measure", label)
    page.wait_for_url(re.compile(rf"metric={target}"))
    wait_for_app(page)
    link = page.url
    params = query(link)
    assert params["metric"] == [target] and params["fips"] == ["17031"]
    # the same address in a brand-new browser context (no session, no cookies) shows the same view
    fresh = browser.new_context(viewport=DESKTOP)
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_for_app(other)
        expect(other.get_by_role("combobox", name="Measure")).to_have_value(label)
        expect(other.get_by_role("heading", name=question)).to_be_visible()
        expect(other.get_by_text("Open the page of Cook, IL")).to_be_visible()  # the same county
        assert query(other.url) == params
    finally:
        fresh.close()


def test_csv_download_has_the_header_and_no_small_counts(server: str, page, demo_warehouse: Path) -> None:
    case_metric = sql(demo_warehouse, """SELECT metric_id FROM metric_value WHERE scope = 'county'
                                         GROUP BY metric_id ORDER BY count(*) DESC, metric_id LIMIT 1""")[0][0]
    page.goto(server + f"/?state=RI&metric={case_metric}")  # a case measure (the map opens on an election one)
    wait_for_app(page)
    button = page.get_by_role("button", name="Download data (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith("-RI.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows and list(rows[0]) == maps.EXPORT_COLUMNS
    assert {r["state"] for r in rows} == {"RI"}
    threshold = int(sql(demo_warehouse, "SELECT value FROM build_info WHERE key = 'suppression_threshold'")[0][0])
    metric = query(page.url)["metric"][0]
    unit = sql(demo_warehouse, "SELECT unit FROM metric_definition WHERE metric_id = ?", [metric])[0][0]
    for row in rows:
        if row["suppressed"] == "True":
            assert row["numerator"] == row["denominator"] == row["value"] == "", row
            assert row["suppression_reason"]
            continue
        numerator, denominator = float(row["numerator"]), float(row["denominator"])
        if unit == "per_100k":
            assert numerator >= threshold
        else:
            assert denominator >= threshold
            assert numerator == 0 or numerator >= threshold
            assert denominator - numerator == 0 or denominator - numerator >= threshold


def _pages(demo_warehouse: Path) -> dict[str, str]:
    prosecutor = sql(demo_warehouse, """
        SELECT t.prosecutor_id FROM office_county oc JOIN term t USING (office_id)
        WHERE oc.fips = '17031' ORDER BY t.start_date DESC LIMIT 1""")[0][0]
    return {"map": "/", "county": "/county?fips=17031", "prosecutor": f"/prosecutor?id={prosecutor}",
            "compare": "/compare?fips=17031,06075", "questions": "/questions?county=17031",
            "methods": "/methods", "county-es": "/county?fips=17031&lang=es"}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_every_page(server: str, browser, demo_warehouse: Path, screenshot_dir: Path,
                                   size: str) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    phone = size == "phone"
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone,
                              **({"user_agent": PHONE_USER_AGENT} if phone else {}))
    ctx.set_default_timeout(180_000)
    try:
        for name, path in _pages(demo_warehouse).items():
            page = ctx.new_page()
            page.goto(server + path)
            wait_for_app(page)
            assert page.locator("[data-testid='stException']").count() == 0, name
            if size == "phone":  # usable at 375 px: nothing wider than the screen
                overflow = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
                assert overflow <= viewport["width"] + 1, f"{name} is {overflow}px wide on a phone"
            target = screenshot_dir / f"{name}-{size}.png"
            full_page_screenshot(page, target)
            assert target.stat().st_size > 10_000
            page.close()
    finally:
        ctx.close()
