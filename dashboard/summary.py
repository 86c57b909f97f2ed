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
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.charts.trends import count_text, format_value, partial_label
from dashboard.comparability import others_label
from dashboard.i18n import _, contracted, month_name, month_text
from dashboard.warehouse_words import words

if TYPE_CHECKING:
    from dashboard.charts.detention import Outlook

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
    return (_("in {year}").format(year=int(y0)) if int(y0) == int(y1)
            else _("in {first}–{last}").format(first=int(y0), last=int(y1)))


def compare_word(ci_low: float, ci_high: float, other: float) -> str:
    """'higher than' | 'lower than' | 'close to' (other outside / inside the 95% interval)."""
    if other < ci_low:
        return _("higher than")
    if other > ci_high:
        return _("lower than")
    return _("close to")


def period_words(years: pd.DataFrame, y0: object, y1: object, terms: pd.DataFrame | None = None) -> tuple[str, bool]:
    """Who was in office for the years y0..y1 of one measure, and whether any of them is a part-year.

    `years` has one row per published year (`year`, `prosecutor`, and optionally `partial`, `covered_label`);
    `terms` (name, start_date, end_date) adds who else held office in a single year and a first full year:
    -> ("Kim Foxx's first full year", False), ("under Anita Alvarez; Kim Foxx from December", False),
    ("under Larry Krasner; Aug–Dec only", True).
    """
    if years is None or years.empty or pd.isna(y0) or pd.isna(y1):
        return "", False
    rows = years[years["year"].between(int(y0), int(y1))].sort_values("year")
    names = [str(n) for n in dict.fromkeys(rows["prosecutor"].dropna())]
    partial = rows[rows["partial"].fillna(False).astype(bool)] if "partial" in rows else rows.iloc[0:0]
    single = int(y0) == int(y1)
    if not names:
        parts = [_("no prosecutor in the data for these years")]
    elif (len(names) == 1 and single and partial.empty and terms is not None
          and _first_full_year(names[0], int(y0), terms)):
        parts = [_("{name}'s first full year").format(name=names[0])]
    else:
        parts = [_("under {names}").format(names=_and_list(names, _("and")))]
        if len(names) == 1 and single and terms is not None:
            parts += _others_in_year(names[0], int(y0), terms)
    if not partial.empty:
        parts.append("; ".join(
            _("{year}: {months} only").format(year=int(r.year), months=words(r.covered_label or "part of the year"))
            if not single else _("{months} only").format(months=words(r.covered_label or "part of the year"))
            for r in partial.itertuples()))
    return "; ".join(parts), not partial.empty


def _others_in_year(name: str, year: int, terms: pd.DataFrame) -> list[str]:
    """Who else held the office during `year` ('Kim Foxx from December'): a year goes to one prosecutor only."""
    out = []
    for row in terms.sort_values("start_date").itertuples():
        if row.name == name:
            continue
        start = pd.Timestamp(row.start_date).date()
        end = None if pd.isna(row.end_date) else pd.Timestamp(row.end_date).date()
        if start.year == year:
            out.append(_("{name} from {month}").format(name=row.name, month=month_name(start)))
        elif end is not None and end.year == year and start.year < year:
            out.append(_("{name} until {month}").format(name=row.name, month=month_name(end)))
    return list(dict.fromkeys(out))


def published_years(series: pd.DataFrame) -> pd.DataFrame:
    """The shown (unsuppressed) yearly values of a county or office series, with who was in office for each and
    the part of the year covered: the input of period_words and term_data_sentence."""
    columns = ["metric_id", "year", "prosecutor", "partial", "covered_label", "value", "ci_low", "ci_high",
               "numerator", "denominator"]
    if series is None or series.empty:
        return pd.DataFrame(columns=columns)
    rows = series[~series["suppressed"].astype(bool)]
    if "dimension" in rows:
        rows = rows[rows["dimension"] == "all"]
    rows = rows.assign(**{c: None for c in columns if c not in rows})
    return rows[columns].reset_index(drop=True)


def _first_full_year(name: str, year: int, terms: pd.DataFrame) -> bool:
    """Whether `year` is the first calendar year `name` held office throughout, after starting the year before."""
    mine = terms[terms["name"] == name]
    if mine.empty:
        return False
    start = pd.Timestamp(mine["start_date"].min()).date()
    return start.year == year - 1 and (start.month, start.day) != (1, 1)


