"""The few phrases the warehouse and the queries write (why a value is hidden, when an office's next election is,
who a prosecutor is compared with), in the reader's language.

The build composes them from fixed parts (etl/suppression.py, etl/sql/metrics/00_macros.sql,
etl/sql/publish/20_disparity.sql, etl/sql/office_schedule.sql), and so does the comparison query
(dashboard/queries/prosecutor_comparison.sql); each part is translated here, and anything not recognised is
shown as written. Citations inside them are names of documents and stay as published.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dashboard.i18n import DEFAULT, N_, _, language

FIXED = (
    N_("hidden so that a suppressed count cannot be worked out from this cell's other measures"),
    N_("hidden with the measures that share its denominator, hidden so that a suppressed count cannot be worked "
       "out from the totals"),
    N_("hidden so that a suppressed count cannot be worked out from totals across this stage's measures"),
    N_("hidden so that a suppressed count cannot be worked out from the breakdown's total"),
    N_("hidden so that a suppressed count cannot be worked out from the term's total over its years"),
    N_("hidden so that a suppressed count cannot be worked out from the total of the counties"),
    N_("hidden so that a suppressed count cannot be worked out from the totals"),
    N_("the unknown-race cell is suppressed"),
    N_("a zero count: no interval can be computed"),
    N_("no population estimate for this group"),
    N_("no rule for this state is in the rules table"),
    N_("no like population: the census group is not defined as the case data define it (they count Hispanic "
       "people apart)"),
    N_("the only source"), N_("the source reports whole years"), N_("part of the year"),
    N_("no election for this office is in the data and its state's elections are staggered"),
    N_("no earlier prosecutor of this office is in the data"),
    N_("no earlier prosecutor of this office has published data"),
    N_("no other county in the state has published data for these years"),
    # how a period is attributed to a prosecutor (etl/sql/metrics/10_term_attribution.sql)
    N_("in office on the date"), N_("in office for most of the month"), N_("in office for most of the year"),
    N_("in office for most of the quarter"), N_("in office for most of the week"),
    N_("in office for most of the month (of the part the data cover)"),
    N_("in office for most of the year (of the part the data cover)"),
    N_("in office for most of the quarter (of the part the data cover)"),
    N_("in office for most of the week (of the part the data cover)"),
    N_("in office for most of the two_years"), N_("in office for most of the two_years (of the part the data cover)"),
    # parties, as the sources name them
    N_("Democratic"), N_("Republican"), N_("Independent"), N_("Nonpartisan"), N_("Libertarian"), N_("Green"),
)

PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(.+) takes office", re.S), lambda m: _("{name} takes office").format(name=m[1])),  # events.sql
    (re.compile(r"group cell suppressed: (.+)", re.S),
     lambda m: _("group cell suppressed: {reason}").format(reason=words(m[1]))),
    (re.compile(r"white cell suppressed: (.+)", re.S),
     lambda m: _("white cell suppressed: {reason}").format(reason=words(m[1]))),
    (re.compile(r"fewer than (\d+) cases in all"), lambda m: _("fewer than {n} cases in all").format(n=m[1])),
    (re.compile(r"fewer than (\d+) cases counted"), lambda m: _("fewer than {n} cases counted").format(n=m[1])),
    (re.compile(r"fewer than (\d+) cases not counted \(the count could be worked out\)"),
     lambda m: _("fewer than {n} cases not counted (the count could be worked out)").format(n=m[1])),
    (re.compile(r"fewer than (\d+) people in jail"), lambda m: _("fewer than {n} people in jail").format(n=m[1])),
    (re.compile(r"no population estimate for this year \(the estimate covers (\d{4})-(\d{4})\)"),
     lambda m: _("no population estimate for this year (the estimate covers {first}-{last})").format(
         first=m[1], last=m[2])),
    (re.compile(r"(.+): value withheld, too few cases to publish", re.S),
     lambda m: _("{name}: value withheld, too few cases to publish").format(name=m[1])),
    (re.compile(r"(.+) has no published value for this measure", re.S),
     lambda m: _("{name} has no published value for this measure").format(name=m[1])),
    (re.compile(r"(.+), the immediate predecessor, has no data of their own \(yearly data go to whoever held office "
                r"most of the year\), so the comparison is with (.+)", re.S),
     lambda m: _("{name}, the immediate predecessor, has no data of their own (yearly data go to whoever held "
                 "office most of the year), so the comparison is with {other}").format(name=m[1], other=m[2])),
    (re.compile(r"the (\d+) other (.+) county with data", re.S),
     lambda m: _("the {n} other {state} county with data").format(n=m[1], state=m[2])),
    (re.compile(r"the (\d+) other (.+) counties with data", re.S),
     lambda m: _("the {n} other {state} counties with data").format(n=m[1], state=m[2])),
    (re.compile(r"the rest of (.+)", re.S), lambda m: _("the rest of {state}").format(state=m[1])),
    (re.compile(r"in (\d+) year\(s\) this office's own counts were too small to take out of the state total"),
     lambda m: _("in {n} year(s) this office's own counts were too small to take out of the state total").format(
         n=m[1])),
    (re.compile(r"replaces (.+) for this year \(declared\)", re.S),
     lambda m: _("replaces {source} for this year (declared)").format(source=m[1])),
    (re.compile(r"higher priority than (.+)", re.S), lambda m: _("higher priority than {source}").format(source=m[1])),
    (re.compile(r"more cases than (.+) \(same priority\)", re.S),
     lambda m: _("more cases than {source} (same priority)").format(source=m[1])),
    (re.compile(r"same priority and size as (.+): the first by id", re.S),
     lambda m: _("same priority and size as {source}: the first by id").format(source=m[1])),
    (re.compile(r"dates in the data: (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)"),
     lambda m: _("dates in the data: {first} to {last}").format(first=m[1], last=m[2])),
    (re.compile(r"every (\d+) years from its last regular general election \((\d{4})\): (.+)", re.S),
     lambda m: _("every {n} years from its last regular general election ({year}): {citation}").format(
         n=m[1], year=m[2], citation=m[3])),
    (re.compile(r"every (\d+) years from the state's regular cycle \((\d{4})\): (.+)", re.S),
     lambda m: _("every {n} years from the state's regular cycle ({year}): {citation}").format(
         n=m[1], year=m[2], citation=m[3])),
)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ANY_MONTH = "|".join(MONTHS)
_MONTH_SPAN = re.compile(f"({_ANY_MONTH})(?:–({_ANY_MONTH}))?")


def _month(short: str) -> str:
    """An English month abbreviation (as value_period.covered_label writes it) in the reader's language."""
    from babel.dates import get_month_names

    from dashboard.i18n import BABEL_LOCALES

    name = get_month_names("abbreviated", locale=BABEL_LOCALES[language()])[MONTHS.index(short) + 1]
    return name.rstrip(".")


def words(text: str) -> str:
    """A phrase the warehouse wrote, in the reader's language where its parts are known."""
    if language() == DEFAULT or not text:
        return text
    if text in FIXED:
        return _(text)
    span = _MONTH_SPAN.fullmatch(text)  # the months a part-year covers: "Jan–May"
    if span:
        return "–".join(_month(m) for m in span.groups() if m)
    for pattern, say in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return say(match)
    if "; " in text:  # several phrases joined (a comparison's notes)
        return "; ".join(words(part) for part in text.split("; "))
    return text
