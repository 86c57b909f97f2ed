"""Reading the county map's deck spec the way the browser does, so tests can check what a reader sees.

The map's rows travel as a deck.gl expression (see dashboard/charts/maps/deck.py): `parse` turns that literal into
Python, and `tooltip` fills the HTML tooltip template as Streamlit 1.67's DeckGlJsonChart does (each `{key}`
of the template, in order, replaced at its first occurrence by the HTML-escaped row value; keys the row lacks
stay), then keeps what the template's CSS shows for the row's class token, as text.
"""

from __future__ import annotations

import html
import re
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<ref>[A-Z])\[(?P<index>\d+)\]|(?P<num>-?\d+(?:\.\d+)?(?:e-?\d+)?)"
                    r"|'(?P<str>(?:\\.|[^'\\])*)'|(?P<punct>[\[\],]))")


def parse(expression: str) -> Any:
    """An array literal of the map's expressions -> lists; `P[12]` -> ("P", 12), `C[3]` -> ("C", 3)."""
    text = expression.removeprefix("@@=")
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match, f"unexpected text at {position}: {text[position:position + 40]!r}"
        position = match.end()
        if match["ref"]:
            tokens.append(("ref", (match["ref"], int(match["index"]))))
        elif match["num"] is not None:
            number = float(match["num"])
            tokens.append(("value", int(number) if number.is_integer() and "." not in match["num"] else number))
        elif match["str"] is not None:
            tokens.append(("value", re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], match["str"])))
        else:
            tokens.append(("punct", match["punct"]))

    def read(i: int) -> tuple[Any, int]:
        kind, value = tokens[i]
        if kind != "punct":
            return value, i + 1
        assert value == "[", f"unexpected {value!r}"
        items: list[Any] = []
        i += 1
        while tokens[i] != ("punct", "]"):
            item, i = read(i)
            items.append(item)
            if tokens[i] == ("punct", ","):
                i += 1
        return items, i + 1

    value, end = read(0)
    assert end == len(tokens), "trailing text after the literal"
    return value


def _escape(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") \
        .replace("'", "&#x27;")


def tooltip(template: str, row: list) -> str:
    """The text a reader sees when hovering over `row` (what the browser's innerText would give)."""
    text = template
    for placeholder in re.findall(r"{(.*?)}", template):
        key = placeholder
        if key.isdigit() and int(key) < len(row):
            text = text.replace("{" + key + "}", _escape(row[int(key)]), 1)
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    shown = set(re.findall(r"\.pad-tt\.([\w-]+) \.pad-([\w-]+)", style[1])) if style else set()
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    token = str(row[1])

    def span(match: re.Match) -> str:
        classes = match[1].split()
        kind = next(c.removeprefix("pad-") for c in classes if c != "pad-x")
        return match[2] if (token, kind) in shown else ""

    text = re.sub(r"<span class='([^']*)'>(.*?)</span>", span, text, flags=re.S)
    text = text.replace("<br>", "\n")
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def layers(spec: dict) -> dict[str, dict]:
    """The deck's layers by id without the view digest ("counties-1a2b..." -> "counties")."""
    return {re.sub(r"-[0-9a-f]{12}$", "", layer["id"]): layer for layer in spec["layers"]}


def rows(layer: dict) -> list[list]:
    """The rows a layer's transform builds (its data is the static shapes file)."""
    return parse(layer["dataTransform"])


def fill(row: list, palette: list[list[int]]) -> list[int]:
    """A county row's colour as the layer's accessor computes it (C[i] from the static file's palette)."""
    colour = row[4] if len(row) > 4 else None
    if isinstance(colour, tuple):
        return list(palette[colour[1]])
    if colour:
        return list(colour)
    return [217, 217, 217] if str(row[1]).startswith("n") else [140, 140, 140]
