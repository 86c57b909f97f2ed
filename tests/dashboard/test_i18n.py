"""The dashboard in Spanish: the catalogue is complete and matches the code, `lang` is a URL setting every internal
link keeps, numbers are written the reader's way, and the pages show no English to a Spanish reader."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
import pytest
from babel.messages.pofile import read_po

from dashboard import content, i18n, permalinks
from dashboard.charts import common, tables
from dashboard.content import questions
from tests.dashboard import apptest_pages

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "dashboard" / "locale" / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?:![rsa])?(?::[^{}]*)?\}|%\{[^}]*\}|%[sd]")


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="es")


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def test_every_message_has_a_spanish_translation_with_the_same_placeholders() -> None:
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(_ids(message)[-1]))
        for text in _strings(message):
            if not text or not text.strip():
                problems.append(f"no translation: {_ids(message)[0]!r}")
            elif sorted(PLACEHOLDER.findall(text)) != wanted and not (len(_ids(message)) > 1 and "{n}" not in text
                                                                       and set(PLACEHOLDER.findall(text))
                                                                       <= set(wanted)):
                problems.append(f"placeholders differ: {_ids(message)[0]!r} -> {text!r}")
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {_ids(message)[0]!r}")
    assert not problems, "\n".join(problems)


def test_the_catalogue_holds_every_message_the_code_marks(tmp_path: Path) -> None:
    """`pybabel extract` over dashboard/ (as `make messages` runs it) finds nothing the catalogue lacks."""
    template = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "--mapping-file",
                    str(ROOT / "babel.cfg"), "--keywords", "N_ ngettext:1,2", "--no-location", "--omit-header",
                    "--output-file", str(template), str(ROOT / "dashboard")], check=True, cwd=ROOT)
    with template.open("rb") as handle:
        extracted = {_ids(m) for m in read_po(handle) if m.id}
    catalogued = {_ids(m) for m in _catalogue() if m.id}
    assert extracted, "the extraction found no messages at all"
    assert not extracted - catalogued, f"run `make messages` and translate: {sorted(extracted - catalogued)}"


def test_no_message_hides_inside_an_f_string() -> None:
    """`pybabel extract` does not look inside f-strings (on this Python they are one token), so a `_()` there would
    never reach the catalogue and would stay English."""
    import tokenize

    found = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                text = token.string
                if token.type == tokenize.STRING and re.match(r"(?i)[rb]*f", text) and re.search(
                        r"\b(?:N_|_|ngettext)\(", text):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not found, found


def test_translation_and_fallback() -> None:
    with i18n.using("es"):
        assert i18n._("Measure") == "Medida"
        assert i18n._("a sentence no catalogue has") == "a sentence no catalogue has"
        assert i18n.ngettext("{n} year", "{n} years", 1) == "{n} año"
        assert i18n.ngettext("{n} year", "{n} years", 3) == "{n} años"
    assert i18n._("Measure") == "Measure"
    with i18n.using("xx"):  # an unknown language is English
        assert i18n.language() == "en" and i18n._("Measure") == "Measure"


def test_the_warehouses_own_phrases_in_spanish() -> None:
    from dashboard.warehouse_words import words

    with i18n.using("es"):
        assert words("Jan–May") == "ene–may" and words("part of the year") == "parte del año"
        assert words("group cell suppressed: fewer than 10 cases in all") == \
            "celda del grupo suprimida: menos de 10 casos en total"
        assert words("a phrase no one wrote") == "a phrase no one wrote"
    assert words("Jan–May") == "Jan–May"


def test_spanish_contractions_where_translated_parts_meet() -> None:
    with i18n.using("es"):
        assert i18n.contracted("cercano a el 14 % de el otro condado de El Paso") == \
            "cercano al 14 % del otro condado de El Paso"
    assert i18n.contracted("close to a el") == "close to a el"


NEUTRAL_PHRASE = re.compile(r"(por|de|en|según|sin|partido) ", re.I)


def _fits_any_gender(words_after_a_name: str) -> bool:
    """Words shown after a person's name that fit a woman and a man alike: a phrase saying how they came to office
    or which party (por elección, de forma interina, en funciones, Partido Republicano), or one word Spanish does
    not inflect by gender (Independiente); never an adjective or participle agreeing with the person (elegido,
    nombrado, interino, Republicano), since the warehouse records no one's gender."""
    text = words_after_a_name.strip()
    return bool(NEUTRAL_PHRASE.match(text)) or (" " not in text and not re.search(r"[oa]s?$", text, re.I))


