"""dashboard/permalinks.py: every view survives the trip through its URL; no URL value can break it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import i18n, permalinks
from dashboard.permalinks import DIMENSIONS, KNOWN_KEYS, MAX_COMPARE, PAGES, View, allowed, href, parse, view_href

FIPS = st.from_regex(r"\A[0-9]{5}\Z")
IDS = st.from_regex(r"\A[a-z0-9][a-z0-9\-]{0,40}\Z")
METRIC = st.from_regex(r"\A[a-z0-9_]{1,64}\Z")
STATE = st.from_regex(r"\A[A-Z]{2}\Z")
YEAR = st.integers(permalinks.YEAR_MIN, permalinks.YEAR_MAX)


def _accepts(page: str, key: str) -> bool:
    return page in KNOWN_KEYS[key]


@st.composite
def views(draw: st.DrawFn) -> View:
    """Any view a page can hold: only the settings that page reads, each a valid value."""
    page = draw(st.sampled_from(sorted(PAGES)))
    limit = MAX_COMPARE if page == "compare" else 1
    fields: dict[str, object] = {"page": page}
    if _accepts(page, "fips"):
        fields["fips"] = tuple(draw(st.lists(FIPS, max_size=limit, unique=True)))
    if _accepts(page, "id"):
        fields["ids"] = tuple(draw(st.lists(IDS, max_size=limit, unique=True)))
    if _accepts(page, "metric"):
        fields["metric"] = draw(st.none() | METRIC)
    if _accepts(page, "from"):
        years = sorted(draw(st.lists(YEAR, min_size=2, max_size=2)))
        fields["year_from"] = draw(st.none() | st.just(years[0]))
        fields["year_to"] = draw(st.none() | st.just(years[1]))
    if _accepts(page, "year"):
        fields["year"] = draw(st.none() | YEAR)
    if _accepts(page, "by"):
        fields["by"] = draw(st.sampled_from(DIMENSIONS))
    if _accepts(page, "state"):
        fields["state"] = draw(st.none() | STATE)
    if _accepts(page, "baseline"):
        fields["baseline"] = draw(st.none() | YEAR)
    if _accepts(page, "source"):
        fields["source"] = draw(st.none() | METRIC)
    if _accepts(page, "lens"):
        fields["lens"] = draw(st.none() | METRIC)
    if _accepts(page, "cost"):  # dollars and cents a day, below the limit
        fields["cost"] = draw(st.none() | st.integers(1, permalinks.COST_MAX * 100 - 1).map(lambda c: c / 100))
    fields["embed"] = draw(st.booleans())
    fields["lang"] = draw(st.sampled_from(sorted(i18n.LANGUAGES)))
    return View(**fields)


@given(views())
@settings(max_examples=300, deadline=None)
def test_round_trip_through_params(view: View) -> None:
    again = parse(view.page, view.params())
    assert again == view
    assert again.messages == ()


@given(views())
@settings(max_examples=200, deadline=None)
def test_round_trip_through_the_link(view: View) -> None:
    """The relative link a page shares reopens the same view (as the browser would parse its query)."""
    link = view_href(view)
    parts = urlsplit(link)
    assert parts.path == "/" + PAGES[view.page]
    raw = parse_qs(parts.query, keep_blank_values=True)
    assert parse(view.page, raw) == view


HOSTILE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=600)


@given(st.sampled_from(sorted(PAGES)),
       st.dictionaries(HOSTILE_TEXT, st.one_of(HOSTILE_TEXT, st.lists(HOSTILE_TEXT, max_size=4)), max_size=8))
@settings(max_examples=400, deadline=None)
def test_hostile_values_never_raise_and_only_valid_values_survive(page: str, raw: dict) -> None:
    view = parse(page, raw)
    assert view.page == page
    assert all(re.fullmatch(r"[0-9]{5}", f) for f in view.fips)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9\-]{0,99}", i) for i in view.ids)
    assert view.metric is None or re.fullmatch(r"[a-z0-9_]{1,64}", view.metric)
    assert view.state is None or re.fullmatch(r"[A-Z]{2}", view.state)
    assert view.source is None or re.fullmatch(r"[a-z0-9_]{1,64}", view.source)
    assert view.by in DIMENSIONS
    for year in (view.year, view.year_from, view.year_to, view.baseline):
        assert year is None or permalinks.YEAR_MIN <= year <= permalinks.YEAR_MAX
    if view.year_from is not None and view.year_to is not None:
        assert view.year_from <= view.year_to
    assert len(view.fips) <= (MAX_COMPARE if page == "compare" else 1)
    for message in view.messages:
        assert isinstance(message, str)
        assert "<" not in message and ">" not in message  # nothing from the URL reaches a page as markup
    # and the cleaned view is itself a stable link
    assert parse(page, view.params()) == view


@pytest.mark.parametrize(("page", "raw", "expected"), [
    ("map", {"fips": "../../etc/passwd"}, "not valid"),
    ("map", {"metric": "1;DROP TABLE metric_value"}, "not valid"),
    ("map", {"year": "99999999999"}, "must be a year"),
    ("map", {"metric": ["dismissal_rate", "conviction_rate"]}, "more than once"),
    ("map", {"metric": "x" * 10_000}, "too long"),
    ("map", {"state": "Illinois"}, "not valid"),
    ("map", {"<script>": "1"}, "does not apply"),
    ("methods", {"source": "cook';--"}, "not valid"),
    ("methods", {"fips": "17031"}, "does not apply"),
    ("county", {"cost": "lots"}, "dollars a day"),
    ("county", {"cost": "-5"}, "dollars a day"),
    ("county", {"cost": "1e9"}, "dollars a day"),
    ("map", {"cost": "143"}, "does not apply"),
])
def test_bad_values_are_explained(page: str, raw: dict, expected: str) -> None:
    view = parse(page, raw)
    assert any(expected in m for m in view.messages), view.messages
    assert view.metric in (None, "conviction_rate")  # repeated keys: the last one wins
    assert view.state is None and view.fips == ()


def test_the_questions_page_links_by_county_or_prosecutor_and_lens() -> None:
    """/questions?county=17031&lens=drug and /questions?prosecutor=<id>: the spellings its links use, read and
    written back; `fips` and `id` are read as well."""
    view = parse("questions", {"county": "17031", "lens": "drug"})
    assert (view.fips, view.lens, view.messages) == (("17031",), "drug", ())
    assert view_href(view) == "/questions?county=17031&lens=drug"
    assert view_href(parse("questions", {"prosecutor": "kim-foxx"})) == "/questions?prosecutor=kim-foxx"
    assert parse("questions", {"fips": "17031"}) == view.with_(lens=None)
    both = parse("questions", {"county": "06075", "fips": "17031"})
    assert both.fips == ("17031",) and any("two names for the same setting" in m for m in both.messages)
    assert any("does not apply" in m for m in parse("county", {"county": "17031"}).messages)
    assert any("does not apply" in m for m in parse("county", {"lens": "drug"}).messages)


def test_repeated_key_keeps_the_last_value() -> None:
    view = parse("map", {"metric": ["dismissal_rate", "conviction_rate"]})
    assert view.metric == "conviction_rate"


def test_unicode_digits_are_not_years_or_fips() -> None:
    view = parse("map", {"year": "٢٠١٩", "fips": "１７０３１"})
    assert view.year is None and view.fips == ()
    assert len(view.messages) == 2


def test_allowed_drops_unknown_values_with_a_message() -> None:
    view = parse("map", {"metric": "no_such_metric", "state": "ZZ", "fips": "99999"})
    checked = allowed(view, fips=["17031"], metrics=["dismissal_rate"], states=["IL"])
    assert checked.metric is None and checked.state is None and checked.fips == ()
    text = " ".join(checked.messages)
    assert "no_such_metric" in text and "ZZ" in text and "99999" in text


def test_allowed_keeps_known_values_silently() -> None:
    view = parse("map", {"metric": "dismissal_rate", "state": "il", "fips": "17031"})
    checked = allowed(view, fips=["17031"], metrics=["dismissal_rate"], states=["IL"])
    assert (checked.metric, checked.state, checked.fips) == ("dismissal_rate", "IL", ("17031",))
    assert checked.messages == ()


def test_href_builds_links_for_every_page() -> None:
    assert href("map") == "/"
    assert href("county", fips="17031") == "/county?fips=17031"
    assert href("compare", fips=["17031", "06075"]) == "/compare?fips=17031,06075"
    assert href("county", fips="17031", year_from=2014, year_to=2019) == "/county?fips=17031&from=2014&to=2019"
    with pytest.raises(ValueError):
        href("../admin")
