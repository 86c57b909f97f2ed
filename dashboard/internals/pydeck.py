"""pydeck and deck.gl internals the map relies on.

- deck.gl's JSON converter (what st.pydeck_chart renders with) turns any string that starts with "@@=" into a
  function evaluated by its small expression language (array and string literals, computed member access; no
  function calls); pydeck passes such strings through untouched when they are set as layer attributes.
- `CompactDeck` serialises with pydeck's private `default_serialize`, without the indentation pydeck adds.
"""

from __future__ import annotations

import json

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

EXPRESSION_PREFIX = "@@="


def expression(text: str) -> str:
    """A deck.gl expression (a function of each data row, `this`, or of the loaded file's top-level keys)."""
    return EXPRESSION_PREFIX + text


def set_data_transform(layer: pdk.Layer, text: str) -> pdk.Layer:
    """Give `layer` a `dataTransform` expression of its loaded data. Set as an attribute after construction:
    pydeck would prefix or reinterpret the string given as a keyword."""
    layer.data_transform = expression(text)
    return layer


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck pretty-prints, which makes a county map's spec (sent to the
    browser on every rerun) about seven times larger than the geometry it carries.

    The JSON is made once: st.pydeck_chart asks for it on every rerun, and the pages keep one deck per view,
    unchanged after it is made (dashboard/content/map.py)."""

    def to_json(self) -> str:
        spec = self.__dict__.get("_compact_json")
        if spec is None:
            spec = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"),
                              ensure_ascii=False)
            self.__dict__["_compact_json"] = spec
        return spec
