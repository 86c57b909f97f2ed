"""Maintenance scripts that regenerate committed data (not used by the build at run time)."""
