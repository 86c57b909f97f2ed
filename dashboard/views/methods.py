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
from dashboard.i18n import N_, _, number
from dashboard.warehouse_words import words

_WEB = re.compile(r"https?://[^\s()<>\[\]]+")
def _number(value: object) -> str:
    try:
        return number(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"


# The methods tables' column headers, in the reader's language (the downloads keep the same headers)
HEADERS = {"file": N_("file"), "sha256": N_("sha256"), "bytes": N_("bytes"), "rows_read": N_("rows_read"),
           "rows_loaded": N_("rows_loaded"), "rows_rejected": N_("rows_rejected"),
           "rows_excluded": N_("rows_excluded"), "mapping": N_("mapping"), "source_value": N_("source_value"),
           "field": N_("field"), "value": N_("value"), "exclude_reason": N_("exclude_reason"), "kind": N_("kind"),
           "reason": N_("reason"), "rows": N_("rows"), "files": N_("files"), "line": N_("line"),
           "column_name": N_("column_name"), "fips": N_("fips"), "county": N_("county"), "stage": N_("stage"),
           "year": N_("year"), "counted": N_("counted"), "sources": N_("sources"),
           "source_the_year_before": N_("source_the_year_before")}


def _headed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: _(HEADERS[c]) for c in frame.columns if c in HEADERS})


def _text(value: object, fallback: str = "—") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return fallback
    text = str(value).strip()
    return text or fallback


_md = tables.md_escape


view = components.page_start("methods")
st.title(_("Methods and sources"))
st.markdown(_("Where every number on this site comes from, what each measure means, and what was left out. "
              "All of it is read from the data itself, so it always matches what the other pages show."))

metrics = db.query("metric_definitions")
sources = db.query("sources")
info = db.build_info()
view = permalinks.allowed(view, metrics=metrics["metric_id"], sources=sources["source_id"])

# --- how to read the numbers -----------------------------------------------------------------------
threshold = _text(info.get("suppression_threshold"), "10")
rules = db.query("methods_attribution_rules")
st.header(_("How to read the numbers"))
st.markdown(_(
    "- **Small numbers are hidden.** When a number rests on fewer than {threshold} cases (or fewer than "
    "{threshold} people in jail), it is not shown anywhere, including the downloads; the page says why "
    "instead. Very small groups give numbers that jump around by chance and could point to individual people.\n"
    "- **Every rate has a range.** Beside each rate is a 95% range: the values the true rate could reasonably "
    "take given how many cases it rests on (a Wilson interval for shares, a Poisson interval for rates per "
    "100,000). Two counties whose ranges overlap may not really differ.\n"
    "- **Decisions belong to the prosecutor in office.** A case decided on a given day belongs to the "
    "prosecutor in office that day. When a source only reports a month or a year, the whole period goes to "
    "the prosecutor who held office for most of it, and the pages say so.\n"
    "- **Counts, not people.** Case records are turned into counts when the data is built; no name, case "
    "number or birth date is kept.").format(threshold=threshold))
if not rules.empty:
    st.caption(_("Attribution rules used in this build: {rules}.").format(
        rules="; ".join(_("{rule} ({periods} periods, {shared} of them shared by two terms)").format(
            rule=_md(words(_text(r.rule))), periods=_number(r.periods), shared=_number(r.shared_periods))
            for r in rules.itertuples())))

# --- measures ------------------------------------------------------------------------------------------
st.header(_("Measures"))
st.markdown(_("Each measure, as defined in the data. The outcomes counted are the shared vocabulary every "
              "source is mapped to (see each source's code mapping below)."))
ordered = metrics
if view.metric:
    ordered = pd.concat([metrics[metrics["metric_id"] == view.metric], metrics[metrics["metric_id"] != view.metric]])
for row in ordered.itertuples():
    numerator = ", ".join(str(v) for v in (row.numerator_outcomes if row.numerator_outcomes is not None else []))
    denominator = ", ".join(str(v) for v in (row.denominator_outcomes if row.denominator_outcomes is not None
                                             else []))
    unit = _("rate per 100,000 adult residents") if row.unit == "per_100k" else _("share")
    with st.container(border=row.metric_id == view.metric):
        st.markdown(f"**{_md(_text(row.label))}.** {_md(_text(row.question))} {_md(_text(row.description))} "
                    f"{_md(_text(row.direction))}  \n"
                    + _("**Caveat:** {caveat}").format(caveat=_md(_text(row.caveat))))
        st.caption(_("Stage: {stage} · counted: {numerator} · out of: {denominator} · shown as a {unit} · id "
                     "`{id}`").format(stage=_md(_text(row.stage)), numerator=_md(numerator),
                                      denominator=_md(denominator), unit=unit, id=row.metric_id))

# --- sources -------------------------------------------------------------------------------------------
st.header(_("Sources"))
source_ids = list(sources["source_id"])
if "methods-source" not in st.session_state or st.session_state["methods-source"] not in [""] + source_ids:
    st.session_state["methods-source"] = view.source or ""