def test_spanish_after_a_name_does_not_assume_a_gender() -> None:
    """The party and the way a prosecutor came to office, in Spanish, wherever the pages put them after a name:
    the county's "**Ana Pérez**, {party} — office, {entry} since", the summary's "Ana Pérez ({how}) dirige", a
    prosecutor page's "{party}. Office." and a trend chart's "Ana Pérez (nombrado)" term label."""
    import pandas as pd

    from dashboard.charts import trends
    from dashboard.content import county
    from dashboard.summary import office_sentence
    from dashboard.warehouse_words import words
    from etl.sources.curated import PARTIES

    entries = list(trends.ENTRY_WORDS)
    terms = pd.DataFrame({"prosecutor_id": entries, "name": [f"Ana {e}" for e in entries], "entry": entries,
                          "start_date": [date(2000 + 4 * i, 1, 1) for i in range(len(entries))],
                          "end_date": [date(2003 + 4 * i, 12, 31) for i in range(len(entries))]})
    shown: dict[str, str] = {}
    with i18n.using("es"):
        shown |= {f"party {party}": words(party) for party in PARTIES}
        shown |= {f"county page, {e}": county._entry_words(e) for e in entries}
        for label in trends.merge_terms(terms)["label"]:
            if label.endswith(")"):
                shown[f"term label {label}"] = label.rsplit(" (", 1)[1].rstrip(")")
        for entry in (e for e in entries if e != "derived"):  # a derived term has a sentence of its own
            now = terms[terms["entry"] == entry].assign(start_date=date(2020, 1, 1), end_date=None,
                                                        office_name="Fiscalía")
            sentence = office_sentence(now, today=date(2024, 1, 1))
            shown[f"summary, {entry}"] = re.search(r"\((.*?)\) ", sentence)[1]
    assert len(shown) >= len(PARTIES) + 3 * len(entries) - 2, shown
    assert all(shown[f"party {party}"] != party for party in PARTIES), "every party has its Spanish"
    gendered = {key: text for key, text in shown.items() if not _fits_any_gender(text)}
    assert not gendered, f"Spanish words after a name that assume a gender: {gendered}"


def test_numbers_in_spanish_and_english() -> None:
    with i18n.using("es"):
        assert i18n.percent(0.273, 1) == "27,3\xa0%"
        assert i18n.number(1234) == "1.234"
        assert i18n.number(1234567.891, 2) == "1.234.567,89"
        assert i18n.format_value(0.273, "share", digits=1) == "27,3\xa0%"
        assert i18n.format_value(1234.4, "per_100k", with_unit=True) == "1.234 por cada 100.000"
        assert i18n.format_value(1.0, "yes_no") == "sí"
        assert i18n.format_value(12.0, "years") == "12 años"
        assert i18n.format_value(0.00123, "other") == "0,00123"
        assert i18n.date_text(date(2018, 1, 2)) == "2 de enero de 2018"
        assert i18n.month_text(date(2018, 1, 2)) == "enero de 2018"
    assert i18n.date_text(date(2018, 1, 2)) == "02 January 2018"
    assert i18n.month_text(date(2018, 1, 2)) == "January 2018"
    with i18n.using("es"):  # plotly's ticks and hover numbers too
        assert common.finish(go.Figure(), title="t", source="s", built="", demo=False).layout.separators == ",."
    assert common.finish(go.Figure(), title="t", source="s", built="", demo=False).layout.separators == ".,"
    assert i18n.percent(0.273, 1) == "27.3%"
    assert i18n.number(1234) == "1,234"
    assert i18n.format_value(None, "share") == "—"
    assert i18n.format_value(1234.4, "per_100k", with_unit=True) == "1,234 per 100,000"


@pytest.mark.parametrize("page", sorted(permalinks.PAGES))
def test_lang_is_a_url_setting_of_every_page(page: str) -> None:
    view = permalinks.parse(page, {"lang": "es"})
    assert view.lang == "es" and view.messages == ()
    assert parse_qs(urlsplit(permalinks.view_href(view)).query)["lang"] == ["es"]
    english = permalinks.parse(page, {})
    assert english.lang == "en" and "lang" not in english.params()
    unknown = permalinks.parse(page, {"lang": "klingon"})
    assert unknown.lang == "en" and any("`lang`" in m for m in unknown.messages)


