"""The questions page (/questions?county=... or ?prosecutor=...) through AppTest on the demo warehouse, and on the
real one for five places: every section answers its question or says plainly why the data cannot."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dashboard import db
from dashboard.content import questions
from tests.dashboard.apptest_pages import assert_no_raw_html, charts, messages, open_page, sql, texts

pytestmark = pytest.mark.usefixtures("no_image_export")
HEADINGS = [lens.heading for lens in questions.LENSES]
# Each section's first line: an answer (a period and n) or the plain reason there is none.
ANSWER = re.compile(r"^(In \d{4}|During .+'s term as ).*\(n = [\d,]+; 95% interval|^(In \d{4}|During ).*of [\d,]+ "
                    r"(bail decisions at first appearance \(95% interval|money bails set with an amount, [\d.]+% "
                    r"\(95% interval)")
NO_ANSWER = re.compile(r"^The published data for .+ (do not record|record .+, but in no whole period|include none of "
                       r"the measures|have too few|give no amount for each money bail)")


def section_lines(at) -> list[str]:
    """The sentence under each question's heading, in order."""
    return [m.value.replace("\\", "") for m in at.markdown if ANSWER.search(m.value.replace("\\", ""))
            or NO_ANSWER.search(m.value.replace("\\", ""))]


def assert_every_question_answered_or_explained(at) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader] == HEADINGS
    lines = section_lines(at)
    assert len(lines) == len(HEADINGS), lines
    assert_no_raw_html(at)
    return lines


def current_cook(path: Path) -> tuple[str, str]:
    return sql(path, """SELECT t.prosecutor_id, p.name FROM office_county oc JOIN term t USING (office_id)
                        JOIN prosecutor p USING (prosecutor_id) WHERE oc.fips = '17031' AND t.end_date IS NULL""")[0]


def test_a_demo_county_answers_each_question_with_published_numbers(warehouse: Path) -> None:
    at = open_page("questions", county="17031")
    lines = assert_every_question_answered_or_explained(at)
    assert at.title[0].value == "Questions: Cook County, Illinois"
    assert charts(at), "at least one question is answered with a chart on the demo data"
    # the money-bail answer is the warehouse's own published cell for that year
    bail = lines[[lens.key for lens in questions.LENSES].index("bail")]
    found = re.match(r"^In (\d{4}), .*money bail set in ([\d.]+)% of ([\d,]+) bail decisions", bail)
    assert found, bail
    year, share, n = int(found[1]), float(found[2]), int(found[3].replace(",", ""))
    numerator, denominator = sql(warehouse, """SELECT v.numerator, v.denominator FROM metric_value v
        JOIN metric_definition d USING (metric_id)
        WHERE list_contains(d.roles, 'money_bail') AND v.scope = 'county' AND v.scope_id = '17031'
          AND v.period_grain = 'year' AND year(v.period_start) = ? AND v.dimension = 'all'
          AND NOT v.suppressed""", [year])[0]
    assert (n, share) == (denominator, round(numerator / denominator * 100, 1))
    assert "Detaining the Poor" in texts(at) and "give no amount for each money bail" in texts(at)
    link = [p for p in at.get("page_link") if "Everything else about this county" in p.proto.label]
    assert link and link[0].proto.page.endswith("county")


def test_a_demo_prosecutor_is_answered_over_their_terms(warehouse: Path) -> None:
    pid, name = current_cook(warehouse)
    at = open_page("questions", prosecutor=pid)
    lines = assert_every_question_answered_or_explained(at)
    assert at.title[0].value == f"Questions: {name}"
    answered = [line for line in lines if ANSWER.search(line)]
    assert answered and all(line.startswith(f"During {name}'s term as ") for line in answered)


def test_a_link_opens_one_question_and_bad_links_are_explained(warehouse: Path) -> None:
    at = open_page("questions", county="17031", lens="bail")
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Wealth-based detention"]
    assert at.query_params["lens"] == "bail" and at.query_params["county"] == "17031"
    at = open_page("questions", county="17031", lens="everything")
    assert "`lens` must be one of" in messages(at)
    assert [s.value for s in at.subheader] == HEADINGS
    at = open_page("questions", county="99999")
    assert "No county with FIPS code 99999" in messages(at)
    at = open_page("questions", county="17031", prosecutor=current_cook(warehouse)[0])
    assert "showing the county" in messages(at) and at.title[0].value == "Questions: Cook County, Illinois"


