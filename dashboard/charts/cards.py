"""Headline cards as one HTML block: each figure with its count, interval, years and source, and its comparisons.

One element for all the cards, not a bordered container per card holding a metric and a caption in rows of
columns: each of those is a message to the browser on every rerun. Every text is data and is escaped here;
Streamlit sanitises the HTML again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from dashboard.i18n import _


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    help: str  # what the measure asks and its caveat
    notes: tuple[str, ...]  # count, interval, years and source; the state's figure; similar counties'


# Colours follow the text colour (light or dark theme) through currentColor; the grid gives three cards a row
# on a desktop and one on a phone.
STYLE = (
    "<style>"
    ".pad-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(19rem,1fr));gap:1rem}"
    ".pad-card{border:1px solid color-mix(in srgb,currentColor 20%,transparent);border-radius:.5rem;"
    "padding:.75rem 1rem}"
    ".pad-card-label{font-size:.875rem}"
    ".pad-card-value{font-size:2.25rem;line-height:1.3;margin:.1rem 0 .35rem 0}"
    ".pad-card-note{font-size:.875rem;line-height:1.45;opacity:.7;margin:0}"
    ".pad-card details{font-size:.8rem;margin-top:.35rem;opacity:.8}"
    ".pad-card summary{cursor:pointer}"
    "</style>"
)


def cards_html(cards: Iterable[Card]) -> str:
    items, what = [], _("What this measures")
    for card in cards:
        notes = "".join(f"<p class='pad-card-note'>{escape(note)}</p>" for note in card.notes)
        about = (f"<details><summary>{escape(what)}</summary>{escape(card.help)}</details>"
                 if card.help
                 else "")
        items.append(f"<div class='pad-card' role='listitem'><div class='pad-card-label'>{escape(card.label)}</div>"
                     f"<div class='pad-card-value'>{escape(card.value)}</div>{notes}{about}</div>")
    # divs with list roles, not ul/li: the page's list styles would indent the grid
    heading = escape(_("Headline numbers"))
    return (f"{STYLE}<div class='pad-cards' role='list' aria-label='{heading}'>"
            f"{''.join(items)}</div>")