def metric_sentence(row: pd.Series, *, state_name: str | None = None, who: str = "", partial: bool = False) -> str:
    """One hedged sentence about a headline value, with who was in office (`who`) and its comparison to the state
    and similar counties; a part-year (`partial`) is never compared with other places' whole years."""
    unit = row["unit"]
    label = str(row["label"])
    state_name = state_name or _("the state")
    when = _years(row.get("y0"), row.get("y1")) + (f" ({who})" if who else "")
    if pd.isna(row.get("value")):
        return _("{measure}: no year has enough cases to publish a value.").format(measure=label)
    counts = count_text(row["numerator"], row["denominator"], unit)
    small = max(row["value"], row["ci_high"])
    interval = _("95% interval {low} to {high}").format(low=_fmt(row["ci_low"], unit, small),
                                                        high=_fmt(row["ci_high"], unit, small))
    level = precision(row["numerator"], row["denominator"], row["ci_low"], row["ci_high"], unit)
    value = _fmt(row["value"], unit, small)
    if level == "too_few":
        return _("{measure} {when}: the data are too few to say ({counts}; {value}, {interval}).").format(
            measure=label, when=when, counts=counts, value=value, interval=interval)
    sentence = (_("{measure} {when}: about {value} ({counts}; {interval})") if level == "about"
                else _("{measure} {when}: {value} ({counts}; {interval})")).format(
        measure=label, when=when, value=value, counts=counts, interval=interval)
    comparisons = []
    if partial:
        return sentence + _("; not compared with other places, whose figures cover whole years.")
    state_value = row.get("state_value")
    if state_value is not None and not pd.isna(state_value) and (row.get("state_n_counties") or 0) >= 1:
        word = compare_word(row["ci_low"], row["ci_high"], state_value)
        comparisons.append(_("{comparison} the {value} of {others}").format(
            comparison=word, value=_fmt(state_value, unit, max(small, state_value)),
            others=others_label(row["state_n_counties"], state_name)))
    similar_value = row.get("similar_value")
    if similar_value is not None and not pd.isna(similar_value):
        word = compare_word(row["ci_low"], row["ci_high"], similar_value)
        comparisons.append(_("{comparison} the {value} of counties of similar size measured alike").format(
            comparison=word, value=_fmt(similar_value, unit, max(small, similar_value))))
    if comparisons:
        sentence += ", " + (" " + _("and") + " ").join(comparisons)
    return contracted(sentence + ".")


def office_sentence(terms: pd.DataFrame, today: date | None = None) -> str:
    """Who is in office now, since when, and how they came to office."""
    today = today or date.today()
    if terms is None or terms.empty:
        return _("No prosecutor's office for this county is in the data yet.")
    frame = terms.copy()
    frame["start"] = pd.to_datetime(frame["start_date"]).dt.date
    frame["end"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["end_date"]]
    current = frame[(frame["start"] <= today) & frame["end"].map(lambda e: e is None or e >= today)]
    if current.empty:
        latest = frame.sort_values("start").iloc[-1]
        return _("The data do not say who holds the office now; the latest listed is {name}, from {since}.").format(
            name=latest["name"], since=month_text(latest["start"]))
    sentences = []
    for office, rows in current.groupby("office_name", sort=False):
        row = rows.sort_values("start").iloc[-1]
        same = frame[(frame["office_name"] == office) & (frame["prosecutor_id"] == row["prosecutor_id"])]
        since = same["start"].min()
        if row["entry"] == "derived":  # from an election win and the state's term rule, not a roster: said so
            sentence = (_("{name} won the last general election for the {office} in the data and, by state law, "
                          "serves from {since} to {until} (derived from election returns, not an official roster).")
                        if row["end"] is not None else
                        _("{name} won the last general election for the {office} in the data and, by state law, "
                          "serves from {since} (derived from election returns, not an official roster)."))
            sentences.append(sentence.format(name=row["name"], office=office, since=month_text(since),
                                             until=month_text(row["end"]) if row["end"] is not None else ""))
            continue
        how = {"appointed": _("appointed"), "interim": _("serving as interim"), "acting": _("acting")}.get(
            row["entry"], _("elected"))
        sentences.append(_("{name} ({how}) has led the {office} since {since}.").format(
            name=row["name"], how=how, office=office, since=month_text(since)))
    return " ".join(sentences)


