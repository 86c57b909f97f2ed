"""The figures the reliability tests record for docs/RELIABILITY.md: one JSON file per test module in
test-artifacts/, merged under a file lock so parallel workers (pytest -n) do not overwrite each other; and
expensive scenarios run once per test run however many workers need them."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def record(name: str, key: str, figures: dict) -> None:
    """Set `key` of test-artifacts/<name>.json to these figures (with the time they were measured)."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.json"
    with open(ARTIFACTS / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = json.loads(target.read_text()) if target.exists() else {}
        current[key] = {**figures, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(current, indent=1, sort_keys=True, default=str))
        tmp.replace(target)


def once_per_run(name: str, compute: Callable[[], T], shared_dir: Path) -> T:
    """Compute an expensive result once per test run even when pytest-xdist spreads the tests that use it over
    several workers: the first worker computes and pickles it under `shared_dir` (the run's base temp directory),
    the others wait on a lock and read it. Without xdist it is simply computed."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return compute()
    target = shared_dir / f"{name}-{run}.pickle"
    with open(shared_dir / f"{name}-{run}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return pickle.loads(target.read_bytes())
        result = compute()
        target.write_bytes(pickle.dumps(result))
        return result
