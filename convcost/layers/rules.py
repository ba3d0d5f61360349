"""Importing this module registers every layer kind."""

from . import conv, other  # noqa: F401
