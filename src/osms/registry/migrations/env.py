"""Alembic's environment for the OSMS registry; the configuration is in osms.registry.migrate."""

from alembic import context

from osms.registry.migrate import run_environment

# Only under Alembic: importing this module elsewhere (doctest collection, mypy) does nothing.
if hasattr(context, "config"):
    run_environment()
