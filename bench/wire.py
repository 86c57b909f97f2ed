"""Bytes on the wire, in a real browser: the map page's first load, then each later change of measure.

Debian's Chromium, driven by Playwright (its own browser download needs internet access). Every HTTP
response is counted at its transfer size (headers plus encoded body, from Playwright's request sizes)
and every websocket frame at its payload size, both directions, per phase; a phase ends when the
browser has received `script_finished` (the frames are parsed with Streamlit's own protobufs) and the
page has been quiet for a moment. Goals: first load under 2 MB; a change of measure under 300 KB.

The map's county polygons are a static file (dashboard/static/map-shapes.json) the browser fetches once and
keeps; each phase reports how many times it was fetched (`geometry_fetches`: 1 on the first load, 0 after).

Results: test-artifacts/bench/wire.json (with the largest items of each phase, to show what dominates).
"""

from __future__ import annotations

import os
import subprocess
import time
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.common import APP, MAKE_RUN_APP, PROJECT, PYTHON, WORK_DIR, Server, free_port, log, write_result

CHROMIUM = Path(os.environ.get("PAD_CHROMIUM", "/usr/bin/chromium"))
MAKE_RUN_STATIC_OPTIONS = ("--brotli-quality", "9")  # as the Makefile's public target writes them
WEBSOCKET_DEFLATE = {"server.enableWebsocketCompression": "true"}  # as `make run` and deploy/ start the server
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 180_000
QUIET_MS = 1500
CHANGES = 3
GEOMETRY_FILE = "map-shapes.json"  # dashboard.charts.maps.SHAPES_FILE


class Meter:
    """Counts what crosses the wire for the page, by phase."""

    def __init__(self, page: Any):
        self.phase = "idle"
        self.http: dict[str, list[Any]] = defaultdict(list)
        self.frames: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
        self.finished = 0
        self.last = time.monotonic()
        # what permessage-deflate (context takeover, as Chromium negotiates it) would put on the wire
        self.deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.deflated: dict[str, int] = defaultdict(int)
        page.on("requestfinished", self._request)
        page.on("websocket", self._socket)

    def _request(self, request: Any) -> None:
        self.http[self.phase].append(request)
        self.last = time.monotonic()

    def _socket(self, ws: Any) -> None:
        ws.on("framereceived", lambda payload: self._frame("in", payload))
        ws.on("framesent", lambda payload: self._frame("out", payload))

    def _frame(self, direction: str, payload: bytes | str) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        kind = "?"
        if direction == "in":
            msg = ForwardMsg()
            try:
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type") or "?"
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    kind = "element:" + (msg.delta.new_element.WhichOneof("type") or "?")
                if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.finished += 1
            except Exception:  # noqa: BLE001 - a frame we cannot parse is still counted
                kind = "unparsed"
        self.frames[self.phase].append((direction, len(data), kind))
        if direction == "in":
            self.deflated[self.phase] += len(self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)) - 4
        self.last = time.monotonic()

    def begin(self, phase: str) -> int:
        self.phase = phase
        return self.finished

    def wait(self, page: Any, finished_before: int, timeout_ms: int = TIMEOUT_MS) -> None:
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            quiet = (time.monotonic() - self.last) * 1000 >= QUIET_MS
            if self.finished > finished_before and quiet:
                return
        raise TimeoutError(f"phase {self.phase}: the app did not finish within {timeout_ms / 1000:.0f}s")

    def summary(self, phase: str) -> dict[str, Any]:
        http_bytes, items = 0, []
        geometry = sum(1 for r in self.http.get(phase, []) if r.url.split("?")[0].endswith("/" + GEOMETRY_FILE))
        for request in self.http.get(phase, []):
            try:
                sizes = request.sizes()
            except Exception:  # noqa: BLE001 - a request that failed has no sizes
                continue
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"] + sizes["requestHeadersSize"] \
                + sizes["requestBodySize"]
            http_bytes += size
            items.append((size, "http " + request.url.split("?")[0].rsplit("/", 1)[-1][:60]))
        frames = self.frames.get(phase, [])
        ws_in = sum(n for d, n, _ in frames if d == "in")
        ws_out = sum(n for d, n, _ in frames if d == "out")
        by_kind: dict[str, int] = defaultdict(int)
        for d, n, kind in frames:
            if d == "in":
                by_kind[kind] += n
        items += [(n, "ws " + k) for k, n in by_kind.items()]
        items.sort(reverse=True)
        total = http_bytes + ws_in + ws_out
        deflated = http_bytes + self.deflated.get(phase, 0) + ws_out
        return {"kb_total": round(total / 1024, 1), "kb_total_ws_deflated": round(deflated / 1024, 1),
                "kb_http": round(http_bytes / 1024, 1),
                "kb_ws_in": round(ws_in / 1024, 1), "kb_ws_out": round(ws_out / 1024, 1),
                "http_requests": len(self.http.get(phase, [])), "geometry_fetches": geometry, "ws_frames": len(frames),
                "largest": [{"kb": round(n / 1024, 1), "what": what} for n, what in items[:6]]}


