"""Scale-out on an existing engine: app replicas behind Debian's nginx with sticky sessions, on loopback.

A Streamlit session lives in one server process (its widgets, its script thread, the files it offers
for download), so every request of one browser must reach the same replica: nginx hashes a cookie it
sets on the first response (`hash $pad_route consistent`, open-source nginx has no `sticky`), and the
websocket upgrade carries the cookie. The same rules are in deploy/nginx.conf for real traffic.

Measured: steps per second for the same crowd of simulated users (bench/load.py) through nginx to 1
replica and to 2 (and more when the machine has the cores), every replica warmed first; that every
user's page requests and websocket stayed on one replica (nginx's access log); and that a warehouse
publish (`python -m etl build` over the served file, one atomic rename) reaches every replica: each
replica renders the same county page before and after, and the page changes on all of them.

nginx is installed with apt-get when missing and we are root; otherwise this part is skipped and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

import psutil

from bench.common import (
    APP,
    PYTHON,
    WORK_DIR,
    Server,
    free_port,
    healthy,
    log,
    quick,
    rounded,
    stop_group,
    tree_cpu_seconds,
    write_result,
)
from bench.load import SERVER_ENV, SERVER_OPTIONS, Target, run_level, targets
from bench.protocol import Session

COOKIE = "pad_route"
ITERATIONS = 10  # scenarios per user: runs of 10-20 s, so connecting the crowd is not most of the run
NGINX_TEMPLATE = """
{modules}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    log_format pad '$cookie_{cookie} $upstream_addr "$request" $status $bytes_sent';
    access_log {work}/nginx-access.log pad;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
{common}
    upstream streamlit {{
        hash $pad_route consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://streamlit;
{proxy}
            add_header X-Pad-Upstream $upstream_addr always;
        }}
        location @app {{
            proxy_pass http://streamlit;
{proxy}
        }}
{static}
    }}
}}
"""
# Shared with deploy/nginx.conf (kept in step by hand).
COMMON = """
    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_types application/javascript text/css application/json application/geo+json text/plain image/svg+xml;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    # Sticky sessions: the first response sets a random route cookie; every later request (pages,
    # static files, the websocket upgrade) carries it and is hashed to the same replica.
    map $cookie_pad_route $pad_route { "" $request_id; default $cookie_pad_route; }
    map $cookie_pad_route $pad_route_cookie { "" "pad_route=$request_id; Path=/; HttpOnly; SameSite=Lax"; default ""; }
"""
# Shared with deploy/nginx.conf: the files deploy/static_files.py wrote, sent from disk, precompressed (the types
# are Debian's /etc/nginx/mime.types, which deploy/nginx.conf gets from the http block it is included in).
STATIC = """
        types {{ text/html html; text/css css; application/javascript js mjs; application/json json;
                 font/woff2 woff2; font/ttf ttf; image/png png; image/svg+xml svg; image/x-icon ico; }}
        location /static/ {{
            root {root};
            {brotli}
            gzip_static on;
            gzip_vary on;
            add_header Cache-Control "public, max-age=31536000, immutable";
            try_files $uri @app;
        }}
        location /app/static/ {{
            root {root};
            {brotli}
            gzip_static on;
            gzip_vary on;
            add_header Cache-Control "public, max-age=86400";
            try_files $uri @app;
        }}
"""
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
BROTLI_PACKAGE = "libnginx-mod-http-brotli-static"
PROXY = """
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1h;
            proxy_buffering off;
            add_header Set-Cookie $pad_route_cookie;
