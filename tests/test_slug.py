"""etl/vocab.slug: ids made from names stay short enough for a link (permalinks accept ids of up to 100
characters), stay the same from build to build, and stay apart for different long names."""

from __future__ import annotations

from dashboard import permalinks
from etl import vocab


def test_short_names_keep_their_plain_slug() -> None:
    """Existing ids (`kim-foxx`, `george-gascon`) must not change: links to them are already out there."""
    assert vocab.slug("Kim Foxx") == "kim-foxx"
    assert vocab.slug("George Gascón") == "george-gascon"
    exact = "a" * vocab.MAX_SLUG_LENGTH
    assert vocab.slug(exact) == exact


def test_a_very_long_name_gives_a_capped_stable_distinct_id() -> None:
    """A 5,000-character name: the id is capped, deterministic, and differs from a name sharing its first part."""
    first = "Cy " + "L" * 5_000
    second = "Cy " + "L" * 4_999 + "M"
    one, again, other = vocab.slug(first), vocab.slug(first), vocab.slug(second)
    assert len(one) == vocab.MAX_SLUG_LENGTH and one == again and one != other
    assert one.startswith("cy-lll") and not one.endswith("-")
    assert vocab.slug(first.upper()) == one  # case- and accent-insensitive like the short slug


def test_ids_built_around_a_capped_slug_open_as_links() -> None:
    """The longest wrappers the adapters put around a slug (GA circuits, demo people) still parse as an id."""
    long = vocab.slug("x" * 300)
    for pid in (f"ga-{long}-circuit-da", f"demo-{long}-17031", f"ca-{long}-da"):
        assert permalinks.parse("prosecutor", {"id": pid}).ids == (pid,), pid
