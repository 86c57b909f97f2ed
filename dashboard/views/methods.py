"""Methods and sources (`/methods`): what each measure means, where each number comes from, what was left out.

Everything here is read from the warehouse (metric_definition, source, source_file, code_mapping,
rejected_row, coverage, term_attribution, build_info), so a new source or measure needs no code change.
URL: `source` shows one source; `metric` opens that measure's definition.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import components, db, permalinks
from dashboard.charts import tables

_WEB = re.compile(r"https?://[^\s()<>\[\]]+")
def _number(value: object) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "—"


def _text(value: object, fallback: str = "—") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return fallback
    text = str(value).strip()
    return text or fallback


_md = tables.md_escape


view = components.page_start("methods")
st.title("Methods and sources")
st.markdown("Where every number on this site comes from, what each measure means, and what was left out. "
            "All of it is read from the data itself, so it always matches what the other pages show.")

metrics = db.query("metric_definitions")
sources = db.query("sources")
info = db.build_info()
view = permalinks.allowed(view, metrics=metrics["metric_id"], sources=sources["source_id"])

# --- how to read the numbers -----------------------------------------------------------------------
threshold = _text(info.get("suppression_threshold"), "10")
rules = db.query("methods_attribution_rules")
st.header("How to read the numbers")
st.markdown(
    f"- **Small numbers are hidden.** When a number rests on fewer than {threshold} cases (or fewer than "
    f"{threshold} people in jail), it is not shown anywhere, including the downloads; the page says why "
    "instead. Very small groups give numbers that jump around by chance and could point to individual people.\n"
    "- **Every rate has a range.** Beside each rate is a 95% range: the values the true rate could reasonably "
    "take given how many cases it rests on (a Wilson interval for shares, a Poisson interval for rates per "
    "100,000). Two counties whose ranges overlap may not really differ.\n"
    "- **Decisions belong to the prosecutor in office.** A case decided on a given day belongs to the "
    "prosecutor in office that day. When a source only reports a month or a year, the whole period goes to "
    "the prosecutor who held office for most of it, and the pages say so.\n"
    "- **Counts, not people.** Case records are turned into counts when the data is built; no name, case "
    "number or birth date is kept.")
if not rules.empty:
    st.caption("Attribution rules used in this build: " + "; ".join(
        f"{_md(_text(r.rule))} ({_number(r.periods)} periods, {_number(r.shared_periods)} of them shared by "
        "two terms)" for r in rules.itertuples()) + ".")

# --- measures ------------------------------------------------------------------------------------------
st.header("Measures")
st.markdown("Each measure, as defined in the data. The outcomes counted are the shared vocabulary every "
            "source is mapped to (see each source's code mapping below).")
ordered = metrics
if view.metric:
    ordered = pd.concat([metrics[metrics["metric_id"] == view.metric], metrics[metrics["metric_id"] != view.metric]])
for row in ordered.itertuples():
    numerator = ", ".join(str(v) for v in (row.numerator_outcomes if row.numerator_outcomes is not None else []))
    denominator = ", ".join(str(v) for v in (row.denominator_outcomes if row.denominator_outcomes is not None
                                             else []))
    unit = "rate per 100,000 adult residents" if row.unit == "per_100k" else "share"
    with st.container(border=row.metric_id == view.metric):
        st.markdown(f"**{_md(_text(row.label))}.** {_md(_text(row.question))} {_md(_text(row.description))} "
                    f"{_md(_text(row.direction))}  \n**Caveat:** {_md(_text(row.caveat))}")
        st.caption(f"Stage: {_md(_text(row.stage))} · counted: {_md(numerator)} · out of: {_md(denominator)} · "
                   f"shown as a {unit} · id `{row.metric_id}`")

# --- sources -------------------------------------------------------------------------------------------
st.header("Sources")
source_ids = list(sources["source_id"])
if "methods-source" not in st.session_state or st.session_state["methods-source"] not in [""] + source_ids:
    st.session_state["methods-source"] = view.source or ""
titles = dict(zip(sources["source_id"], sources["title"], strict=True))
chosen = st.selectbox("Show one source", [""] + source_ids, key="methods-source",
                      format_func=lambda s: _text(titles.get(s), s) if s else "All sources")
view = view.with_(source=chosen or None)
components.show_messages(view)

files = db.query("methods_source_files")
mappings = db.query("methods_code_mapping")
reasons = db.query("methods_reject_reasons")
samples = db.query("methods_reject_sample")
shown_sources = sources if not chosen else sources[sources["source_id"] == chosen]
if shown_sources.empty:
    st.info("No sources are recorded in this data.", icon=":material/info:")
for src in shown_sources.to_dict("records"):
    sid = str(src["source_id"])
    st.subheader(_md(_text(src["title"], sid)))
    published, obtained = _text(src.get("published"), "not stated"), _text(src.get("obtained"), "not recorded")
    dates_citation = _text(src.get("dates_citation"), "")
    read, loaded = int(src.get("rows_read") or 0), int(src.get("rows_loaded") or 0)
    rejected, excluded = int(src.get("rows_rejected") or 0), int(src.get("rows_excluded") or 0)
    balanced = read == loaded + rejected
    url = _text(src.get("url"), "")
    link = f"[{_md(url)}]({url})" if _WEB.fullmatch(url) else _md(url or "not recorded")
    st.markdown(
        f"- **Published by:** {_md(_text(src.get('publisher')))}\n"
        f"- **Licence:** {_md(_text(src.get('license')))}\n"
        f"- **Where:** {link}\n"
        f"- **Published by the owner:** {_md(published)} · **Obtained:** {_md(obtained)}"
        + (f" ({_md(dates_citation)})" if dates_citation else "") + "\n"
        f"- **Rows:** {read:,} read = {loaded:,} loaded + {rejected:,} set aside"
        + (f" ({excluded:,} of them excluded on purpose, e.g. codes that are not final outcomes)" if excluded else "")
        + (" ✓" if balanced else " — these do not add up; please report it") + "\n"
        + ("- **Demo data:** synthetic, not real\n" if bool(src.get("is_demo")) else "")
        + ("- **Not redistributed:** downloaded from the publisher when the data is built\n"
           if src.get("redistributable") is False else ""))
    notes = [part.strip() for part in _text(src.get("notes"), "").split(" | ") if part.strip()]
    if notes:
        st.caption("Notes from the build:\n" + "\n".join(f"- {_md(part)}" for part in notes))
    source_files = files[files["source_id"] == sid]
    if not source_files.empty:
        with st.expander(f"Files ({len(source_files)})", icon=":material/description:"):
            st.dataframe(source_files.drop(columns=["source_id"]), hide_index=True, width="stretch")
    source_mappings = mappings[mappings["source_id"] == sid].drop(columns=["source_id"])
    with st.expander(f"Code mapping ({len(source_mappings):,} codes)", icon=":material/translate:",
                     expanded=bool(chosen) and not source_mappings.empty):
        if source_mappings.empty:
            st.caption("This source needs no code mapping (its values are already in the shared vocabulary), "
                       "or it has none recorded.")
        else:
            st.caption("How the publisher's own codes map to the shared vocabulary. Codes with an exclusion "
                       "reason are left out of the counts, and reported below as excluded rows.")
            needle = st.text_input("Search the codes", key=f"mapping-search-{sid}",
                                   placeholder="e.g. plea, nolle, BFW")
            found = tables.search(source_mappings, needle)
            st.dataframe(found, hide_index=True, width="stretch")
            st.caption(f"{len(found):,} of {len(source_mappings):,} codes shown.")
    source_reasons = reasons[reasons["source_id"] == sid].drop(columns=["source_id"])
    with st.expander(f"Rows set aside ({rejected:,})", icon=":material/block:",
                     expanded=bool(chosen) and not source_reasons.empty):
        if source_reasons.empty:
            st.caption("No row of this source was rejected or excluded.")
        else:
            st.markdown("Counts by reason:")
            st.dataframe(source_reasons, hide_index=True, width="stretch")
            st.markdown("Where to find them: up to five rows per reason, by file and line of the publisher's file. "
                        "The rows themselves are not shown here: one source row can describe a single case, or a "
                        "count too small to publish.")
            st.dataframe(samples[samples["source_id"] == sid].drop(columns=["source_id"]), hide_index=True,
                         width="stretch")

# --- coverage ------------------------------------------------------------------------------------------
st.header("Which counties have which data")
coverage = db.query("methods_coverage")
if chosen:
    coverage = coverage[coverage["source_id"] == chosen]
if coverage.empty:
    st.info("No county has case or jail data from " + ("this source." if chosen else "any source yet."),
            icon=":material/info:")
else:
    st.dataframe(tables.coverage_summary(coverage), hide_index=True, width="stretch",
                 column_config={"From": st.column_config.NumberColumn(format="%d"),
                                "To": st.column_config.NumberColumn(format="%d")})
    links = {f: permalinks.href("county", fips=f) for f in coverage["fips"].unique()}
    matrix = tables.coverage_matrix(coverage, links)
    st.markdown(f"Years covered, by county and stage ({len(matrix):,} counties; an empty cell: no data). "
                "Search with the table's magnifier, or download it from its toolbar.")
    st.dataframe(matrix, hide_index=True, width="stretch", height=min(38 + 35 * len(matrix), 400),
                 column_config={"Page": st.column_config.LinkColumn("Page", display_text="Open")})
    part_years = db.query("methods_part_years")
    if chosen:
        part_years = part_years[part_years["source_id"] == chosen]
    if not part_years.empty:
        st.markdown("Years the data cover only in part (pages label them, e.g. \"Jan–May\", and never open on "
                    "them or compare them with whole years). An empty end date: the owner says the year is partial "
                    "but not where it ends.")
        st.dataframe(part_years.rename(columns={
            "source_id": "Source", "county": "County", "stage": "Stage", "year": "Year", "covered_from": "From",
            "covered_to": "To", "basis": "How we know"}), hide_index=True, width="stretch",
            column_config={"Year": st.column_config.NumberColumn(format="%d")})

# --- overlap -------------------------------------------------------------------------------------------
st.header("Where sources overlap")
choice = db.query("methods_source_choice")
if chosen:
    choice = choice[choice["sources"].str.split(",").apply(lambda ids: chosen in ids)]
if choice.empty:
    st.caption("No county, stage and year is covered by more than one source" + (" with this one." if chosen else "."))
else:
    st.markdown("Two sources describing the same cases are never added together: for each county, stage and "
                "year one source is counted, and this table says which and why. Where the counted source changes "
                "from one year to the next, the series has a break: its years before and after measure the same "
                "thing in two publishers' ways, so compare them with care.")
    st.dataframe(choice, hide_index=True, width="stretch", height=min(38 + 35 * len(choice), 400),
                 column_config={"year": st.column_config.NumberColumn(format="%d")})

# --- build ---------------------------------------------------------------------------------------------
st.header("About this build")
mode = _text(info.get("mode"))
st.markdown(
    f"- **Data:** {'demo (synthetic, not real)' if mode == 'demo' else _md(mode)}\n"
    f"- **Built:** {_md(_text(info.get('built_at')))}\n"
    f"- **Code version:** `{_text(info.get('code_version'))}`\n"
    f"- **Content checksum (SHA-256):** `{_text(info.get('content_sha256'))}`\n"
    f"- **Sources used:** {_md(', '.join(_text(info.get('sources')).split(',')))}\n"
    f"- **Small-number threshold:** {_md(threshold)}")
st.caption("The checksum changes whenever any number in the data changes, so two people quoting the same "
           "checksum are looking at the same data.")

# --- the data release --------------------------------------------------------------------------------------
release = _text(info.get("release"), "")
release = release if re.fullmatch(r"[a-z0-9-]+", release) else "prosecutor-data-<mode>-<checksum>"
st.header("Download the data")
st.markdown(
    "Every number this site publishes is available as a data release for journalists and researchers: each "
    "table as CSV and Parquet, with a data dictionary (`datapackage.json`, and the same as `README.md`) that "
    "describes every column of every file, every measure's definition and caveat, and every source with its "
    "licence. Hidden numbers are left out, exactly as on these pages. In a copy of this project "
    "(see its README), one command writes it from the same data this site shows:")
st.code("python -m etl release", language="bash")
st.markdown(f"It writes the folder `data/releases/{release}/` (`--out` chooses another place). The folder's "
            "name ends with the start of the content checksum above, so it names exactly this data.")
components.copy_link(view)
