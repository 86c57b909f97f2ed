"""A short plain-language summary written from the numbers, hedged where the counts are small.

Pure functions of data frames -> lists of sentences (plain text, no markup), so they can be unit-tested and
read aloud by a screen reader. The hedging rules, in one place:

- fewer than SMALL_N cases, or a 95% interval wider than WIDE_INTERVAL (30 percentage points): "the data are too
  few to say" and the numbers are given only in brackets;
- fewer than SOME_N cases, or an interval wider than LOOSE_INTERVAL (10 points): the value is "about" X;
- a county is "higher" or "lower" than a comparison only when the comparison value lies outside the county's
  95% interval; otherwise it is "close to" it.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from dashboard.charts.trends import count_text, format_value

SMALL_N = 30
SOME_N = 300
WIDE_INTERVAL = 0.30
LOOSE_INTERVAL = 0.10
SUMMARY_METRICS = 4

_INDEPENDENT_CITY_STATES = {"VA"}


def place_name(county_name: str, state_abbr: str, state_name: str, fips: str = "") -> str:
    """'Cook County, Illinois'; parishes, boroughs and independent cities named as such."""
    name = str(county_name).strip()
    lower = name.lower()
    if name.endswith(" city"):  # the Census names independent cities in lower case: "Baltimore city"
        base = name[: -len(" city")]
        place = f"{base} (city)"
    elif state_abbr in _INDEPENDENT_CITY_STATES and fips[2:3] in ("5", "6", "7", "8"):
        place = f"{name} (city)"
    elif state_abbr == "LA":
        place = f"{name} Parish"
    elif state_abbr in ("AK", "DC") or lower == "carson city" or any(
            word in lower for word in ("county", "borough", "census area", "parish")):
        place = name
    else:
        place = f"{name} County"
    return f"{place}, {state_name}"


def headline_table(cards: pd.DataFrame) -> pd.DataFrame:
    """The long county_cards rows (one per metric and who) as one row per metric with state_* and similar_*."""
    if cards.empty:
        return pd.DataFrame()
    base_cols = ["metric_id", "label", "question", "unit", "caveat", "direction", "sort_order", "y0", "y1"]
    value_cols = ["numerator", "denominator", "value", "ci_low", "ci_high", "years_shown", "years_suppressed",
                  "n_counties", "names", "source_ids"]
    own = cards[cards["who"] == "county"][base_cols + value_cols].set_index("metric_id")
    for who in ("state", "similar"):
        part = cards[cards["who"] == who][["metric_id", *value_cols]].set_index("metric_id")
        part.columns = [f"{who}_{c}" for c in part.columns]
        own = own.join(part, how="left")
    return own.reset_index().sort_values("sort_order").reset_index(drop=True)


def precision(numerator: float | None, denominator: float | None, ci_low: float | None, ci_high: float | None,
              unit: str) -> str:
    """'too_few' | 'about' | 'firm' for a value, by its n and the width of its interval (see module doc)."""
    if denominator is None or pd.isna(denominator) or numerator is None or pd.isna(numerator):
        return "too_few"
    width = (ci_high - ci_low) if not (pd.isna(ci_low) or pd.isna(ci_high)) else math.inf
    if unit == "per_100k":
        if numerator < SMALL_N:
            return "too_few"
        return "about" if numerator < SOME_N else "firm"
    if denominator < SMALL_N or width > WIDE_INTERVAL:
        return "too_few"
    if denominator < SOME_N or width > LOOSE_INTERVAL:
        return "about"
    return "firm"


def _fmt(value: float, unit: str, scale_of: float) -> str:
    """Whole percentages, or one decimal when the values compared are under 10% (so 1.4% and 0.6% differ)."""
    digits = 1 if unit == "share" and scale_of < 0.1 else 0
    return format_value(value, unit, digits=digits)


def _years(y0: object, y1: object) -> str:
    if pd.isna(y0) or pd.isna(y1):
        return ""
    return f"in {int(y0)}" if int(y0) == int(y1) else f"in {int(y0)}–{int(y1)}"


def compare_word(ci_low: float, ci_high: float, other: float) -> str:
    """'higher than' | 'lower than' | 'close to' (other outside / inside the 95% interval)."""
    if other < ci_low:
        return "higher than"
    if other > ci_high:
        return "lower than"
    return "close to"


def metric_sentence(row: pd.Series, *, state_name: str = "the state") -> str:
    """One hedged sentence about a headline value, with its comparison to the state and similar counties."""
    unit = row["unit"]
    label = str(row["label"])
    when = _years(row.get("y0"), row.get("y1"))
    if pd.isna(row.get("value")):
        return f"{label}: no year has enough cases to publish a value."
    counts = count_text(row["numerator"], row["denominator"], unit)
    small = max(row["value"], row["ci_high"])
    interval = f"95% interval {_fmt(row['ci_low'], unit, small)} to {_fmt(row['ci_high'], unit, small)}"
    level = precision(row["numerator"], row["denominator"], row["ci_low"], row["ci_high"], unit)
    if level == "too_few":
        return (f"{label} {when}: the data are too few to say ({counts}; "
                f"{_fmt(row['value'], unit, small)}, {interval}).")
    value = _fmt(row["value"], unit, small)
    sentence = f"{label} {when}: {'about ' if level == 'about' else ''}{value} ({counts}; {interval})"
    comparisons = []
    state_value = row.get("state_value")
    if state_value is not None and not pd.isna(state_value) and (row.get("state_n_counties") or 0) > 1:
        word = compare_word(row["ci_low"], row["ci_high"], state_value)
        comparisons.append(f"{word} {state_name}'s {_fmt(state_value, unit, max(small, state_value))}")
    similar_value = row.get("similar_value")
    if similar_value is not None and not pd.isna(similar_value):
        word = compare_word(row["ci_low"], row["ci_high"], similar_value)
        comparisons.append(f"{word} the {_fmt(similar_value, unit, max(small, similar_value))} of counties of "
                           "similar size")
    if comparisons:
        sentence += ", " + " and ".join(comparisons)
    return sentence + "."


def office_sentence(terms: pd.DataFrame, today: date | None = None) -> str:
    """Who is in office now, since when, and how they came to office."""
    today = today or date.today()
    if terms is None or terms.empty:
        return "No prosecutor's office for this county is in the data yet."
    frame = terms.copy()
    frame["start"] = pd.to_datetime(frame["start_date"]).dt.date
    frame["end"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["end_date"]]
    current = frame[(frame["start"] <= today) & frame["end"].map(lambda e: e is None or e >= today)]
    if current.empty:
        latest = frame.sort_values("start").iloc[-1]
        return (f"The data do not say who holds the office now; the latest listed is {latest['name']}, "
                f"from {latest['start']:%B %Y}.")
    sentences = []
    for office, rows in current.groupby("office_name", sort=False):
        row = rows.sort_values("start").iloc[-1]
        same = frame[(frame["office_name"] == office) & (frame["prosecutor_id"] == row["prosecutor_id"])]
        since = same["start"].min()
        how = {"appointed": "appointed", "interim": "serving as interim", "acting": "acting"}.get(row["entry"],
                                                                                               "elected")
        sentences.append(f"{row['name']} ({how}) has led the {office} since {since:%B %Y}.")
    return " ".join(sentences)


def county_summary(*, place: str, state_name: str, terms: pd.DataFrame, headlines: pd.DataFrame,
                   progress: dict | None = None, missing: list[str] | None = None,
                   today: date | None = None) -> list[str]:
    """A handful of plain sentences about a county, from its terms, headline values and jail progress."""
    sentences = [office_sentence(terms, today)]
    if headlines is None or headlines.empty or headlines["value"].isna().all():
        sentences.append(f"There are no published case numbers for {place} yet.")
    else:
        shown = headlines[headlines["value"].notna() & (headlines["unit"] == "share")].head(SUMMARY_METRICS)
        sentences.extend(metric_sentence(row, state_name=state_name) for _, row in shown.iterrows())
    if progress:
        from dashboard.charts.detention import progress_sentence

        sentences.append(progress_sentence(progress))
    if missing:
        sentences.append("The data for this county do not cover " + _and_list(missing) + ".")
    return sentences


def sources_text(source_ids: object, titles: dict[str, str]) -> str:
    """Comma-separated source ids (one cell or a column of cells) -> their titles, in plain words."""
    cells = [source_ids] if isinstance(source_ids, str) or source_ids is None else list(source_ids)
    ids: list[str] = []
    for cell in cells:
        if isinstance(cell, str):
            ids.extend(i.strip() for i in cell.split(",") if i.strip())
    unique = list(dict.fromkeys(ids))
    if not unique:
        return "no published source for this selection"
    return "; ".join(titles.get(i, i) for i in unique)


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
