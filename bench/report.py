"""The results table in docs/PERFORMANCE.md: each goal beside its figure, from test-artifacts/bench/*.json.

Only the part between the `bench:begin` and `bench:end` markers is rewritten; the analysis around it
(causes, profiles, how each missed goal will be reached) is written by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.common import PROJECT, read_result

DOC = PROJECT / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        value = f"{value:,.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def _cores(run: dict[str, Any]) -> str:
    """How much CPU the replicas used: one Python process (one GIL) gets about one core at most."""
    busy = run.get("cores_busy") or {}
    if "replicas" not in busy:
        return ""
    return f", replicas on {_fmt(busy['replicas'])} of {_fmt(busy.get('machine'))} busy cores"


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def _result(name: str, out: list[tuple[str, str, str, str]]) -> dict[str, Any] | None:
    """A part's results, or None (with a row saying so) when that part failed."""
    data = read_result(name)
    if data and "failed" in data:
        out.append((f"`{name}` benchmark", "-", f"failed: {data['failed'][:160]}", "**failed**"))
        return None
    return data


def rows() -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    etl = _result("etl", out)
    if etl:
        for size in etl["sizes"]:
            built = size["build"]
            out.append((f"ETL {size['cases']:,} rows: build / DuckDB read floor", "<= 3x",
                        f"{_fmt(size['ratio'])}x ({_fmt(built['seconds'])} s / {_fmt(size['floor']['seconds'])} s; "
                        f"{_fmt(built['rows_per_second'])} rows/s; peak {_fmt(built['peak_rss_mb'])} MB)",
                        _mark(size["ratio"] <= 3)))
        exponent = etl.get("growth_exponent")
        out.append(("ETL build time growth (log-log slope over the sizes)", "<= 1 (linear)",
                    f"{_fmt(exponent)} (floor {_fmt(etl.get('floor_growth_exponent'))})",
                    _mark(exponent is not None and exponent <= 1.0)))
        largest = etl["sizes"][-1]
        out.append((f"ETL peak memory at {largest['cases']:,} rows (build process tree)", "< 2,048 MB",
                    f"{_fmt(largest['build']['peak_rss_mb'])} MB", _mark(largest["build"]["peak_rss_mb"] < 2048)))
        gen = min(s["generate"]["rows_per_second"] for s in etl["sizes"])
        out.append(("Demo generation (vectorised) not the bottleneck", "faster than the build",
                    f"{_fmt(gen)} rows/s (slowest size)",
                    _mark(all(s["generate"]["seconds"] < s["build"]["seconds"] for s in etl["sizes"]))))
    load = _result("load", out)
    if load:
        for step, ratio in load["ratio_to_floor_at_1_user"].items():
            one = next(level for level in load["levels"] if level["users"] == 1)["steps"].get(step, {})
            floor = load["floor"][0]["steps"].get(step, {})
            out.append((f"Page `{step}` at 1 user: p50 / framework floor", "<= 1.5x",
                        f"{_fmt(ratio)}x ({_fmt(one.get('p50'))} s / {_fmt(floor.get('p50'))} s)",
                        _mark(ratio is not None and ratio <= 1.5)))
        for level in load["levels"]:
            out.append((f"p95 of every step at {level['users']} users", "< 1 s at 50 users",
                        f"{_fmt(level['p95_all'])} s ({_fmt(level['steps_per_second'])} steps/s, "
                        f"{_fmt(level['server_mb_per_session'])} MB/session)",
                        _mark(level["p95_all"] is not None and level["p95_all"] < 1.0) if level["users"] >= 50
                        else "-"))
        top_floor = load["floor"][-1]
        out.append((f"Framework floor p95 at {top_floor['users']} users (same machine)", "(reference)",
                    f"{_fmt(top_floor['p95_all'])} s", "-"))
        summary = load["summary"]
        out.append(("Errors in all load runs", "0", _fmt(summary["errors"]), _mark(summary["errors"] == 0)))
        drift = summary["mb_after_close_vs_baseline"]
        held = summary.get("mb_closed_until_next_visitor_vs_baseline")
        out.append(("Server memory after sessions close, vs baseline (once Streamlit drops them)",
                    "back to baseline (< 50 MB drift)", f"{_fmt(drift)} MB", _mark(drift is not None and drift < 50)))
        if held is not None:
            out.append(("Server memory while closed sessions wait for the next visitor (Streamlit's TTL cache)",
                        "(reference)", f"{_fmt(held)} MB", "-"))
    wire = _result("wire", out)
    if wire and "skipped" not in wire:
        size = "kb_total_ws_deflated" if wire.get("websocket_compression") else "kb_total"
        first = wire["first_load"][size]
        who = "`make run` (dashboard/server.py: static files precompressed, websocket deflate)" \
            if wire.get("server") else "the app"
        out.append((f"Map first load, bytes on the wire (Chromium), {who}", "< 2,048 KB", f"{_fmt(first)} KB",
                    _mark(first < 2048)))
        change = max((c[size] for c in wire.get("metric_changes", [])), default=None)
        out.append(("Map change of measure, bytes on the wire", "< 300 KB", f"{_fmt(change)} KB",
                    _mark(change is not None and change < 300)))
        bare = wire.get("bare_streamlit")
        if bare:
            out.append(("Map first load from bare `streamlit run dashboard/app.py` (its frontend uncompressed)",
                        "(reference)", f"{_fmt(bare['first_load']['kb_total'])} KB", "-"))
        deployed = wire.get("deployed") or {}
        if "first_load" in deployed:
            first = deployed["first_load"]["kb_total_ws_deflated"]
            changes = [c["kb_total_ws_deflated"] for c in deployed.get("metric_changes", [])]
            static = deployed.get("static_files") or {}
            how = "static files precompressed" + (" (brotli)" if static.get("brotli") else " (gzip only)") \
                if static else "nginx gzip"
            out.append((f"Map first load via deploy/ ({how}, websocket deflate)", "< 2,048 KB",
                        f"{_fmt(first)} KB (nginx sent {_fmt(deployed.get('nginx_bytes_sent_kb'))} KB in all)",
                        _mark(first < 2048)))
            out.append(("Map change of measure via deploy/", "< 300 KB", f"{_fmt(max(changes, default=None))} KB",
                        _mark(bool(changes) and max(changes) < 300)))
        elif deployed:
            out.append(("Bytes via deploy/ (nginx)", "-", f"skipped: {deployed.get('skipped')}", "n/a"))
    elif wire:
        out.append(("Bytes on the wire", "-", f"skipped: {wire['skipped']}", "n/a"))
    scale = _result("scale", out)
    if scale and "skipped" not in scale:
        speed = ", ".join(f"{run['replicas']} replica(s): {_fmt(scale['speedup'][str(run['replicas'])])}x "
                          f"({_fmt(run['steps_per_second'])} steps/s{_cores(run)})" for run in scale["runs"])
        grows = all(v is not None for v in scale["speedup"].values()) and \
            list(scale["speedup"].values())[-1] > 1.0
        out.append((f"Throughput vs replicas behind nginx ({scale['users']} users)", "grows with replicas", speed,
                    _mark(grows)))
        last = scale["runs"][-1]
        sticky = last["stickiness"]
        out.append(("Sticky sessions (route cookie -> one replica)", "every route on one replica",
                    f"{sticky['routes_on_one_replica']}/{sticky['routes']} routes, {sticky['replicas_used']} replicas "
                    "used", _mark(sticky["routes"] > 0 and sticky["routes_on_one_replica"] == sticky["routes"])))
        publish = last.get("publish", {})
        seen = ", ".join(_fmt(s, " s") for s in publish.get("seconds_until_seen", []))
        out.append(("Warehouse publish reaches every replica", "all replicas", f"seen after {seen}",
                    _mark(publish.get("changed_on_every_replica") and publish.get("same_page_on_every_replica_after"))))
    elif scale:
        out.append(("Scale-out behind nginx", "-", f"skipped: {scale['skipped']}", "n/a"))
    return out


def table() -> str:
    lines = ["| measure | goal | figure (this run) | status |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows()]
    machines = [r["machine"] for r in (read_result(n) for n in ("etl", "load", "wire", "scale")) if r]
    if machines:
        m = machines[0]
        lines.append("")
        lines.append(f"Measured {m['at']} on {m['cpus']} CPUs, {m['memory_gb']} GB, load average "
                     f"{', '.join(_fmt(x['load_average_1m']) for x in machines)} at the start of each part"
                     + (" (BENCH_QUICK: smaller sizes, fewer users)" if any(
                         (read_result(n) or {}).get("quick") for n in ("etl", "load")) else "") + ".")
    return "\n".join(lines)


def update(doc: Path = DOC) -> Path:
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    new = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: f"{BEGIN}\n{table()}\n{END}", text,
                 flags=re.DOTALL)
    doc.write_text(new, encoding="utf-8")
    return doc


if __name__ == "__main__":
    print(table())
