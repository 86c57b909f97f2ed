"""`etl fetch`: download the sources that data/sources.toml says can be downloaded, into data/raw/<folder>/.

A source is fetchable when its block has a `download` table (file name -> URL); an optional `sha256` table
(file name -> hex digest) pins the expected content. For each file:
- a file already in place is kept (pass refresh=True to download again); with a pinned checksum it is
  verified first and downloaded again when it does not match;
- the download goes to `<name>.part`; an interrupted one resumes with an HTTP Range request, with
  If-Range set to the ETag/Last-Modified seen when the .part was started, so a file that changed in
  between (or a server that ignores Range) comes back whole and the .part is restarted;
- connection failures, timeouts and HTTP 429/5xx are retried (3 tries, exponential back-off); HTTP 4xx
  other than 429 is not;
- the finished file is checked against the pinned sha256 (a mismatch deletes it and says so: the owner
  changed the file, or it was corrupted) and only then atomically renamed into place;
- retrieval time, URL, size and sha256 go into `<folder>/.fetched.json`, which the build reads for
  source.retrieved_at and source.sha256.
When the network is unreachable (DNS failure, connection refused, timeout) one line says so and the rest
is skipped: the build then uses whatever is already in data/raw/ (or the demo).

Exit statuses: 0 all present, 3 offline, 4 checksum mismatch, 2 any other error (the worst one wins:
4 > 2 > 3). No outside host is contacted except the URLs in data/sources.toml.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tqdm import tqdm

from etl.config import RAW_DIR as DEFAULT_RAW_DIR
from etl.config import SOURCES_TOML, SourceConfig, load_sources

FETCHED_JSON = ".fetched.json"
USER_AGENT = ("prosecutor-accountability-dashboard/0.1 (open-source ETL `etl fetch`; "
              "downloads each public file once and caches it)")
CHUNK = 1 << 16

OK, OTHER_ERROR, OFFLINE, CHECKSUM_MISMATCH = 0, 2, 3, 4


class Offline(Exception):
    """The network (or the host) cannot be reached at all: stop downloading, use what is on disk."""


class ChecksumMismatch(Exception):
    pass


class FetchError(Exception):
    """A download failed for a reason other than being offline (HTTP 404, a connection cut mid-file...)."""


@dataclass(frozen=True)
class Download:
    source_id: str
    folder: str
    name: str
    url: str
    sha256: str | None


def load_downloads(sources_path: Path = SOURCES_TOML) -> tuple[list[Download], dict[str, SourceConfig]]:
    """Every file that data/sources.toml lists under a `download` table, and the catalogue (etl.config reads it)."""
    sources = load_sources(sources_path)
    downloads = []
    for source_id, config in sources.items():
        pins = {k: v.lower() for k, v in config.sha256.items()}
        for name, url in config.download.items():
            if "/" in name or "\\" in name or name.startswith("."):
                raise ValueError(f"sources.toml [{source_id}]: download name {name!r} must be a plain file name")
            downloads.append(Download(source_id, config.folder, name, url, pins.get(name)))
    return downloads, sources


def fetch(source_ids: Iterable[str] | None = None, raw_dir: Path = DEFAULT_RAW_DIR, *,
          sources_path: Path = SOURCES_TOML, refresh: bool = False, retries: int = 3, backoff: float = 1.0,
          timeout: float = 30.0, progress: bool = True, log: Callable[[str], None] | None = None) -> int:
    """Download the chosen sources (all fetchable ones when none are named); returns an exit status."""
    say = log or (lambda message: print(message, file=sys.stderr))
    try:
        downloads, sources = load_downloads(sources_path)
    except (OSError, ValueError, KeyError, TypeError, tomllib.TOMLDecodeError) as error:
        say(f"fetch: cannot read {sources_path}: {error}")
        return OTHER_ERROR
    wanted = list(source_ids or [])
    status = OK
    unknown = [s for s in wanted if s not in sources]
    for source_id in unknown:
        say(f"fetch: unknown source {source_id!r} (see {sources_path.name})")
        status = OTHER_ERROR
    for source_id in wanted:
        if source_id in sources and not any(d.source_id == source_id for d in downloads):
            say(f"fetch: {source_id} has no download URL; put its files in {raw_dir / sources[source_id].folder} "
                "yourself")
    chosen = [d for d in downloads if not wanted or d.source_id in wanted]
    for item in chosen:
        try:
            fetch_one(item, raw_dir, refresh=refresh, retries=retries, backoff=backoff, timeout=timeout,
                      progress=progress, say=say)
        except Offline as error:
            say(f"fetch: offline ({error}); using the files already in {raw_dir}")
            return worst(status, OFFLINE)
        except ChecksumMismatch as error:
            say(f"fetch: {item.source_id}/{item.name}: {error}")
            status = worst(status, CHECKSUM_MISMATCH)
        except (FetchError, OSError) as error:
            say(f"fetch: {item.source_id}/{item.name}: {error}")
            status = worst(status, OTHER_ERROR)
    return status


def worst(*statuses: int) -> int:
    """The status that matters most: checksum mismatch > other error > offline > ok."""
    rank = {OK: 0, OFFLINE: 1, OTHER_ERROR: 2, CHECKSUM_MISMATCH: 3}
    return max(statuses, key=rank.__getitem__)


def fetch_one(item: Download, raw_dir: Path, *, refresh: bool = False, retries: int = 3, backoff: float = 1.0,
              timeout: float = 30.0, progress: bool = True, say: Callable[[str], None] = print) -> Path:
    """One file into raw_dir/<folder>/<name>: resumed, retried, verified, atomically renamed, recorded."""
    folder = raw_dir / item.folder
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / item.name
    if target.exists() and not refresh:
        if item.sha256 is None or sha256_file(target) == item.sha256:
            return target
        say(f"fetch: {item.source_id}/{item.name} on disk does not match the pinned sha256; downloading again")
    part = folder / (item.name + ".part")
    attempt = 0
    while True:
        attempt += 1
        try:
            _download(item.url, part, timeout=timeout, progress=progress, label=item.name)
            break
        except _Retryable as error:
            if attempt >= retries:
                raise error.final() from error
            time.sleep(backoff * 2 ** (attempt - 1))
    digest = sha256_file(part)
    if item.sha256 is not None and digest != item.sha256:
        part.unlink(missing_ok=True)
        part.with_name(part.name + ".etag").unlink(missing_ok=True)
        raise ChecksumMismatch(f"sha256 {digest} does not match the pinned {item.sha256} "
                               f"(the file at {item.url} changed or arrived corrupted); deleted it")
    os.replace(part, target)
    part.with_name(part.name + ".etag").unlink(missing_ok=True)
    record_fetch(folder, item, digest, target.stat().st_size)
    return target


class _Retryable(Exception):
    """One failed attempt; `final()` is what to raise when no attempts are left."""

    def __init__(self, message: str, *, offline: bool = False):
        super().__init__(message)
        self.offline = offline

    def final(self) -> Exception:
        return Offline(str(self)) if self.offline else FetchError(f"{self} (after retries)")


def _download(url: str, part: Path, *, timeout: float, progress: bool, label: str) -> None:
    """One attempt: continue `part` from its current size (Range) or start it again."""
    offset = part.stat().st_size if part.exists() else 0
    validator_file = part.with_name(part.name + ".etag")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
        if validator_file.exists():  # the server sends the whole file instead if it changed meanwhile
            request.add_header("If-Range", validator_file.read_text(encoding="utf-8").strip())
    host = urlsplit(url).hostname or url
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - URLs come from sources.toml
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 416 and offset:
            part.unlink()  # the .part is not a prefix of the current file: start again
            raise _Retryable(f"HTTP 416 resuming {url}; restarting") from error
        if error.code == 429 or error.code >= 500:
            raise _Retryable(f"HTTP {error.code} {error.reason} from {url}") from error
        raise FetchError(f"HTTP {error.code} {error.reason} from {url}") from error
    except urllib.error.URLError as error:
        raise _classify(error.reason, host) from error
    except (TimeoutError, ConnectionError) as error:
        raise _classify(error, host) from error
    except http.client.HTTPException as error:
        raise _Retryable(f"bad HTTP response from {host}: {error!r}") from error
    with response:
        if offset and response.status == 206 and _range_start(response.headers.get("Content-Range")) == offset:
            mode = "ab"
        else:
            mode, offset = "wb", 0  # a 200 (Range ignored, or the file changed) or an odd range: start again
            validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
            if validator:
                validator_file.write_text(validator, encoding="utf-8")
            else:
                validator_file.unlink(missing_ok=True)
        length = response.headers.get("Content-Length")
        expected = offset + int(length) if length and length.isdigit() else None
        written = offset
        try:
            with part.open(mode) as out, tqdm(total=expected, initial=offset, unit="B", unit_scale=True,
                                              desc=label, disable=not progress, leave=False) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
                    bar.update(len(chunk))
        except (OSError, http.client.HTTPException) as error:
            raise _Retryable(f"connection lost after {written} bytes of {url}: {error}") from error
    if expected is not None and written < expected:
        raise _Retryable(f"only {written} of {expected} bytes of {url} arrived")


def _range_start(content_range: str | None) -> int | None:
    """`bytes 100-199/200` -> 100."""
    if not content_range or not content_range.startswith("bytes "):
        return None
    first = content_range[6:].split("-", 1)[0]
    return int(first) if first.isdigit() else None


def _classify(reason: object, host: str) -> Exception:
    """Connection-level failures: DNS failure is offline at once; refused/timeout are retried first."""
    if isinstance(reason, socket.gaierror):
        return Offline(f"cannot resolve {host}")
    if isinstance(reason, ConnectionRefusedError):
        return _Retryable(f"{host} refused the connection", offline=True)
    if isinstance(reason, TimeoutError):
        return _Retryable(f"{host} timed out", offline=True)
    if isinstance(reason, OSError) and reason.errno in (101, 113, 110):  # network/host unreachable, timeout
        return _Retryable(f"{host} is unreachable", offline=True)
    return _Retryable(f"cannot connect to {host}: {reason}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def record_fetch(folder: Path, item: Download, digest: str, size: int) -> None:
    """Merge this file's retrieval into <folder>/.fetched.json (atomically)."""
    path = folder / FETCHED_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[item.name] = {
        "source_id": item.source_id,
        "url": item.url,
        "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": digest,
        "bytes": size,
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_fetched(folder: Path) -> dict[str, dict[str, Any]]:
    """What record_fetch wrote for a folder ({} when nothing was fetched): for the build's source table."""
    try:
        data = json.loads((folder / FETCHED_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
