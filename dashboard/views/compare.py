"""Compare page (/compare?fips=17031,06075 or ?id=kim-foxx,chesa-boudin): up to four counties or prosecutors
side by side on the same measure and years: one line each with its 95% interval band and the cited events of
every place drawn (each county's; each prosecutor's office's), and a table of every measure pooled over the
chosen years.
Thin: URL -> checks -> named queries -> pure charts -> components. URL parameters: fips or id, metric, from, to.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import comparability, components, db, permalinks
from dashboard.charts import events, trends
from dashboard.charts.tables import md_escape
from dashboard.i18n import N_, _
from dashboard.summary import sources_text

MODES = {"counties": N_("Counties"), "prosecutors": N_("Prosecutors")}


def main() -> None:
    view = components.page_start("compare")
    counties = db.query("counties")
    people = db.query("prosecutors")
    metrics = db.query("metric_definitions")
    view = permalinks.allowed(view, fips=counties["fips"], ids=people["prosecutor_id"], metrics=metrics["metric_id"])
    share_box = st.container()
    label_of = dict(zip(metrics["metric_id"], metrics["label"], strict=True))
    unit_of = dict(zip(metrics["metric_id"], metrics["unit"], strict=True))
    sources = db.query("sources")
    titles = dict(zip(sources["source_id"], sources["title"], strict=True))
    built, demo = components.built_date(), db.is_demo()
    notes: list[str] = []

    st.title(_("Compare"))
    if view.fips and view.ids:
        notes.append(_("The link names both counties and prosecutors; comparing the counties. Open a link with only "
                       "`id` to compare prosecutors."))
    start_mode = "prosecutors" if view.ids and not view.fips else "counties"
    mode = st.segmented_control(_("Compare"), options=list(MODES), format_func=lambda m: _(MODES[m]),
                                default=start_mode,
                                key="compare-mode") or start_mode
    limit = permalinks.MAX_COMPARE
    if mode == "counties":
        labels = dict(zip(counties["fips"], counties["label"], strict=True))
        chosen = st.multiselect(_("Counties (up to {n})").format(n=limit), options=list(labels),
                                default=list(view.fips), format_func=labels.get, max_selections=limit,
                                key="compare-fips", placeholder=_("Type a county name"))
        view = view.with_(fips=tuple(chosen), ids=())
    else:
        labels = dict(zip(people["prosecutor_id"], people["name"] + " — " + people["offices"], strict=True))
        chosen = st.multiselect(_("Prosecutors (up to {n})").format(n=limit), options=list(labels),
                                default=list(view.ids), format_func=labels.get, max_selections=limit,
                                key="compare-ids", placeholder=_("Type a name"))
        view = view.with_(ids=tuple(chosen), fips=())
    metric_ids = list(metrics["metric_id"])
    metric = st.selectbox(_("Measure"), options=metric_ids, format_func=label_of.get, key="compare-metric",
                          index=metric_ids.index(view.metric) if view.metric in metric_ids else 0)
    view = view.with_(metric=metric if metric != metric_ids[0] else None)

    if not chosen:
        view = view.with_(messages=view.messages + tuple(notes))
        components.show_messages(view)
        st.info((_("Choose up to {n} counties to compare.") if mode == "counties"
                 else _("Choose up to {n} prosecutors to compare.")).format(n=limit), icon=":material/compare_arrows:")
        with share_box:
            components.copy_link(view)
        return

    if mode == "counties":
        series = db.query("compare_county_series", fips=list(chosen), metric=metric)
        series["series"] = series["label"]
        names = {f: labels[f] for f in chosen}
    else:
        series = db.query("compare_prosecutor_series", ids=list(chosen), metric=metric)
        several = series.groupby("prosecutor_id")["office_id"].nunique().gt(1)
        series["series"] = [f"{n} ({o})" if several.get(p, False) else n
                            for p, n, o in zip(series["prosecutor_id"], series["name"], series["office_name"],
                                               strict=True)]
        names = {p: labels[p].split(" — ")[0] for p in chosen}
    missing = [names[k] for k in chosen if k not in set(series["fips" if mode == "counties" else "prosecutor_id"])]
    if missing:
        notes.append(_("No published values of {measure} for: {names}.").format(
            measure=label_of[metric].lower(), names=", ".join(md_escape(m) for m in missing)))

    years = sorted({int(y) for y in series["year"]}) if not series.empty else []  # Python ints: DuckDB binds them
    y0 = y1 = None
    if years:
        first, last = years[0], years[-1]
        for key, year in (("from", view.year_from), ("to", view.year_to)):
            if year is not None and not first <= year <= last:
                notes.append(_("The data cover {first}–{last}; the link's `{key}` year {year} is outside it.").format(
                    first=first, last=last, key=key, year=year))
        y0 = view.year_from if view.year_from is not None and first <= view.year_from <= last else first
        y1 = view.year_to if view.year_to is not None and first <= view.year_to <= last else last
        if first < last:
            y0, y1 = st.select_slider(_("Years"), options=list(range(first, last + 1)), value=(y0, y1),
                                      key="compare-years")
        ranged = (y0, y1) != (first, last)
        view = view.with_(year_from=y0 if ranged else None, year_to=y1 if ranged else None)
    view = view.with_(messages=view.messages + tuple(notes))
    components.show_messages(view)

    t0, t1 = (y0, y1) if years else (permalinks.YEAR_MIN, permalinks.YEAR_MAX)
    if mode == "counties":
        table = db.query("compare_county_table", fips=list(chosen), year_from=t0, year_to=t1)
    else:
        table = db.query("compare_prosecutor_table", ids=list(chosen), year_from=t0, year_to=t1)

    if years:
        unlike = comparability.unlike_note(table[table["metric_id"] == metric], label_of[metric].lower())
        if unlike:
            st.warning(unlike, icon=":material/warning:")
        shown = series[series["year"].between(y0, y1)].copy()
        shown["source"] = shown["source_ids"].map(lambda s: sources_text(s, titles))
        span = f"{y0}" if y0 == y1 else f"{y0}–{y1}"
        # each place's events within the years its line draws, each named when several places are compared
        drawn = shown["year"].where(shown["value"].notna())
        if mode == "counties":
            places = {names[f]: events.for_years(db.query("events", fips=f, office=""), drawn[rows.index].dropna())
                      for f, rows in shown.groupby("fips", sort=False)}
        else:
            places = {str(rows["office_name"].iloc[0]): events.for_years(
                          db.query("events", fips="", office=str(o)), drawn[rows.index].dropna())
                      for o, rows in shown.groupby("office_id", sort=False)}
        marked = events.of_places(places)
        subtitle = (_("95% intervals as bands; each prosecutor's line: the years attributed to them (in office most "
                      "of the year)") if mode == "prosecutors" else _("95% intervals as bands"))
        fig = components.cached_chart(
            trends.trend_chart, shown, unit=unit_of[metric], title=f"{label_of[metric]}, {span}", subtitle=subtitle,
            source=sources_text(shown["source_ids"], titles), built=built, demo=demo,
            y_title=label_of[metric], mark_suppressed=False, events=marked)
        keep = [c for c in ("series", "year", "value", "ci_low", "ci_high", "numerator", "denominator", "suppressed",
                            "suppression_reason", "prosecutor", "partial", "covered_label", "source") if c in shown]
        components.chart_block(fig, shown[keep].reset_index(drop=True),
                               alt=trends.alt_text(shown, measure=label_of[metric].lower(), unit=unit_of[metric],
                                                   place=", ".join(names.values())),
                               filename=f"compare-{metric}-{'-'.join(chosen)}-{span}", key="compare-trend",
                               events=events.export_for_years(marked, shown["year"], "; ".join(places)))
        note = trends.suppressed_note(shown)
        if note:
            st.caption(note)
    else:
        st.info(_("None of these has published values of {measure}.").format(measure=label_of[metric].lower()),
                icon=":material/info:")

    # --- every measure, pooled over the chosen years -----------------------------------------------------------
    st.subheader(_("Every measure side by side"))
    st.caption(_("Pooled over {years}: the published years added together (years with too few cases are left out "
                  "and counted). Each cell: value (n; 95% interval; years).").format(years=f"{t0}–{t1}") if years
                else _("Pooled over every year with data: the published years added together (years with too few "
                       "cases are left out and counted). Each cell: value (n; 95% interval; years)."))
    if table.empty:
        st.info(_("No published values for this selection."), icon=":material/info:")
    else:
        wide = _wide(table, label_of)
        st.dataframe(wide, hide_index=True, width="stretch", height=36 * (len(wide) + 1) + 4)
        for metric_id in dict.fromkeys(table.sort_values("sort_order")["metric_id"]):
            note = comparability.unlike_note(table[table["metric_id"] == metric_id], label_of[metric_id].lower())
            if note:
                st.caption(note)
        st.download_button(_("Download this table (CSV)"), data=components.csv_bytes(table),
                           file_name=f"compare-{'-'.join(chosen)}-{t0}-{t1}.csv"[:120], mime="text/csv",
                           key="compare-table-csv", icon=":material/download:", on_click="ignore")
    with share_box:
        components.copy_link(view)


def _wide(table: pd.DataFrame, label_of: dict) -> pd.DataFrame:
    def cell(row: pd.Series) -> str:
        if pd.isna(row["value"]):
            return _("withheld: too few cases") if row["years_suppressed"] else _("no data")
        years = (f"{int(row['first_year'])}" if row["first_year"] == row["last_year"]
                 else f"{int(row['first_year'])}–{int(row['last_year'])}")
        return (f"{trends.format_value(row['value'], row['unit'], digits=1)} "
                f"(n {trends.count_text(row['numerator'], row['denominator'], row['unit'])}; "
                f"{trends.format_value(row['ci_low'], row['unit'], digits=1)}–"
                f"{trends.format_value(row['ci_high'], row['unit'], digits=1)}; {years})")  # the caption explains it

    frame = table.assign(cell=table.apply(cell, axis=1), measure=table["metric_id"].map(label_of))
    wide = frame.pivot_table(index=["sort_order", "measure"], columns="entity", values="cell", aggfunc="first",
                             sort=False)
    order = list(dict.fromkeys(frame.sort_values("sort_order")["entity"]))
    alike = dict(zip(frame["measure"], comparability.alike_column(frame), strict=True))
    wide = wide.reset_index().sort_values("sort_order").drop(columns="sort_order")
    wide = wide.fillna(_("no data"))  # an entity without any value of a measure (not a Python None in the table)
    wide[_("Measured alike")] = wide["measure"].map(alike)
    return wide[["measure", *[c for c in order if c in wide], _("Measured alike")]].rename(
        columns={"measure": _("Measure")})


main()