def _labels(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT label FROM metric_definition ORDER BY sort_order").fetchall()]
    finally:
        con.close()


def _choose(page: Any, label: str, option: str) -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def measure(base_url: str, warehouse: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    labels = _labels(warehouse)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            meter = Meter(page)
            before = meter.begin("first_load")
            started = time.monotonic()
            page.goto(base_url + "/", timeout=TIMEOUT_MS)
            page.wait_for_selector("[data-testid='stDeckGlJsonChart']", timeout=TIMEOUT_MS)
            meter.wait(page, before)
            first_seconds = time.monotonic() - started
            changes = []
            box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Measure", exact=True))
            for i in range(CHANGES):
                current = box.first.inner_text()
                option = next((lb for lb in labels if lb not in current), None)
                if option is None:
                    break
                labels.remove(option)
                labels.append(option)
                before = meter.begin(f"change_{i + 1}")
                started = time.monotonic()
                _choose(page, "Measure", option)
                meter.wait(page, before)
                changes.append({"to": option, "seconds": round(time.monotonic() - started - QUIET_MS / 1000, 2),
                                **meter.summary(f"change_{i + 1}")})
            first = {"seconds": round(first_seconds - QUIET_MS / 1000, 2), **meter.summary("first_load")}
        finally:
            browser.close()
    return {"first_load": first, "metric_changes": changes,
            "max_change_kb": max((c["kb_total"] for c in changes), default=None)}


def _write_public(*options: str, name: str = "public") -> tuple[Path, str]:
    """The static files deploy/static_files.py writes (precompressed, the icon font cut): with `options` as
    `make run` passes them, or none as deploy/ writes them."""
    public = WORK_DIR / name
    log(f"wire: writing the precompressed static files (deploy/static_files.py {' '.join(options)})")
    written = subprocess.run([PYTHON, "-m", "deploy.static_files", str(public), *options], cwd=PROJECT,
                             capture_output=True, text=True, check=False)
    if written.returncode != 0:
        raise RuntimeError(f"python -m deploy.static_files failed: {written.stderr[-500:]}")
    return public, written.stdout.strip()


def _through_nginx(warehouse: Path, public: Path, written: str) -> dict[str, Any]:
    """The production path of deploy/: nginx sending the static files from disk and proxying the rest, Streamlit's
    websocket compression on."""
    from bench import scale

    binary, why = scale.find_nginx()
    if binary is None:
        return {"skipped": why}
    with Server(APP, free_port(), env={"PAD_WAREHOUSE": str(warehouse)}, options=WEBSOCKET_DEFLATE) as server, \
            scale.Nginx(binary, [server.port], WORK_DIR / "nginx-wire", public=public) as proxy:
        log(f"wire: the same through nginx ({'brotli and ' if proxy.brotli else ''}gzip, static files from disk) "
            "with websocket compression")
        measured = measure(proxy.url, warehouse)
        measured["nginx_bytes_sent_kb"] = round(proxy.bytes_sent() / 1024, 1)
        measured["static_files"] = {"written": written, "brotli": proxy.brotli}
    return measured


def run(warehouse: Path) -> dict[str, Any]:
    if not CHROMIUM.exists():
        result = {"skipped": f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)"}
        write_result("wire", result)
        return result
    public, _ = _write_public(*MAKE_RUN_STATIC_OPTIONS, name="public-make-run")
    env = {"PAD_WAREHOUSE": str(warehouse), "PAD_PUBLIC_DIR": str(public)}
    with Server(MAKE_RUN_APP, free_port(), env=env, options=WEBSOCKET_DEFLATE) as server:
        log("wire: `make run`'s server (dashboard/server.py): map first load and changes of measure in Chromium")
        measured = measure(server.url, warehouse)
    with Server(APP, free_port(), env={"PAD_WAREHOUSE": str(warehouse)}) as server:
        log("wire: bare `streamlit run dashboard/app.py` (Streamlit's frontend uncompressed), for reference")
        bare = measure(server.url, warehouse)
    result = {"goals": {"first_load_kb_max": 2048, "metric_change_kb_max": 300}, "server": "make run",
              "websocket_compression": True, **measured,
              "bare_streamlit": bare, "deployed": _through_nginx(warehouse, *_write_public())}
    path = write_result("wire", result)
    log(f"wire: first load {measured['first_load']['kb_total_ws_deflated']} KB (websocket deflated), "
        f"largest change {measured['max_change_kb']} KB before deflate; "
        f"results in {path}")
    return result


if __name__ == "__main__":
    from bench import etl

    run(Path(os.environ.get("PAD_WAREHOUSE") or etl.app_warehouse()))
