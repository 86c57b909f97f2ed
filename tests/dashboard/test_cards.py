"""The headline cards' HTML: one item per card, every text escaped (names and sources are data)."""

from __future__ import annotations

from dashboard.charts.cards import Card, cards_html
from tests.dashboard.apptest_pages import html_text

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(1)>"


def test_each_card_is_one_item_with_its_value_notes_and_definition() -> None:
    cards = [Card("Dismissal rate", "12.5%", "Of cases charged, how many were dismissed?",
                  ("2024 · n: 125 of 1,000 cases · 95% interval 10.5% to 14.6%", "IL (12 counties with data): 9.0%")),
             Card("Jail population", "—", "", ("Not shown: too few cases to publish in these years.",))]
    html = cards_html(cards)
    assert html.count("class='pad-card' role='listitem'") == 2
    assert "Dismissal rate\n12.5%\n2024 · n: 125 of 1,000 cases" in html_text(html)
    assert "What this measures" in html and html.count("<details>") == 1  # no definition, no disclosure
    assert "Not shown: too few cases" in html_text(html)


def test_hostile_text_is_shown_as_text() -> None:
    html = cards_html([Card(HOSTILE, HOSTILE, HOSTILE, (HOSTILE,))])
    assert "<script" not in html and "<img" not in html
    assert html_text(html).count(HOSTILE) == 4
