"""Like with like: whether values set side by side were measured under the same definition.

Every value carries its definition variant (the warehouse's `value_definition`: the population its sources
count, such as felony review or all arrests presented, and the counting unit, such as person, arrest or case).
A comparison of values with different variants is shown with a sentence saying why they are not alike, in
place, because the difference may come from the definition and not from the prosecutor.
"""

from __future__ import annotations

import pandas as pd

from dashboard.charts.tables import md_escape
from dashboard.i18n import _, ngettext


def variants(rows: pd.DataFrame) -> dict[str, str]:
    """entity -> variant, for the rows (one metric) that have a published value and a declared definition."""
    shown = rows[rows["variant"].notna()] if "variant" in rows else rows.iloc[0:0]
    return dict(zip(shown["entity"], shown["variant"], strict=True))


def unlike_note(rows: pd.DataFrame, measure: str) -> str | None:
    """A warning when the entities' values of one measure were measured differently, else None.

    `rows`: one row per entity with entity, variant and measured (the definition in plain words).
    """
    if "variant" not in rows or rows["variant"].dropna().nunique() <= 1:
        return None
    shown = rows[rows["variant"].notna()]
    parts = [f"{md_escape(str(r.entity))}: {md_escape(str(r.measured))}"
             for r in shown.drop_duplicates("entity").itertuples(index=False)]
    return _("Not like with like: {measure} is measured differently here, so a difference may come from the "
             "definition, not from the prosecutor. {variants}.").format(measure=measure, variants="; ".join(parts))


def alike_column(table: pd.DataFrame) -> pd.Series:
    """Per row's metric: 'yes' when every entity with a value was measured alike, 'no: different definitions'
    when not, and 'one value only' when there is nothing to set it against."""
    shown = table[table["variant"].notna()]
    variants = shown.groupby("metric_id")["variant"].nunique()
    entities = shown.groupby("metric_id")["entity"].nunique()

    def word(metric: str) -> str:
        if variants.get(metric, 0) > 1:
            return _("no: different definitions")
        return _("yes") if entities.get(metric, 0) > 1 else _("one value only")

    return table["metric_id"].map(word)


def others_label(n_counties: object, state_name: str) -> str:
    """The state baseline named for what it is: 'the 1 other Illinois county with data', never 'the state'."""
    n = int(n_counties) if n_counties is not None and not pd.isna(n_counties) else 0
    return ngettext("the {n} other {state} county with data measured alike",
                    "the {n} other {state} counties with data measured alike", n).format(n=n, state=state_name)