def test_internal_links_keep_the_readers_language() -> None:
    with i18n.using("es"):
        assert permalinks.href("county", fips="17031") == "/county?fips=17031&lang=es"
        assert permalinks.query(id="jane-doe") == {"id": "jane-doe", "lang": "es"}
        assert permalinks.query() == {"lang": "es"}
        # a link made for the other language says so
        assert permalinks.view_href(permalinks.View(page="map", lang="en")) == "/"
    assert permalinks.href("county", fips="17031") == "/county?fips=17031"
    assert permalinks.query(fips="17031") == {"fips": "17031"}


# --- every page in Spanish, on the demo warehouse -------------------------------------------------------------

FUNCTION_WORDS = (" the ", " of ", " and ", " was ", " who ")


def _visible(at) -> str:  # noqa: ANN001 - an AppTest
    """Everything a reader of the page can read: text blocks, messages, widget labels and options, chart titles
    and axes, link and download labels."""
    parts = [apptest_pages.texts(at)]
    for kind in ("header", "warning", "error", "success", "expander", "button", "toggle", "text_input",
                 "selectbox", "multiselect", "select_slider", "number_input", "radio", "tabs"):
        for element in at.get(kind):
            for attribute in ("label", "value", "placeholder", "help"):
                value = getattr(element.proto, attribute, None)
                if isinstance(value, str):
                    parts.append(value)
            options = getattr(element.proto, "options", None)  # as shown: already through format_func
            if options is not None:
                parts.extend(str(getattr(o, "label", o)) for o in options)
    for kind in ("download_button", "page_link"):
        parts.extend(element.proto.label for element in at.get(kind))
    for chart in apptest_pages.charts(at):
        layout = chart.get("layout", {})
        unwrap = lambda text: str(text).replace("<br>", " ")  # noqa: E731 - charts wrap long lines
        parts.append(apptest_pages.html_text(unwrap(layout.get("title", {}).get("text", ""))))
        for axis in ("xaxis", "yaxis"):
            title = layout.get(axis, {}).get("title", {})
            parts.append(apptest_pages.html_text(str(title.get("text", "") if isinstance(title, dict) else title)))
        for annotation in layout.get("annotations", []):
            parts.append(apptest_pages.html_text(unwrap(annotation.get("text", ""))))
        for trace in chart.get("data", []):
            if trace.get("showlegend", True) and trace.get("name"):
                parts.append(str(trace["name"]))
    return "\n".join(p for p in parts if p)


def _document_names(warehouse: Path) -> list[str]:
    """Titles of documents, publishers, licences, place and people names: they stay as published. So do the build's
    own notes and rejection reasons, what a cited jail cost covers (in its document's terms), how each source
    defines a measure and where a source's dates come from, which the pages introduce as such, in English."""
    rows = apptest_pages.sql(warehouse, r"""
        SELECT title FROM source UNION SELECT publisher FROM source UNION SELECT label FROM event
        UNION SELECT citation_title FROM event UNION SELECT publisher FROM event
        UNION SELECT name FROM prosecutor UNION SELECT name FROM office
        UNION SELECT county_name || ', ' || state_abbr FROM county UNION SELECT county_name FROM county
        UNION SELECT state_name FROM county UNION SELECT citation FROM term
        UNION SELECT regexp_extract(basis, '\): (.*)$', 1) FROM office_schedule
        UNION SELECT license FROM source UNION SELECT reason FROM rejected_row UNION SELECT covers FROM jail_cost
        UNION SELECT title FROM jail_cost UNION SELECT publisher FROM jail_cost
        UNION SELECT description FROM value_definition UNION SELECT citation FROM source_date""")
    names = {str(r[0]) for r in rows if r[0]} | {questions.BAIL_INCOME_TITLE,
                                                         questions.BAIL_INCOME_PUBLISHER}  # a document cited
    notes = apptest_pages.sql(warehouse, "SELECT notes FROM source WHERE notes IS NOT NULL")
    names |= {part.strip() for (text,) in notes for part in str(text).split(" | ") if part.strip()}
    # as the pages escape them for markdown
    names |= {tables.md_escape(n) for n in names} | {content.md(n) for n in names}
    return sorted(names, key=len, reverse=True)


def _english_sentences() -> list[str]:
    """The catalogue's English texts a page could show verbatim: each literal stretch of two or more words
    between placeholders, where the Spanish differs."""
    found = set()
    for message in _catalogue():
        if not message.id or _ids(message)[0] == _strings(message)[0]:
            continue
        for text in _ids(message):
            for stretch in PLACEHOLDER.split(text):
                stretch = stretch.strip(" .,:;()*")
                if len(stretch) >= 12 and " " in stretch:
                    found.add(stretch)
    return sorted(found)


