"""The prosecutor page's content: `prosecutor_base` per prosecutor, `prosecutor_view` per measure, breakdown and years.

Both are cached per warehouse version; the page (views/prosecutor.py) adds the widgets and shows what these
return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa

from dashboard import components, db, i18n
from dashboard.charts import disparity, events, trends
from dashboard.content import VIEWS_KEPT, Block, md, shown, source_titles, terms_table
from dashboard.content.elections import name_key, office_elections
from dashboard.i18n import N_, _, cache_per_language, ngettext, signed
from dashboard.summary import published_years, sources_text, term_data_sentence
from dashboard.warehouse_words import words


@dataclass(frozen=True)
class Comparison:
    """One office's dot chart of differences against the predecessor and the state, and its table."""

    office_id: str
    office_name: str
    block: Block
    rows: pd.DataFrame  # prosecutor_comparison.sql's rows for the office: the view words the chosen measure's


@dataclass(frozen=True)
class ProsecutorBase:
    """What does not depend on the view: who, their terms, the comparisons, the office series."""

    pid: str
    name: str
    caption: str
    several_offices: bool
    terms_table: pa.Table
    county_links: tuple[tuple[str, str], ...]  # (label, fips) of the counties they served, a few per term
    series_all: pd.DataFrame
    with_data: tuple[str, ...]
    first_year: int | None
    last_year: int | None
    comparisons: tuple[Comparison, ...]
    label_of: dict[str, str]
    unit_of: dict[str, str]
    no_term_data: str | None  # one line when no published data cover their time in office, else None
    election_lines: tuple[str, ...] = ()  # their record at the polls and each office's next regular election
    election_history: pa.Table | None = None  # the races they ran in, every candidate, newest first


@dataclass(frozen=True)
class ProsecutorView:
    sentences: dict[str, tuple[str, ...]]  # office_id -> the chosen measure's comparisons, in words
    trends: tuple[Block, ...]  # one per office


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def prosecutor_base(pid: str, version: db.Version) -> ProsecutorBase:
    profile = db.query("prosecutor_profile", id=pid).iloc[0]
    terms = db.query("prosecutor_terms", id=pid)
    mine = terms[terms["mine"].astype(bool)]
    metrics = db.query("metric_definitions")
    label_of = dict(zip(metrics["metric_id"], metrics["label"], strict=True))
    unit_of = dict(zip(metrics["metric_id"], metrics["unit"], strict=True))
    titles, built, demo = source_titles(), components.built_date(), db.is_demo()
    name = str(profile["name"])
    party = f"{words(profile['party'])}. " if isinstance(profile["party"], str) and profile["party"] else ""
    offices = list(dict.fromkeys(mine["office_name"]))

    series_all = db.query("prosecutor_series", id=pid, dimension="all")
    shown = set(series_all.loc[~series_all["suppressed"].astype(bool), "metric_id"])
    threshold = int(db.build_info().get("suppression_threshold", "10"))
    comparisons = []
    for office_id, rows in db.query("prosecutor_comparison", id=pid, threshold=threshold).groupby("office_id",
                                                                                                  sort=False):
        predecessor = rows.loc[rows["comparison"] == "predecessor", "other_label"].dropna()
        rows = rows.assign(  # the query's words in the reader's language; no predecessor in the data is said so
            other_label=[words(v) if isinstance(v, str) else _("the predecessor") for v in rows["other_label"]],
            note=[words(v) if isinstance(v, str) else v for v in rows["note"]])
        title = (_("{name} vs {predecessor} and the state") if not predecessor.empty
                 else _("{name} vs the predecessor and the state")).format(
            name=name, predecessor=predecessor.iloc[0] if not predecessor.empty else "")
        drawn = disparity.drawn_differences(rows, unit_of)  # the chart credits the sources of what it draws
        fig = components.cached_chart(
            disparity.difference_chart, rows, unit_of=unit_of, labels=label_of, title=title,
            subtitle=_("Difference in percentage points (their value minus the other); lines: 95% intervals"),
            source=sources_text((rows if drawn.empty else drawn)["source_ids"], titles), built=built, demo=demo)
        comparisons.append(Comparison(str(office_id), str(rows["office_name"].iloc[0]), Block(
            fig, _comparison_table(rows, label_of).assign(place=str(rows["office_name"].iloc[0])),
            _comparison_alt(rows, label_of, unit_of, name),
            f"{name}-{office_id}-comparison", f"compare-{office_id}"), rows))

    return ProsecutorBase(
        pid=pid, name=name, caption=md(f"{party}{'; '.join(offices)}."), several_offices=len(offices) > 1,
        terms_table=terms_table(mine, {N_("Office"): "office_name", N_("Counties"): "counties"}),
        county_links=_county_links(mine), series_all=series_all,
        with_data=tuple(m for m in metrics["metric_id"] if m in shown),
        first_year=None if series_all.empty else int(series_all["year"].min()),
        last_year=None if series_all.empty else int(series_all["year"].max()),
        comparisons=tuple(comparisons), label_of=label_of, unit_of=unit_of,
        no_term_data=_no_term_data(name, mine, series_all),
        **_elections(name, db.query("prosecutor_elections", id=pid), date.today()))


