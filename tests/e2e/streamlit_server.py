"""What `make run` starts, `streamlit run dashboard/server.py`, on any warehouse (the harness's `server` fixture
serves the demo one): the hostile-data and publish-while-serving tests each start their own, on a free local port,
and stop it after. The precompressed static files are a test's choice (`public`): by default there are none, so
every file comes from Streamlit itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import PROJECT, SERVER_START_TIMEOUT, _free_port


@contextmanager
def streamlit_server(warehouse: Path, log: Path, public: Path | None = None) -> Iterator[str]:
    """Serve the app on `warehouse` (PAD_WAREHOUSE); yields the base URL; the server's output goes to `log`."""
    port = _free_port()
    env = {**os.environ, "PAD_WAREHOUSE": str(warehouse), "PAD_PUBLIC_DIR": str(public or log.parent / "no-public")}
    command = [sys.executable, "-m", "streamlit", "run", str(PROJECT / "dashboard" / "server.py"),
               "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start in {SERVER_START_TIMEOUT}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
