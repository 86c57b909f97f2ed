"""Page latency under load: simulated users speaking Streamlit's websocket protocol to a real server.

Each user is one browser tab (bench/protocol.py): it opens the map, then a county page, then that
county's current prosecutor, changes the measure and then the breakdown on the prosecutor page, as a
person does with the widgets. Each step is timed from the request to the server's `script_finished`.
Users start together (a story links a page and the crowd arrives at once) and pick their county
round-robin from the counties with the most cases, so a crowd shares a few pages, as on election night.

Levels: 1, 10 and 50 concurrent users (BENCH_QUICK: 1, 5, 10). Before the levels, one user visits every
target once ("first visit": empty caches, reported apart); the server's memory after that visit, with
every session closed, is the baseline. For each level: p50 and p95 per step, errors, steps per second,
the server's memory with the sessions open (per session), and again after they closed and
`server.disconnectedSessionTTL` (shortened to 5 s here) has passed.

The floor: bench/floor_app.py replays the exact messages the real app sent for each step (recorded
at one user) from precomputed data, so its time is what Streamlit itself needs to run a script and
ship those elements. Goal: each step within 1.5x of its floor at one user; p95 under 1 s at 50 users;
zero errors; memory back to baseline after the sessions close.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bench.common import APP, FLOOR_APP, WORK_DIR, Server, free_port, log, percentile, quick, rounded, write_result
from bench.protocol import ProtocolError, Session, Step

STEPS = ("map", "county", "prosecutor", "metric", "breakdown")
LEVELS = (1, 10, 50)
QUICK_LEVELS = (1, 5, 10)
TARGETS = 10
SESSION_TTL = 5
# One user repeats the scenario this often: the p50 each page is judged by is then of 10 warm reruns, not 3.
ONE_USER_ITERATIONS = 10
STEP_TIMEOUT = 180
SERVER_OPTIONS = {"server.disconnectedSessionTTL": str(SESSION_TTL)}
# The app servers run as deploy/Containerfile runs them: glibc keeps one malloc arena per thread otherwise
# (every session's script runs in a thread), which holds memory closed sessions freed.
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}


@dataclass(frozen=True)
class Target:
    fips: str
    prosecutor_id: str


def targets(warehouse: Path, count: int = TARGETS) -> list[Target]:
    """The counties with the most published cases, busiest first, each with its latest prosecutor whose term has
    published values (a prosecutor page without any shows no measure to change). Read from the public warehouse the
    app serves: the sum of the shown yearly denominators, a ranking, not a case count."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("""
            SELECT oc.fips, arg_max(t.prosecutor_id, t.start_date) AS prosecutor_id
            FROM office_county oc
            JOIN term t ON t.office_id = oc.office_id
             AND t.term_id IN (SELECT scope_id FROM metric_value WHERE scope = 'term' AND NOT suppressed)
            JOIN (SELECT scope_id AS fips, sum(denominator) AS n FROM metric_value
                  WHERE scope = 'county' AND period_grain = 'year' AND dimension = 'all' AND NOT suppressed
                  GROUP BY scope_id) c ON c.fips = oc.fips
            GROUP BY oc.fips, c.n ORDER BY c.n DESC, oc.fips LIMIT ?""", [count]).fetchall()
    finally:
        con.close()
    return [Target(f, p) for f, p in rows]


def _next_option(options: list[str], current: str | None) -> str | None:
    others = [o for o in options if o != current]
    return others[0] if others else None


async def scenario(session: Session, target: Target, floor: bool = False) -> list[Step]:
    """map -> county -> prosecutor -> change measure -> change breakdown; one Step each."""
    if floor:  # the floor app renders whatever step its query string names
        steps = [await session.open_page("", "step=map", name="map")]
        for name in STEPS[1:]:
            steps.append(await session.rerun(f"step={name}", name))
        return steps
    steps = [await session.open_page("", "", name="map"),
             await session.open_page("county", f"fips={target.fips}", name="county"),
             await session.open_page("prosecutor", f"prosecutor={target.prosecutor_id}", name="prosecutor")]
    for name, label in (("metric", "Measure"), ("breakdown", "Break down by")):
        widget = session.find_widget(label)
        value = _next_option(widget.options, widget.value) if widget else None
        if widget is None or value is None:
            step = Step(name=name, seconds=0.0, errors=[f"no '{label}' choice on the prosecutor page"])
        else:
            step = await session.set_widget(widget, value, name=name)
        steps.append(step)
    return steps


def steps_done(steps: list[Step], iterations: int) -> bool:
    return len(steps) >= iterations * len(STEPS)


@dataclass
class UserResult:
    steps: list[Step]
    errors: list[str]
    session: Session | None = None


class _Gate:
    """Users that finished their steps wait here, tabs open, until the server's memory has been read."""

    def __init__(self) -> None:
        self.ready = 0
        self.event = asyncio.Event()


