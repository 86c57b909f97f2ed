"""Philadelphia new criminal filings: the bail decision at first appearance, one count per docket.

The file merges every daily version of the courts' "new criminal filings" page, so a docket appears once per
version that changed. The latest version (by `snapshot_date`) that reads cleanly is the docket's record; the
others are rejected as duplicates "superseded by a later version of the docket".

- Outcome: `bail_status` `Denied` means held without bail (remanded) by itself; otherwise `bail_type` decides
  (Monetary -> bail_set, Unsecured / Nonmonetary -> released_conditions, ROR -> released_ror). Both tables are
  data (`mappings/phl_bail_status.csv`, `mappings/phl_bail_types.csv`); an unknown code is rejected.
  When bail is denied the page omits the bail type and the amount can slide into `bail_type` (`$0.00`): the
  status still decides, and a note counts these.
- Offense: the page gives only the top charge's title (no grade, so offense_level is `unknown`). Titles map to
  a category by keyword rules kept as data (`mappings/phl_charge_rules.csv`, first match wins). A title no rule
  matches is loaded with offense_category `unknown` and counted in a note, not rejected, because its bail
  decision is still valid; an `other` fallback would be a silent guess.
- Cash needed to go home (stage `bail_amount`): for money bail with an amount, 10% of `bail_amount`, the deposit
  Philadelphia's courts take on monetary bail (Pa.R.Crim.P. 528(C) lets the bail authority accept a 10% deposit),
  counted in the bands of the vocabulary. A money bail with no amount is not counted at that stage.
- Period: the month of `filing_date`. Age -> age band. Race and sex are not published.
- A row whose `age` cell holds other text (the scraper put the address there) is misaligned and rejected.
- `docket_number` and `address_city_zip` never leave the adapter (redacted from rejected rows' raw text).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from etl.parse import dollars
from etl.sources.base import REDACTED, Adapter, FileResult, Record, read_csv
from etl.vocab import Mapping, UnknownCode, age_band, cash_band, check_date, load_mapping, normalize_key

FIPS = "42101"  # Philadelphia County
BAIL_TYPES, BAIL_STATUS, CHARGE_RULES = "phl_bail_types", "phl_bail_status", "phl_charge_rules"
REQUIRED = ("docket_number", "filing_date", "age", "charge", "bail_status", "bail_type", "snapshot_date")
REDACT = ("docket_number", "address_city_zip")
DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%Y-%m-%d")
DEPOSIT = 0.10  # the share of monetary bail paid in cash to go home (Pa.R.Crim.P. 528(C))
_AGE = re.compile(r"[0-9]{1,4}")  # ASCII digits: str.isdigit() also passes '²', which int() refuses


@dataclass(frozen=True)
class _Version:
    """One readable version of a docket, reduced to what is counted."""

    record: Record
    docket: str
    snapshot: datetime
    filed: date
    outcome: str
    source_outcome: str
    offense_category: str
    offense_detail: str | None
    age_band: str
    amount_in_type: bool
    ruled: bool
    cash: float  # the cash needed to go home: the deposit on money bail (0: no money bail, or no amount)


class ChargeRules:
    """Keyword rules (CSV, in file order): the first keyword found at the start of a word decides the category."""

    def __init__(self, mapping: Mapping):
        self.rules = [(re.compile(r"(?<![a-z0-9])" + re.escape(key)), fields["offense_category"])
                      for key, fields in mapping.rows.items()]
        self._seen: dict[str, str | None] = {}

    def category(self, title: str) -> str | None:
        """The category of a charge title, or None when no rule matches."""
        key = normalize_key(title)
        if key not in self._seen:
            self._seen[key] = next((category for pattern, category in self.rules if pattern.search(key)), None)
        return self._seen[key]


class PhiladelphiaFilings(Adapter):
    """Bail decisions at first appearance for new Philadelphia criminal filings, per docket."""

    source_id = "phl_filings"
    mappings = (BAIL_TYPES, BAIL_STATUS, CHARGE_RULES)

    def read_file(self, path: Path, result: FileResult) -> None:
        types, statuses = load_mapping(BAIL_TYPES), load_mapping(BAIL_STATUS)
        rules = ChargeRules(load_mapping(CHARGE_RULES))
        latest: dict[str, _Version] = {}
        for record in read_csv(path, result, required=REQUIRED, redact=REDACT):
            version = self._parse(record, types, statuses, rules, result)
            if version is None:
                continue
            current = latest.get(version.docket)
            if current is None:
                latest[version.docket] = version
                continue
            newer, older = (version, current) if (version.snapshot, version.record.line) > \
                (current.snapshot, current.record.line) else (current, version)
            latest[version.docket] = newer
            result.reject(older.record, "superseded by a later version of the docket", kind="duplicate")
        result.accept(len(latest))
        counts: Counter[tuple[date, str, str, str, str | None, str]] = Counter()
        for v in latest.values():
            counts[(v.filed.replace(day=1), v.outcome, v.source_outcome, v.offense_category, v.offense_detail,
                    v.age_band)] += 1
        cash: Counter[tuple[date, str, str, str | None, str]] = Counter()
        for v in latest.values():
            if v.cash > 0:
                cash[(v.filed.replace(day=1), cash_band(v.cash), v.offense_category, v.offense_detail,
                      v.age_band)] += 1
        for (period, outcome, label, category, detail, band), n in sorted(counts.items(), key=str):
            result.emit("case_counts", {
                "fips": FIPS, "period_start": period, "period_grain": "month", "stage": "pretrial",
                "outcome": outcome, "source_outcome": label, "offense_category": category,
                "offense_level": "unknown", "offense_detail": detail, "age_band": band, "n": n,
            })
        for (period, outcome, category, detail, band), n in sorted(cash.items(), key=str):
            result.emit("case_counts", {
                "fips": FIPS, "period_start": period, "period_grain": "month", "stage": "bail_amount",
                "outcome": outcome, "source_outcome": "Monetary, 10% deposit", "offense_category": category,
                "offense_level": "unknown", "offense_detail": detail, "age_band": band, "n": n,
            })
        self._notes(list(latest.values()), result)

    def _parse(self, record: Record, types: Mapping, statuses: Mapping, rules: ChargeRules,
               result: FileResult) -> _Version | None:
        docket = record["docket_number"].strip()
        if not docket:
            result.reject(record, "blank docket_number: the versions of this docket cannot be told apart",
                          column="docket_number")
            return None
        snapshot = _parse_snapshot(record["snapshot_date"])
        if snapshot is None:
            result.reject(record, f"invalid snapshot_date {record['snapshot_date'].strip()!r}",
                          column="snapshot_date")
            return None
        filed = _parse_date(record["filing_date"])
        if filed is None:
            result.reject(record, f"invalid filing_date {record['filing_date'].strip()!r}", column="filing_date")
            return None
        try:
            check_date(filed)
        except ValueError as error:
            result.reject(record, f"{error} in column 'filing_date'", column="filing_date")
            return None
        age_text = record["age"].strip()
        if age_text and not _AGE.fullmatch(age_text):
            result.reject(record, "misaligned row: column 'age' holds text, not an age (the page's cells are out "
                          "of place)", column="age", raw=record.raw.replace(record["age"], REDACTED))
            return None
        decided = self._outcome(record, types, statuses, result)
        if decided is None:
            return None
        outcome, label, amount_in_type = decided
        detail = re.sub(r"\s+", " ", record["charge"]).strip() or None
        category = rules.category(detail) if detail else None
        return _Version(
            record=record, docket=docket, snapshot=snapshot, filed=filed, outcome=outcome, source_outcome=label,
            offense_category=category or "unknown", offense_detail=detail,
            age_band=age_band(int(age_text)) if age_text else "unknown", amount_in_type=amount_in_type,
            ruled=category is not None or detail is None,
            cash=(dollars(record.get("bail_amount")) or 0.0) * DEPOSIT if outcome == "bail_set" else 0.0,
        )

    def _outcome(self, record: Record, types: Mapping, statuses: Mapping,
                 result: FileResult) -> tuple[str, str, bool] | None:
        """(outcome, owner's label, amount-in-bail_type flag), or None when the row is rejected."""
        status = re.sub(r"\s+", " ", record["bail_status"]).strip()
        bail_type = re.sub(r"\s+", " ", record["bail_type"]).strip()
        amount_in_type = bool(bail_type) and dollars(bail_type) is not None
        if status:
            try:
                fields = statuses.lookup(status, "bail_status")
            except UnknownCode:
                result.unknown(record, "bail_status", status)
                return None
            if fields["outcome"]:
                return fields["outcome"], status, amount_in_type
        if not bail_type:
            result.reject(record, "blank bail_type: no bail decision recorded", column="bail_type")
            return None
        if amount_in_type:
            result.reject(record, f"misaligned row: bail_type holds an amount ({bail_type!r})", column="bail_type")
            return None
        try:
            fields = types.lookup(bail_type, "bail_type")
        except UnknownCode:
            result.unknown(record, "bail_type", bail_type)
            return None
        return fields["outcome"], bail_type, False

    @staticmethod
    def _notes(versions: list[_Version], result: FileResult) -> None:
        if not versions:
            return
        unmatched = [v for v in versions if not v.ruled]
        if unmatched:
            titles = len({v.offense_detail for v in unmatched})
            result.notes.append(
                f"{len(unmatched):,} of {len(versions):,} dockets ({titles} distinct top-charge titles) match no rule"
                f" in {CHARGE_RULES}.csv: loaded with offense_category unknown")
        unpriced = sum(v.outcome == "bail_set" and not v.cash for v in versions)
        if unpriced:
            result.notes.append(f"{unpriced:,} dockets with money bail have no readable bail_amount: counted as money "
                                "bail, not in the cash needed to go home")
        shifted = sum(v.amount_in_type for v in versions)
        if shifted:
            result.notes.append(f"{shifted:,} dockets with bail_status Denied carry an amount in bail_type (cells "
                                "shifted on the page): counted as remanded from bail_status")
        first, last = min(v.filed for v in versions), max(v.filed for v in versions)
        result.notes.append(f"filings from {first.isoformat()} to {last.isoformat()}: the first and last months are"
                            " partial; offense_level is unknown (the page gives no grade)")


def _parse_date(text: str) -> date | None:
    value = re.sub(r"\s+", " ", text).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _parse_snapshot(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
