"""Errors that stop a build; their messages are what the user reads, so they name what and where."""


class BuildError(Exception):
    """The build stopped; nothing was published. The message says why."""


class CheckFailed(BuildError):
    """A data check found offending rows; the message lists them."""
