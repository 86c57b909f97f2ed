"""What the dashboard relies on inside its pinned libraries, one small module per library, so an upgrade is
checked in one place: tests/test_library_internals.py exercises each module and fails loudly, naming what to
re-check, when the installed version is not the one these were checked against."""
