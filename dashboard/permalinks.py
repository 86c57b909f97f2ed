"""The one place that reads and writes the URL: every view is a link that reopens exactly that view.

URL values are untrusted. `parse` turns raw query parameters into a `View` of checked values plus
friendly messages for anything it had to ignore; ids are checked against the warehouse's own lists by
the pages (through `allowed`), never interpolated into SQL. `href` builds every internal link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from dashboard import i18n, navigation
from dashboard.i18n import N_, _, ngettext

# page -> its URL path (dashboard/navigation.py names the pages; the first is the home page, at "/")
PAGES = {spec.name: "" if spec is navigation.PAGES[0] else spec.name for spec in navigation.PAGES}
MAX_VALUE_LENGTH = 100
MAX_COMPARE = 4
YEAR_MIN, YEAR_MAX = 1990, 2100
DIMENSIONS = ("all", "race", "sex", "age_band", "offense_category", "offense_level")

_FIPS = re.compile(r"[0-9]{5}")
_ID = re.compile(r"[a-z0-9][a-z0-9\-]{0,99}")
_METRIC = re.compile(r"[a-z0-9_]{1,64}")
_STATE = re.compile(r"[A-Z]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_AMOUNT = re.compile(r"[0-9]{1,5}(?:\.[0-9]{1,2})?")
COST_MAX = 10_000  # dollars per person per day: anything above is a typing slip, not a jail's cost

# key -> the pages that use it; anything else is reported as ignored.
EVERY_PAGE = frozenset(spec.name for spec in navigation.PAGES)
KNOWN_KEYS = {
    "fips": {"map", "county", "compare", "questions"},
    "county": {"questions"},  # alias of fips, the spelling the questions page's links use
    "id": {"prosecutor", "compare", "questions"},
    "prosecutor": {"prosecutor", "compare", "questions"},  # alias of id, the spelling links may also use
    "lens": {"questions"},
    "metric": EVERY_PAGE - {"questions"},
    "from": {"county", "prosecutor", "compare"},
    "to": {"county", "prosecutor", "compare"},
    "year": {"map"},
    "by": {"county", "prosecutor", "compare"},
    "state": {"map"},
    "baseline": {"county"},
    "cost": {"county"},
    "source": {"methods"},
    "embed": EVERY_PAGE,
    "embed_options": EVERY_PAGE,
    "lang": EVERY_PAGE,
}


@dataclass(frozen=True)
class View:
    """What a page shows; every field round-trips through the URL."""

    page: str
    fips: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    metric: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    year: int | None = None
    by: str = "all"
    state: str | None = None
    baseline: int | None = None
    cost: float | None = None  # dollars per person per day for the jail cost, when the reader set one
    source: str | None = None
    lens: str | None = None  # the questions page's open question (None: all of them)
    embed: bool = False
    lang: str = i18n.DEFAULT  # the reader's language (`lang=es`); English is the default, left out of links
    messages: tuple[str, ...] = field(default=(), compare=False)

    def with_(self, **changes: object) -> View:
        return replace(self, **changes)

    def params(self) -> dict[str, str]:
        """The URL parameters of this view, in a stable order, defaults left out."""
        out: dict[str, str] = {}
        named = self.page == "questions"  # its links read /questions?county=17031 or ?prosecutor=<id>
        if self.fips:
            out["county" if named else "fips"] = ",".join(self.fips)
        if self.ids:
            out["prosecutor" if named else "id"] = ",".join(self.ids)
        if self.metric:
            out["metric"] = self.metric
        if self.year_from is not None:
            out["from"] = str(self.year_from)
        if self.year_to is not None:
            out["to"] = str(self.year_to)
        if self.year is not None:
            out["year"] = str(self.year)
        if self.by != "all":
            out["by"] = self.by
        if self.state:
            out["state"] = self.state
        if self.baseline is not None:
            out["baseline"] = str(self.baseline)
        if self.cost is not None:
            out["cost"] = f"{self.cost:g}"
        if self.source:
            out["source"] = self.source
        if self.lens:
            out["lens"] = self.lens
        if self.embed:
            out["embed"] = "true"
        if self.lang != i18n.DEFAULT:
            out["lang"] = self.lang
        return out


def query(**params: object) -> dict[str, str]:
    """The URL parameters of an internal link (lists joined by commas), with the reader's language kept, for
    `st.page_link(..., query_params=permalinks.query(fips=...))` and `href`: a Spanish reader stays in Spanish."""
    clean: dict[str, str] = {}
    for key, value in params.items():
        if value is None or value == "" or value == () or value == []:
            continue
        key = {"year_from": "from", "year_to": "to"}.get(key, key)
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        clean[key] = str(value)
    lang = clean.pop("lang", None) or i18n.language()  # the link's own language, else the reader's
    if lang != i18n.DEFAULT:
        clean["lang"] = lang
    return clean


def href(page: str, **params: object) -> str:
    """A relative link to a page with parameters (lists joined by commas), e.g. `/county?fips=17031`; the
    reader's language is kept (`&lang=es`)."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    text = urlencode(query(**params), safe=",")
    return "/" + PAGES[page] + (f"?{text}" if text else "")


