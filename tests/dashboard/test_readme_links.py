"""Every app link in the README's table of pages opens something real on the demo warehouse `make run` builds,
and the README's examples for the real data (outside the table) on the real warehouse `make run-real` builds.

The links are read from README.md itself, so a link edited there (or an id the data stop having) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from dashboard import navigation
from tests.dashboard.apptest_pages import open_page, texts

README = Path(__file__).resolve().parents[2] / "README.md"
LINK = re.compile(r"`(/[a-z]*\?[^`\s]+)`")


def readme_links(*, in_table: bool = True) -> list[str]:
    """The links in the README's table rows (or, with in_table=False, in its other lines)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    return [link for line in lines if line.startswith("|") == in_table for link in LINK.findall(line)]


def test_the_readme_has_a_link_to_every_page() -> None:
    pages = {urlsplit(link).path.strip("/") or navigation.PAGES[0].name for link in readme_links()}
    assert pages == {spec.name for spec in navigation.PAGES}


def assert_opens(link: str) -> None:
    url = urlsplit(link)
    at = open_page(url.path.strip("/") or navigation.PAGES[0].name, **dict(parse_qsl(url.query)))
    assert not at.exception, link
    assert not at.error, [e.value for e in at.error]
    problems = [i.value for i in at.info if i.proto.icon == ":material/link_off:"]
    assert not problems, f"{link}: {problems}"
    assert texts(at).strip(), link


@pytest.mark.parametrize("link", readme_links())
def test_readme_link_opens_on_the_demo(link: str, warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dashboard.components.image_export_available", lambda: False)
    assert_opens(link)


@pytest.mark.parametrize("link", readme_links(in_table=False))
def test_readme_real_data_link_opens_on_the_real_warehouse(link: str, real_warehouse: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAD_WAREHOUSE", str(real_warehouse))
    monkeypatch.setattr("dashboard.components.image_export_available", lambda: False)
    assert_opens(link)
