"""requirements.lock is what `python -m deploy.lock` writes from this environment: every package the
requirements pull in, at the installed version (a stale lock, or a requirement added without `make lock`, fails)."""

from __future__ import annotations

from deploy import lock


def test_the_lock_matches_the_installed_requirements() -> None:
    expected = lock.render(lock.closure(lock.named(lock.REQUIREMENTS)))
    assert lock.LOCK.read_text(encoding="utf-8") == expected, "requirements.lock is stale: run `make lock`"


def test_the_lock_holds_the_pinned_packages_and_what_they_pull_in() -> None:
    pinned = {str(r.name).lower() for r in lock.named(lock.REQUIREMENTS)}
    locked = {line.split("==")[0] for line in lock.LOCK.read_text().splitlines() if "==" in line}
    assert pinned <= locked
    assert {"altair", "protobuf", "packaging"} <= locked  # streamlit's own requirements, not named by us