def view_href(view: View) -> str:
    return href(view.page, **{**view.params(), "lang": view.lang})


def parse(page: str, raw: Mapping[str, str | Iterable[str]]) -> View:
    """Check every parameter; keep what is valid; explain, in plain words, what was ignored."""
    messages: list[str] = []
    values: dict[str, str] = {}
    for key, value in raw.items():
        items = [value] if isinstance(value, str) else list(value)
        if key not in KNOWN_KEYS or page not in KNOWN_KEYS[key]:
            messages.append(_("The link's `{key}` setting does not apply to this page and was ignored.").format(
                key=_shown(key)))
            continue
        if len(items) > 1:
            messages.append(_("The link sets `{key}` more than once; the last value was used.").format(
                key=_shown(key)))
        text = items[-1] if items else ""
        if len(text) > MAX_VALUE_LENGTH * (MAX_COMPARE + 1):
            messages.append(_("The link's `{key}` value is too long and was ignored.").format(key=key))
            continue
        values[key] = text.strip()
    _merge_prosecutor_alias(values, messages)
    _merge_county_alias(values, messages)

    def listed(key: str, pattern: re.Pattern[str], transform=lambda s: s) -> tuple[str, ...]:
        if key not in values or not values[key]:
            return ()
        parts = [transform(p.strip()) for p in values[key].split(",") if p.strip()]
        good = [p for p in parts if pattern.fullmatch(p)]
        if len(good) < len(parts):
            messages.append(_("Some `{key}` values in the link are not valid and were ignored.").format(key=key))
        unique = tuple(dict.fromkeys(good))
        limit = MAX_COMPARE if page == "compare" else 1
        if len(unique) > limit:
            messages.append(ngettext("Only {n} `{key}` value can be shown here; the rest were ignored.",
                                     "Only {n} `{key}` values can be shown here; the rest were ignored.", limit)
                            .format(n=limit, key=key))
        return unique[:limit]

    def year(key: str) -> int | None:
        text = values.get(key)
        if not text:
            return None
        if _YEAR.fullmatch(text) and YEAR_MIN <= int(text) <= YEAR_MAX:
            return int(text)
        messages.append(_("`{key}` must be a year such as 2019; the link's value was ignored.").format(key=key))
        return None

    def single(key: str, pattern: re.Pattern[str], transform=lambda s: s) -> str | None:
        text = values.get(key)
        if not text:
            return None
        text = transform(text)
        if pattern.fullmatch(text):
            return text
        messages.append(_("The link's `{key}` value is not valid and was ignored.").format(key=key))
        return None

    by = values.get("by", "all") or "all"
    if by not in DIMENSIONS:
        messages.append(_("`by` must be one of {values}; showing all cases together.").format(
            values=", ".join(DIMENSIONS)))
        by = "all"
    year_from, year_to = year("from"), year("to")
    if year_from and year_to and year_from > year_to:
        messages.append(_("The link's `from` year is after its `to` year; they were swapped."))
        year_from, year_to = year_to, year_from
    embed = values.get("embed", "").lower() in ("true", "1", "yes")
    lang = (values.get("lang") or i18n.DEFAULT).lower()
    if lang not in i18n.LANGUAGES:
        messages.append(_("The link's `lang` value is not a language this dashboard offers; it is shown in "
                          "English."))
        lang = i18n.DEFAULT
    cost = None
    if values.get("cost"):
        if _AMOUNT.fullmatch(values["cost"]) and 0 < float(values["cost"]) < COST_MAX:
            cost = float(values["cost"])
        else:
            messages.append(_("`cost` must be dollars a day, such as 143 or 143.50, below {limit}; the link's "
                              "value was ignored.").format(limit=i18n.number(COST_MAX)))
    return View(
        page=page,
        fips=listed("fips", _FIPS, lambda s: s.zfill(5) if s.isdigit() and len(s) == 4 else s),
        ids=listed("id", _ID, str.lower),
        metric=single("metric", _METRIC, str.lower),
        year_from=year_from,
        year_to=year_to,
        year=year("year"),
        by=by,
        state=single("state", _STATE, str.upper),
        baseline=year("baseline"),
        cost=cost,
        source=single("source", _METRIC, str.lower),
        lens=single("lens", _METRIC, str.lower),
        embed=embed,
        lang=lang,
        messages=tuple(messages),
    )


def _present(wanted: tuple[str, ...], known: Iterable[str]) -> set[str]:
    """Which of the link's few values are known. Pages pass sets made once per warehouse version
    (`db.known`): a set of every county built on every rerun was a tenth of a warm prosecutor page."""
    if not isinstance(known, (set, frozenset)):
        known = set(known)
    return set(wanted) & known


