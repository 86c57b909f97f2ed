"""etl.fetch against a local HTTP server on 127.0.0.1 (never a real outside host)."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from etl import fetch as fetch_module
from etl.fetch import CHECKSUM_MISMATCH, OFFLINE, OK, OTHER_ERROR, USER_AGENT, fetch, read_fetched

CONTENT = bytes((i * 7919 + i // 251) % 256 for i in range(300_000))  # 300 kB, not a repeating block
DIGEST = hashlib.sha256(CONTENT).hexdigest()


class Server:
    """Routes: /file (Range-aware), /flaky (500 once), /norange (ignores Range), /cut (drops the
    connection half way once), /missing (404). Every request's path and headers are recorded."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.failures_left = {"/flaky": 1, "/cut": 1}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                owner.requests.append((self.path, dict(self.headers.items())))
                if self.path == "/missing":
                    self.send_error(404, "Not Found")
                    return
                if self.path == "/flaky" and owner.failures_left["/flaky"] > 0:
                    owner.failures_left["/flaky"] -= 1
                    self.send_error(500, "Internal Server Error")
                    return
                body, start = CONTENT, 0
                ranged = self.headers.get("Range")
                if ranged and self.path != "/norange":
                    start = int(ranged.removeprefix("bytes=").split("-")[0])
                    body = CONTENT[start:]
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(CONTENT) - 1}/{len(CONTENT)}")
                else:
                    self.send_response(200)
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path == "/cut" and owner.failures_left["/cut"] > 0:
                    owner.failures_left["/cut"] -= 1
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture()
def server() -> Iterator[Server]:
    srv = Server()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


COMMON = ('title = "t"\npublisher = "p"\nurl = "https://example.org"\nlicense = "l"\n'
          'adapter = "etl.sources.canonical:CanonicalCounts"\nkind = "case"\n')


def write_sources(tmp_path: Path, url: str, sha256: str | None = None, name: str = "sample.csv") -> Path:
    pin = f'sha256 = {{ "{name}" = "{sha256}" }}\n' if sha256 else ""
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[sources.sample]\n{COMMON}folder = "sample"\nfiles = ["{name}"]\ndownload = {{ "{name}" = "{url}" }}\n{pin}'
        f'[sources.local]\n{COMMON}folder = "local"\nfiles = ["x.csv"]\n',
        encoding="utf-8",
    )
    return path


def run(tmp_path: Path, sources: Path, **kwargs: object) -> tuple[int, list[str]]:
    messages: list[str] = []
    options = {"sources_path": sources, "backoff": 0.01, "timeout": 5.0, "progress": False, "log": messages.append}
    options.update(kwargs)
    status = fetch(None, tmp_path / "raw", **options)  # type: ignore[arg-type]
    return status, messages