def _no_term_data(name: str, mine: pd.DataFrame, series_all: pd.DataFrame) -> str | None:
    """The page's one line for a prosecutor none of whose office's published years is attributed to them."""
    years = published_years(series_all)
    if not series_all.empty and series_all.loc[~series_all["suppressed"].astype(bool), "mine"].astype(bool).any():
        return None
    since = pd.Timestamp(mine["start_date"].min()).date() if not mine.empty else None
    ended = not mine.empty and mine["end_date"].notna().all()
    until = pd.Timestamp(mine["end_date"].max()).date() if ended else None
    return term_data_sentence(name, since, years, until)  # only when none of the measures covers their term


def _elections(name: str, rows: pd.DataFrame, today: date) -> dict[str, object]:
    """The header's election lines: the races this person ran in (matched by name in the offices they held),
    how many they won and had an opponent in, and each office's next regular election."""
    if rows.empty:
        return {"election_lines": (), "election_history": None}
    me = name_key(name)
    races = rows.groupby(["office_id", "election_date", "round"], sort=False)
    theirs = [group for _i, group in races if (group["candidate_name"].map(name_key) == me).any()]
    lines = []
    for office_id, group in rows.groupby("office_id", sort=False):
        mine = [g for g in theirs if g["office_id"].iloc[0] == office_id]
        record = office_elections(pd.concat(mine) if mine else group.iloc[0:0], group.iloc[:1], today)
        office = md(str(group["office_name"].iloc[0]))
        if mine:
            won = sum(bool(((g["candidate_name"].map(name_key) == me) & g["winner"].fillna(False).astype(bool)).any())
                      for g in mine)
            lines.append(ngettext("{office}: ran in {n} race in the data and won {won}.",
                                  "{office}: ran in {n} races in the data and won {won}.", len(mine)).format(
                office=office, n=len(mine), won=won) + " " + " ".join(x for x in (record.last, record.contested) if x))
        lines.append(f"{office}: {record.next}")
    history = office_elections(pd.concat(theirs), None, today).history if theirs else None
    return {"election_lines": tuple(lines), "election_history": shown(history) if history is not None else None}


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def prosecutor_view(pid: str, metric: str | None, by: str, y0: int, y1: int, version: db.Version) -> ProsecutorView:
    base = prosecutor_base(pid, version)
    if not metric:
        return ProsecutorView({}, ())
    label_of, unit_of, name = base.label_of, base.unit_of, base.name
    sentences = {c.office_id: tuple(md(disparity.difference_sentence(row, unit_of[metric], label_of[metric]))
                                    for _i, row in c.rows[c.rows["metric_id"] == metric].iterrows())
                 for c in base.comparisons}

    titles, built, demo = source_titles(), components.built_date(), db.is_demo()
    terms = db.query("prosecutor_terms", id=pid)
    series = base.series_all if by == "all" else db.query("prosecutor_series", id=pid, dimension=by)
    series = series[(series["metric_id"] == metric) & series["year"].between(y0, y1)].copy()
    series["source"] = series["source_ids"].map(lambda s: sources_text(s, titles))
    blocks = []
    for office_id, rows in series.groupby("office_id", sort=False):
        office_name = str(rows["office_name"].iloc[0])
        rows = rows.copy()
        rows["series"] = [trends.group_label(by, v) for v in rows["dimension_value"]]
        shading = terms[terms["office_id"] == office_id].assign(highlight=lambda f: f["mine"].astype(bool))
        marked = db.query("events", fips="", office=str(office_id))
        fig = components.cached_chart(
            trends.trend_chart, rows, unit=unit_of[metric], terms=shading,
            title=f"{label_of[metric]}, {office_name}",
            subtitle=(_("{name}'s time in office highlighted; {attribution}; by {breakdown}") if by != "all"
                      else _("{name}'s time in office highlighted; {attribution}")).format(
                name=name, attribution=_(trends.YEAR_ATTRIBUTION), breakdown=_(trends.DIMENSION_LABELS[by]).lower()),
            source=sources_text(rows["source_ids"], titles), built=built, demo=demo, y_title=label_of[metric],
            events=marked)
        data = rows[["office_id", "metric_id", "year", "dimension", "dimension_value", "value", "ci_low", "ci_high",
                     "numerator", "denominator", "suppressed", "suppression_reason", "prosecutor", "partial",
                     "covered_label", "source"]]
        data = data.assign(place=office_name)[["place", *data.columns]]  # a downloaded CSV says where it is from
        blocks.append(Block(fig, data.reset_index(drop=True), trends.alt_text(
            rows, measure=label_of[metric].lower(), unit=unit_of[metric], place=office_name, terms=shading),
            f"{name}-{office_id}-{metric}-{by}-{y0}-{y1}", f"trend-{office_id}",
            events=events.export_for_years(marked, rows["year"], office_name)))
    return ProsecutorView(sentences, tuple(blocks))


