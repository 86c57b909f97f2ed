"""Send the files a browser fetches by URL from their precompressed copies, as deploy/nginx.conf does.

Why: Streamlit sends its own frontend (megabytes of scripts and fonts) uncompressed on purpose, so a first visit
to a bare `streamlit run` is several times the 2 MB goal for a phone on a slow network. Behind nginx,
deploy/ sends the copies `python -m deploy.static_files` writes (brotli and gzip beside each text file, the icon
font cut down). This middleware sends the same copies when the app runs without nginx (dashboard/server.py,
`make run`), so both paths ship the same bytes.

A request falls through to Streamlit, unchanged, when the copy is absent, older than the file it was made from
(a stale folder after an upgrade or an edit never serves old content), or outside the folder.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

IMMUTABLE = "public, immutable, max-age=31536000"  # as Streamlit marks its content-hashed files
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # preferred first


def accepted_encodings(header: str) -> set[str]:
    """Content codings the browser accepts (`q=0` means refused)."""
    accepted = set()
    for item in header.split(","):
        name, _, params = (part.strip() for part in item.partition(";"))
        try:
            quality = float(params.removeprefix("q=")) if params.startswith("q=") else 1.0
        except ValueError:
            continue
        if name and quality > 0:
            accepted.add(name.lower())
    return accepted


@dataclass(frozen=True)
class Mount:
    """Files under URL `prefix` are read by Streamlit from `originals`; their copies sit at the same URL path."""

    prefix: str
    originals: Path
    hashed_names: bool  # content-hashed file names: cache for a year (else revalidate by ETag every time)

    def cache_control(self, name: str) -> str:
        return IMMUTABLE if self.hashed_names and not name.endswith(".html") and name != "manifest.json" \
            else "no-cache"


class PrecompressedFiles:
    """ASGI middleware: GET/HEAD under each mount is answered from `folder` when a fresh copy is there."""

    def __init__(self, app: ASGIApp, *, folder: Path, mounts: Sequence[Mount]) -> None:
        self.app = app
        self.folder = folder.resolve()
        self.mounts = [Mount(m.prefix, m.originals.resolve(), m.hashed_names) for m in mounts]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self._response(scope) if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") else None
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _response(self, scope: Scope) -> Response | None:
        path: str = scope["path"]
        mount = next((m for m in self.mounts if path.startswith(m.prefix)), None)
        if mount is None:
            return None
        original = (mount.originals / path[len(mount.prefix):]).resolve()
        if not original.is_relative_to(mount.originals) or not original.is_file():
            return None
        copy = (self.folder / path.lstrip("/")).resolve()
        if not copy.is_relative_to(self.folder):
            return None
        headers = Headers(scope=scope)
        accepted = accepted_encodings(headers.get("accept-encoding", ""))
        media_type = mimetypes.guess_type(original.name)[0] or "application/octet-stream"
        cache = mount.cache_control(original.name)
        changed = original.stat().st_mtime
        for encoding, suffix in (*ENCODINGS, ("identity", "")):
            if encoding != "identity" and encoding not in accepted:
                continue
            candidate = copy.with_name(copy.name + suffix)
            try:
                stat = candidate.stat()
            except OSError:
                continue
            if stat.st_mtime < changed:
                return None  # made before the file changed: let Streamlit send the file itself
            etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}-{encoding}"'
            reply = {"Cache-Control": cache, "Vary": "Accept-Encoding", "ETag": etag}
            if encoding != "identity":
                reply["Content-Encoding"] = encoding
            if etag in headers.get("if-none-match", ""):
                return Response(status_code=304, headers=reply)
            return FileResponse(candidate, media_type=media_type, headers=reply, stat_result=stat)
        return None
