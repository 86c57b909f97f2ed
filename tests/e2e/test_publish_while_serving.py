"""Publishing while the app serves several sessions: three browsers sit on a county page; the real build
(`python -m etl build`) publishes a warehouse from a different demo seed into the same PAD_WAREHOUSE path while
they keep changing the measure. No session shows an error at any point, and a fresh page load shows the new data
(its content checksum on the methods page, and the county's new headline count).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import DESKTOP, PROJECT, wait_for_app
from tests.e2e.streamlit_server import streamlit_server
from tests.figures import once_per_run, record

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIPS = "17031"
SESSIONS = 3
CASES = 20_000
BUILD_TIMEOUT = 900


def make_raw(root: Path, seed: int) -> Path:
    raw = root / f"raw-{seed}"
    subprocess.run([sys.executable, "-m", "etl", "demo", "--cases", str(CASES), "--seed", str(seed), "--out-dir",
                    str(raw / "demo")], cwd=PROJECT, check=True, capture_output=True, timeout=BUILD_TIMEOUT)
    return raw


def build_command(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "etl", "build", "--demo", "--raw-dir", str(raw), "--out", str(out), "--no-progress"]


def facts(path: Path) -> dict:
    """What a fresh page must show: the content checksum and, per measure, Cook County's latest headline count."""
    with duckdb.connect(str(path), read_only=True) as con:
        checksum = con.execute("SELECT value FROM build_info WHERE key = 'content_sha256'").fetchone()[0]
        cards = con.execute("""
            SELECT d.label, arg_max(year(v.period_start), v.period_start), arg_max(v.numerator, v.period_start),
                   arg_max(v.denominator, v.period_start)
            FROM metric_value v JOIN metric_definition d USING (metric_id)
            WHERE v.scope = 'county' AND v.scope_id = ? AND v.dimension = 'all' AND v.period_grain = 'year'
              AND NOT v.suppressed AND d.unit = 'share'
            GROUP BY d.label, d.sort_order ORDER BY d.sort_order""", [FIPS]).fetchall()
    return {"checksum": checksum,
            # a card reads "2024 (under <prosecutor>) · n: 125 of 1,000 cases": the counts are what change
            "cards": {label: f") · n: {num:,.0f} of {den:,.0f} cases" for label, _year, num, den in cards}}


def change_measure(page, avoid: str | None = None) -> str:
    """Pick another option of the county page's Measure box; returns the label chosen."""
    box = page.get_by_role("combobox", name="Measure")
    current = box.input_value()
    # a reader scrolls the box into sight, then clicks it; a click Playwright scrolls to itself lands while the
    # page is still moving under headless Chromium and opens nothing
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option").first.wait_for()
    options = [o for o in page.get_by_role("option").all_inner_texts() if o and o not in (current, avoid)]
    choice = options[len(options) // 2]
    page.get_by_role("option", name=choice, exact=True).click()
    return choice


def problems(page) -> list[str]:
    found = [e.inner_text()[:300] for e in page.locator("[data-testid='stException']").all()]
    found += [e.inner_text()[:300] for e in page.locator("[data-testid='stAlertContentError']").all()]
    return found


@pytest.fixture(scope="module")
def publish(browser, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The scenario, once per run: serve seed 21, open three sessions, publish seed 22 while they work, look again."""
    return once_per_run("publish-while-serving", lambda: scenario(browser, tmp_path_factory.mktemp("publish")),
                        tmp_path_factory.getbasetemp().parent)


def scenario(browser, tmp_path: Path) -> dict:
    old_raw, new_raw = make_raw(tmp_path, seed=21), make_raw(tmp_path, seed=22)
    warehouse = tmp_path / "served" / "warehouse.duckdb"
    subprocess.run(build_command(old_raw, warehouse), cwd=PROJECT, check=True, capture_output=True,
                   timeout=BUILD_TIMEOUT)
    seen: dict = {"before": facts(warehouse), "problems": [], "errors": [], "interactions": 0}
    with streamlit_server(warehouse, tmp_path / "server.log") as base:
        contexts = [browser.new_context(viewport=DESKTOP) for _ in range(SESSIONS)]
        try:
            pages = []
            for ctx in contexts:
                ctx.set_default_timeout(180_000)
                page = ctx.new_page()
                page.on("pageerror", lambda error: seen["errors"].append(str(error)))
                page.goto(f"{base}/county?fips={FIPS}")
                wait_for_app(page)
                seen["problems"] += problems(page)
                pages.append(page)
            seen["old_text"] = pages[0].locator("[data-testid='stMain']").inner_text()

            build = subprocess.Popen(build_command(new_raw, warehouse), cwd=PROJECT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
            started = time.monotonic()
            while build.poll() is None:  # keep every session busy while the new warehouse is built and swapped in
                for page in pages:
                    change_measure(page)
                    wait_for_app(page)
                    seen["problems"] += problems(page)
                    seen["interactions"] += 1
                if time.monotonic() - started > BUILD_TIMEOUT:
                    build.kill()
                    pytest.fail("the build did not finish")
            output = build.stdout.read().decode(errors="replace")
            assert build.returncode == 0 and "published" in output, output[-2000:]
            seen["during_build"] = seen["interactions"]
            for page in pages:  # after the swap: every open session keeps working
                for _ in range(2):
                    change_measure(page)
                    wait_for_app(page)
                    seen["problems"] += problems(page)
                    seen["interactions"] += 1
            seen["after"] = facts(warehouse)
            fresh = browser.new_context(viewport=DESKTOP)
            try:
                page = fresh.new_page()
                page.goto(f"{base}/methods")
                wait_for_app(page)
                seen["fresh_checksums"] = re.findall(r"[0-9a-f]{64}",
                                                     page.locator("[data-testid='stMain']").inner_text())
                page.goto(f"{base}/county?fips={FIPS}")
                wait_for_app(page)
                seen["problems"] += problems(page)
                seen["fresh_text"] = re.sub(r"\s+", " ", page.locator("[data-testid='stMain']").inner_text())
            finally:
                fresh.close()
        finally:
            for ctx in contexts:
                ctx.close()
    return seen


def test_no_session_errs_while_a_new_warehouse_is_published(publish: dict) -> None:
    assert any(card in publish["old_text"] for card in publish["before"]["cards"].values())
    assert publish["during_build"] >= SESSIONS and publish["interactions"] >= publish["during_build"] + 2 * SESSIONS
    assert not publish["problems"], publish["problems"]
    assert not publish["errors"], publish["errors"]
    assert publish["after"]["checksum"] != publish["before"]["checksum"]  # a new warehouse really was published
    fresh = publish["fresh_checksums"] == [publish["after"]["checksum"]]  # asserted by the next test
    record("publish_while_serving", "sessions", {
        "sessions": SESSIONS, "interactions": publish["interactions"],
        "interactions_during_build": publish["during_build"], "session_errors": 0, "fresh_load_shows_new_data": fresh})


def test_a_fresh_page_load_shows_the_new_data(publish: dict) -> None:
    before, after = publish["before"], publish["after"]
    assert publish["fresh_checksums"] == [after["checksum"]], (publish["fresh_checksums"], before["checksum"])
    changed = [label for label in after["cards"] if after["cards"][label] != before["cards"].get(label)]
    assert changed, "the two seeds gave the same headline counts: the check would prove nothing"
    for label in changed:
        assert after["cards"][label] in publish["fresh_text"], f"{label}: the fresh page shows the old count"
