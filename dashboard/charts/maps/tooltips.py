"""What hovering a county says: its plain text (for the exported figure) and the map's tooltip template.

The map's tooltip is an HTML *template* made here from the view's shared words (label, year, source titles,
suppression reasons: HTML-escaped here, braces as entities); each county's own texts (its name, its prosecutor,
its numbers) fill the template's placeholders in the browser, which inserts them HTML-escaped, so a county name
such as `<img src=x onerror=...>` shows as those characters and never runs (the hostile-data browser test
checks this). The plotly figure escapes every data text because plotly renders a subset of HTML in hover labels.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

import pandas as pd

from dashboard.charts.maps.cells import _clean, _flag, _is_missing
from dashboard.charts.maps.scale import _NO_DATA_RGB, _PAGE_ONLY_RGB, MAP_STYLE, _lut_index
from dashboard.i18n import N_, _, format_value, number, significant
from dashboard.warehouse_words import words as warehouse_words

PAGE_ONLY_WORDS = N_("no value for this measure; its page names the prosecutor or elections")
CLICK_WORDS = N_("Click to open the county's page")
_PLACEHOLDER = re.compile(r"\{(?=[0-9]+\})")


def _in_office(row: Mapping) -> str:
    """The prosecutor in office, with the part of the year the data cover when it is not the whole year."""
    prosecutor = _clean(row.get("prosecutor")) or _("not in the data")
    covered = warehouse_words(_clean(row.get("covered_label"))) if _flag(row.get("partial")) else ""
    return _("{prosecutor} (data cover {months} only)").format(prosecutor=prosecutor, months=covered) if covered \
        else prosecutor


def _value_lines(row: Mapping, unit: str) -> list[str]:
    """A shown value as the tooltip words it: the value with its 95% range, then the counts behind it."""
    value = format_value(float(row["value"]), unit, **MAP_STYLE)
    low, high = row.get("ci_low"), row.get("ci_high")
    interval = ""
    if not _is_missing(low) and not _is_missing(high):
        interval = " " + _("(95% range {low} to {high})").format(low=format_value(float(low), unit, **MAP_STYLE),
                                                                   high=format_value(float(high), unit, **MAP_STYLE))
    lines = [f"{value}{interval}"]
    numerator, denominator = row.get("numerator"), row.get("denominator")
    if not _is_missing(denominator):
        whole = number(round(float(denominator)))
        part = None if _is_missing(numerator) else number(round(float(numerator)))
        if unit == "per_100k":
            lines.append(_("n = {people} people in jail, of {adults} adults").format(people=part, adults=whole)
                         if part else _("n = {adults} adults").format(adults=whole))
        else:
            lines.append(_("n = {numerator} of {denominator} cases").format(numerator=part, denominator=whole)
                         if part else _("n = {denominator} cases").format(denominator=whole))
    return lines


def tooltip_text(row: Mapping, *, label: str, unit: str, year: int | None, for_export: bool = False) -> str:
    """The hover text of one county, plain text (the export figure escapes it; the map's tooltip template
    puts the same words together, see county_deck)."""
    place = _clean(row.get("county_name")) + (f", {_clean(row.get('state_abbr'))}" if row.get("state_abbr") else "")
    lines = [place]
    lines.append((_("Prosecutor in office ({year}): {name}") if year else _("Prosecutor in office: {name}")).format(
        year=year, name=_in_office(row)))
    measure = (_("{measure} in {year}") if year else "{measure}").format(measure=_clean(label), year=year)
    if _flag(row.get("suppressed")):
        reason = warehouse_words(_clean(row.get("suppression_reason"))) or _("too few cases")
        lines.append(_("{measure}: not shown ({reason})").format(measure=measure, reason=reason))
    elif _is_missing(row.get("value")):
        said = _(PAGE_ONLY_WORDS) if _flag(row.get("has_page")) else _("no public data")
        lines.append(f"{measure}: {said}")
    else:
        first, *rest = _value_lines(row, unit)
        lines += [f"{measure}: {first}", *rest]
    source = _clean(row.get("source"))
    if for_export:  # the exported figure names its sources in its footer, and has no county pages to open
        return "\n".join(lines)
    if source:
        lines.append(_("Source: {source}").format(source=source))
    lines.append(_(CLICK_WORDS))
    return "\n".join(lines)


def _js(text: str) -> str:
    """A string literal for deck.gl's expression parser (jsep knows backslash escapes, not \\u escapes).

    A "{3}" inside data would be taken by the tooltip for its own placeholder (Streamlit fills each
    placeholder at its first occurrence, data included): a word joiner after the brace keeps it as text."""
    text = _PLACEHOLDER.sub("{\u2060", text)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def _html(text: object) -> str:
    """The view's shared words in the tooltip template (label, source titles, reasons) as HTML text, with
    the braces as entities so none can be read as a placeholder."""
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _number(value: object, unit: str) -> str:
    """format_value without its unit (the tooltip template writes the unit once)."""
    value = float(value)  # type: ignore[arg-type]
    if unit == "share":
        return number(value * 100, 1)
    if unit == "per_100k":
        return number(value)
    return significant(value)


def _literal(text: str) -> str:
    """A shown number as the shortest literal that prints the same: 212 bare, '1,234' and '40.0' quoted."""
    return text if re.fullmatch(r"-?[1-9][0-9]{0,14}|0", text) else _js(text)


_UNIT_SUFFIX = {"share": "%", "per_100k": N_(" per 100,000")}


class _Tooltips:
    """The view's tooltip: one HTML template holding our words (escaped), and per county a class token that
    shows the template's variant for that county (kind: f a value with all its numbers, w a value in words,
    s0/s1... too few cases for one of the view's reasons, n no data; then which source title, none meaning
    the view's most common one) plus the county's own texts and numbers, which Streamlit inserts HTML-escaped
    in place of {2}, {3}, {5}... The colour ({4}) is not shown."""

    def __init__(self, frame: pd.DataFrame, *, label: str, unit: str, year: int | None):
        self.label, self.unit, self.year = label, unit, year
        self.reasons: dict[str, int] = {}
        counts = frame["source"].dropna().map(_clean).value_counts() if "source" in frame.columns else pd.Series()
        self.sources: dict[str, int] = {str(s): i for i, s in enumerate(counts.index) if s}
        self.tokens: dict[str, tuple[str, int | None]] = {}

    def token(self, kind: str, source: str, reason: str = "") -> str:
        if kind == "s":
            kind += str(self.reasons.setdefault(reason, len(self.reasons)))
        index = self.sources.setdefault(source, len(self.sources)) if source else None
        token = kind if index == 0 else f"{kind}_{'x' if index is None else index}"
        self.tokens[token] = (kind, index)
        return token

    def template(self) -> str:
        shown = []
        for token, (kind, index) in self.tokens.items():
            shown.append(f".pad-tt.{token} .pad-{kind}")
            if index is not None:
                shown.append(f".pad-tt.{token} .pad-c{index}")
        unit = _html(_(_UNIT_SUFFIX[self.unit]) if self.unit in _UNIT_SUFFIX else "")
        # the template's own {n} places, kept apart from the translated words' placeholders
        slot = {k: "{" + str(k) + "}" for k in range(10)}
        counts = (_("n = {people} people in jail, of {adults} adults").format(people=slot[8], adults=slot[9])
                  if self.unit == "per_100k"
                  else _("n = {numerator} of {denominator} cases").format(numerator=slot[8], denominator=slot[9]))
        in_office = (_("Prosecutor in office ({year}): {name}") if self.year
                     else _("Prosecutor in office: {name}")).format(year=self.year and int(self.year), name=slot[3])
        measure = (_("{measure} in {year}") if self.year else "{measure}").format(
            measure=_html(_clean(self.label)), year=self.year and int(self.year))
        interval = _("(95% range {low} to {high})").format(low=slot[6] + unit, high=slot[7] + unit)
        no_data, page_only, click = _("no public data"), _(PAGE_ONLY_WORDS), _(CLICK_WORDS)
        parts = [f"<style>.pad-tt .pad-x{{display:none}}{','.join(shown) or '.pad-none'}{{display:inline}}</style>",
                 "<div class='pad-tt {1}'>{2}<br>",
                 f"{_html(in_office).replace('&#123;', '{').replace('&#125;', '}')}<br>",
                 f"{measure}: ",
                 f"<span class='pad-x pad-f'>{{5}}{unit} {interval}<br>{counts}</span>",
                 "<span class='pad-x pad-w'>{5}</span>",
                 f"<span class='pad-x pad-n'>{_html(no_data)}</span>",
                 f"<span class='pad-x pad-p'>{_html(page_only)}</span>"]
        not_shown, source_is = _("not shown ({reason})"), _("Source: {source}")
        parts += [f"<span class='pad-x pad-s{i}'>{_html(not_shown.format(reason=reason))}</span>"
                  for reason, i in self.reasons.items()]
        parts += [f"<span class='pad-x pad-c{i}'><br>{_html(source_is.format(source=source))}</span>"
                  for source, i in self.sources.items()]
        parts.append(f"<br>{_html(click)}</div>")
        return "".join(parts)

    def row(self, ref: str, row: Mapping, *, domain: tuple[float, float] | None) -> str:
        """One county (or one of its polygons) as the expression's array literal: [geometry, token, place,
        prosecutor] and, with a value, its colour (C[i], from the static file) and either [value, 95% low,
        95% high, numerator, denominator] (all present) or [the value in words]."""
        place = _clean(row.get("county_name")) + (f", {_clean(row.get('state_abbr'))}" if row.get("state_abbr")
                                                  else "")
        head = f"{_js(place)},{_js(_in_office(row))}"
        source = _clean(row.get("source"))
        if _flag(row.get("suppressed")):
            reason = warehouse_words(_clean(row.get("suppression_reason"))) or _("too few cases")
            return f"[{ref},{_js(self.token('s', source, reason))},{head}]"
        if _is_missing(row.get("value")):
            if _flag(row.get("has_page")):
                return f"[{ref},{_js(self.token('p', source))},{head},{json.dumps(_PAGE_ONLY_RGB)}]"
            return f"[{ref},{_js(self.token('n', source))},{head}]"
        fill = f"C[{_lut_index(float(row['value']), domain)}]" if domain is not None else json.dumps(_NO_DATA_RGB)
        numbers = [row.get(k) for k in ("value", "ci_low", "ci_high", "numerator", "denominator")]
        if any(_is_missing(n) for n in numbers):
            words = "\n".join(_value_lines(row, self.unit))
            return f"[{ref},{_js(self.token('w', source))},{head},{fill},{_js(words)}]"
        shown = [_number(n, self.unit) for n in numbers[:3]] + [f"{round(float(n)):,}" for n in numbers[3:]]
        return f"[{ref},{_js(self.token('f', source))},{head},{fill}," + ",".join(map(_literal, shown)) + "]"
