"""dashboard/precompressed.py answers static files from the copies deploy/static_files.py writes, and only then.

Each request goes through the real middleware as ASGI, in front of a small app that stands where Streamlit
stands and says what it was asked for; tests/e2e/test_make_run_server.py does the same against a real server.
"""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path

import brotli
import pytest

from dashboard.precompressed import IMMUTABLE, Mount, PrecompressedFiles, accepted_encodings
from deploy.static_files import compress_beside

SCRIPT = b"console.log('the frontend');" * 400


async def behind(scope: dict, receive, send) -> None:
    """Where Streamlit would answer: echoes the path, uncompressed."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-from", b"streamlit")]})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def ask(app: PrecompressedFiles, path: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the browser stays connected until the response ends
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture()
def served(tmp_path: Path) -> tuple[PrecompressedFiles, Path, Path]:
    frontend = tmp_path / "frontend"
    (frontend / "js").mkdir(parents=True)
    (frontend / "js" / "index.abc.js").write_bytes(SCRIPT)
    (frontend / "js" / "uncopied.js").write_bytes(SCRIPT)
    (frontend / "index.html").write_bytes(b"<html>" * 200)
    public = tmp_path / "public"
    (public / "static" / "js").mkdir(parents=True)
    (public / "static" / "js" / "index.abc.js").write_bytes(SCRIPT)
    compress_beside(public / "static" / "js" / "index.abc.js")
    (public / "static" / "index.html").write_bytes(b"<html>" * 200)
    compress_beside(public / "static" / "index.html")
    app = PrecompressedFiles(behind, folder=public, mounts=[Mount("/static/", frontend, hashed_names=True)])
    return app, frontend, public


def test_brotli_then_gzip_then_the_file_itself_by_what_the_browser_accepts(served) -> None:
    app, _, _ = served
    status, headers, body = ask(app, "/static/js/index.abc.js", {"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert (status, headers["content-encoding"]) == (200, "br") and brotli.decompress(body) == SCRIPT
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert headers["vary"] == "Accept-Encoding" and headers["cache-control"] == IMMUTABLE
    assert int(headers["content-length"]) == len(body) < len(SCRIPT) / 10
    status, headers, body = ask(app, "/static/js/index.abc.js", {"Accept-Encoding": "gzip;q=1.0, br;q=0"})
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == SCRIPT
    status, headers, body = ask(app, "/static/js/index.abc.js")
    assert (status, body) == (200, SCRIPT) and "content-encoding" not in headers


def test_a_repeat_visit_with_the_etag_gets_304_and_head_gets_no_body(served) -> None:
    app, _, _ = served
    _, headers, _ = ask(app, "/static/js/index.abc.js", {"Accept-Encoding": "br"})
    status, again, body = ask(app, "/static/js/index.abc.js",
                              {"Accept-Encoding": "br", "If-None-Match": headers["etag"]})
    assert (status, body, again["etag"]) == (304, b"", headers["etag"])
    status, head, body = ask(app, "/static/js/index.abc.js", {"Accept-Encoding": "br"}, method="HEAD")
    assert (status, body, head["content-encoding"]) == (200, b"", "br")


def test_html_is_revalidated_not_kept_for_a_year(served) -> None:
    app, _, _ = served
    _, headers, _ = ask(app, "/static/index.html", {"Accept-Encoding": "br"})
    assert headers["cache-control"] == "no-cache"


def test_falls_through_to_streamlit_when_there_is_no_fresh_copy(served) -> None:
    app, frontend, public = served
    passed = {"x-from": "streamlit"}.items()
    # no copy written for this file
    assert ask(app, "/static/js/uncopied.js", {"Accept-Encoding": "br"})[1].items() >= passed
    # no such file at all, or a path climbing out of either folder
    for path in ("/static/js/missing.js", "/static/../../public/static/js/index.abc.js", "/static/%2e%2e/x"):
        assert ask(app, path, {"Accept-Encoding": "br"})[1].items() >= passed
    # not a static path, or not a read
    assert ask(app, "/_stcore/health")[1].items() >= passed
    assert ask(app, "/static/js/index.abc.js", {"Accept-Encoding": "br"}, method="POST")[1].items() >= passed
    # the original changed after the copies were made (an upgrade, an edit): never send the old bytes
    later = (public / "static" / "js" / "index.abc.js.br").stat().st_mtime + 60
    os.utime(frontend / "js" / "index.abc.js", (later, later))
    assert ask(app, "/static/js/index.abc.js", {"Accept-Encoding": "br"})[1].items() >= passed


def test_accepted_encodings_reads_qualities() -> None:
    assert accepted_encodings("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted_encodings("br;q=0, gzip;q=0.5, identity") == {"gzip", "identity"}
    assert accepted_encodings("") == set()
    assert accepted_encodings("br;q=nonsense, gzip") == {"gzip"}
