"""Every sentence a page shows goes through here, so it can be shown in the reader's language.

Wrap each user-visible string in `_()` (whole sentences with named placeholders: `_("{name} took office in
{year}").format(...)`, never pieces glued together); mark module-level constants with `N_()` and translate them
where they are shown. The catalogues are standard gettext files under dashboard/locale/.
"""

from __future__ import annotations


def language() -> str:
    """The reader's language code; English until a catalogue and the `lang` URL setting choose another."""
    return "en"


def _(message: str) -> str:
    """`message` in the reader's language."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for the count `n`, in the reader's language."""
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Marks a constant for the catalogue without translating it yet (it is translated where shown)."""
    return message
