"""Every sentence a page shows goes through here, so it can be shown in the reader's language.

Wrap each user-visible string in `_()` (whole sentences with named placeholders: `_("{name} took office in
{year}").format(...)`, never pieces glued together); mark module-level constants with `N_()` and translate them
where they are shown. The catalogues are standard gettext files under dashboard/locale/<lang>/LC_MESSAGES/
messages.po, read as text with Babel once per process (nothing compiled is built or committed); `make messages`
extracts the template and updates them.

The reader's language is the `lang` URL setting (read by dashboard/permalinks.py); the router sets it for each
run with `set_language`, and `using` sets it for a block (a cached chart is built in the language it is for).
Numbers are formatted here too, for the same language: `number`, `percent` and `format_value`.
"""

from __future__ import annotations

import contextvars
import functools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

T = TypeVar("T")

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
LANGUAGES = {"en": "English", "es": "Español"}  # code -> its own name, as the switch shows it
BABEL_LOCALES = {"en": "en_US", "es": "es"}  # "es": 1.234 and 27,3 %, as the Spanish-language press writes them

_current: contextvars.ContextVar[str] = contextvars.ContextVar("pad_language", default=DEFAULT)


def language() -> str:
    """The reader's language code: the `lang` setting of the page being drawn, English by default."""
    return _current.get()


def set_language(code: str | None) -> str:
    """Use `code` from here on in this run (the router calls it first); unknown codes fall back to English."""
    code = code if code in LANGUAGES else DEFAULT
    _current.set(code)
    return code


@contextmanager
def using(code: str) -> Iterator[None]:
    """Draw a block in language `code`, then go back to the language before."""
    token = _current.set(code if code in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def _po(code: str) -> Catalog:
    """One language's catalogue as Babel reads it, once per process (Babel is imported only when a language other
    than English is read)."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


@functools.cache
def plural_form(code: str) -> Callable[[int], int]:
    """Which of a language's plural forms a count takes, by its catalogue's rule (Spanish: 1 -> the first)."""
    import gettext

    if code == DEFAULT or not (LOCALE_DIR / code / "LC_MESSAGES" / "messages.po").exists():
        return lambda n: 0 if n == 1 else 1
    return gettext.c2py(_po(code).plural_expr)


@functools.cache
def catalogue(code: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid -> msgstr of one language's .po file (plural msgids are (singular, plural) -> forms), read once per
    process; empty for English and for a missing file, so the English text is shown."""
    if code == DEFAULT or not (LOCALE_DIR / code / "LC_MESSAGES" / "messages.po").exists():
        return {}
    catalog = _po(code)
    out: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string or ())
            if all(forms):
                out[tuple(message.id)[:2]] = forms  # type: ignore[index]
        elif message.string:
            out[message.id] = message.string
    return out


def _(message: str) -> str:
    """`message` in the reader's language (the English text when the catalogue has no translation)."""
    code = _current.get()
    if code == DEFAULT:
        return message
    found = catalogue(code).get(message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for the count `n`, in the reader's language."""
    code = _current.get()
    forms = catalogue(code).get((singular, plural)) if code != DEFAULT else None
    if isinstance(forms, tuple) and forms:
        return forms[min(plural_form(code)(n), len(forms) - 1)]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Marks a constant for the catalogue without translating it yet (it is translated where shown)."""
    return message


def contracted(text: str) -> str:
    """A sentence put together from translated parts, with the contractions its language requires where two parts
    meet (Spanish "a el" -> "al", "de el" -> "del"; a capitalised "El", as in El Paso, is a name and stays)."""
    if _current.get() != "es":
        return text
    return text.replace(" a el ", " al ").replace(" de el ", " del ")


# --- numbers ---------------------------------------------------------------------------------------------


def _locale() -> str:
    return BABEL_LOCALES[_current.get()]


def number(value: float, digits: int = 0) -> str:
    """A number with the reader's separators and `digits` decimals: "1,234.5" in English, "1.234,5" in Spanish."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=_locale())


def plotly_separators() -> str:
    """Plotly's `separators` (decimal mark, then thousands mark) for the reader's language: ".," or ",."."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(_locale()) + get_group_symbol(_locale())


def percent(share: float, digits: int = 0) -> str:
    """A share (0-1) as a percentage the reader's way: "27.3%" in English, "27,3 %" in Spanish."""
    from babel import Locale
    from babel.numbers import format_percent

    base = Locale.parse(_locale()).percent_formats[None].pattern  # "#,##0%" or "#,##0 %"
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits > 0 else ""), 1)
    return format_percent(float(share), format=pattern, locale=_locale())