def allowed(view: View, *, fips: Iterable[str] | None = None, ids: Iterable[str] | None = None,
            metrics: Iterable[str] | None = None, states: Iterable[str] | None = None,
            sources: Iterable[str] | None = None) -> View:
    """Drop values the warehouse does not know, saying so; the page then falls back to its defaults."""
    messages = list(view.messages)
    changes: dict[str, object] = {}
    if fips is not None and view.fips:
        known = _present(view.fips, fips)
        kept = tuple(f for f in view.fips if f in known)
        if len(kept) < len(view.fips):
            missing = ", ".join(f for f in view.fips if f not in known)
            messages.append(_("No county with FIPS code {codes} is in the data.").format(codes=missing))
        changes["fips"] = kept
    if ids is not None and view.ids:
        known = _present(view.ids, ids)
        kept = tuple(i for i in view.ids if i in known)
        if len(kept) < len(view.ids):
            messages.append(_("No prosecutor with the id {ids} is in the data.").format(
                ids=", ".join(i for i in view.ids if i not in known)))
        changes["ids"] = kept
    for attribute, known_values, said in (
            ("metric", metrics, N_("The measure `{value}` is not in the data; showing the default instead.")),
            ("state", states, N_("The state `{value}` is not in the data; showing the default instead.")),
            ("source", sources, N_("The source `{value}` is not in the data; showing the default instead."))):
        value = getattr(view, attribute)
        if known_values is not None and value and value not in _present((value,), known_values):
            messages.append(_(said).format(value=value))
            changes[attribute] = None
    return replace(view, messages=tuple(messages), **changes)


def _merge_prosecutor_alias(values: dict[str, str], messages: list[str]) -> None:
    """`prosecutor` is another spelling of `id`. Both in one link: read both, `id`'s values first (whatever the
    order in the address), and say so; neither silently replaces the other, so a dropped value is still named."""
    alias = values.pop("prosecutor", None)
    if alias is None:
        return
    own = values.get("id", "")
    if not own or own.lower() == alias.lower():
        values["id"] = own or alias
        return
    if alias:
        messages.append(_("The link gives both `id` and `prosecutor`, two names for the same setting: their values "
                          "were read together, those of `id` first."))
        values["id"] = f"{own},{alias}"


def _merge_county_alias(values: dict[str, str], messages: list[str]) -> None:
    """`county` is another spelling of `fips` (the questions page's). Both in one link: `fips` is used."""
    alias = values.pop("county", None)
    if alias is None:
        return
    if values.get("fips") and values["fips"] != alias:
        messages.append("The link gives both `fips` and `county`, two names for the same setting: `fips` was used.")
        return
    values["fips"] = values.get("fips") or alias


def _shown(key: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_\-]", "?", key[:40])
    return text or "?"


# --- Streamlit glue: the only code that touches st.query_params -----------------------------------


# Streamlit keeps these out of st.query_params, and in the browser's URL by itself.
STREAMLIT_KEEPS = ("embed", "embed_options")


def embedded() -> bool:
    """Whether the page is shown for an iframe (`?embed=true`). Streamlit hides `embed` from st.query_params,
    so it is read from the browser's context: read from the parameters, it was never true."""
    import streamlit as st

    try:
        return bool(st.context.is_embedded)
    except (AttributeError, RuntimeError):
        return False


_LANG_KEY = "_pad_lang"


def language() -> str:
    """The reader's language for this run: the link's `lang`, else the one this browser tab last used (the
    menu's links carry no settings, so a Spanish reader who follows one stays in Spanish), else English."""
    import streamlit as st

    raw = st.query_params.get_all("lang")
    if raw:
        code = raw[-1].strip().lower()
        code = code if code in i18n.LANGUAGES else i18n.DEFAULT
    else:
        code = st.session_state.get(_LANG_KEY, i18n.DEFAULT)
    st.session_state[_LANG_KEY] = code
    return code


def switch_language(code: str) -> None:
    """The reader chose another language: remember it for this tab and put it in the URL, so the next run (and a
    copied link) shows the same view in that language."""
    import streamlit as st

    code = code if code in i18n.LANGUAGES else i18n.DEFAULT
    st.session_state[_LANG_KEY] = code
    if code == i18n.DEFAULT:
        if "lang" in st.query_params:
            del st.query_params["lang"]
    else:
        st.query_params["lang"] = code


def read(page: str) -> View:
    import streamlit as st

    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    if embedded():
        raw["embed"] = ["true"]
    view = parse(page, raw)
    if "lang" not in raw:  # a menu link: the tab's language, written back into the URL by `write`
        view = view.with_(lang=i18n.language())
    return view


def write(view: View) -> None:
    """Make the browser's URL show this view (no rerun), so copying the address bar shares it."""
    import streamlit as st

    wanted = {key: value for key, value in view.params().items() if key not in STREAMLIT_KEEPS}
    current = {key: st.query_params.get(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def absolute(view: View) -> str:
    """The full URL of a view, for the copy-link box."""
    import streamlit as st

    base = ""
    try:
        url = st.context.url or ""
        match = re.match(r"^(https?://[^/?#]+)", url)
        base = match.group(1) if match else ""
    except (AttributeError, RuntimeError):
        base = ""
    return base + view_href(view)
