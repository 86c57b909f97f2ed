"""The files a browser fetches by URL, laid out for nginx to serve from disk: `python -m deploy.static_files OUT`.

Why not let nginx proxy them from Streamlit and gzip on the fly: the map's first load is over the 2 MB goal for
a phone on a slow network that way. Written once here, each text file gets a brotli (quality 11, or as asked)
and a gzip (level 9) copy beside it, which nginx's `brotli_static` and
`gzip_static` send to browsers that accept them; and the icon font Streamlit's frontend preloads on every
page, used or not (thousands of icons), keeps only the icons the frontend and the dashboard name
(about 90), plus the letters, so an icon named some other way still shows as its name, not a missing glyph.

OUT/static/      Streamlit's frontend (URL /static/..., content-hashed names)
OUT/app/static/  dashboard/static (URL /app/static/..., the map's county shapes)

deploy/nginx.conf serves both with `try_files ... @app`, so a file missing here still comes from the app.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import string
from pathlib import Path

import brotli
import streamlit
from fontTools import subset
from fontTools.ttLib import TTFont
from tqdm import tqdm

PROJECT = Path(__file__).resolve().parents[1]
FRONTEND = Path(streamlit.__file__).resolve().parent / "static"
APP_STATIC = PROJECT / "dashboard" / "static"
COMPRESSIBLE = {".js", ".css", ".json", ".html", ".svg", ".txt", ".map", ".ttf", ".geojson"}
ICON_FONT = re.compile(r"MaterialSymbols-[A-Za-z]+\.[A-Za-z0-9_-]+\.woff2$")
ICON_NAME = re.compile(rb":material/([a-z0-9_]+):")
# Brotli's densest setting, for deploy/: its copies are written once per release and sent to every visitor.
# `make run` asks for less (the Makefile's STATIC_OPTIONS), to be quick to write.
BROTLI_QUALITY = 11


def icon_names(frontend: Path) -> set[str]:
    """Every `:material/name:` the frontend's scripts and the dashboard's code mention."""
    names: set[str] = set()
    for path in [*frontend.rglob("*.js"), *(PROJECT / "dashboard").rglob("*.py")]:
        names.update(m.decode() for m in ICON_NAME.findall(path.read_bytes()))
    return names


def _ligatures(font: TTFont) -> dict[str, str]:
    """Icon name -> glyph, read from the font's ligature substitutions (the font draws `star` for "star")."""
    char_of = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    out: dict[str, str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligatures in getattr(table, "ligatures", {}).items():
                for ligature in ligatures:
                    parts = [first, *ligature.Component]
                    if all(p in char_of for p in parts):
                        out["".join(char_of[p] for p in parts)] = ligature.LigGlyph
    return out


def subset_icon_font(source: Path, target: Path, names: set[str]) -> int:
    """Write the font with only `names` (and the characters they are spelled with); return the icons kept."""
    font = TTFont(source)
    by_name = _ligatures(font)
    glyphs = {by_name[n] for n in names if n in by_name}
    options = subset.Options()
    options.layout_closure = False  # keep only the ligatures whose icon is kept
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(glyphs), text=string.ascii_lowercase + string.digits + "_")
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)
    return len(glyphs)


def compress_beside(path: Path, brotli_quality: int = BROTLI_QUALITY) -> None:
    """path.br and path.gz, when they are smaller than the file itself."""
    data = path.read_bytes()
    for suffix, packed in ((".br", brotli.compress(data, quality=brotli_quality)),
                           (".gz", gzip.compress(data, compresslevel=9, mtime=0))):
        if len(packed) < len(data):
            path.with_name(path.name + suffix).write_bytes(packed)


def build(out: Path, frontend: Path = FRONTEND, app_static: Path = APP_STATIC, *,
          brotli_quality: int = BROTLI_QUALITY, progress: bool = False) -> dict[str, int]:
    """Write the folder; with `progress`, a bar of the bytes compressed so far with an estimate of the time left."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(frontend / "static", out / "static")
    shutil.copytree(app_static, out / "app" / "static")
    kept = 0
    for font in (out / "static").rglob("*.woff2"):
        if ICON_FONT.search(font.name):
            kept = subset_icon_font(font, font, icon_names(frontend))
    files = [p for p in out.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE]
    with tqdm(total=sum(p.stat().st_size for p in files), desc="compressing static files", unit="B",
              unit_scale=True, disable=not progress, leave=False) as bar:
        for path in files:
            size = path.stat().st_size
            compress_beside(path, brotli_quality)
            bar.update(size)
    return {"files": sum(1 for p in out.rglob("*") if p.is_file()), "compressed": len(files), "icons_kept": kept}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.static_files", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--brotli-quality", type=int, default=BROTLI_QUALITY, choices=range(12), metavar="0-11",
                        help=f"brotli quality (default {BROTLI_QUALITY}, the smallest copies)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar with the time left")
    args = parser.parse_args(argv)
    summary = build(args.out, brotli_quality=args.brotli_quality, progress=args.progress)
    print(f"{args.out}: {summary['files']} files, {summary['compressed']} compressed, "
          f"{summary['icons_kept']} icons kept in the icon font")


if __name__ == "__main__":
    main()
