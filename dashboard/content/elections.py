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
from dashboard.i18n import N_, _, date_text, month_text, percent
from dashboard.warehouse_words import words

RECENT = 5  # "how many of the last elections had an opponent" counts this many general elections
ROUND_WORDS = {"general": N_("general election"), "primary": N_("primary"), "runoff": N_("runoff"),
               "special": N_("special election")}


def _round(race: str) -> str:
    return _(ROUND_WORDS[race]) if race in ROUND_WORDS else race


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
    return "" if value is None or pd.isna(value) else percent(float(value), 1)


def office_elections(elections: pd.DataFrame, schedule: pd.DataFrame | None, today: date) -> OfficeElections:
    """`elections`: one office's election rows (county_elections.sql); `schedule`: its office_schedule row."""
    history = _history(elections)
    dates = pd.to_datetime(elections["election_date"]).dt.date if not elections.empty else pd.Series(dtype=object)
    upcoming, elections = elections[dates > today], elections[dates <= today]
    generals = _races(elections[elections["round"] == "general"]) if not elections.empty else []
    last = ""
    if generals:
        when, rows = generals[0]
        missed = last_regular_election(schedule, today)
        missing = missed is not None and missed.year > when.year  # a regular election the returns lack
        last = _race_sentence(when, rows, latest_in_data=missing)
        if missing:
            last += " " + _("The {year} general election is not in the data (its returns were not gathered, or no "
                            "contest was on the ballot).").format(year=missed.year)
    contested = ""
    known = [(w, r) for w, r in generals if r["contested"].notna().any()]
    if known:
        recent = known[:RECENT]
        had = sum(bool(r["contested"].fillna(False).astype(bool).any()) for _i, r in recent)
        span = f"{recent[-1][0].year}–{recent[0][0].year}" if len(recent) > 1 else f"{recent[0][0].year}"
        if len(recent) > 1:
            contested = _("{had} of the last {n} general elections in the data ({years}) had a real opponent (two or "
                          "more candidates with at least 5% of the vote each).").format(had=had, n=len(recent),
                                                                                       years=span)
        else:
            contested = (_("The one general election in the data ({year}) had a real opponent.") if had else
                         _("The one general election in the data ({year}) had no real opponent.")).format(year=span)
    following = next_election_text(schedule, today)
    if not upcoming.empty:
        when = min(pd.to_datetime(upcoming["election_date"]).dt.date)
        race = upcoming[pd.to_datetime(upcoming["election_date"]).dt.date == when]["round"].iloc[0]
        following = _("Next election: {day} ({race}).").format(day=date_text(when), race=_round(race))
    return OfficeElections(last=last, contested=contested, next=following, history=history)


def next_regular_election(schedule: pd.DataFrame | None, today: date) -> date | None:
    """The office's next regular general election after `today`, moved on by whole terms if the warehouse is
    older than it; None when no rule gives one."""
    if schedule is None or schedule.empty or pd.isna(schedule.iloc[0]["next_general"]):
        return None
    row = schedule.iloc[0]
    when = pd.Timestamp(row["next_general"]).date()
    while when <= today and not pd.isna(row["term_years"]):
        when = _election_day(when.year + int(row["term_years"]))
    return when


def last_regular_election(schedule: pd.DataFrame | None, today: date) -> date | None:
    """The office's latest regular general election on or before `today`, by its rule (None when unknown)."""
    upcoming = next_regular_election(schedule, today)
    if upcoming is None or pd.isna(schedule.iloc[0]["term_years"]):
        return None
    when = _election_day(upcoming.year - int(schedule.iloc[0]["term_years"]))
    return when if when <= today else None


def next_election_text(schedule: pd.DataFrame | None, today: date) -> str:
    """'Next regular election: November 2027 (...)', moved on by whole terms if the warehouse is older than it."""
    if schedule is None or schedule.empty:
        return _("The next election is not known: no election rule for this office is in the data.")
    row = schedule.iloc[0]
    when = next_regular_election(schedule, today)
    if when is None:
        return _("The next election is not known: {basis}.").format(basis=words(row["basis"]))
    return _("Next regular election: {month} ({basis}).").format(month=month_text(when),
                                                                 basis=md(words(str(row["basis"]))))


def _election_day(year: int) -> date:
    """US general election day: the Tuesday after the first Monday of November."""
    first = date(year, 11, 1)
    return date(year, 11, 1 + (8 - (first.isoweekday() % 7)) % 7 + 1)


def _races(rows: pd.DataFrame) -> list[tuple[date, pd.DataFrame]]:
    """(date, candidate rows) per race, newest first."""
    dates = pd.to_datetime(rows["election_date"]).dt.date
    return [(when, rows[dates == when]) for when in sorted(set(dates), reverse=True)]


def _race_sentence(when: date, rows: pd.DataFrame, *, latest_in_data: bool = False) -> str:
    """Who won the race of `when`; `latest_in_data`: a later regular election is missing from the returns, so
    this race is the latest in the data, not the last one held."""
    winners = rows[rows["winner"].fillna(False).astype(bool)]
    if winners.empty:
        return _("The last general election in the data ({day}) names no winner.").format(day=date_text(when))
    win = winners.iloc[0]
    share = share_text(win["vote_share"])
    others = rows[~rows.index.isin(winners.index)]
    against = ""
    if not others.empty:
        top = others.sort_values("vote_share", ascending=False, na_position="last").iloc[0]
        against = " " + (_("against {name} ({share})") if share_text(top["vote_share"])
                         else _("against {name}")).format(name=md(str(top["candidate_name"])),
                                                          share=share_text(top["vote_share"]))
    elif rows["contested"].notna().any():
        against = _(", unopposed")
    if latest_in_data:
        won = (_("Last general election in the data: {name} won on {day} with {share}") if share
               else _("Last general election in the data: {name} won on {day}"))
    else:
        won = (_("Last general election: {name} won on {day} with {share}") if share
               else _("Last general election: {name} won on {day}"))
    won = won.format(
        name=md(str(win["candidate_name"])), day=date_text(when), share=share)
    return f"{won}{against}."


def _history(elections: pd.DataFrame) -> pd.DataFrame:
    if elections.empty:
        return pd.DataFrame(columns=[_("Date"), _("Race"), _("Candidate"), _("Vote share"), _("Won"), _("Contested"),
                                     _("Note")])
    rows = elections.sort_values(["election_date", "round", "vote_share"], ascending=[False, True, False],
                                 na_position="last")
    return pd.DataFrame({
        _("Date"): pd.to_datetime(rows["election_date"]).dt.date,
        _("Race"): rows["round"].map(_round),
        _("Candidate"): rows["candidate_name"],
        _("Vote share"): rows["vote_share"].map(share_text),
        _("Won"): rows["winner"].map(lambda w: "" if pd.isna(w) else (_("yes") if w else _("no"))),
        _("Contested"): rows["contested"].map(lambda c: _("not known") if pd.isna(c) else (_("yes") if c else _("no"))),
        _("Note"): rows["note"].fillna("") if "note" in rows else "",
    }).reset_index(drop=True)