"""


def find_nginx() -> tuple[str | None, str]:
    """nginx's path, installing Debian's package when missing and allowed; else None and why."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if Path(p).exists()), None)
    missing = ([] if found else ["nginx"]) + ([] if BROTLI_MODULE.exists() else [BROTLI_PACKAGE])
    if not missing:
        return found, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        if found:  # served without brotli: gzip only, said in the wire results
            return found, ""
        return None, f"nginx is not installed (install Debian's packages: sudo apt-get install nginx {BROTLI_PACKAGE})"
    log(f"scale: installing {' '.join(missing)} (apt-get install)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600, check=False)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        return None, f"apt-get install nginx failed: {done.stderr[-300:]}"
    return found, ""


class Nginx:
    """A private nginx (own config, pid, logs and temp dirs under the work dir) in front of the replicas."""

    def __init__(self, binary: str, ports: list[int], work: Path, public: Path | None = None):
        """public: a folder deploy/static_files.py wrote, served from disk as deploy/nginx.conf does."""
        self.binary, self.ports, self.work, self.public = binary, ports, work, public
        self.brotli = public is not None and BROTLI_MODULE.exists()
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in self.ports)
        static = "" if self.public is None else STATIC.format(
            root=self.public, brotli="brotli_static on;" if self.brotli else "")
        modules = f"load_module {BROTLI_MODULE};" if self.brotli else ""
        return NGINX_TEMPLATE.format(work=self.work, cookie=COOKIE, common=COMMON, servers=servers, port=self.port,
                                     proxy=PROXY, static=static, modules=modules)

    def start(self) -> Nginx:
        if self.work.exists():
            shutil.rmtree(self.work)
        self.work.mkdir(parents=True)
        conf = self.work / "nginx.conf"
        conf.write_text(self.config(), encoding="utf-8")
        check = subprocess.run([self.binary, "-t", "-c", str(conf), "-p", str(self.work)], capture_output=True,
                               text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejected its configuration: {check.stderr[-500:]}")
        self.proc = subprocess.Popen([self.binary, "-c", str(conf), "-p", str(self.work)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if healthy(self.url):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("nginx did not answer in 30 s")

    def stop(self) -> None:
        if self.proc:
            stop_group(self.proc, timeout=10)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def cookie(self, _user: int) -> str:
        """What a browser does first: load the page, keep the route cookie nginx sets."""
        with urllib.request.urlopen(self.url + "/", timeout=30) as response:
            for header, value in response.headers.items():
                if header.lower() == "set-cookie" and value.startswith(COOKIE + "="):
                    return value.split(";", 1)[0]
        raise RuntimeError("nginx set no route cookie")

    def bytes_sent(self) -> int:
        """Everything nginx sent to clients (responses and websocket frames, as logged when each closed)."""
        log_path = self.work / "nginx-access.log"
        total = 0
        if log_path.exists():
            for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
                last = line.rsplit(" ", 1)[-1]
                total += int(last) if last.isdigit() else 0
        return total

    def stickiness(self) -> dict[str, Any]:
        """From the access log: did every route cookie stay on one replica (pages and websocket alike)?"""
        log_path = self.work / "nginx-access.log"
        routes: dict[str, set[str]] = defaultdict(set)
        sockets = 0
        if log_path.exists():
            for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split(" ", 2)
                if len(parts) < 3 or parts[0] in ("-", ""):
                    continue
                routes[parts[0]].add(parts[1])
                sockets += "/_stcore/stream" in parts[2]
        replicas_used = {u for ups in routes.values() for u in ups}
        return {"routes": len(routes), "websocket_requests": sockets,
                "routes_on_one_replica": sum(1 for ups in routes.values() if len(ups) == 1),
                "replicas_used": len(replicas_used)}


async def _digest(url: str, target: Target) -> str:
    async with Session(url, timeout=180) as session:
        step = await session.open_page("county", f"fips={target.fips}", name="county")
        if step.errors:
            raise RuntimeError(f"county page failed on {url}: {step.errors[:2]}")
        return step.text_digest


def digest(url: str, target: Target) -> str:
    import asyncio

    return asyncio.run(_digest(url, target))


def publish_reaches_all(replicas: list[Server], served: Path, target: Target) -> dict[str, Any]:
    """Build a different demo warehouse over the served file; every replica must show the change."""
    before = [digest(r.url, target) for r in replicas]
    raw = WORK_DIR / "raw-publish"
    shutil.rmtree(raw, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "etl", "demo", "--cases", "200000", "--seed", "8", "--out-dir", str(raw / "demo")],
                   check=True, capture_output=True)
    built = subprocess.run([PYTHON, "-m", "etl", "build", "--demo", "--raw-dir", str(raw), "--out", str(served),
                            "--no-progress"], capture_output=True, text=True, check=False)
    published = time.monotonic()
    if built.returncode != 0:
        raise RuntimeError(f"publish build failed: {built.stderr[-500:]}")
    after: list[str | None] = [None] * len(replicas)
    reached: list[float | None] = [None] * len(replicas)
    deadline = published + 120
    while time.monotonic() < deadline and None in reached:
        for i, replica in enumerate(replicas):
            if reached[i] is None:
                after[i] = digest(replica.url, target)
                if after[i] != before[i]:
                    reached[i] = time.monotonic() - published
        time.sleep(0.5)
    shutil.rmtree(raw, ignore_errors=True)
    return {"same_page_on_every_replica_before": len(set(before)) == 1,
            "same_page_on_every_replica_after": len(set(after)) == 1,
            "changed_on_every_replica": all(r is not None for r in reached),
            "seconds_until_seen": [rounded(r, 2) for r in reached]}


def cpu_seconds(replicas: list[Server], proxy: Nginx) -> dict[str, float]:
    """CPU spent so far by each part of the run, to tell a saturated machine from a replica that cannot scale."""
    machine = psutil.cpu_times()
    return {"replicas": sum(tree_cpu_seconds(r.proc.pid) for r in replicas if r.proc),
            "nginx": tree_cpu_seconds(proxy.proc.pid) if proxy.proc else 0.0,
            "load_generator": time.process_time(),
            "machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)}


def cores_busy(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    return {part: rounded((after[part] - before[part]) / seconds, 2) for part in after} if seconds else {}


def run(warehouse: Path) -> dict[str, Any]:
    binary, why = find_nginx()
    if binary is None:
        log(f"scale: skipped: {why}")
        result = {"skipped": why}
        write_result("scale", result)
        return result
    cpus = os.cpu_count() or 1
    counts = [1, 2] + ([4] if cpus >= 4 and not quick() else [])
    users = 10 if quick() else 30
    chosen = targets(warehouse)
    served_dir = WORK_DIR / "scale"
    served_dir.mkdir(parents=True, exist_ok=True)
    served = served_dir / "warehouse.duckdb"
    shutil.copyfile(warehouse, served)
    env = {"PAD_WAREHOUSE": str(served), **SERVER_ENV}
    result: dict[str, Any] = {"nginx": subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.strip(),
                              "users": users, "replica_counts": counts, "runs": []}
    for count in counts:
        replicas = [Server(APP, free_port(), env=env, options=SERVER_OPTIONS) for _ in range(count)]
        try:
            for replica in replicas:
                replica.start()
            for replica in replicas:  # warm each replica's caches: steady state, not first visits
                # every target the crowd will open: one user alone opens only the first, and the others'
                # first visits, on every replica, would be most of a short run's work
                run_level(replica.url, len(chosen), chosen, iterations=1)
            with Nginx(binary, [r.port for r in replicas], served_dir / f"nginx-{count}") as proxy:
                log(f"scale: {users} users through nginx to {count} replica(s)")
                before = cpu_seconds(replicas, proxy)
                level = run_level(proxy.url, users, chosen, iterations=ITERATIONS, cookies=proxy.cookie)
                busy = cores_busy(before, cpu_seconds(replicas, proxy), level["seconds"])
                sticky = proxy.stickiness()
            entry = {"replicas": count, "steps_per_second": level["steps_per_second"], "p95_all": level["p95_all"],
                     "seconds": level["seconds"], "cores_busy": busy, "errors": level["errors"],
                     "error_samples": level["error_samples"], "stickiness": sticky}
            if count == counts[-1]:
                log(f"scale: publishing a new warehouse under {count} replicas")
                entry["publish"] = publish_reaches_all(replicas, served, chosen[0])
            result["runs"].append(entry)
        finally:
            for replica in replicas:
                replica.stop()
    base = result["runs"][0]["steps_per_second"] or 0
    result["speedup"] = {str(r["replicas"]): rounded(r["steps_per_second"] / base, 2) if base else None
                         for r in result["runs"]}
    result["goals"] = {"throughput_grows_with_replicas": True, "publish_reaches_all_replicas": True,
                       "sticky_sessions": True}
    path = write_result("scale", result)
    log(f"scale: speedup {result['speedup']}; results in {path}")
    return result


if __name__ == "__main__":
    from bench import etl

    run(Path(os.environ.get("PAD_WAREHOUSE") or etl.app_warehouse()))