def assert_spanish(at, warehouse: Path) -> None:  # noqa: ANN001 - an AppTest
    assert not at.exception, at.exception
    text = _visible(at)
    for name in _document_names(warehouse):
        text = text.replace(name, "·")
    left = [s for s in _english_sentences() if s in text]
    assert not left, f"English left on the page: {left}"
    lines = [line for line in text.splitlines() if any(w in f" {line.lower()} " for w in FUNCTION_WORDS)]
    assert not lines, "English words on the page:\n" + "\n".join(lines)


# Every page, opened bare and on a view with its breakdowns and charts (demo warehouse; COOK has case data by race,
# KENT a jail series with its halving goal and cost), plus links the pages must explain.
COOK, KENT, PROSECUTOR = "17031", "26083", "demo-kenji-prescott-17031"
SPANISH_PAGES = [
    ("map", {}),
    ("map", {"metric": "dismissal_rate", "state": "IL", "fips": COOK}),
    ("map", {"metric": "not_a_measure", "year": "1990"}),
    ("county", {}),
    ("county", {"fips": COOK, "by": "race"}),
    ("county", {"fips": KENT, "cost": "150", "from": "1990"}),
    ("prosecutor", {}),
    ("prosecutor", {"id": PROSECUTOR, "by": "sex"}),
    ("compare", {}),
    ("compare", {"fips": f"{COOK},06037,{KENT}"}),
    ("compare", {"id": f"{PROSECUTOR},demo-aaron-abernathy-48205"}),
    ("methods", {"metric": "dismissal_rate"}),
    ("methods", {"source": "nope", "by": "x"}),
    ("questions", {}),
    ("questions", {"county": COOK}),
    ("questions", {"prosecutor": PROSECUTOR, "lens": "drug"}),
]


@pytest.mark.parametrize(("page", "params"), SPANISH_PAGES, ids=[f"{p}-{'-'.join(q) or 'bare'}"
                                                                  for p, q in SPANISH_PAGES])
def test_every_page_in_spanish_shows_no_english(warehouse: Path, no_image_export: None, page: str,
                                                 params: dict) -> None:
    at = apptest_pages.open_page(page, lang="es", **params)
    assert_spanish(at, warehouse)
    assert at.button_group[0].value == "es"  # the switch shows the language in use
    assert at.query_params.get("lang") in ("es", ["es"])  # and the address keeps it, for a shared link


REAL_PAGES = [("map", {}), ("county", {"fips": COOK}), ("prosecutor", {"id": "kim-foxx"}),
              ("compare", {"id": "kim-foxx,chesa-boudin"}), ("methods", {"source": "cook_dispositions"}),
              ("questions", {"county": "42101"})]


@pytest.mark.parametrize(("page", "params"), REAL_PAGES, ids=[p for p, _q in REAL_PAGES])
def test_the_real_pages_in_spanish_show_no_english(real: Path, page: str, params: dict) -> None:
    """The real data bring their own phrases (a cited jail cost, census caveats, sources' definitions)."""
    assert_spanish(apptest_pages.open_page(page, lang="es", **params), real)


def test_the_switch_changes_the_language_and_the_link(warehouse: Path, no_image_export: None) -> None:
    at = apptest_pages.open_page("county", lang="es")
    assert at.title[0].value == "Condado" and at.button_group[0].options == ["English", "Español"]
    at.button_group[0].set_value("en").run()
    assert at.title[0].value == "County" and "lang" not in at.query_params
    at.button_group[0].set_value("es").run()
    assert at.title[0].value == "Condado" and at.query_params["lang"] in ("es", ["es"])


def test_event_labels_in_spanish(real: Path) -> None:
    """Cited events carry their Spanish label in the warehouse (label_es); a change of prosecutor, written by the
    query, is put in Spanish by the dashboard's words."""
    from dashboard import db
    from dashboard.charts import events

    with i18n.using("es"):
        drawn = events.within(db.query("events", fips=COOK, office=""), date(2000, 1, 1), date(2030, 12, 31))
        hover = events.hover_text(drawn.iloc[-1])
    labels = set(drawn["label"])
    assert "Illinois pone fin a la fianza en efectivo (Pretrial Fairness Act)" in labels
    assert any(label.endswith(" asume el cargo") for label in labels)
    assert not any("takes office" in label or "cash bail" in label for label in labels), labels
    assert " de 20" in hover  # the day written the Spanish way ("18 de septiembre de 2023")
    with i18n.using("en"):
        english = events.within(db.query("events", fips=COOK, office=""), date(2000, 1, 1), date(2030, 12, 31))
    assert "Illinois ends cash bail (Pretrial Fairness Act)" in set(english["label"])
