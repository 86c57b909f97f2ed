"""Prosecutor page (/prosecutor?id=kim-foxx): one prosecutor across their terms and offices.

For each measure: their value over their time in office against their predecessor's and against the state's
other offices (differences with 95% intervals, computed in prosecutor_comparison.sql); the office's trend with
their time in office highlighted; their terms with the citation for each date.
Thin: URL -> checks -> named queries -> pure charts -> components. URL parameters: id, metric, from, to, by.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import components, db, permalinks
from dashboard.charts import disparity, trends
from dashboard.content import md, source_titles
from dashboard.summary import sources_text

PAGES = Path(__file__).resolve().parent


def main() -> None:
    view = components.page_start("prosecutor")
    people = db.query("prosecutors")
    metrics = db.query("metric_definitions")
    view = permalinks.allowed(view, ids=people["prosecutor_id"], metrics=metrics["metric_id"])
    share_box = st.container()

    if not view.ids:
        labels = dict(zip(people["prosecutor_id"], people["name"] + " — " + people["offices"], strict=True))
        components.pick_entity(
            view, title="Prosecutor", label="Find a prosecutor", labels=labels, placeholder="Type a name",
            hint="Choose a prosecutor above, or open one from a county's page.", key="prosecutor-pick", field="ids")
        return

    pid = view.ids[0]
    profile = db.query("prosecutor_profile", id=pid).iloc[0]
    terms = db.query("prosecutor_terms", id=pid)
    mine = terms[terms["mine"].astype(bool)]
    titles = source_titles()
    built, demo = components.built_date(), db.is_demo()
    label_of = dict(zip(metrics["metric_id"], metrics["label"], strict=True))
    unit_of = dict(zip(metrics["metric_id"], metrics["unit"], strict=True))

    st.title(md(profile["name"]))
    party = f"{profile['party']}. " if isinstance(profile["party"], str) and profile["party"] else ""
    offices = list(dict.fromkeys(mine["office_name"]))
    st.caption(md(f"{party}{'; '.join(offices)}."))

    _terms_section(terms, mine)

    # --- choices ------------------------------------------------------------------------------------------------
    series_all = db.query("prosecutor_series", id=pid, dimension="all")
    published = series_all[~series_all["suppressed"].astype(bool)]
    shown = set(published["metric_id"])
    with_data = [m for m in metrics["metric_id"] if m in shown]
    notes: list[str] = []
    if series_all.empty:
        components.show_messages(view)
        st.info("No published numbers for the offices this prosecutor held.", icon=":material/info:")
        with share_box:
            components.copy_link(view)
        return
    first_year, last_year = int(series_all["year"].min()), int(series_all["year"].max())
    y0, y1 = view.year_from, view.year_to
    for key, year in (("from", y0), ("to", y1)):
        if year is not None and not first_year <= year <= last_year:
            notes.append(f"The data for this office cover {first_year}–{last_year}; the link's `{key}` year "
                         f"{year} is outside it.")
    y0 = y0 if y0 is not None and first_year <= y0 <= last_year else first_year
    y1 = y1 if y1 is not None and first_year <= y1 <= last_year else last_year
    if view.metric and view.metric not in with_data:
        notes.append(f"There are no published values of {label_of.get(view.metric, view.metric)} for this office; "
                     "showing another measure.")
    default_metric = view.metric if view.metric in with_data else (with_data[0] if with_data else None)
    st.subheader("Choose what to show")
    left, right = st.columns(2)
    with left:
        metric = st.selectbox("Measure", options=with_data, format_func=label_of.get, key=f"p-metric-{pid}",
                              index=with_data.index(default_metric) if default_metric else None)
    with right:
        by = st.selectbox("Break down by", options=list(permalinks.DIMENSIONS),
                          index=list(permalinks.DIMENSIONS).index(view.by), format_func=trends.DIMENSION_LABELS.get,
                          key=f"p-by-{pid}")
    if first_year < last_year:
        y0, y1 = st.select_slider("Years (for the trend)", options=list(range(first_year, last_year + 1)),
                                  value=(y0, y1), key=f"p-years-{pid}")
    ranged = (y0, y1) != (first_year, last_year)
    view = view.with_(metric=metric if with_data and metric != with_data[0] else None, by=by,
                      year_from=y0 if ranged else None, year_to=y1 if ranged else None,
                      messages=view.messages + tuple(notes))
    components.show_messages(view)

    # --- comparisons ---------------------------------------------------------------------------------------------
    threshold = int(db.build_info().get("suppression_threshold", "10"))
    comparisons = db.query("prosecutor_comparison", id=pid, threshold=threshold)
    st.subheader("Against the predecessor and the rest of the state")
    st.caption("Their value is for their whole time in office (years attributed to the prosecutor in office most "
               "of the year where sources give only years). The predecessor is the previous prosecutor of the same "
               "office with data; the state's other offices are the state's total without this office, over the "
               "same years. Differences come with a 95% interval (normal approximation); an interval that crosses "
               "zero means the data cannot tell the two apart.")
    name = str(profile["name"])
    for office_id, rows in comparisons.groupby("office_id", sort=False):
        office_name = str(rows["office_name"].iloc[0])
        if len(offices) > 1:
            st.markdown(f"**{md(office_name)}**")
        predecessor = rows.loc[rows["comparison"] == "predecessor", "other_label"].dropna()
        who = predecessor.iloc[0] if not predecessor.empty else "the predecessor"
        fig = components.cached_chart(
            disparity.difference_chart, rows, unit_of=unit_of, labels=label_of, title=f"{name} vs {who} and the state",
            subtitle="Difference in percentage points (their value minus the other); lines: 95% intervals",
            source=sources_text(rows["source_ids"], titles), built=built, demo=demo)
        table = _comparison_table(rows, label_of)
        components.chart_block(fig, table, alt=_comparison_alt(rows, label_of, unit_of, name),
                               filename=f"{name}-{office_id}-comparison", key=f"compare-{office_id}")
        if metric:
            for _, row in rows[rows["metric_id"] == metric].iterrows():
                st.markdown("- " + md(disparity.difference_sentence(row, unit_of[metric], label_of[metric])))
        with st.expander("Every measure, with counts and notes"):
            st.dataframe(table, hide_index=True, width="stretch")

    # --- trend of the office ---------------------------------------------------------------------------------------
    if metric:
        st.subheader(f"{label_of[metric]} in the office over time")
        series = series_all if by == "all" else db.query("prosecutor_series", id=pid, dimension=by)
        series = series[(series["metric_id"] == metric) & series["year"].between(y0, y1)].copy()
        series["source"] = series["source_ids"].map(lambda s: sources_text(s, titles))
        for office_id, rows in series.groupby("office_id", sort=False):
            office_name = str(rows["office_name"].iloc[0])
            rows = rows.copy()
            rows["series"] = [trends.group_label(by, v) for v in rows["dimension_value"]]
            shading = terms[terms["office_id"] == office_id].assign(highlight=lambda f: f["mine"].astype(bool))
            fig = components.cached_chart(
                trends.trend_chart, rows, unit=unit_of[metric], terms=shading,
                title=f"{label_of[metric]}, {office_name}",
                subtitle=f"{name}'s time in office highlighted; {trends.YEAR_ATTRIBUTION}" + (
                    f"; by {trends.DIMENSION_LABELS[by].lower()}" if by != "all" else ""),
                source=sources_text(rows["source_ids"], titles), built=built, demo=demo, y_title=label_of[metric])
            data = rows[["office_id", "metric_id", "year", "dimension", "dimension_value", "value", "ci_low", "ci_high",
                         "numerator", "denominator", "suppressed", "suppression_reason", "prosecutor", "source"]]
            components.chart_block(fig, data.reset_index(drop=True), alt=trends.alt_text(
                rows, measure=label_of[metric].lower(), unit=unit_of[metric], place=office_name, terms=shading),
                filename=f"{name}-{office_id}-{metric}-{by}-{y0}-{y1}", key=f"trend-{office_id}")

    st.page_link(PAGES / "compare.py", label=f"Compare {md(name)} with other prosecutors",
                 icon=":material/compare_arrows:", query_params={"id": pid})
    with share_box:
        components.copy_link(view)


def _terms_section(terms: pd.DataFrame, mine: pd.DataFrame) -> None:
    st.subheader("Time in office")
    table = pd.DataFrame({
        "Office": mine["office_name"],
        "Counties": mine["counties"],
        "How they took office": mine["entry"],
        "From": pd.to_datetime(mine["start_date"]).dt.date,
        "To": [("in office" if pd.isna(e) else str(pd.Timestamp(e).date())) for e in mine["end_date"]],
        "Where the dates come from": mine["citation"],
    })
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Where the dates come from": st.column_config.TextColumn(width="large")})
    seen: set[str] = set()
    for fips_list, counties in zip(mine["fips_list"], mine["counties"], strict=True):
        for fips, label in zip(list(fips_list)[:4], str(counties).split("; ")[:4], strict=False):
            if fips in seen:
                continue
            seen.add(fips)
            st.page_link(PAGES / "county.py", label=f"County page: {md(label)}", icon=":material/location_city:",
                         query_params={"fips": fips})


def _comparison_table(rows: pd.DataFrame, label_of: dict) -> pd.DataFrame:
    out = []
    for row in rows.itertuples(index=False):
        scale = 100 if row.unit == "share" else 1
        out.append({
            "Measure": label_of.get(row.metric_id, row.metric_id),
            "Against": row.other_label,
            "Their value": trends.format_value(row.value, row.unit, digits=1),
            "Their n": trends.count_text(row.numerator, row.denominator, row.unit),
            "Other value": trends.format_value(row.other_value, row.unit, digits=1),
            "Other n": trends.count_text(row.other_numerator, row.other_denominator, row.unit),
            "Difference": None if pd.isna(row.diff) else round(row.diff * scale, 2),
            "95% interval low": None if pd.isna(row.diff_low) else round(row.diff_low * scale, 2),
            "95% interval high": None if pd.isna(row.diff_high) else round(row.diff_high * scale, 2),
            "Unit of difference": "percentage points" if row.unit == "share" else "per 100,000 adults",
            "Note": row.note if isinstance(row.note, str) else "",
        })
    return pd.DataFrame(out)


def _comparison_alt(rows: pd.DataFrame, label_of: dict, unit_of: dict, name: str) -> str:
    clear = []
    for row in rows.itertuples(index=False):
        if unit_of.get(row.metric_id) != "share" or pd.isna(row.diff_low):
            continue
        if row.diff_low > 0 or row.diff_high < 0:
            clear.append(f"{label_of.get(row.metric_id, row.metric_id)} against {row.other_label}: "
                         f"{row.diff * 100:+.1f} points")
    text = (f"Dot chart of differences in percentage points between {name} and their predecessor and the state's "
            "other offices, one row per measure, with 95% intervals. ")
    if clear:
        return text + "Clear differences (interval not crossing zero): " + "; ".join(clear) + ". Others: no clear " \
            "difference, or too few cases."
    return text + "No difference is clear: every interval crosses zero or the data are too few."


main()
