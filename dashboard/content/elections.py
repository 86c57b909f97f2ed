"""What the county and prosecutor pages say about an office's elections, in plain words a voter can repeat.

Pure functions of the warehouse's rows (county_elections.sql, office_schedule via county_schedule.sql), so the
same sentences serve the county page's office block and the prosecutor page's header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.content import md

RECENT = 5  # "how many of the last elections had an opponent" counts this many general elections
ROUND_WORDS = {"general": "general election", "primary": "primary", "runoff": "runoff", "special": "special election"}


@dataclass(frozen=True)
class OfficeElections:
    """One office's elections as the pages show them."""

    last: str  # who won the last general election, with their share ("" when none is in the data)
    contested: str  # how many of the recent general elections had a real opponent
    next: str  # the next regular election
    history: pd.DataFrame  # one row per candidate per race, newest first (empty when none)


def name_key(name: str) -> str:
    """Names compared as the warehouse's ids are: accents, case and punctuation ignored."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text.lower())


def share_text(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value) * 100:.1f}%"


def office_elections(elections: pd.DataFrame, schedule: pd.DataFrame | None, today: date) -> OfficeElections:
    """`elections`: one office's election rows (county_elections.sql); `schedule`: its office_schedule row."""
    history = _history(elections)
    dates = pd.to_datetime(elections["election_date"]).dt.date if not elections.empty else pd.Series(dtype=object)
    upcoming, elections = elections[dates > today], elections[dates <= today]
    generals = _races(elections[elections["round"] == "general"]) if not elections.empty else []
    last = ""
    if generals:
        when, rows = generals[0]
        last = _race_sentence(when, rows)
    contested = ""
    known = [(w, r) for w, r in generals if r["contested"].notna().any()]
    if known:
        recent = known[:RECENT]
        had = sum(bool(r["contested"].fillna(False).astype(bool).any()) for _i, r in recent)
        span = f"{recent[-1][0].year}–{recent[0][0].year}" if len(recent) > 1 else f"{recent[0][0].year}"
        contested = (f"{had} of the last {len(recent)} general election{'s' if len(recent) > 1 else ''} in the data "
                     f"({span}) had a real opponent (two or more candidates with at least 5% of the vote each)."
                     if len(recent) > 1 else
                     f"The one general election in the data ({span}) {'had a' if had else 'had no'} real opponent.")
    following = next_election_text(schedule, today)
    if not upcoming.empty:
        when = min(pd.to_datetime(upcoming["election_date"]).dt.date)
        race = upcoming[pd.to_datetime(upcoming["election_date"]).dt.date == when]["round"].iloc[0]
        following = f"Next election: {when:%d %B %Y} ({ROUND_WORDS.get(race, race)})."
    return OfficeElections(last=last, contested=contested, next=following, history=history)


def next_election_text(schedule: pd.DataFrame | None, today: date) -> str:
    """'Next regular election: November 2027 (...)', moved on by whole terms if the warehouse is older than it."""
    if schedule is None or schedule.empty:
        return "The next election is not known: no election rule for this office is in the data."
    row = schedule.iloc[0]
    if pd.isna(row["next_general"]):
        return f"The next election is not known: {row['basis']}."
    when = pd.Timestamp(row["next_general"]).date()
    while when <= today and not pd.isna(row["term_years"]):
        when = _election_day(when.year + int(row["term_years"]))
    return f"Next regular election: {when:%B %Y} ({md(str(row['basis']))})."


def _election_day(year: int) -> date:
    """US general election day: the Tuesday after the first Monday of November."""
    first = date(year, 11, 1)
    return date(year, 11, 1 + (8 - (first.isoweekday() % 7)) % 7 + 1)


def _races(rows: pd.DataFrame) -> list[tuple[date, pd.DataFrame]]:
    """(date, candidate rows) per race, newest first."""
    dates = pd.to_datetime(rows["election_date"]).dt.date
    return [(when, rows[dates == when]) for when in sorted(set(dates), reverse=True)]


def _race_sentence(when: date, rows: pd.DataFrame) -> str:
    winners = rows[rows["winner"].fillna(False).astype(bool)]
    if winners.empty:
        return f"The last general election in the data ({when:%d %B %Y}) names no winner."
    win = winners.iloc[0]
    share = share_text(win["vote_share"])
    others = rows[~rows.index.isin(winners.index)]
    against = ""
    if not others.empty:
        top = others.sort_values("vote_share", ascending=False, na_position="last").iloc[0]
        against = f" against {md(str(top['candidate_name']))}" + (
            f" ({share_text(top['vote_share'])})" if share_text(top["vote_share"]) else "")
    elif rows["contested"].notna().any():
        against = ", unopposed"
    return (f"Last general election: {md(str(win['candidate_name']))} won on {when:%d %B %Y}"
            f"{f' with {share}' if share else ''}{against}.")


def _history(elections: pd.DataFrame) -> pd.DataFrame:
    if elections.empty:
        return pd.DataFrame(columns=["Date", "Race", "Candidate", "Vote share", "Won", "Contested", "Note"])
    rows = elections.sort_values(["election_date", "round", "vote_share"], ascending=[False, True, False],
                                 na_position="last")
    return pd.DataFrame({
        "Date": pd.to_datetime(rows["election_date"]).dt.date,
        "Race": rows["round"].map(lambda r: ROUND_WORDS.get(r, r)),
        "Candidate": rows["candidate_name"],
        "Vote share": rows["vote_share"].map(share_text),
        "Won": rows["winner"].map(lambda w: "" if pd.isna(w) else ("yes" if w else "no")),
        "Contested": rows["contested"].map(lambda c: "not known" if pd.isna(c) else ("yes" if c else "no")),
        "Note": rows["note"].fillna("") if "note" in rows else "",
    }).reset_index(drop=True)
