"""Parsing and checking source values: ages to age bands, money amounts, FIPS codes, dates and period starts,
mojibake, slugs, and the wording of a refused value. The allowed values themselves are in etl/vocab.py."""

from __future__ import annotations

import re
from datetime import date


def age_band(age: float | int | None) -> str:
    """Age in years -> age_band; impossible ages (negative, over 110) are `unknown`, not guessed."""
    if age is None:
        return "unknown"
    try:
        years = float(age)
    except (TypeError, ValueError):
        return "unknown"
    if years != years or years < 0 or years > 110:
        return "unknown"
    for upper, band in ((18, "under_18"), (25, "18_24"), (35, "25_34"), (45, "35_44"), (55, "45_54"), (65, "55_64")):
        if years < upper:
            return band
    return "65_plus"


_MOJIBAKE = re.compile("[\u00c3\u00c2][\u0080-\u00bf]")


_DOLLARS = re.compile(r"\$?\s*([0-9][0-9,]*(?:\.[0-9]*)?)")


def dollars(text: str | None) -> float | None:
    """An amount as sources write it (`$350,000.00`, `500`): 0.0 when blank, None when it is not an amount."""
    value = (text or "").strip()
    if not value:
        return 0.0
    match = _DOLLARS.fullmatch(value)
    return float(match.group(1).replace(",", "")) if match else None


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 (`GascÃ³n` -> `Gascón`), leaving clean text untouched."""
    if not text or not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def did_you_mean(value: str, allowed: tuple[str, ...] | list[str]) -> str:
    """` (did you mean 'x'?)` for the closest allowed value, or nothing when none is close."""
    import difflib

    folded = {a.casefold(): a for a in allowed}
    close = difflib.get_close_matches(value.strip().casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


def not_allowed(column: str, value: str, allowed: tuple[str, ...]) -> str:
    """Why a value is refused: the closest allowed value and the whole list, so the fix needs no manual."""
    shown = value if len(value) <= 60 else value[:60] + "..."
    return f"{column} {shown!r} is not allowed{did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}"


_FIPS = re.compile(r"[0-9]{5}")


def check_fips(value: str) -> str:
    """A five-digit county FIPS; a four-digit one (a spreadsheet dropped its leading zero) gets the fix."""
    text = value.strip()
    if _FIPS.fullmatch(text):
        return text
    if len(text) == 4 and text.isdigit():
        raise ValueError(f"FIPS {text!r} has four digits: a spreadsheet dropped the leading zero; write it "
                         f"zero-padded as '0{text}' and store the column as text")
    raise ValueError(f"invalid FIPS {text[:20]!r} (five digits expected, such as 06075)")


def check_period_start(start: date, grain: str) -> date:
    """A period starts on its grain's boundary: a yearly period on 1 January, a quarter on its first month."""
    if grain == "day":
        return start
    if grain == "month" and start.day != 1:
        raise ValueError(f"a monthly period starts on the 1st: {start.isoformat()} should be "
                         f"{start.replace(day=1).isoformat()}")
    if grain == "quarter" and (start.day != 1 or start.month not in (1, 4, 7, 10)):
        first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        raise ValueError(f"a quarter starts on 1 January, April, July or October: {start.isoformat()} should be "
                         f"{first.isoformat()}")
    if grain in ("year", "two_years") and (start.month, start.day) != (1, 1):
        raise ValueError(f"a {'yearly' if grain == 'year' else 'two-year'} period starts on 1 January: "
                         f"{start.isoformat()} is inside {start.year}; write {start.year}-01-01, or use "
                         "period_grain 'day' or 'month' for a shorter period")
    return start


EARLIEST_DATE = date(1900, 1, 1)


def check_date(value: date, *, today: date | None = None) -> date:
    """Reject impossible dates: before 1900 or in the future."""
    limit = today or date.today()
    if value < EARLIEST_DATE:
        raise ValueError(f"impossible date {value.isoformat()} (before 1900)")
    if value > limit:
        raise ValueError(f"impossible date {value.isoformat()} (in the future)")
    return value


MAX_SLUG_LENGTH = 80  # ids built from a slug (`ga-<slug>-circuit-da`, `demo-<slug>-<fips>`) stay within a link's 100


def slug(text: str) -> str:
    """Stable ASCII id from a name: `Kim Foxx` -> `kim-foxx`.

    A slug longer than MAX_SLUG_LENGTH is cut and ends in 8 hex characters of a hash of the whole slug, so a
    very long name still gives an id a link can carry, and two long names sharing a beginning stay apart.
    """
    import hashlib
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    full = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(full) <= MAX_SLUG_LENGTH:
        return full
    digest = hashlib.sha256(full.encode("ascii")).hexdigest()[:8]
    return full[:MAX_SLUG_LENGTH - len(digest) - 1].rstrip("-") + "-" + digest
