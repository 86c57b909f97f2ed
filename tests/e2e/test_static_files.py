"""deploy/static_files.py: what nginx sends from disk is what the app would have sent, only smaller.

The files are Streamlit's real frontend font and a small stand-in frontend; the font is drawn in Chromium to
show that the cut-down icon font still draws the icons the frontend names (and spells out any other).
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import brotli
import pytest
from fontTools.ttLib import TTFont

from deploy import static_files

REAL_FONT = next((static_files.FRONTEND / "static").rglob("MaterialSymbols-*.woff2"), None)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if REAL_FONT is None:
        pytest.fail(f"Streamlit's icon font is not under {static_files.FRONTEND}: its frontend layout changed")
    frontend = tmp_path_factory.mktemp("frontend")
    (frontend / "static" / "js").mkdir(parents=True)
    (frontend / "static" / "media").mkdir()
    (frontend / "static" / "js" / "index.abc.js").write_text(
        "const icons = [`:material/keyboard_arrow_right:`, `:material/more_vert:`];" * 200, encoding="utf-8")
    shutil.copyfile(REAL_FONT, frontend / "static" / "media" / REAL_FONT.name)
    app_static = tmp_path_factory.mktemp("app_static")
    (app_static / "map-shapes.json").write_text('{"P": [["01001", [[[-86.9, 32.6]]]]]}' * 100, encoding="utf-8")
    out = tmp_path_factory.mktemp("public") / "public"
    static_files.build(out, frontend=frontend, app_static=app_static)
    return out


def test_every_text_file_has_brotli_and_gzip_copies_of_the_same_bytes(written: Path) -> None:
    for relative in ("static/js/index.abc.js", "app/static/map-shapes.json"):
        original = (written / relative).read_bytes()
        assert brotli.decompress((written / (relative + ".br")).read_bytes()) == original
        assert gzip.decompress((written / (relative + ".gz")).read_bytes()) == original
    assert not list(written.rglob("*.woff2.br")), "woff2 is compressed already"


def test_icon_font_keeps_the_named_icons_and_the_letters(written: Path) -> None:
    cut = next(written.rglob("MaterialSymbols-*.woff2"))
    assert REAL_FONT is not None and cut.name == REAL_FONT.name, "the name the frontend's CSS asks for"
    kept = static_files._ligatures(TTFont(cut))
    assert {"keyboard_arrow_right", "more_vert"} <= set(kept)
    assert "delete" in static_files._ligatures(TTFont(REAL_FONT)) and "delete" not in kept
    assert {ord(c) for c in "abcxyz_019"} <= set(TTFont(cut).getBestCmap())
    assert cut.stat().st_size < REAL_FONT.stat().st_size / 10


def test_the_cut_font_draws_a_kept_icon_and_spells_out_a_dropped_one(written: Path, page) -> None:
    cut = next(written.rglob("MaterialSymbols-*.woff2"))
    html = written / "icons.html"
    html.write_text(f"""<style>@font-face {{font-family: Icons; src: url('{cut.as_uri()}');}}
        span {{font-family: Icons; font-size: 20px; white-space: nowrap}}</style>
        <span id=kept>keyboard_arrow_right</span><br><span id=dropped>delete_forever</span>""", encoding="utf-8")
    page.goto(html.as_uri())
    page.evaluate("document.fonts.ready")
    page.wait_for_function("document.fonts.check('20px Icons')")
    kept = page.evaluate("document.getElementById('kept').getBoundingClientRect().width")
    dropped = page.evaluate("document.getElementById('dropped').getBoundingClientRect().width")
    assert kept <= 30, f"keyboard_arrow_right drew {kept}px wide: the ligature to its icon is gone"
    assert dropped > 100, f"delete_forever drew {dropped}px wide: a dropped icon should read as its name"
