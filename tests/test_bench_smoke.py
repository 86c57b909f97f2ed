"""A small run of the benchmark harness (bench/): proves every part works; asserts no timing.

The full benchmark is `make bench` (docs/PERFORMANCE.md). Here: the websocket load generator drives a
real `streamlit run` of the app on the small demo warehouse through every step of the scenario, its
recording is replayed by the floor app, Chromium's bytes on the wire are counted for the map's first
load and changes of measure, the ETL floor query and the memory sampler run on a tiny demo data set,
nginx accepts the scale-out configuration (when nginx is installed), and the results table renders
from result files. It runs in `make test` (about 30 s beside the shared demo warehouse fixture).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from bench import common, etl, load, report, scale, wire
from bench.common import APP, FLOOR_APP, PYTHON, Server, free_port

T = TypeVar("T")


def in_own_thread(work: Callable[[], T]) -> T:
    """Run where no event loop runs: a browser test earlier in this worker may hold Playwright's sync loop open
    on the main thread, and neither asyncio.run (the load generator) nor Playwright's sync API (the wire meter)
    may start inside it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@pytest.fixture()
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(common, "RESULTS_DIR", tmp_path / "results")
    monkeypatch.setattr(common, "WORK_DIR", tmp_path / "work")
    monkeypatch.setattr(etl, "WORK_DIR", tmp_path / "work")
    monkeypatch.setattr(load, "WORK_DIR", tmp_path / "work")
    monkeypatch.setattr(scale, "WORK_DIR", tmp_path / "work")
    return tmp_path


def test_load_generator_drives_every_step_and_the_floor_replays_them(demo_warehouse: Path, results: Path) -> None:
    chosen = load.targets(demo_warehouse, 1)
    assert chosen, "the demo warehouse has a county with cases and a prosecutor"
    with Server(APP, free_port(), env={"PAD_WAREHOUSE": str(demo_warehouse)}, options=load.SERVER_OPTIONS) as app:
        level = in_own_thread(lambda: load.run_level(app.url, 1, chosen, record=True, on_open=app.rss))
        assert level["errors"] == 0, level["error_samples"]
        assert set(level["steps"]) == set(load.STEPS)
        for name, step in level["steps"].items():
            assert step["n"] == 1 and step["p50"] is not None and step["elements"], name
        assert level["measured_while_open"] > 0  # the server's memory was read while the tab was open
        # the measure and breakdown changes were reruns of the prosecutor page with its own widgets
        session = level["_results"][0].session
        assert session.page_hash and session.page_hash == session.pages.get("prosecutor")
        assert level["steps"]["metric"]["elements"]["selectbox"] >= 2
        trace = results / "work" / "trace.pkl"
        recorded = load.record_trace(level["_results"], trace)
        # memory after the sessions close: as they left it, and after the next visitors (their closes let
        # Streamlit drop the expired sessions)
        held, after = in_own_thread(lambda: load._settle(app, 0))
        assert held > 0 and after > 0
    assert set(recorded) == set(load.STEPS) and all(recorded.values())
    with Server(FLOOR_APP, free_port(), env={"BENCH_FLOOR_TRACE": str(trace)}) as floor:
        replay = in_own_thread(lambda: load.run_level(floor.url, 1, chosen, floor=True))
    assert replay["errors"] == 0, replay["error_samples"]
    for name in load.STEPS:  # the same number and kind of elements as the real page
        assert replay["steps"][name]["elements"] == level["steps"][name]["elements"], name


@pytest.mark.browser
def test_wire_meter_counts_the_maps_first_load_and_a_change_in_chromium(demo_warehouse: Path, results: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if not wire.CHROMIUM.exists():
        pytest.skip(f"{wire.CHROMIUM} is missing: `make browser` installs Debian's chromium")
    monkeypatch.setattr(wire, "CHANGES", 1)  # one change of measure proves the meter; the benchmark makes three
    with Server(APP, free_port(), env={"PAD_WAREHOUSE": str(demo_warehouse)}) as app:
        measured = in_own_thread(lambda: wire.measure(app.url, demo_warehouse))
    first = measured["first_load"]
    assert first["kb_http"] > 0 and first["kb_ws_in"] > 0 and first["largest"]
    assert measured["metric_changes"], "the measure could be changed"
    for change in measured["metric_changes"]:
        assert change["kb_ws_in"] > 0 and change["to"], change


def test_etl_floor_and_memory_sampler_on_a_tiny_demo(results: Path) -> None:
    cases = 20_000
    folder = etl.raw_dir(cases) / "demo"
    done = common.run_timed([PYTHON, "-m", "etl", "demo", "--cases", str(cases), "--out-dir", str(folder)])
    assert done.returncode == 0, done.stderr_tail
    assert done.peak_rss > 0 and done.seconds > 0
    floor = etl.floor(cases)
    assert floor["seconds"] > 0
    assert etl.growth_exponent([(1, 1.0), (10, 10.0)]) == 1.0
    assert etl.growth_exponent([(1, 1.0), (4, 2.0)]) == 0.5


def test_results_table_and_nginx_configuration(results: Path) -> None:
    common.write_result("etl", {"sizes": [
        {"cases": 1000, "ratio": 2.0, "build": {"seconds": 2.0, "rows_per_second": 500, "peak_rss_mb": 300},
         "floor": {"seconds": 1.0}, "generate": {"seconds": 0.5, "rows_per_second": 2000}}],
        "growth_exponent": None, "floor_growth_exponent": None})
    common.write_result("wire", {"failed": "RuntimeError: no browser"})
    text = report.table()
    assert "| ETL 1,000 rows: build / DuckDB read floor | <= 3x | 2x" in text
    assert "failed: RuntimeError: no browser" in text
    doc = results / "PERFORMANCE.md"
    doc.write_text(f"# Performance\n\nintro\n\n{report.BEGIN}\nold\n{report.END}\n\nafter\n", encoding="utf-8")
    report.update(doc)
    updated = doc.read_text(encoding="utf-8")
    assert "intro" in updated and "after" in updated and "old" not in updated and "2x" in updated
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx is not installed: `make bench` installs it (as root) or skips the scale-out part")
    proxy = scale.Nginx(binary, [free_port(), free_port()], results / "nginx", public=results / "public")
    proxy.work.mkdir(parents=True)
    conf = proxy.work / "nginx.conf"
    conf.write_text(proxy.config(), encoding="utf-8")
    check = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(proxy.work)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # deploy/nginx.conf as Debian's nginx includes it (inside http, beside mime.types)
    main = proxy.work / "deploy-main.conf"
    brotli = f"load_module {scale.BROTLI_MODULE};" if scale.BROTLI_MODULE.exists() else ""
    deploy_conf = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
    text = deploy_conf.read_text(encoding="utf-8")
    if not brotli:  # the module is installed by `make bench` (as root); without it, check the rest
        text = text.replace("brotli_static on;", "")
    (proxy.work / "dashboard.conf").write_text(text, encoding="utf-8")
    main.write_text(f"{brotli}\npid {proxy.work}/deploy.pid;\nerror_log {proxy.work}/deploy-error.log;\n"
                    f"events {{}}\nhttp {{ include /etc/nginx/mime.types; include {proxy.work}/dashboard.conf; }}\n",
                    encoding="utf-8")
    check = subprocess.run([binary, "-t", "-c", str(main), "-p", str(proxy.work)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert json.loads((results / "results" / "etl.json").read_text())["benchmark"] == "etl"
