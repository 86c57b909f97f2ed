"""What every benchmark shares: paths, results files, process-tree memory, free ports, Streamlit servers.

Every figure is written next to the limit it is judged against (a floor measured in the same run), so a
noisy shared machine moves both and the ratio still means something. The machine's load is recorded with
each result for the same reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from etl.config import PROJECT

PYTHON = sys.executable
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS", PROJECT / "test-artifacts" / "bench"))
WORK_DIR = Path(os.environ.get("BENCH_WORK", RESULTS_DIR / "work"))
APP = PROJECT / "dashboard" / "app.py"
MAKE_RUN_APP = PROJECT / "dashboard" / "server.py"  # app.py behind the precompressed static files (make run)
FLOOR_APP = PROJECT / "bench" / "floor_app.py"


def quick() -> bool:
    """BENCH_QUICK=1: smaller sizes and fewer users, for a quick look (not for the published table)."""
    return os.environ.get("BENCH_QUICK", "").lower() in ("1", "true", "yes")


def machine() -> dict[str, Any]:
    """What the numbers were measured on, including how busy the machine was."""
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_1m": round(load[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    data = {"benchmark": name, "quick": quick(), "machine": machine(), **data}
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
    return path


def read_result(name: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _tree_sum(pid: int, measure: Callable[[psutil.Process], float]) -> float:
    """A figure summed over a process and its live children (0 once it is gone)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += measure(proc)
    return total


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children, in bytes."""
    return int(_tree_sum(pid, lambda proc: proc.memory_info().rss))


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live children so far, in seconds."""
    return float(_tree_sum(pid, lambda proc: sum(proc.cpu_times()[:2])))


class PeakSampler:
    """Samples a process tree's resident memory every `interval` seconds in a thread; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Timed:
    seconds: float
    peak_rss: int
    returncode: int
    cpu_seconds: float
    stderr_tail: str = ""


def run_timed(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600,
              cwd: Path = PROJECT) -> Timed:
    """Run a command; wall time, peak RSS of its whole process tree, and its CPU time (user + system)."""
    started = time.perf_counter()
    before = os.times()
    with subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True) as proc, PeakSampler(proc.pid) as sampler:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Timed(seconds, sampler.peak, proc.returncode, cpu, (stderr or "")[-2000:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PortTaken(RuntimeError):
    """Another process took the free port between free_port() and the server's listen (machine shared)."""


@dataclass
class Server:
    """A `streamlit run` server on loopback, started and stopped by the benchmark (never anything else)."""

    script: Path
    port: int
    env: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90, attempts: int = 3) -> Server:
        """Start and wait until healthy; a port taken meanwhile by another process means a new free port."""
        for attempt in range(attempts):
            try:
                return self._start(timeout)
            except PortTaken:
                if attempt == attempts - 1:
                    raise
                self.port = free_port()
        return self

    def _start(self, timeout: float) -> Server:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = WORK_DIR / f"server-{self.script.stem}-{self.port}.log"
        args = [PYTHON, "-m", "streamlit", "run", str(self.script), "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                "--server.runOnSave", "false"]
        for key, value in self.options.items():
            args += [f"--{key}", value]
        handle = self.log_path.open("w")
        self.proc = subprocess.Popen(args, cwd=PROJECT, env={**os.environ, **self.env}, stdout=handle,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                handle.close()
                if f"Port {self.port} is not available" in self.log_path.read_text(errors="replace"):
                    raise PortTaken(f"port {self.port} was taken before streamlit could listen on it")
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log_path}")
            if healthy(self.url):
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} within {timeout}s; see {self.log_path}")

    def rss(self) -> int:
        return tree_rss(self.proc.pid) if self.proc else 0

    def stop(self) -> None:
        if self.proc is not None:
            stop_group(self.proc, timeout=15)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def healthy(url: str) -> bool:
    """Whether the Streamlit health endpoint at `url` (the app itself or a proxy in front of it) answers 200."""
    with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
        return response.status == 200
    return False


def stop_group(proc: subprocess.Popen, *, timeout: float) -> None:
    """End a process started in its own session, and only what it started: SIGTERM to its process group, SIGKILL
    if it has not exited within `timeout` seconds. Nothing to do if it already exited."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextlib.contextmanager
def servers(*items: Server) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for item in items:
            started.append(item.start())
        yield started
    finally:
        for item in started:
            item.stop()


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