def test_the_county_and_prosecutor_pages_link_here(warehouse: Path) -> None:
    at = open_page("county", fips="17031")
    assert any(p.proto.page.endswith("questions") for p in at.get("page_link"))
    at = open_page("prosecutor", id=current_cook(warehouse)[0])
    assert any(p.proto.page.endswith("questions") for p in at.get("page_link"))


REAL_PLACES = {"17031": "Cook", "06075": "San Francisco", "42101": "Philadelphia", "12091": "Okaloosa",
               "36061": "New York"}


@pytest.mark.parametrize("fips", list(REAL_PLACES))
def test_real_places_answer_or_say_why_not(real: Path, fips: str) -> None:
    at = open_page("questions", county=fips)
    lines = assert_every_question_answered_or_explained(at)
    assert REAL_PLACES[fips] in at.title[0].value
    if fips == "06075":  # San Francisco's DA publishes totals only: no breakdown by offence, age or level
        assert lines[1] == "The published data for San Francisco County, California do not record age."
    if fips == "42101":  # Philadelphia's filings carry bail type and amount: both bail questions are answered
        assert ANSWER.search(lines[2]), lines[2]
        assert ANSWER.search(lines[3]), lines[3]


def test_real_cash_to_go_home_is_philadelphias_published_cells(real: Path) -> None:
    """Philadelphia: each amount in the sentence is the warehouse's published cell for the latest whole year."""
    at = open_page("questions", county="42101", lens="amount")
    [line] = section_lines(at)
    found = re.match(r"^In (\d{4}), with (.+) in office, in Philadelphia County, Pennsylvania: of ([\d,]+) money "
                     r"bails set with an amount, ([\d.]+)% .* needed \$500 or more in cash to go home", line)
    assert found, line
    year, name, n, share = int(found[1]), found[2], int(found[3].replace(",", "")), float(found[4])
    assert name == "Larry Krasner"
    numerator, denominator, partial = sql(real, """SELECT v.numerator, v.denominator, vp.partial FROM metric_value v
        JOIN metric_definition d USING (metric_id) JOIN value_period vp USING (metric_id, scope, scope_id,
        period_start, period_grain)
        WHERE d.amount_at_least = 500 AND v.scope = 'county' AND v.scope_id = '42101' AND v.period_grain = 'year'
          AND year(v.period_start) = ? AND v.dimension = 'all' AND NOT v.suppressed""", [year])[0]
    assert (n, share, partial) == (denominator, round(numerator / denominator * 100, 1), False)
    assert all(f"${amount} or more" in line for amount in ("1,000", "5,000", "10,000"))
    notes = texts(at)
    assert "10% deposit" in notes and "Detaining the Poor" in notes and "$1,300" in notes.replace("\\", "")


def test_real_prosecutor_terms_name_their_part_years(real: Path) -> None:
    """Krasner's pooled term figures rest on Philadelphia's filings of August 2021 to May 2023: the period says
    that 2021 and 2023 are part-years."""
    at = open_page("questions", prosecutor="larry-krasner", lens="amount")
    [line] = section_lines(at)
    assert "data for 2021–2023, 2021 and 2023 for part of the year only" in line, line


def test_real_figures_shown_are_published_counts_only(real: Path) -> None:
    """Every count in the figures (and so their CSVs) is 0 or at least the threshold: a group made of published
    cells, never a count the warehouse hides."""
    threshold = int(sql(real, "SELECT value FROM build_info WHERE key = 'suppression_threshold'")[0][0])
    checked = 0
    for fips in REAL_PLACES:
        page = questions.questions_view("county", fips, db.current_version(), date.today())
        for part in page.sections:
            if part.block is None:
                continue
            data = part.block.data
            counts = [*data["numerator"], *data["denominator"], *(data["denominator"] - data["numerator"])]
            assert all(c == 0 or c >= threshold for c in counts), (fips, part.lens.key, counts)
            assert data["source"].str.len().min() > 0
            checked += 1
    assert checked >= 4