def _county_links(mine: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for fips_list, counties in zip(mine["fips_list"], mine["counties"], strict=True):
        for fips, label in zip(list(fips_list)[:4], str(counties).split("; ")[:4], strict=False):
            seen.setdefault(fips, _("County page: {county}").format(county=md(label)))
    return tuple((label, fips) for fips, label in seen.items())


def _comparison_table(rows: pd.DataFrame, label_of: dict) -> pd.DataFrame:
    out = []

    def number(value: float, scale: int) -> str:  # text, so a missing value is a dash, never "None"
        return "—" if pd.isna(value) else i18n.number(value * scale, 2)

    for row in rows.itertuples(index=False):
        scale = 100 if row.unit == "share" else 1
        withheld = not pd.isna(row.suppressed_cells) and row.suppressed_cells > 0
        out.append({
            _("Measure"): label_of.get(row.metric_id, row.metric_id),
            _("Against"): row.other_label,
            _("Their value"): trends.format_value(row.value, row.unit, digits=1),
            _("Their n"): trends.count_text(row.numerator, row.denominator, row.unit,
                                            missing=N_("counts withheld") if withheld else N_("no data")),
            _("Other value"): trends.format_value(row.other_value, row.unit, digits=1),
            # the note says why the other side has no value (no data, or too few cases)
            _("Other n"): trends.count_text(row.other_numerator, row.other_denominator, row.unit, missing="—"),
            _("Difference"): number(row.diff, scale),
            _("95% interval low"): number(row.diff_low, scale),
            _("95% interval high"): number(row.diff_high, scale),
            _("Unit of difference"): _("percentage points") if row.unit == "share" else _("per 100,000 adults"),
            _("Note"): row.note if isinstance(row.note, str) else "",
        })
    return pd.DataFrame(out)


def _comparison_alt(rows: pd.DataFrame, label_of: dict, unit_of: dict, name: str) -> str:
    clear = []
    for row in rows.itertuples(index=False):
        if unit_of.get(row.metric_id) != "share" or pd.isna(row.diff_low):
            continue
        if row.diff_low > 0 or row.diff_high < 0:
            clear.append(_("{measure} against {who}: {diff} points").format(
                measure=label_of.get(row.metric_id, row.metric_id), who=row.other_label, diff=signed(row.diff * 100)))
    text = _("Dot chart of differences in percentage points between {name} and their predecessor and the state's "
             "other offices, one row per measure, with 95% intervals.").format(name=name) + " "
    if clear:
        return text + _("Clear differences (interval not crossing zero): {differences}. Others: no clear "
                        "difference, or too few cases.").format(differences="; ".join(clear))
    return text + _("No difference is clear: every interval crosses zero or the data are too few.")
