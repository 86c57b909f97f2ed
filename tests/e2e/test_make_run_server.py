"""`make run`'s server (dashboard/server.py) sends the frontend from the precompressed copies when they exist.

A real `streamlit run dashboard/server.py` with a folder of copies that deploy/static_files.py's own compressor
made for a few files (the frontend's entry script and the map's shapes), opened in Chromium: those files arrive
brotli-encoded and the map draws from them; every other file still comes, uncompressed, from Streamlit.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from deploy.static_files import APP_STATIC, FRONTEND, compress_beside
from tests.e2e.conftest import wait_for_app
from tests.e2e.streamlit_server import streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    entry = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', (FRONTEND / "index.html").read_text())
    assert entry, "Streamlit's index.html no longer names its entry script as expected"
    out = tmp_path_factory.mktemp("public")
    for source, target in ((FRONTEND / entry.group(1), out / entry.group(1)),
                           (APP_STATIC / "map-shapes.json", out / "app" / "static" / "map-shapes.json")):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        compress_beside(target)
    return out


def test_copies_arrive_compressed_and_the_map_draws_from_them(demo_warehouse: Path, public: Path, page,
                                                              tmp_path: Path) -> None:
    encodings: dict[str, str] = {}
    page.on("response", lambda r: encodings.__setitem__(r.url.split("?")[0], r.headers.get("content-encoding", "")))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with streamlit_server(demo_warehouse, tmp_path / "server.log", public=public) as base:
        page.goto(base + "/")
        wait_for_app(page)
        page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(state="visible")
        copied = {"/" + str(p.relative_to(public)) for p in public.rglob("*") if p.suffix in (".js", ".json")}
        for _ in range(120):  # the layer fetches its shapes after the canvas appears: wait for that response
            if copied <= {url.removeprefix(base) for url in encodings}:
                break
            page.wait_for_timeout(500)
    assert not errors, errors
    compressed = {url.removeprefix(base) for url, encoding in encodings.items() if encoding == "br"}
    assert compressed == copied, (compressed, copied)
    others = [url for url in encodings if "/static/" in url and url.removeprefix(base) not in copied]
    assert others and not any(encodings[url] for url in others)  # Streamlit's own answer, as before
