"""The source catalogue (`data/sources.toml`) and where things live on disk."""

from __future__ import annotations

import csv
import importlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from etl.sources.base import Adapter

PROJECT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT / "data"
RAW_DIR = DATA_DIR / "raw"
SOURCES_TOML = DATA_DIR / "sources.toml"
SOURCE_FOLDERS = DATA_DIR / "sources"  # one folder per declared source: source.toml + mapping CSVs
DECLARED_ADAPTER = "etl.sources.declared:DeclaredSource"

# What each source's counts are counts of, per stage: which population and which counting unit.
STAGE_DEFINITIONS = DATA_DIR / "stage_definitions.csv"
STAGE_DEFINITION_COLUMNS = ("source_id", "stage", "population", "unit", "description")
# When the owner published each source and when this project obtained it (not the files' timestamps).
SOURCE_DATES = DATA_DIR / "source_dates.csv"
SOURCE_DATE_COLUMNS = ("source_id", "published", "obtained", "citation")
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
    # the higher is counted where two sources cover one county, stage and year, and kept where two describe one office
    priority: int = 0
    download: dict[str, str] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    definition: str = ""  # the source folder (source.toml) a declared source is read by
    retrieved: str = ""  # when the publisher's file was retrieved, as the source folder states it
    unit: str = ""  # what one counted row is: case, charge, arraignment, person
    replaces: tuple[dict[str, str], ...] = ()  # sources this one replaces, each with a period range
    per_file: bool = False  # each file (or sub-folder) of `folder` is a source of its own: see split_per_file
    parent: str = ""  # the per_file source this one was split from

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
        if self.definition:
            adapter.definition_folder = Path(self.definition)
        return adapter


def load_sources(path: Path = SOURCES_TOML, folders: Iterable[Path] | None = None) -> dict[str, SourceConfig]:
    """The catalogue: data/sources.toml (adapters in Python) and every source folder under data/sources/."""
    with path.open("rb") as handle:
        catalogue = tomllib.load(handle)
    sources = {}
    for source_id, entry in catalogue.get("sources", {}).items():
        entry = dict(entry)
        entry["files"] = tuple(entry.get("files", ()))
        sources[source_id] = SourceConfig(source_id=source_id, **entry)
    if folders is None:
        folders = sorted(p.parent for p in SOURCE_FOLDERS.glob("*/source.toml"))
    for folder in folders:
        config = declared_config(folder)
        if config.source_id in sources:
            raise ValueError(f"source folder {folder}: id {config.source_id!r} is already in the catalogue")
        sources[config.source_id] = config
    return sources


# What a credit file beside a per-file source's file may say (anything else is a typo, named).
CREDIT_KEYS = ("title", "publisher", "url", "license", "retrieved", "notes", "unit", "priority", "replaces")


def split_per_file(catalogue: dict[str, SourceConfig], raw_dir: Path
                   ) -> tuple[dict[str, SourceConfig], dict[str, list[str]]]:
    """The catalogue with each `per_file` source split into one source per file, or per sub-folder, of its
    folder, and {split source: the ids it became}.

    Each file of hand-transcribed counts comes from its own publisher: `canonical/da_report.csv` becomes the
    source `canonical_counts_da_report`, credited by `canonical/da_report.toml` beside it (CREDIT_KEYS) and
    otherwise by the catalogue's own credit, its title naming the file. A sub-folder `canonical/pa/` is one
    source of all its files, credited by `canonical/pa.toml`. Separate sources are never added together: where
    two cover one county, stage and year, the build chooses one and says so (source_choice). A per_file source
    with no files stays as it is, so the build lists it as not built.
    """
    out: dict[str, SourceConfig] = {}
    split: dict[str, list[str]] = {}
    for source_id, config in catalogue.items():
        folder = config.folder_path(raw_dir)
        parts = _per_file_parts(config, folder) if config.per_file and folder.is_dir() else []
        if not parts:
            out[source_id] = config
            continue
        for name, files, credit_path in parts:
            child_id = f"{source_id}_{name}"
            if child_id in out or child_id in catalogue:
                raise ValueError(f"{folder}: two files or folders both give the source id {child_id!r}; rename one")
            credit = _read_credit(credit_path) if credit_path.exists() else {
                "title": f"{config.title}: {'/'.join(files)}"}
            out[child_id] = replace(config, source_id=child_id, files=files, per_file=False, parent=source_id,
                                    **credit)
            split.setdefault(source_id, []).append(child_id)
    return out, split


