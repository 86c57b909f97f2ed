"""`python -m deploy.lock`: write requirements.lock, every package the requirements pull in at the exact version
installed in this environment.

The requirements files pin what the project names; the lock pins what those packages pull in as well, so a fresh
`make venv` (which installs with `-c requirements.lock`) gets the set the tests last ran with, not whatever the
registry has newest that day. Only what the requirements need is written (followed through each package's own
requirements, with their environment markers), so a tool installed by hand in the environment stays out.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parents[1]
REQUIREMENTS = PROJECT / "requirements-dev.txt"
LOCK = PROJECT / "requirements.lock"


def named(path: Path) -> list[Requirement]:
    """The requirements a file lists, following `-r other.txt` lines."""
    found: list[Requirement] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r"):
            found += named(path.parent / line[2:].strip())
        elif line:
            found.append(Requirement(line))
    return found


def closure(requirements: list[Requirement]) -> dict[str, str]:
    """Canonical name -> installed version of every requirement and everything it needs, here."""
    versions: dict[str, str] = {}
    todo = [(r, frozenset(r.extras)) for r in requirements]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, extras = todo.pop()
        name = canonicalize_name(requirement.name)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{requirement.name} is required but not installed: run `make venv` first")
        versions[name] = dist.version
        for text in dist.requires or []:
            needed = Requirement(text)
            markers = [{"extra": e} for e in extras] or [{"extra": ""}]
            if needed.marker is None or any(needed.marker.evaluate(m) for m in markers):
                todo.append((needed, frozenset(needed.extras)))
    return versions


def render(versions: dict[str, str]) -> str:
    header = ("# Every package requirements-dev.txt pulls in, at the version the tests ran with.\n"
              "# Written by `make lock` (python -m deploy.lock) from the installed environment; do not edit.\n")
    return header + "".join(f"{name}=={version}\n" for name, version in sorted(versions.items()))


def main() -> None:
    LOCK.write_text(render(closure(named(REQUIREMENTS))), encoding="utf-8")
    print(f"{LOCK.name}: {sum(1 for line in LOCK.read_text().splitlines() if re.match(r'[a-z0-9]', line))} packages")


if __name__ == "__main__":
    main()
