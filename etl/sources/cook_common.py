"""What the Cook County State's Attorney adapters share: the county, cached code look-ups, dates and flags.

The owner's files repeat a few hundred distinct codes over millions of rows, so each look-up is cached
by raw string; the mapping tables themselves stay data in `mappings/` (shared: `cook_race`, `cook_sex`,
`cook_offense_types`, `cook_disposition_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from etl.sources.base import FileResult, Record
from etl.vocab import ExcludedCode, Mapping, UnknownCode, check_date, load_mapping, normalize_key

COOK_FIPS = "17031"

# Identifier and person columns of the case-level files: never kept, even in rejected rows' raw text.
REDACT_COLUMNS = (
    "CASE_ID", "CASE_PARTICIPANT_ID", "CHARGE_ID", "CHARGE_VERSION_ID", "JUDGE", "SENTENCE_JUDGE",
    "DATE_OF_BIRTH", "DOB",
)


@dataclass
class Lookup:
    """One mapping applied to one column, cached by raw value (the raw value is looked up only once)."""

    name: str
    column: str
    mapping: Mapping = field(init=False)
    _cache: dict[str, dict[str, str] | ExcludedCode | UnknownCode] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.mapping = load_mapping(self.name)

    def has(self, value: str) -> bool:
        """Whether the mapping lists this value (mapped or excluded)."""
        key = normalize_key(value)
        return key in self.mapping.rows or key in self.mapping.excluded

    def get(self, value: str) -> dict[str, str]:
        """Canonical fields for a raw value; raises ExcludedCode / UnknownCode like `Mapping.lookup`."""
        hit = self._cache.get(value)
        if hit is None:
            try:
                hit = self.mapping.lookup(value, self.column)
            except (ExcludedCode, UnknownCode) as error:
                hit = error
            self._cache[value] = hit
        if isinstance(hit, Exception):
            raise hit
        return hit

    def apply(self, value: str, record: Record, result: FileResult) -> dict[str, str] | None:
        """Look a row's value up; an excluded or unknown code rejects the row (kind set) and gives None."""
        try:
            return self.get(value)
        except ExcludedCode as error:
            shown = repr(error.value) if error.value.strip() else "blank value"
            result.reject(record, f"{shown} in column {self.column!r} excluded: {error.reason}",
                          column=self.column, kind="excluded")
        except UnknownCode:
            result.unknown(record, self.column, value)
        return None


_DATE_CACHE: dict[str, date | str] = {}


def parse_cook_date(text: str) -> date:
    """`9/21/1984 12:00:00 AM` (portal CSV), `9/21/1984` or `1984-09-21T00:00:00.000` (API) -> date.

    Impossible dates (31 February, before 1900, in the future) raise ValueError with a readable reason.
    """
    hit = _DATE_CACHE.get(text)
    if hit is None:
        hit = _parse_date(text)
        if len(_DATE_CACHE) < 200_000:
            _DATE_CACHE[text] = hit
    if isinstance(hit, str):
        raise ValueError(hit)
    return hit


def _parse_date(text: str) -> date | str:
    value = text.strip()
    day_part = value.split(" ", 1)[0].split("T", 1)[0]
    try:
        if "/" in day_part:
            month, day, year = (int(p) for p in day_part.split("/"))
        else:
            year, month, day = (int(p) for p in day_part.split("-"))
        if year < 100:
            return f"unreadable date {text!r} (two-digit year)"
        parsed = date(year, month, day)
    except ValueError:
        return f"unreadable or impossible date {text!r}"
    try:
        return check_date(parsed)
    except ValueError as error:
        return str(error)


TRUE_VALUES = frozenset({"true", "t", "1", "y", "yes"})
FALSE_VALUES = frozenset({"false", "f", "0", "n", "no"})


def parse_flag(value: str) -> bool | None:
    """The owner's boolean columns (`True`/`False` in the 2020 extract, `true`/`false` from the portal)."""
    text = value.strip().casefold()
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    return None


def age_from_text(value: str) -> float | None:
    """AGE_AT_INCIDENT (`27.0`, `27`, blank) -> years; blank -> None; text -> ValueError."""
    text = value.strip()
    if not text:
        return None
    return float(text)
