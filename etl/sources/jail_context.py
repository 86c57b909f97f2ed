"""Cited context for the jail pages, typed by hand (data/reference/): dated events and jail costs per day.

- events.csv -> `event`: a bail law, a charging policy, a court ruling or COVID-19 court closures, for a county
  (5-digit FIPS) or a whole state (its two letters), with the citation every trend chart shows on hover. Changes
  of prosecutor are not typed here: the dashboard reads them from `term`, each with the term's own citation.
- jail_cost_per_day.csv -> `jail_cost`: what a day in a county's jail costs, only where a document says so
  exactly; the row names the document, its publisher and year, and what the figure covers.

A row missing its citation, or with a date, place, kind or figure that does not parse, is rejected naming
its column: a figure without its source would be an invented number.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from etl import vocab
from etl.sources.base import IDENTIFIER_PATTERNS, Adapter, FileResult, read_csv
from etl.sources.curated import parse_iso_date

EVENT_COLUMNS = ("place", "event_date", "kind", "label", "label_es", "citation_title", "publisher", "url")
COST_COLUMNS = ("fips", "cost_per_day", "dollars_year", "covers", "title", "publisher", "published_year", "url")
EVENT_KINDS = ("bail_reform_law", "charging_policy", "court_ruling", "covid_court_closures")
LABEL_LIMIT = 90  # a chart's label: short enough to read beside a vertical mark

_FIPS = re.compile(r"^\d{5}$")
_URL = re.compile(r"^https?://\S+$")


def _cited(values: dict[str, str], columns: tuple[str, ...]) -> str | None:
    """The first citation column left empty or a URL that is not one, else None."""
    for column in columns:
        if not values[column]:
            return column
    return None if _URL.match(values["url"]) else "url"


class CitedEvents(Adapter):
    """data/reference/events.csv -> `event`."""

    source_id = "cited_events"
    mappings: ClassVar[tuple[str, ...]] = ("us_state_fips",)

    def read_file(self, path: Path, result: FileResult) -> None:
        states = {row["source_value"] for row in vocab.load_mapping("us_state_fips").items()}
        seen: dict[tuple[str, str, str], int] = {}
        for record in read_csv(path, result, required=EVENT_COLUMNS):
            values = {c: record.get(c).strip() for c in EVENT_COLUMNS}
            place = values["place"]
            if not (_FIPS.match(place) or place in states):
                result.reject(record, f"place {place!r} is neither a 5-digit county FIPS nor a state's two letters",
                              column="place")
                continue
            if values["kind"] not in EVENT_KINDS:
                result.reject(record, f"kind {values['kind']!r} is not one of {', '.join(EVENT_KINDS)} (changes "
                              "of prosecutor come from the term table)", column="kind")
                continue
            try:
                when = parse_iso_date(values["event_date"], "event_date")
            except ValueError as error:
                result.reject(record, str(error), column="event_date")
                continue
            wrong = next((c for c in ("label", "label_es") if not 0 < len(values[c]) <= LABEL_LIMIT), None)
            if wrong:  # label_es: the Spanish pages would otherwise show the English without warning
                result.reject(record, f"{wrong} must be 1 to {LABEL_LIMIT} characters", column=wrong)
                continue
            missing = _cited(values, ("citation_title", "publisher", "url"))
            if missing:
                result.reject(record, f"{missing} is empty or not a web address: every event needs its citation",
                              column=missing)
                continue
            shaped = next((c for c in EVENT_COLUMNS if any(p.search(values[c]) for p in IDENTIFIER_PATTERNS)), None)
            if shaped:  # the build's identifier check would stop the whole warehouse for this one row
                result.reject(record, f"{shaped} holds identifier-shaped text (a long number reads like a case or "
                              "docket number): cite an address without one", column=shaped)
                continue
            if result.reject_repeat(record, seen, (place, when.isoformat(), values["label"]), "event",
                                    column="label"):
                continue
            result.emit("event", {**values, "event_date": when})
            result.accept()


class JailCosts(Adapter):
    """data/reference/jail_cost_per_day.csv -> `jail_cost`."""

    source_id = "jail_costs"

    def read_file(self, path: Path, result: FileResult) -> None:
        seen: dict[str, int] = {}
        for record in read_csv(path, result, required=COST_COLUMNS):
            values = {c: record.get(c).strip() for c in COST_COLUMNS}
            if not _FIPS.match(values["fips"]):
                result.reject(record, f"fips {values['fips']!r} is not a 5-digit county FIPS", column="fips")
                continue
            try:
                cost = float(values["cost_per_day"])
            except ValueError:
                cost = 0.0
            if not 0 < cost < 10_000:
                result.reject(record, f"cost_per_day {values['cost_per_day']!r} is not a dollar figure",
                              column="cost_per_day")
                continue
            bad_year = next((c for c in ("dollars_year", "published_year")
                             if not (values[c].isdigit() and 1950 <= int(values[c]) <= 2100)), None)
            if bad_year:
                result.reject(record, f"{bad_year} {values[bad_year]!r} is not a year", column=bad_year)
                continue
            missing = _cited(values, ("covers", "title", "publisher"))
            if missing:
                result.reject(record, f"{missing} is empty or not a web address: a cost needs its document",
                              column=missing)
                continue
            if result.reject_repeat(record, seen, values["fips"], "county", column="fips"):
                continue
            result.emit("jail_cost", {**values, "cost_per_day": cost, "dollars_year": int(values["dollars_year"]),
                                      "published_year": int(values["published_year"])})
            result.accept()