async def _user(base_url: str, target: Target, iterations: int, floor: bool, record: bool,
                cookie: str | None, gate: _Gate | None) -> UserResult:
    steps: list[Step] = []
    errors: list[str] = []
    session = Session(base_url, cookie=cookie, timeout=STEP_TIMEOUT, record=record)
    try:
        await session.open()
        for _ in range(iterations):
            steps.extend(await scenario(session, target, floor))
        if gate is not None:
            gate.ready += 1
            await gate.event.wait()
    except (ProtocolError, OSError, TimeoutError) as error:
        errors.append(f"{type(error).__name__}: {error}")
    except Exception as error:  # noqa: BLE001 - a broken session is an error to count, not a crash
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        if gate is not None and not gate.event.is_set() and not steps_done(steps, iterations):
            gate.ready += 1  # failed early: do not keep the others waiting
        await session.close()
    return UserResult(steps, errors, session)


async def _crowd(base_url: str, users: int, chosen: list[Target], iterations: int, floor: bool, record: bool,
                 cookies: Callable[[int], str | None] | None, on_open: Callable[[], Any] | None
                 ) -> tuple[list[UserResult], float, Any]:
    gate = _Gate() if on_open else None
    started = time.perf_counter()
    tasks = [asyncio.create_task(_user(base_url, chosen[i % len(chosen)], iterations, floor, record,
                                       cookies(i) if cookies else None, gate)) for i in range(users)]
    measured = None
    if gate is not None:
        while gate.ready < users and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        measured = on_open()
        gate.event.set()
    results = await asyncio.gather(*tasks)
    if gate is None:
        elapsed = time.perf_counter() - started
    return list(results), elapsed, measured


def run_level(base_url: str, users: int, chosen: list[Target], *, iterations: int = 1, floor: bool = False,
              record: bool = False, cookies: Callable[[int], str | None] | None = None,
              on_open: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Run `users` simulated users at once; per-step latency percentiles, errors and throughput."""
    results, elapsed, measured = asyncio.run(_crowd(base_url, users, chosen, iterations, floor, record, cookies,
                                                    on_open))
    by_step: dict[str, list[Step]] = {}
    errors: list[str] = []
    for result in results:
        errors.extend(result.errors)
        for step in result.steps:
            by_step.setdefault(step.name, []).append(step)
            errors.extend(f"{step.name}: {e}" for e in step.errors)
    steps = {}
    for name, items in by_step.items():
        seconds = [s.seconds for s in items if not s.errors]
        steps[name] = {"n": len(items), "p50": rounded(percentile(seconds, 50)),
                       "p95": rounded(percentile(seconds, 95)),
                       "max": rounded(max(seconds) if seconds else None),
                       "kb_p50": rounded((percentile([s.bytes for s in items], 50) or 0) / 1024, 1),
                       "elements": dict(items[0].elements)}
    done = sum(len(r.steps) for r in results)
    all_seconds = [s.seconds for r in results for s in r.steps if not s.errors]
    return {"users": users, "iterations": iterations, "seconds": rounded(elapsed, 2), "steps_done": done,
            "steps_per_second": rounded(done / elapsed if elapsed else 0, 2), "errors": len(errors),
            "error_samples": errors[:10], "p95_all": rounded(percentile(all_seconds, 95)), "steps": steps,
            "measured_while_open": measured, "_results": results}


def _strip(level: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in level.items() if not k.startswith("_")}


def record_trace(results: list[UserResult], path: Path) -> dict[str, int]:
    """The first user's messages per step, for the floor app to replay."""
    trace: dict[str, list[bytes]] = {}
    for step in results[0].steps:
        trace.setdefault(step.name, step.deltas)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(trace))
    return {name: len(deltas) for name, deltas in trace.items()}


def _memory(server: Server) -> int:
    """The server's memory: the lowest of a few samples."""
    samples = []
    for _ in range(5):
        samples.append(server.rss())
        time.sleep(0.5)
    return min(samples)


async def _next_visitor(base_url: str) -> None:
    async with Session(base_url, timeout=STEP_TIMEOUT) as session:
        await session.open_page("", "", name="map")


def _settle(server: Server, seconds: float) -> tuple[int, int]:
    """The server's memory once closed sessions have expired: as they left it, and after the next visitor.

    Streamlit keeps a closed session for a reconnect (`server.disconnectedSessionTTL`) in a TTL cache that
    drops expired sessions only when it is next written, that is when another session closes. On a site
    with traffic that is at once; after a crowd and then silence, the crowd's sessions stay until the next
    visitor leaves. So both are read: the first shows what a burst leaves until then, the second whether
    the memory goes back once Streamlit has let the sessions go (the goal)."""
    time.sleep(seconds)
    held = _memory(server)
    asyncio.run(_next_visitor(server.url))
    time.sleep(seconds)
    asyncio.run(_next_visitor(server.url))  # its close drops the first visitor's expired session too
    gc.collect()
    return held, _memory(server)


