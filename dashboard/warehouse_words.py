"""The few phrases the warehouse itself writes (why a value is hidden, when an office's next election is), in the
reader's language.

The build composes them from fixed parts (etl/suppression.py, etl/sql/metrics/00_macros.sql,
etl/sql/publish/20_disparity.sql, etl/sql/office_schedule.sql); each part is translated here, and anything
not recognised is shown as the warehouse wrote it. Citations inside them are names of documents and stay as
published.
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
    N_("no election for this office is in the data and its state's elections are staggered"),
)

PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
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
    (re.compile(r"every (\d+) years from its last regular general election \((\d{4})\): (.+)", re.S),
     lambda m: _("every {n} years from its last regular general election ({year}): {citation}").format(
         n=m[1], year=m[2], citation=m[3])),
    (re.compile(r"every (\d+) years from the state's regular cycle \((\d{4})\): (.+)", re.S),
     lambda m: _("every {n} years from the state's regular cycle ({year}): {citation}").format(
         n=m[1], year=m[2], citation=m[3])),
)


def words(text: str) -> str:
    """A phrase the warehouse wrote, in the reader's language where its parts are known."""
    if language() == DEFAULT or not text:
        return text
    if text in FIXED:
        return _(text)
    for pattern, say in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return say(match)
    return text