def signed(value: float, digits: int = 1) -> str:
    """A difference with its sign: "+3.1" / "+3,1", "-0.4" / "-0,4"."""
    value = float(value)
    return ("+" if value >= 0 else "-") + number(abs(value), digits)


def significant(value: float, digits: int = 3) -> str:
    """A value of no known unit, to `digits` significant figures (what "{:,.3g}" wrote), with the reader's
    separators."""
    value = float(value)
    if value == 0:
        return number(0)
    places = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return number(round(value, places), places)


def format_value(value: float | None, unit: str, *, digits: int = 0, missing: str = "—",
                 with_unit: bool = False) -> str:
    """A measure's value as a reader reads it, the one definition every page and chart uses.

    Shares as percentages with `digits` decimals; rates per 100,000 as whole numbers ("per 100,000" after
    them `with_unit`); yes/no measures as words; years as a count of years; anything else to three
    significant figures. `missing` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    if unit == "share":
        return percent(value, digits)
    if unit == "per_100k":
        return _("{rate} per 100,000").format(rate=number(value)) if with_unit else number(value, digits)
    if unit == "yes_no":
        return _("yes") if value >= 0.5 else _("no")
    if unit == "years":
        return ngettext("{n} year", "{n} years", round(value)).format(n=number(value))
    return significant(value)


def date_text(day: object) -> str:
    """A day the reader's way: "02 January 2018" / "2 de enero de 2018"."""
    if _current.get() == DEFAULT:
        return f"{day:%d %B %Y}"
    from babel.dates import format_date

    return format_date(day, format="d 'de' MMMM 'de' y", locale=_locale())  # type: ignore[arg-type]


def month_text(day: object) -> str:
    """A month the reader's way: "January 2018" / "enero de 2018"."""
    if _current.get() == DEFAULT:
        return f"{day:%B %Y}"
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", day, locale=_locale())  # type: ignore[arg-type]


def short_month_text(day: object) -> str:
    """A month in short: "Jan 2024" / "ene 2024"."""
    if _current.get() == DEFAULT:
        return f"{day:%b %Y}"
    from babel.dates import format_date

    return format_date(day, format="MMM y", locale=_locale()).replace(".", "")  # type: ignore[arg-type]


def month_name(day: object) -> str:
    """A month's name the reader's way: "January" / "enero"."""
    if _current.get() == DEFAULT:
        return f"{day:%B}"
    from babel.dates import format_date

    return format_date(day, format="MMMM", locale=_locale())  # type: ignore[arg-type]


def cache_per_language(**options: object) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """`st.cache_resource(**options)` with the reader's language in the key: what a cached function writes
    (labels, sentences, charts) is kept once per language, and built in that language."""
    import streamlit as st

    def wrap(function: Callable[..., T]) -> Callable[..., T]:
        def in_language(lang: str, *args: object, **kwargs: object) -> T:
            with using(lang):
                return function(*args, **kwargs)

        # Streamlit keys a cached function by its module and name: each keeps its own cache
        in_language.__module__, in_language.__qualname__ = function.__module__, function.__qualname__
        cached = st.cache_resource(in_language, **options)  # type: ignore[call-overload]

        @functools.wraps(function)
        def call(*args: object, **kwargs: object) -> T:
            return cached(language(), *args, **kwargs)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return wrap