def _per_file_parts(config: SourceConfig, folder: Path) -> list[tuple[str, tuple[str, ...], Path]]:
    """(id suffix, file patterns under the folder, credit file) per file or sub-folder holding files."""
    parts = []
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            files = tuple(f"{path.name}/{pattern}" for pattern in config.files)
            if not any(p.is_file() for pattern in config.files for p in path.glob(pattern)):
                continue
            name = path.name
        elif path.is_file() and any(path.match(pattern) for pattern in config.files) \
                and not path.name.endswith(".part"):
            files, name = (path.name,), path.stem
        else:
            continue
        parts.append((re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"), files, folder / f"{name}.toml"))
    return parts


def _read_credit(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"credit file {path}: cannot read it ({error})") from error
    unknown = sorted(set(data) - set(CREDIT_KEYS))
    if unknown:
        raise ValueError(f"credit file {path}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(CREDIT_KEYS)})")
    missing = [k for k in ("title", "publisher", "url", "license") if not str(data.get(k, "")).strip()]
    if missing:
        raise ValueError(f"credit file {path}: no {', '.join(missing)} (each source names who published it)")
    for entry in data.get("replaces", ()):
        if not isinstance(entry, dict) or set(entry) != {"source", "from", "to"} or entry["from"] > entry["to"]:
            raise ValueError(f"credit file {path}: replaces entry {entry!r}: write {{ source = \"id\", from = 2016, "
                             "to = 2018 }")
    if not isinstance(data.get("priority", 0), int):
        raise ValueError(f"credit file {path}: priority must be a whole number")
    credit: dict[str, object] = {k: v for k, v in data.items() if k != "replaces"}
    credit["retrieved"] = str(data.get("retrieved", ""))
    credit["notes"] = str(data.get("notes", "")).strip()
    credit["replaces"] = tuple(data.get("replaces", ()))
    return credit


def declared_config(folder: Path) -> SourceConfig:
    """A source folder as a catalogue entry (its adapter is the declarative one)."""
    from etl.sources.declared import load_definition

    definition = load_definition(folder.resolve())
    meta = definition.meta
    return SourceConfig(
        source_id=definition.source_id, title=meta["title"], publisher=meta["publisher"], url=meta["url"],
        license=meta["license"], adapter=DECLARED_ADAPTER,
        kind=meta.get("kind", "detention" if definition.form == "detention" else "case"), folder=meta["folder"],
        files=tuple(meta["files"]), redistributable=meta.get("redistributable", True),
        priority=meta.get("priority", 0), notes=meta.get("notes", "").strip(), definition=str(folder.resolve()),
        retrieved=str(meta.get("retrieved", "")), unit=meta.get("unit", ""),
        replaces=tuple(meta.get("replaces", ())),
    )

def load_stage_definitions(path: Path = STAGE_DEFINITIONS) -> dict[str, list[dict[str, str]]]:
    """Each source's declared definition per stage, so that only values measured alike are compared.

    A row with a blank field is an error naming the file, line and column: a comparison resting on an
    undeclared definition would be silently wrong.
    """
    return _per_source_csv(path, STAGE_DEFINITION_COLUMNS, STAGE_DEFINITION_COLUMNS)


def load_source_dates(path: Path = SOURCE_DATES) -> dict[str, list[dict[str, str]]]:
    """When each source was published and obtained, as far as is known (blank: not known); the citation says
    where the dates come from."""
    return _per_source_csv(path, SOURCE_DATE_COLUMNS, ("source_id", "citation"))


def _per_source_csv(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path.name}, line 1: columns must be {', '.join(columns)}")
        for line, row in enumerate(reader, start=2):
            for column in required:
                if not (row.get(column) or "").strip():
                    raise ValueError(f"{path.name}, line {line}, column {column}: empty")
            out.setdefault(row["source_id"], []).append({k: (row[k] or "").strip() for k in columns})
    return out