titles = dict(zip(sources["source_id"], sources["title"], strict=True))
chosen = st.selectbox(_("Show one source"), [""] + source_ids, key="methods-source",
                      format_func=lambda s: _text(titles.get(s), s) if s else _("All sources"))
view = view.with_(source=chosen or None)
components.show_messages(view)

files = db.query("methods_source_files")
mappings = db.query("methods_code_mapping")
reasons = db.query("methods_reject_reasons")
samples = db.query("methods_reject_sample")
shown_sources = sources if not chosen else sources[sources["source_id"] == chosen]
if shown_sources.empty:
    st.info(_("No sources are recorded in this data."), icon=":material/info:")
for src in shown_sources.to_dict("records"):
    sid = str(src["source_id"])
    st.subheader(_md(_text(src["title"], sid)))
    published, obtained = _text(src.get("published"), _("not stated")), _text(src.get("obtained"), _("not recorded"))
    dates_citation = _text(src.get("dates_citation"), "")
    read, loaded = int(src.get("rows_read") or 0), int(src.get("rows_loaded") or 0)
    rejected, excluded = int(src.get("rows_rejected") or 0), int(src.get("rows_excluded") or 0)
    balanced = read == loaded + rejected
    url = _text(src.get("url"), "")
    link = f"[{_md(url)}]({url})" if _WEB.fullmatch(url) else _md(url or _("not recorded"))
    st.markdown(
        "- " + _("**Published by:** {publisher}").format(publisher=_md(_text(src.get("publisher")))) + "\n"
        "- " + _("**Licence:** {licence}").format(licence=_md(_text(src.get("license")))) + "\n"
        "- " + _("**Where:** {link}").format(link=link) + "\n"
        "- " + _("**Published by the owner:** {published} · **Obtained:** {obtained}").format(
            published=_md(published), obtained=_md(obtained))
        + (" (" + _("the dates' source: {citation}").format(citation=_md(dates_citation)) + ")"
           if dates_citation else "") + "\n"
        "- " + _("**Rows:** {read} read = {loaded} loaded + {rejected} set aside").format(
            read=number(read), loaded=number(loaded), rejected=number(rejected))
        + (" " + _("({n} of them excluded on purpose, e.g. codes that are not final outcomes)").format(
            n=number(excluded)) if excluded else "")
        + (" ✓" if balanced else " — " + _("these do not add up; please report it")) + "\n"
        + ("- " + _("**Demo data:** synthetic, not real") + "\n" if bool(src.get("is_demo")) else "")
        + ("- " + _("**Not redistributed:** downloaded from the publisher when the data is built") + "\n"
           if src.get("redistributable") is False else ""))
    notes = [part.strip() for part in _text(src.get("notes"), "").split(" | ") if part.strip()]
    if notes:
        st.caption(_("Notes from the build (as the build wrote them, in English):") + "\n"
                   + "\n".join(f"- {_md(part)}" for part in notes))
    source_files = files[files["source_id"] == sid]
    if not source_files.empty:
        with st.expander(_("Files ({n})").format(n=len(source_files)), icon=":material/description:"):
            st.dataframe(_headed(source_files.drop(columns=["source_id"])), hide_index=True, width="stretch")
    source_mappings = mappings[mappings["source_id"] == sid].drop(columns=["source_id"])
    with st.expander(_("Code mapping ({n} codes)").format(n=number(len(source_mappings))), icon=":material/translate:",
                     expanded=bool(chosen) and not source_mappings.empty):
        if source_mappings.empty:
            st.caption(_("This source needs no code mapping (its values are already in the shared vocabulary), "
                         "or it has none recorded."))
        else:
            st.caption(_("How the publisher's own codes map to the shared vocabulary. Codes with an exclusion "
                         "reason are left out of the counts, and reported below as excluded rows."))
            needle = st.text_input(_("Search the codes"), key=f"mapping-search-{sid}",
                                   placeholder=_("e.g. plea, nolle, BFW"))
            found = tables.search(source_mappings, needle)
            st.dataframe(_headed(found), hide_index=True, width="stretch")
            st.caption(_("{shown} of {total} codes shown.").format(shown=number(len(found)),
                                                                   total=number(len(source_mappings))))
    source_reasons = reasons[reasons["source_id"] == sid].drop(columns=["source_id"])
    with st.expander(_("Rows set aside ({n})").format(n=number(rejected)), icon=":material/block:",
                     expanded=bool(chosen) and not source_reasons.empty):
        if source_reasons.empty:
            st.caption(_("No row of this source was rejected or excluded."))
        else:
            st.markdown(_("Counts by reason (the reasons as the build wrote them, in English):"))
            st.dataframe(_headed(source_reasons), hide_index=True, width="stretch")
            st.markdown(_("Where to find them: up to five rows per reason, by file and line of the publisher's "
                          "file. The rows themselves are not shown here: one source row can describe a single case, "
                          "or a count too small to publish."))
            st.dataframe(_headed(samples[samples["source_id"] == sid].drop(columns=["source_id"])), hide_index=True,
                         width="stretch")