def test_download_verifies_records_and_skips_when_present(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/file"), DIGEST)
    status, messages = run(tmp_path, sources)
    target = tmp_path / "raw" / "sample" / "sample.csv"
    assert status == OK, messages
    assert target.read_bytes() == CONTENT
    assert not (target.parent / "sample.csv.part").exists()
    assert server.requests[0][1]["User-Agent"] == USER_AGENT
    record = read_fetched(target.parent)["sample.csv"]
    assert record["sha256"] == DIGEST and record["bytes"] == len(CONTENT)
    assert record["url"] == server.url("/file") and record["source_id"] == "sample"
    assert record["retrieved_at"].endswith("+00:00")
    # Second run: the verified file is kept, nothing is requested again.
    status, _ = run(tmp_path, sources)
    assert status == OK and len(server.requests) == 1


def test_resume_sends_range_and_appends(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/file"), DIGEST)
    folder = tmp_path / "raw" / "sample"
    folder.mkdir(parents=True)
    (folder / "sample.csv.part").write_bytes(CONTENT[:123_456])
    status, messages = run(tmp_path, sources)
    assert status == OK, messages
    assert server.requests[0][1]["Range"] == "bytes=123456-"
    assert (folder / "sample.csv").read_bytes() == CONTENT


def test_server_ignoring_range_restarts_the_part(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/norange"), DIGEST)
    folder = tmp_path / "raw" / "sample"
    folder.mkdir(parents=True)
    (folder / "sample.csv.part").write_bytes(b"stale bytes from another version")
    status, messages = run(tmp_path, sources)
    assert status == OK, messages
    assert (folder / "sample.csv").read_bytes() == CONTENT


def test_connection_cut_mid_file_is_resumed_on_retry(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/cut"), DIGEST)
    status, messages = run(tmp_path, sources)
    assert status == OK, messages
    assert "Range" not in server.requests[0][1]
    assert server.requests[1][1]["Range"] == f"bytes={len(CONTENT) // 2}-"
    assert server.requests[1][1]["If-Range"] == '"v1"'  # the ETag seen when the .part was started
    folder = tmp_path / "raw" / "sample"
    assert (folder / "sample.csv").read_bytes() == CONTENT
    assert sorted(p.name for p in folder.iterdir()) == [".fetched.json", "sample.csv"]


def test_500_then_success_is_retried(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/flaky"))
    status, messages = run(tmp_path, sources)
    assert status == OK, messages
    assert [path for path, _ in server.requests] == ["/flaky", "/flaky"]
    assert (tmp_path / "raw" / "sample" / "sample.csv").read_bytes() == CONTENT


def test_checksum_mismatch_deletes_and_returns_4(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/file"), "0" * 64)
    status, messages = run(tmp_path, sources)
    folder = tmp_path / "raw" / "sample"
    assert status == CHECKSUM_MISMATCH
    assert not (folder / "sample.csv").exists() and not (folder / "sample.csv.part").exists()
    assert any("does not match the pinned" in m and DIGEST in m for m in messages), messages
    assert not (folder / ".fetched.json").exists()


def test_http_404_is_an_error_without_retry(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/missing"))
    status, messages = run(tmp_path, sources)
    assert status == OTHER_ERROR
    assert len(server.requests) == 1
    assert any("HTTP 404" in m for m in messages)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_offline_with_one_line(tmp_path: Path) -> None:
    sources = write_sources(tmp_path, f"http://127.0.0.1:{closed_port()}/file")
    status, messages = run(tmp_path, sources)
    assert status == OFFLINE
    assert len(messages) == 1 and "offline" in messages[0] and "\n" not in messages[0]
    assert not (tmp_path / "raw" / "sample" / "sample.csv").exists()


def test_timeout_is_offline(tmp_path: Path) -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        sources = write_sources(tmp_path, f"http://127.0.0.1:{listener.getsockname()[1]}/file")
        status, messages = run(tmp_path, sources, timeout=0.2, retries=2)
    assert status == OFFLINE, messages
    assert "timed out" in messages[0]


def test_dns_failure_is_offline_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def no_dns(host: str, *args: object, **kwargs: object) -> list[object]:
        calls.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    sources = write_sources(tmp_path, "http://downloads.example.invalid/file")
    status, messages = run(tmp_path, sources)
    assert status == OFFLINE
    assert calls == ["downloads.example.invalid"]  # not retried
    assert messages == [f"fetch: offline (cannot resolve downloads.example.invalid); using the files already in "
                        f"{tmp_path / 'raw'}"]


def test_unknown_and_unfetchable_sources(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/file"))
    messages: list[str] = []
    status = fetch(["nope", "local"], tmp_path / "raw", sources_path=sources, progress=False, log=messages.append)
    assert status == OTHER_ERROR
    assert any("unknown source 'nope'" in m for m in messages)
    assert any("local has no download URL" in m for m in messages)
    assert server.requests == []


def test_only_named_sources_are_fetched(tmp_path: Path, server: Server) -> None:
    sources = write_sources(tmp_path, server.url("/file"))
    assert fetch(["local"], tmp_path / "raw", sources_path=sources, progress=False, log=lambda m: None) == OK
    assert server.requests == []


def test_project_sources_toml_declares_valid_downloads() -> None:
    downloads, sources = fetch_module.load_downloads()
    vera = [d for d in downloads if d.source_id == "vera_incarceration_trends"]
    assert vera and all(d.url.startswith("https://") for d in vera)
    assert sources["vera_incarceration_trends"].redistributable is False
    for item in downloads:
        assert item.sha256 is None or len(item.sha256) == 64


def test_fetched_json_merges_files(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("a.csv", "b.csv"):
        fetch_module.record_fetch(folder, fetch_module.Download("s", "f", name, "http://x/" + name, None), "d", 1)
    data = json.loads((folder / ".fetched.json").read_text())
    assert sorted(data) == ["a.csv", "b.csv"]