def run(warehouse: Path) -> dict[str, Any]:
    levels = QUICK_LEVELS if quick() else LEVELS
    chosen = targets(warehouse)
    if not chosen:
        raise RuntimeError(f"no county with cases and a prosecutor in {warehouse}")
    env = {"PAD_WAREHOUSE": str(warehouse), **SERVER_ENV}
    trace = WORK_DIR / "floor_trace.pkl"
    result: dict[str, Any] = {"warehouse": str(warehouse), "targets": [t.__dict__ for t in chosen],
                              "goals": {"ratio_to_floor_max_at_1_user": 1.5, "p95_seconds_max_at_50_users": 1.0,
                                        "errors": 0, "memory_returns_to_baseline": True}}
    with Server(APP, free_port(), env=env, options=SERVER_OPTIONS) as server:
        result["server_rss_mb_idle"] = round(server.rss() / 2**20)
        log(f"load: first visit of {len(chosen)} targets by one user (empty caches)")
        first = run_level(server.url, 1, chosen, iterations=1)
        for target in chosen[1:]:
            more = run_level(server.url, 1, [target])
            first["errors"] += more["errors"]
        result["first_visit"] = _strip(first)
        _, baseline = _settle(server, SESSION_TTL + 3)
        result["server_rss_mb_baseline"] = round(baseline / 2**20)
        result["levels"] = []
        for users in levels:
            log(f"load: {users} concurrent user(s) on the app")
            iterations = ONE_USER_ITERATIONS if users == 1 else 1
            level = run_level(server.url, users, chosen, iterations=iterations, record=users == 1,
                              on_open=server.rss)
            if users == 1:
                result["floor_trace_steps"] = record_trace(level["_results"], trace)
            open_rss = level.pop("measured_while_open") or 0
            held, after = _settle(server, SESSION_TTL + 3)
            level.update({"server_rss_mb_open": round(open_rss / 2**20),
                          "server_mb_per_session": rounded((open_rss - baseline) / 2**20 / users, 2),
                          "server_mb_closed_until_next_visitor_vs_baseline": rounded((held - baseline) / 2**20, 1),
                          "server_rss_mb_after_close": round(after / 2**20),
                          "server_mb_after_close_vs_baseline": rounded((after - baseline) / 2**20, 1)})
            result["levels"].append(_strip(level))
            log(f"load: {users} users: p95 {level['p95_all']}s, errors {level['errors']}, "
                f"{level['steps_per_second']} steps/s")
    with Server(FLOOR_APP, free_port(), env={"BENCH_FLOOR_TRACE": str(trace)}, options=SERVER_OPTIONS) as floor:
        result["floor"] = []
        for users in (levels[0], levels[-1]):
            log(f"load: {users} concurrent user(s) on the floor app")
            run_level(floor.url, 1, chosen[:1], floor=True)  # warm the replay once
            iterations = ONE_USER_ITERATIONS if users == 1 else 1
            level = run_level(floor.url, users, chosen, iterations=iterations, floor=True)
            result["floor"].append(_strip(level))
    one = next(level for level in result["levels"] if level["users"] == 1)
    floor_one = result["floor"][0]
    result["ratio_to_floor_at_1_user"] = {
        name: rounded(one["steps"][name]["p50"] / floor_one["steps"][name]["p50"], 2)
        if one["steps"].get(name, {}).get("p50") and floor_one["steps"].get(name, {}).get("p50") else None
        for name in STEPS}
    top = result["levels"][-1]
    result["summary"] = {
        "worst_ratio_at_1_user": max((r for r in result["ratio_to_floor_at_1_user"].values() if r), default=None),
        "p95_at_most_users": top["p95_all"], "most_users": top["users"],
        "errors": sum(level["errors"] for level in result["levels"]) + result["first_visit"]["errors"],
        "mb_per_session_at_most_users": top["server_mb_per_session"],
        "mb_after_close_vs_baseline": max(level["server_mb_after_close_vs_baseline"] for level in result["levels"]),
        "mb_closed_until_next_visitor_vs_baseline": max(level["server_mb_closed_until_next_visitor_vs_baseline"]
                                                        for level in result["levels"]),
    }
    path = write_result("load", result)
    log(f"load: results in {path}")
    return result


if __name__ == "__main__":
    from bench import etl

    print(json.dumps(run(Path(os.environ.get("PAD_WAREHOUSE") or etl.app_warehouse()))["summary"], indent=2))