def term_data_sentence(name: str, since: date | None, years: pd.DataFrame, until: date | None = None,
                       labels: dict[str, str] | None = None) -> str | None:
    """What the published data say about one prosecutor's own time in office, in one sentence.

    `years` has one row per published (unsuppressed) year and measure of their office or county, with the
    `prosecutor` the year is attributed to (and optionally `partial`, `covered_label`). None when there is
    nothing to say (no years at all and no name). `until`: the day a past prosecutor left office. `labels`
    (metric_id -> label): when their years cover only some measures, say which, and where the others end.
    """
    since_text = " " + _("(in office since {since})").format(since=month_text(since)) if since else ""
    rows = years.dropna(subset=["year"]) if years is not None else pd.DataFrame(columns=["year", "prosecutor"])
    theirs = rows[rows["prosecutor"] == name]
    if theirs.empty and until is not None:
        held = " " + _("({since} to {until})").format(since=month_text(since), until=month_text(until)) \
            if since else ""
        return _("No published data are attributed to {name}'s time in office{held}: yearly figures go to whoever "
                 "held the office for most of the year.").format(name=name, held=held)
    if theirs.empty:
        if rows.empty:
            return _("No published data cover {name}'s time in office{since}, nor any earlier years.").format(
                name=name, since=since_text)
        latest = rows[rows["year"] == rows["year"].max()].iloc[0]
        who = latest["prosecutor"] if isinstance(latest["prosecutor"], str) else _("no prosecutor named in the data")
        return _("No published data cover {name}'s time in office yet{since}: the latest published data are from "
                 "{year}, under {who}.").format(name=name, since=since_text, year=_labelled_year(latest), who=who)
    per_year = theirs.drop_duplicates("year").sort_values("year")
    partial = per_year[per_year["partial"].fillna(False).astype(bool)] if "partial" in per_year else per_year.iloc[0:0]
    whole = sorted(set(int(y) for y in per_year["year"]) - {int(y) for y in partial["year"]})
    pieces: list[str] = []
    run: list[int] = []  # consecutive whole years, said as one span
    for _i, row in per_year.iterrows():
        if int(row["year"]) in whole and (not run or int(row["year"]) == run[-1] + 1):
            run.append(int(row["year"]))
            continue
        pieces += [_year_span(run)] if run else []
        run = [int(row["year"])] if int(row["year"]) in whole else []
        if not run:
            pieces.append(_labelled_year(row))
    pieces += [_year_span(run)] if run else []
    covered = {"name": name, "since": since_text, "years": _and_list(pieces, _("and"))}
    others = rows[~rows["metric_id"].isin(set(theirs["metric_id"]))] if "metric_id" in rows else rows.iloc[0:0]
    if labels and not others.empty:
        measures = [labels.get(m, m).lower() for m in dict.fromkeys(theirs["metric_id"])]
        latest = others[others["year"] == others["year"].max()].iloc[0]
        who = latest["prosecutor"] if isinstance(latest["prosecutor"], str) else _("no prosecutor named in the data")
        return _("Under {name}{since}, the published data cover {years}, for {measures} only; the latest data on "
                 "the other measures are from {latest}, under {who}.").format(
            **covered, measures=_and_list(measures, _("and")), latest=_labelled_year(latest), who=who)
    if not whole:
        return _("Under {name}{since}, the published data cover {years}: no whole year of theirs is published yet, "
                 "so the whole-year figures below are from before their term.").format(**covered)
    return _("Under {name}{since}, the published data cover {years}.").format(**covered)


def _labelled_year(row: pd.Series) -> str:
    """'2023 (Jan–May only)' for a part-year, '2022' for a whole one."""
    flag = row.get("partial")
    if flag is not None and not pd.isna(flag) and bool(flag):
        return partial_label(row["year"], row.get("covered_label"))
    return str(int(row["year"]))


