"""Write the figures of the last test run into docs/RELIABILITY.md (between its `figures` markers), from the JSON
files the reliability tests leave in test-artifacts/. Run after `make test-all`:

    .venv/bin/python -m tests.reliability_report
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from etl.config import PROJECT

ARTIFACTS = PROJECT / "test-artifacts"
DOC = PROJECT / "docs" / "RELIABILITY.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def load(name: str) -> dict:
    path = ARTIFACTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def when(*entries: dict) -> str:
    stamps = sorted(e.get("at", "") for e in entries if isinstance(e, dict) and e.get("at"))
    return stamps[-1][:16].replace("T", " ") if stamps else "not run"


def modified(name: str) -> str:
    path = ARTIFACTS / f"{name}.json"
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M") if path.exists() else ""


def rows() -> list[tuple[str, str, str, str]]:
    out = []
    inputs = load("hostile_inputs").get("summary", {})
    cases = load("hostile_inputs").get("cases", {})
    if inputs:
        out.append(("Bad input files", "tests/test_hostile_inputs.py",
                    f"{inputs['cases_passed']}/{inputs['cases_in_corpus']} hostile files across "
                    f"{inputs['adapters_covered']} adapters end as stated ({inputs['source_errors']} clear errors, "
                    f"{inputs['row_cases']} with rejected rows); rows read {inputs['rows_read']} = loaded "
                    f"{inputs['rows_loaded']} + rejected {inputs['rows_rejected']}; CLI runs "
                    f"{inputs['cli_passed']}/{inputs['cli_runs']}", when(*cases.values())))
    crash = load("crash_safety")
    if crash:
        stages = ", ".join(f"{k} {v}" for k, v in sorted(crash.get("stages_hit", {}).items()))
        out.append(("Killed or full-disk builds", "tests/test_crash_safety.py",
                    f"{crash['kills']} SIGKILLs ({crash['kills_inside_build']} inside the build: {stages}) and a "
                    f"full disk (exit {crash['full_disk_exit']}): published warehouse intact and served every time",
                    modified("crash_safety")))
    publish = load("publish_while_serving")
    if publish:
        sessions = publish.get("sessions", {})
        fresh = sessions.get("fresh_load_shows_new_data")
        out.append(("Publish while serving", "tests/e2e/test_publish_while_serving.py",
                    f"{sessions.get('sessions', '?')} browser sessions, {sessions.get('interactions', '?')} measure "
                    f"changes ({sessions.get('interactions_during_build', '?')} during the build), "
                    f"{sessions.get('session_errors', '?')} errors; fresh load shows the new data: "
                    + ("yes" if fresh else "NO (the app serves the replaced file: dashboard/db.py)"), when(sessions)))
    links = load("hostile_links")
    if links:
        random = sum(v["links_tried"] for k, v in links.items() if "-corpus" not in k)
        corpus = sum(v["links_tried"] for k, v in links.items() if "-corpus" in k)
        pages = sorted({k.split("-")[0] for k in links})
        out.append(("Hostile links", "tests/test_hostile_links.py",
                    f"{random} random + {corpus} fixed-corpus links on {len(pages)} pages without an exception "
                    "(the test fails on the first), every dropped value named; SQL only from named files with "
                    "$parameters", when(*links.values())))
    data = load("hostile_data").get("browser")
    if data:
        out.append(("Hostile data in the browser", "tests/e2e/test_hostile_data.py",
                    f"{data['payloads']} payloads on {len(data['pages'])} pages, map tooltip, CSV and SVG/PNG: none "
                    "ran (the test fails on the first that does)", when(data)))
    audit = load("privacy_audit")
    for kind in ("demo", "real"):
        walk = audit.get(f"walk-{kind}")
        if walk:
            out.append((f"Privacy walk ({kind})", "tests/test_privacy_audit.py",
                        f"{walk['views']} page views of {walk['counties']} counties, {walk['downloads']} downloads, "
                        f"{walk['counts_checked']:,} counts and {walk['pairs_checked']:,} pairs checked: "
                        f"{walk['small_counts_shown']} small counts shown, {walk['cells_not_in_warehouse']} cells "
                        f"unlike the warehouse, {walk['rejected_rows_shown']} source rows shown; breakdowns "
                        f"revealing a small group by subtraction: {walk['breakdown_subtractions_revealing']}",
                        when(walk)))
        checks = {k.split(f"warehouse-{kind}-", 1)[1]: v for k, v in audit.items()
                  if k.startswith(f"warehouse-{kind}-")}
        if checks:
            cells = next(iter(checks.values()))["published_cells"]
            found = "; ".join(f"{name}: {v['problems']}" for name, v in checks.items())
            out.append((f"Privacy of the warehouse ({kind})", "tests/test_privacy_audit.py",
                        f"{cells:,} published cells; problems found: {found}", when(*checks.values())))
    manifest = load("build_manifest")
    for kind, entry in sorted(manifest.items()):
        out.append((f"Build manifest shown ({kind})", "tests/test_build_manifest_display.py",
                    f"content checksum {entry['content_sha256'][:12]}… recomputed from the tables; "
                    f"{entry['input_files_shown']} input file checksums on the methods page", when(entry)))
    return out


def table() -> str:
    lines = ["| Guarantee | Test | Last run | When (UTC) |", "|---|---|---|---|"]
    lines += [f"| {g} | `{t}` | {f} | {w} |" for g, t, f, w in rows()]
    return "\n".join(lines)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = f"{START}\n{table()}\n{END}"
    DOC.write_text(re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S),
                   encoding="utf-8")
    print(f"wrote the figures of {len(rows())} checks into {DOC.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