# --- coverage ------------------------------------------------------------------------------------------
st.header(_("Which counties have which data"))
coverage = db.query("methods_coverage")
if chosen:
    coverage = coverage[coverage["source_id"] == chosen]
if coverage.empty:
    st.info(_("No county has case or jail data from this source.") if chosen
            else _("No county has case or jail data from any source yet."), icon=":material/info:")
else:
    st.dataframe(tables.coverage_summary(coverage), hide_index=True, width="stretch",
                 column_config={_("From"): st.column_config.NumberColumn(format="%d"),
                                _("To"): st.column_config.NumberColumn(format="%d")})
    links = {f: permalinks.href("county", fips=f) for f in coverage["fips"].unique()}
    matrix = tables.coverage_matrix(coverage, links)
    st.markdown(_("Years covered, by county and stage ({n} counties; an empty cell: no data). Search with the "
                  "table's magnifier, or download it from its toolbar.").format(n=number(len(matrix))))
    st.dataframe(matrix, hide_index=True, width="stretch", height=min(38 + 35 * len(matrix), 400),
                 column_config={_("Page"): st.column_config.LinkColumn(_("Page"), display_text=_("Open"))})
    part_years = db.query("methods_part_years")
    if chosen:
        part_years = part_years[part_years["source_id"] == chosen]
    if not part_years.empty:
        st.markdown(_("Years the data cover only in part (pages label them, e.g. \"Jan–May\", and never open on "
                      "them or compare them with whole years). An empty end date: the owner says the year is "
                      "partial but not where it ends."))
        part_years = part_years.assign(basis=part_years["basis"].map(lambda b: words(b) if isinstance(b, str) else b))
        st.dataframe(part_years.rename(columns={
            "source_id": _("Source"), "county": _("County"), "stage": _("Stage"), "year": _("Year"),
            "covered_from": _("From"), "covered_to": _("To"), "basis": _("How we know")}), hide_index=True,
            width="stretch", column_config={_("Year"): st.column_config.NumberColumn(format="%d")})

# --- overlap -------------------------------------------------------------------------------------------
st.header(_("Where sources overlap"))
choice = db.query("methods_source_choice")
if chosen:
    choice = choice[choice["sources"].str.split(",").apply(lambda ids: chosen in ids)]
if choice.empty:
    st.caption(_("No county, stage and year is covered by more than one source with this one.") if chosen
               else _("No county, stage and year is covered by more than one source."))
else:
    st.markdown(_("Two sources describing the same cases are never added together: for each county, stage and "
                  "year one source is counted, and this table says which and why. Where the counted source changes "
                  "from one year to the next, the series has a break: its years before and after measure the same "
                  "thing in two publishers' ways, so compare them with care."))
    choice = choice.assign(reason=choice["reason"].map(lambda r: words(r) if isinstance(r, str) else r))
    st.dataframe(_headed(choice), hide_index=True, width="stretch", height=min(38 + 35 * len(choice), 400),
                 column_config={_("year"): st.column_config.NumberColumn(format="%d")})

# --- build ---------------------------------------------------------------------------------------------
st.header(_("About this build"))
mode = _text(info.get("mode"))
st.markdown(
    "- " + _("**Data:** {mode}").format(mode=_("demo (synthetic, not real)") if mode == "demo" else _md(mode)) + "\n"
    "- " + _("**Built:** {when}").format(when=_md(_text(info.get("built_at")))) + "\n"
    "- " + _("**Code version:** `{version}`").format(version=_text(info.get("code_version"))) + "\n"
    "- " + _("**Content checksum (SHA-256):** `{checksum}`").format(checksum=_text(info.get("content_sha256")))
    + "\n"
    "- " + _("**Sources used:** {sources}").format(sources=_md(", ".join(_text(info.get("sources")).split(","))))
    + "\n"
    "- " + _("**Small-number threshold:** {threshold}").format(threshold=_md(threshold)))
st.caption(_("The checksum changes whenever any number in the data changes, so two people quoting the same "
             "checksum are looking at the same data."))

# --- the data release --------------------------------------------------------------------------------------
release = _text(info.get("release"), "")
release = release if re.fullmatch(r"[a-z0-9-]+", release) else "prosecutor-data-<mode>-<checksum>"
st.header(_("Download the data"))
st.markdown(_(
    "Every number this site publishes is available as a data release for journalists and researchers: each "
    "table as CSV and Parquet, with a data dictionary (`datapackage.json`, and the same as `README.md`) that "
    "describes every column of every file, every measure's definition and caveat, and every source with its "
    "licence. Hidden numbers are left out, exactly as on these pages. In a copy of this project "
    "(see its README), one command writes it from the same data this site shows:"))
st.code("python -m etl release", language="bash")
st.markdown(_("It writes the folder `data/releases/{release}/` (`--out` chooses another place). The folder's "
              "name ends with the start of the content checksum above, so it names exactly this data.").format(
    release=release))
components.copy_link(view)
