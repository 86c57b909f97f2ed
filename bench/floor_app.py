"""The framework's floor: a minimal Streamlit script that renders what the real app rendered, precomputed.

`bench/load.py` records, at one user, the element and block messages each step of the real app sent
(`BENCH_FLOOR_TRACE`, a pickle of {step: [serialized ForwardMsg]}). This script replays the step named
in the query string (`?step=county`): the same number and kind of elements, with the same content, in
the same layout, but no query, no data frame, no figure built. What is left is Streamlit's own work per
rerun (running a script, hashing and serializing the messages, the websocket), which the real pages are
judged against.

Run by the benchmark only: `streamlit run bench/floor_app.py` with BENCH_FLOOR_TRACE set.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


# No spinner: a slow first load of the trace would add a spinner element the real app never sent.
@st.cache_resource(show_spinner=False)
def _trace(path: str) -> dict[str, list[bytes]]:
    return pickle.loads(Path(path).read_bytes())


def _replay(messages: list[bytes]) -> None:
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    for data in messages:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        path = list(msg.metadata.delta_path)
        msg.ClearField("metadata")
        msg.hash = ""  # hashed again by Streamlit, as every element is
        msg.metadata.delta_path[:] = path
        ctx.enqueue(msg)


trace_path = os.environ.get("BENCH_FLOOR_TRACE", "")
if not trace_path or not Path(trace_path).exists():
    st.error("BENCH_FLOOR_TRACE is not set to a recorded trace: run `python -m bench load`.")
    st.stop()
step = str(st.query_params.get("step", "map"))
_replay(_trace(trace_path).get(step, []))
