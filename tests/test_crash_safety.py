"""Crash safety of publishing: a build killed at any moment, or stopped by a full disk, leaves the
published warehouse exactly as it was, still served, and the next build succeeds. The same holds for the
private database beside it: a kill changes it only once it is complete (in the publish stage).

Slow (a few minutes): `make test-all` and CI run it; `make test` leaves it out.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from etl.public import private_path
from tests.conftest import PROJECT

pytestmark = pytest.mark.slow

KILLS = 24
RESULTS = PROJECT / "test-artifacts" / "crash_safety.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_command(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "etl", "build", "--demo", "--raw-dir", str(raw), "--out", str(out)]


def queryable(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM metric_value").fetchone()[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from etl import demo

    root = tmp_path_factory.mktemp("crash")
    raw = root / "raw"
    demo.generate(raw / "demo", cases=20_000, seed=3)
    published = root / "warehouse.duckdb"
    subprocess.run(build_command(raw, published), check=True, cwd=PROJECT, capture_output=True, timeout=600)
    started = time.monotonic()
    subprocess.run(build_command(raw, root / "timing.duckdb"), check=True, cwd=PROJECT, capture_output=True,
                   timeout=600)
    return {"root": root, "raw": raw, "published": published, "duration": time.monotonic() - started}


@pytest.fixture(scope="module")
def server(setup: dict):
    port = free_port()
    env = {**os.environ, "PAD_WAREHOUSE": str(setup["published"])}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start")
    yield url
    process.terminate()
    process.wait(timeout=30)


def app_renders(warehouse: Path) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ["PAD_WAREHOUSE"] = str(warehouse)
    app = AppTest.from_file(str(PROJECT / "dashboard" / "app.py"), default_timeout=120).run()
    assert not app.exception, app.exception
    assert any("Demo data" in w.value for w in app.warning)


def test_sigkill_at_every_stage_leaves_the_published_warehouse_in_service(setup: dict, server: str) -> None:
    published, raw = setup["published"], setup["raw"]
    private = private_path(published)
    before, rows = sha256(published), queryable(published)
    private_before = sha256(private)
    stages_hit: dict[str, int] = {}
    completed = 0
    duration = setup["duration"]
    for i in range(2 * KILLS):  # a build that beats its kill does not count: the machine got faster, try again
        landed = sum(stages_hit.values())
        if landed == KILLS:
            break
        delay = duration * (0.02 + 0.85 * landed / (KILLS - 1))
        log = setup["root"] / f"kill-{i}.log"
        with log.open("w") as stderr:
            started = time.monotonic()
            process = subprocess.Popen(build_command(raw, published), cwd=PROJECT, stdout=subprocess.DEVNULL,
                                       stderr=stderr)
            try:
                finished = process.wait(timeout=delay) == 0
            except subprocess.TimeoutExpired:
                finished = False
            took = time.monotonic() - started
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        if finished:  # the build beat the kill: a complete new warehouse was published, as it should be
            completed += 1
            duration = min(duration, took)  # later kills are spread over the build's time now
            before, private_before = sha256(published), sha256(private)
            continue
        stage = _last_stage(log.read_text(errors="replace"))
        stages_hit[stage] = stages_hit.get(stage, 0) + 1
        now = sha256(published)
        if now != before:
            # Killed after the atomic swap, before the build could say so: the new warehouse is complete and
            # in service, which is what publishing promises. Only the publish stage may end that way.
            assert stage == "publish", f"kill {i} at {delay:.1f}s ({stage}) changed the warehouse"
            before = now
        if sha256(private) != private_before:
            assert stage == "publish", f"kill {i} at {delay:.1f}s ({stage}) changed the private database"
            private_before = sha256(private)
        assert queryable(private) == rows
        assert queryable(published) == rows
        assert urllib.request.urlopen(f"{server}/_stcore/health", timeout=5).status == 200
    app_renders(published)
    # the next build cleans up what the killed ones left, and publishes
    subprocess.run(build_command(raw, published), check=True, cwd=PROJECT, capture_output=True, timeout=600)
    assert queryable(published) == rows
    assert not list(published.parent.glob("warehouse*.building-*"))
    app_renders(published)
    assert len(stages_hit) >= 4, stages_hit
    assert sum(stages_hit.values()) >= 20, f"only {sum(stages_hit.values())} kills landed inside a build"
    _record({"kills": KILLS, "kills_inside_build": sum(stages_hit.values()), "builds_finished_first": completed,
             "build_seconds": round(setup["duration"], 1), "stages_hit": stages_hit})


def test_full_disk_gives_a_clear_error_and_keeps_the_old_warehouse(setup: dict) -> None:
    published, raw = setup["published"], setup["raw"]
    before, private_before = sha256(published), sha256(private_path(published))
    limit = max(1 << 20, published.stat().st_size // 4)

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(build_command(raw, published) + ["--no-progress"], cwd=PROJECT, capture_output=True,
                          text=True, timeout=600, preexec_fn=small_disk)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "could not write the new warehouse" in done.stderr and "disk" in done.stderr
    assert "Traceback" not in done.stderr
    assert sha256(published) == before
    assert queryable(published) > 0
    assert sha256(private_path(published)) == private_before
    assert not list(published.parent.glob("warehouse*.building-*"))
    _record({"full_disk_limit_bytes": limit, "full_disk_exit": done.returncode})


def _last_stage(stderr: str) -> str:
    stages = [line.strip().rstrip(".") for line in stderr.splitlines() if line.startswith("  ")
              and line.strip().endswith("...")]
    if not stages:
        return "start-up"
    stage = stages[-1]
    return "load sources" if stage.startswith("load ") else stage


def _record(figures: dict) -> None:
    RESULTS.parent.mkdir(exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True))
