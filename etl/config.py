"""The source catalogue (`data/sources.toml`) and where things live on disk."""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from etl.sources.base import Adapter

PROJECT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT / "data"
RAW_DIR = DATA_DIR / "raw"
SOURCES_TOML = DATA_DIR / "sources.toml"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"
SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class SourceConfig:
    """One source as the catalogue declares it."""

    source_id: str
    title: str
    publisher: str
    url: str
    license: str
    adapter: str
    kind: str
    folder: str
    files: tuple[str, ...]
    location: str = "raw"  # raw: under the raw dir; project: shipped in this repository
    demo: bool = False
    redistributable: bool = True
    priority: int = 0  # when two sources cover the same county, stage and year, the higher one is counted
    download: dict[str, str] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    notes: str = ""

    def folder_path(self, raw_dir: Path) -> Path:
        return PROJECT / self.folder if self.location == "project" else raw_dir / self.folder

    def find_files(self, raw_dir: Path) -> list[Path]:
        """The files of this source present under raw_dir, in a stable order, without duplicates."""
        folder = self.folder_path(raw_dir)
        found: dict[Path, None] = {}
        for pattern in self.files:
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and not path.name.endswith(".part"):
                    found[path] = None
        return list(found)

    def load_adapter(self) -> Adapter:
        module_name, _, class_name = self.adapter.partition(":")
        module = importlib.import_module(module_name)
        adapter = getattr(module, class_name)()
        adapter.source_id = self.source_id  # one adapter class may serve several catalogue entries
        return adapter


def load_sources(path: Path = SOURCES_TOML) -> dict[str, SourceConfig]:
    with path.open("rb") as handle:
        catalogue = tomllib.load(handle)
    sources = {}
    for source_id, entry in catalogue.get("sources", {}).items():
        entry = dict(entry)
        entry["files"] = tuple(entry.get("files", ()))
        sources[source_id] = SourceConfig(source_id=source_id, **entry)
    return sources
