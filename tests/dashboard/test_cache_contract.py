"""The caches' contract: a cached page object is never changed by the page that shows it.

Every session shares what dashboard/content and dashboard/db cache (frames, figures, tables). A page that
changed one in place (a column added to a cached frame, a cached figure's title edited) would show the next
reader, or itself on the next rerun, something else. Here each page is shown, then another view of it, then the
first view again from the caches: what it shows must be what it showed the first time, element for element.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.apptest_pages import charts, open_page, sql, texts

pytestmark = pytest.mark.usefixtures("no_image_export")


def shown(at: AppTest) -> dict[str, object]:
    """Everything a reader reads on the page: its text, its charts' specs and its tables' cells."""
    assert not at.exception, at.exception
    return {
        "text": texts(at),
        "charts": [json.dumps(chart, sort_keys=True) for chart in charts(at)],
        "tables": [frame.value.to_csv(index=False) for frame in at.dataframe],
    }


def revisit(at: AppTest, params: dict[str, str], other: dict[str, str]) -> dict[str, object]:
    """Show the view `params`, then `other`, then `params` again; return what the last showing shows."""
    for view in (other, params):
        at.query_params.clear()
        for key, value in view.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
    return shown(at)


def cook_prosecutor(path: Path) -> str:
    return sql(path, """SELECT t.prosecutor_id FROM office_county oc JOIN term t USING (office_id)
                        WHERE oc.fips = '17031' AND t.end_date IS NULL""")[0][0]


@pytest.mark.parametrize("page", ["county", "prosecutor", "compare", "map"])
def test_a_view_shown_again_from_the_caches_is_the_view_first_shown(warehouse: Path, page: str) -> None:
    params, other = {
        "county": ({"fips": "17031"}, {"fips": "17031", "by": "race"}),
        "prosecutor": ({"id": cook_prosecutor(warehouse)}, {"id": cook_prosecutor(warehouse), "by": "sex"}),
        "compare": ({"fips": "17031,48201"}, {"fips": "17031,48201", "by": "race"}),
        "map": ({}, {"state": "IL"}),
    }[page]
    at = open_page(page, **params)
    first = shown(at)
    assert first["text"] and (first["charts"] or first["tables"] or page == "map"), "the page shows something"
    again = revisit(at, params, other)
    for part in first:
        assert again[part] == first[part], f"the {page} page's {part} changed when shown again from the caches"
