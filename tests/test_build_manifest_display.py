"""Reproducible builds, as a reader sees them: the methods page shows the warehouse's build manifest (the content
checksum over every table, the code version, the build date) and the checksum of every input file, and what it
shows is what the warehouse holds: the content checksum recomputed from the tables themselves, each file's
checksum equal to the manifest's. (That the same inputs give the same checksum is tests/test_build.py's.)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from etl.checks import content_checksums
from tests.dashboard.apptest_pages import open_page
from tests.figures import record


def manifest(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        recomputed = content_checksums(con)
    info["recomputed"] = hashlib.sha256(json.dumps(recomputed, sort_keys=True).encode()).hexdigest()
    info["recomputed_tables"] = json.dumps(recomputed, sort_keys=True)
    return info


@pytest.mark.parametrize("kind", ["demo", "real"])
def test_the_methods_page_shows_the_build_manifest_of_the_warehouse(kind: str, request: pytest.FixtureRequest,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = request.getfixturevalue(f"{kind}_warehouse")
    monkeypatch.setenv("PAD_WAREHOUSE", str(path))
    info = manifest(path)
    assert info["recomputed"] == info["content_sha256"], "the stored checksum is not the tables' checksum"
    assert info["recomputed_tables"] == info["table_checksums"]
    inputs = json.loads(info["input_checksums"])
    assert inputs and all(len(v) == 64 for v in inputs.values())

    at = open_page("methods")
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert f"**Content checksum (SHA-256):** `{info['content_sha256']}`" in text
    assert f"**Code version:** `{info['code_version']}`" in text
    assert info["built_at"] in text.replace("\\", "")
    assert f"**Small-number threshold:** {info['suppression_threshold']}" in text
    shown: list[str] = []
    for table in at.dataframe:
        frame = table.value
        if {"file", "sha256"} <= set(frame.columns):
            shown += list(frame["sha256"])
    assert sorted(shown) == sorted(inputs.values()), "every input file's checksum, and only those"
    record("build_manifest", kind, {"input_files_shown": len(shown), "content_sha256": info["content_sha256"],
                                    "code_version": info["code_version"]})
