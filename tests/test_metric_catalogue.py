"""etl/metrics.toml is the one place a metric is declared: no code names a metric by its id, and every role a
metric plays is one the code reads."""

from __future__ import annotations

import re

from etl.config import PROJECT
from etl.metrics import load_definitions

CODE = [*PROJECT.glob("dashboard/**/*.py"), *PROJECT.glob("dashboard/queries/*.sql"), *PROJECT.glob("etl/*.py"),
        *PROJECT.glob("etl/sources/*.py"), *PROJECT.glob("etl/sql/**/*.sql")]


def test_no_code_names_a_metric_by_its_id() -> None:
    ids = "|".join(re.escape(d["metric_id"]) for d in load_definitions())
    quoted = re.compile(rf"""["']({ids})["']""")
    found = [f"{path.relative_to(PROJECT)}:{n}: {line.strip()}" for path in CODE
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if quoted.search(line)]
    assert not found, "declare what the code needs as a field of etl/metrics.toml (e.g. roles):\n" + "\n".join(found)


def test_every_declared_role_is_read_by_the_code() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in CODE)
    roles = {role for d in load_definitions() for role in d.get("roles", [])}
    unread = sorted(role for role in roles if f'"{role}"' not in text and f"'{role}'" not in text)
    assert not unread, f"roles no code reads (a typo in etl/metrics.toml?): {unread}"
