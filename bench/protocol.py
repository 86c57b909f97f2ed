"""A Streamlit client that speaks the app's own websocket protocol, as the browser does.

One `Session` is one browser tab: it opens `ws://host/_stcore/stream` (subprotocol `streamlit`), asks for
script runs with a `BackMsg.rerun_script` carrying the page, the query string and the widget values,
and reads `ForwardMsg`s until `script_finished`. Like the browser it remembers the cacheable messages
it has received and reports their hashes, so the server may send a short reference instead of the
whole element again. The protobuf classes are the ones that ship inside the `streamlit` package.

Nothing here renders anything: a step's cost on the client is parsing its messages, which is small
next to the server's work, so many sessions can share one process.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
MAX_MESSAGE = 512 * 2**20
# Element kinds whose user-visible values the client can change (others are shown, never set here).
WIDGET_KINDS = {"selectbox", "radio", "multiselect", "slider", "checkbox", "toggle", "text_input",
                "segmented_control", "button_group", "date_input", "number_input"}


class ProtocolError(RuntimeError):
    """The server broke the protocol, closed the socket, or did not finish in time."""


@dataclass
class Step:
    """One script run as the user saw it: from the request to the finish message."""

    name: str
    seconds: float
    bytes: int = 0
    messages: int = 0
    elements: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    deltas: list[bytes] = field(default_factory=list)  # the run's element and block messages (recording)
    text_digest: str = ""
    digest: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "seconds": self.seconds, "bytes": self.bytes, "messages": self.messages,
                "elements": dict(self.elements), "errors": self.errors}


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    options: list[str]
    value: str | None


class Session:
    """One simulated browser tab on one websocket."""

    def __init__(self, base_url: str, *, cookie: str | None = None, timeout: float = 120, record: bool = False):
        self.url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.cookie, self.timeout, self.record = cookie, timeout, record
        self.ws: Any = None
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> page script hash
        self.page_hash = ""
        self.cache: dict[str, ForwardMsg] = {}  # hash -> cacheable message, as the browser's cache
        self.widgets: dict[str, Widget] = {}  # widgets of the last run, by id
        self.query = ""

    async def open(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=MAX_MESSAGE,
                                           open_timeout=self.timeout, additional_headers=headers,
                                           compression=None, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def __aenter__(self) -> Session:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open_page(self, page: str, query: str = "", name: str | None = None) -> Step:
        """Navigate to a page (its url path; "" for the default) with a query string, as a link does."""
        self.query = query
        self.widgets = {}
        return await self._run(name or (page or "map"), page=page, query=query, widget_states=[])

    async def set_widget(self, widget: Widget, value: str, name: str | None = None) -> Step:
        """Change one widget's value, as a user does; the other widgets keep theirs."""
        states = [self._state(w, value if w.id == widget.id else w.value) for w in self.widgets.values()]
        return await self._run(name or f"set {widget.label}", page=None, query=self.query,
                               widget_states=[s for s in states if s is not None])

    async def rerun(self, query: str, name: str) -> Step:
        """A plain rerun with this query string (the floor app picks what to render from it)."""
        self.query = query
        return await self._run(name, page=None, query=query, widget_states=[])

    def find_widget(self, label: str, kind: str = "selectbox") -> Widget | None:
        for widget in self.widgets.values():
            if widget.kind == kind and widget.label.strip().lower() == label.strip().lower():
                return widget
        return None

    @staticmethod
    def _state(widget: Widget, value: str | None) -> WidgetState | None:
        if value is None or widget.kind not in ("selectbox", "radio"):
            return None
        state = WidgetState(id=widget.id)
        state.string_value = value
        return state

    async def _run(self, name: str, *, page: str | None, query: str, widget_states: list[WidgetState]) -> Step:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = query
        if page is not None:
            known = self.pages.get(page)
            if known:
                client.page_script_hash = known
            else:
                client.page_name = page
        else:
            client.page_script_hash = self.page_hash
        client.widget_states.widgets.extend(widget_states)
        client.cached_message_hashes.extend(self.cache)
        client.context_info.timezone = "UTC"
        client.context_info.locale = "en-US"
        client.context_info.url = f"http://127.0.0.1/{page or ''}"
        step = Step(name=name, seconds=0.0)
        text = hashlib.sha256()
        whole = hashlib.sha256()
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            remaining = self.timeout - (time.perf_counter() - started)
            if remaining <= 0:
                raise ProtocolError(f"{name}: no script_finished within {self.timeout}s")
            try:
                data = await _recv(self.ws, remaining)
            except TimeoutError:
                raise ProtocolError(f"{name}: no script_finished within {self.timeout}s") from None
            except websockets.ConnectionClosed as closed:
                raise ProtocolError(f"{name}: connection closed ({closed})") from None
            step.bytes += len(data)
            step.messages += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(fwd.ref_hash)
                if cached is None:
                    step.errors.append(f"reference to a message this client never had: {fwd.ref_hash}")
                    continue
                path = list(fwd.metadata.delta_path)
                fwd = ForwardMsg()
                fwd.CopyFrom(cached)
                fwd.metadata.delta_path[:] = path
                kind = "delta"
            if kind == "new_session":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.new_session.app_pages}
                for p in fwd.new_session.app_pages:
                    if p.is_default:
                        self.pages.setdefault("", p.page_script_hash)
                self.page_hash = fwd.new_session.page_script_hash
            elif kind == "navigation":  # st.navigation apps: which page this run is, and every page's hash
                nav = fwd.navigation
                for p in nav.app_pages:
                    self.pages[p.url_pathname] = p.page_script_hash
                    if p.is_default:
                        self.pages[""] = p.page_script_hash
                if nav.page_script_hash:
                    self.page_hash = nav.page_script_hash
            elif kind == "delta":
                if fwd.metadata.cacheable and fwd.hash:
                    self.cache[fwd.hash] = fwd
                self._delta(fwd, step, text, whole)
            elif kind == "session_event":
                event = fwd.session_event.WhichOneof("type")
                if event and "exception" in event:
                    step.errors.append(f"session event {event}")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    step.errors.append("script compile error")
                if status in FINISHED or status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    break
                # FINISHED_EARLY_FOR_RERUN: the script asked for another run (st.rerun, st.switch_page)
            elif kind == "page_not_found":
                step.errors.append(f"page not found: {fwd.page_not_found.page_name}")
        step.seconds = time.perf_counter() - started
        step.text_digest, step.digest = text.hexdigest()[:16], whole.hexdigest()[:16]
        return step

    def _delta(self, fwd: ForwardMsg, step: Step, text: Any, whole: Any) -> None:
        delta = fwd.delta
        which = delta.WhichOneof("type")
        if self.record and which in ("new_element", "add_block"):
            step.deltas.append(fwd.SerializeToString())
        if which == "add_block":
            step.elements["block"] += 1
            return
        if which != "new_element":
            return
        element = delta.new_element
        etype = element.WhichOneof("type") or "empty"
        step.elements[etype] += 1
        payload = getattr(element, etype)
        whole.update(etype.encode())
        whole.update(payload.SerializeToString(deterministic=True) if hasattr(payload, "SerializeToString") else b"")
        if etype == "exception":
            step.errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif etype == "markdown":
            text.update(element.markdown.body.encode())
        if etype in WIDGET_KINDS and hasattr(payload, "id"):
            options = list(getattr(payload, "options", []))
            value = None
            if etype == "selectbox":
                if payload.HasField("raw_value"):
                    value = payload.raw_value
                elif payload.HasField("default") and 0 <= payload.default < len(options):
                    value = options[payload.default]
            self.widgets[payload.id] = Widget(payload.id, etype, getattr(payload, "label", ""), options, value)


async def _recv(ws: Any, timeout: float) -> bytes:
    import asyncio

    data = await asyncio.wait_for(ws.recv(), timeout)
    if isinstance(data, str):
        raise ProtocolError("text frame from the server (Streamlit sends binary protobufs)")
    return data
