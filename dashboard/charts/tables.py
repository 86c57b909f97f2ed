"""Pure table builders for the methods page: searching a table and the county x stage coverage matrix."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import N_, _

STAGES = ("referral", "pretrial", "bail_request", "bail_amount", "disposition", "sentence", "detention")
STAGE_LABELS = {"referral": N_("Referral (charging)"), "pretrial": N_("Pretrial (bail)"),
                "bail_request": N_("Bail asked vs set"), "bail_amount": N_("Cash needed to go home"),
                "disposition": N_("Disposition"), "sentence": N_("Sentence"), "detention": N_("Jail population")}


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$")


def md_escape(text: object) -> str:
    """Data text placed in Streamlit markdown: markdown, HTML and LaTeX characters escaped, shown as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def search(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any column contains `text` (case-insensitive, literal: no pattern syntax)."""
    needle = (text or "").strip().lower()
    if not needle or frame.empty:
        return frame
    hit = pd.Series(False, index=frame.index)
    for column in frame.columns:
        hit |= frame[column].astype(str).str.lower().str.contains(needle, regex=False, na=False)
    return frame[hit]


def _stage_order(stages: set[str]) -> list[str]:
    return [s for s in STAGES if s in stages] + sorted(stages - set(STAGES))


def coverage_summary(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per stage: how many counties have data and the first and last year, in case-flow order."""
    if coverage.empty:
        return pd.DataFrame(columns=[_("Stage"), _("Counties"), _("From"), _("To")])
    summary = (coverage.groupby("stage")
               .agg(Counties=("fips", "nunique"), From=("first_year", "min"), To=("last_year", "max"))
               .reindex(_stage_order(set(coverage["stage"]))))
    summary.index = [_(STAGE_LABELS[s]) if s in STAGE_LABELS else s for s in summary.index]
    summary = summary.rename_axis("Stage").reset_index()
    return summary.rename(columns={c: _(c) for c in ("Stage", "Counties", "From", "To")})


def coverage_matrix(coverage: pd.DataFrame, county_link: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per county, one column per stage, each cell the years covered ("2012–2019"; several sources
    joined with commas; empty: no data). `county_link` (fips -> link) adds a column of county page links."""
    stages = _stage_order(set(coverage["stage"])) if not coverage.empty else []
    labels = {s: _(STAGE_LABELS[s]) if s in STAGE_LABELS else s for s in stages}
    columns = [_("County"), "FIPS"] + [labels[s] for s in stages]
    if coverage.empty:
        return pd.DataFrame(columns=columns + ([_("Page")] if county_link is not None else []))
    spans = coverage.assign(years=coverage["first_year"].astype(int).astype(str) + "–"
                            + coverage["last_year"].astype(int).astype(str))
    matrix = (spans.groupby(["county", "fips", "stage"], dropna=False)["years"]
              .agg(lambda v: ", ".join(sorted(set(v)))).unstack("stage"))
    matrix = matrix[stages].rename(columns=labels).reset_index().fillna("")
    matrix = matrix.rename(columns={"county": _("County"), "fips": "FIPS"})
    matrix[_("County")] = [c if isinstance(c, str) and c else f"FIPS {f}" for c, f in zip(matrix[_("County")],
                                                                                           matrix["FIPS"], strict=True)]
    if county_link is not None:
        matrix[_("Page")] = [county_link.get(f, "") for f in matrix["FIPS"]]
    matrix.columns.name = None
    return matrix