def _year_span(years: list[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def current_prosecutors(terms: pd.DataFrame, today: date | None = None) -> list[tuple[str, date]]:
    """(name, in office since) of everyone in office on `today` in the county's offices."""
    today = today or date.today()
    if terms is None or terms.empty:
        return []
    frame = terms.copy()
    frame["start"] = pd.to_datetime(frame["start_date"]).dt.date
    frame["end"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["end_date"]]
    now = frame[(frame["start"] <= today) & frame["end"].map(lambda e: e is None or e >= today)]
    out = []
    for _i, row in now.sort_values("start").iterrows():
        same = frame[(frame["office_name"] == row["office_name"]) & (frame["name"] == row["name"])]
        out.append((str(row["name"]), same["start"].min()))
    return list(dict.fromkeys(out))


def county_summary(*, place: str, state_name: str, terms: pd.DataFrame, headlines: pd.DataFrame,
                   progress: Outlook | None = None, missing: list[str] | None = None,
                   today: date | None = None, years: pd.DataFrame | None = None,
                   labels: dict[str, str] | None = None) -> list[str]:
    """A handful of plain sentences about a county, from its terms, headline values and jail progress.

    It leads with what the data say about the prosecutor in office now (`years`: the county's published years
    per measure with the prosecutor each is attributed to; `labels`: metric_id -> label, to name the measures
    their years cover when it is only some), and every figure names who was in office for it.
    """
    sentences = [office_sentence(terms, today)]
    years = years if years is not None else pd.DataFrame(columns=["metric_id", "year", "prosecutor"])
    shown = pd.DataFrame() if headlines is None or headlines.empty else \
        headlines[headlines["value"].notna() & (headlines["unit"] == "share")].head(SUMMARY_METRICS)
    for name, _since in current_prosecutors(terms, today):
        lead = term_data_sentence(name, None, years, labels=labels)  # office_sentence has said since when
        if lead:
            sentences.append(lead)
        sentences.extend(_part_year_sentences(name, years, shown, terms))
    if shown.empty:
        sentences.append(_("There are no published case numbers for {place} yet.").format(place=place))
    else:
        for _i, row in shown.iterrows():
            mine = years[years["metric_id"] == row["metric_id"]] if "metric_id" in years else years
            who, partial = period_words(mine, row.get("y0"), row.get("y1"), terms)
            sentences.append(metric_sentence(row, state_name=state_name, who=who, partial=partial))
    if progress:
        from dashboard.charts.detention import progress_sentence

        sentences.append(progress_sentence(progress))
    if missing:
        sentences.append(_("The data for this county do not cover {stages}.").format(
            stages=_and_list(missing, _("or"))))
    return sentences


def _part_year_sentences(name: str, years: pd.DataFrame, shown: pd.DataFrame, terms: pd.DataFrame) -> list[str]:
    """When the prosecutor in office has only part-years of data, what those months say (never set against
    whole years): the headline measures in their latest part-year."""
    if shown.empty or "value" not in years or "partial" not in years:
        return []
    theirs = years[(years["prosecutor"] == name) & years["value"].notna()]
    if theirs.empty or not theirs["partial"].fillna(False).astype(bool).all():
        return []
    latest = int(theirs["year"].max())
    out = []
    for _i, headline in shown.iterrows():
        match = theirs[(theirs["metric_id"] == headline["metric_id"]) & (theirs["year"] == latest)]
        if match.empty:
            continue
        row = headline.copy()
        for column in ("value", "ci_low", "ci_high", "numerator", "denominator"):
            row[column] = match[column].iloc[0]
        row["y0"] = row["y1"] = latest
        who, partial = period_words(match, latest, latest, terms)
        out.append(metric_sentence(row, who=who, partial=partial))
    return out


def sources_text(source_ids: object, titles: dict[str, str]) -> str:
    """Comma-separated source ids (one cell or a column of cells) -> their titles, in plain words."""
    cells = [source_ids] if isinstance(source_ids, str) or source_ids is None else list(source_ids)
    ids: list[str] = []
    for cell in cells:
        if isinstance(cell, str):
            ids.extend(i.strip() for i in cell.split(",") if i.strip())
    unique = list(dict.fromkeys(ids))
    if not unique:
        return _("no published source for this selection")
    return "; ".join(titles.get(i, i) for i in unique)


def _and_list(items: list[str], word: str | None = None) -> str:
    word = word or _("or")
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
