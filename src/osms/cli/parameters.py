"""``osms parameters check``: is the year ahead recorded (R-P-2)?

From 60 days before a year begins it names what that year lacks (its minimum wage, its
decree of transfers), and the last day the NBK base-rate table answers once that day is past
(R-K-4); it exits with status 1 until the parameters folder (``OSMS_PARAMETERS_DIR``, R-P-3)
provides it; 0 when nothing is missing.
"""

from __future__ import annotations

from typing import Annotated

import typer

from osms.cli.answers import JsonOption, show
from osms.cli.operator import LangOption, day_option, parse_day
from osms.i18n import DEFAULT_LANGUAGE
from osms.rules.upkeep import missing
from osms.views.models import ParametersCheck
from osms.views.upkeep import upkeep_lines

__all__ = ["MISSING_EXIT", "parameters_app"]

MISSING_EXIT = 1
"""The exit status while something is missing."""

parameters_app = typer.Typer(
    help="Rule parameters and calendar: what is recorded (R-P-1…R-P-3).", no_args_is_help=True
)


@parameters_app.command("check")
def check(
    on: Annotated[str | None, day_option("--date", "Check as on this date")] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """Name what this year or the next (from 60 days before it) lacks, and a past base-rate end.

    The base rate's end is the last day its table answers: penalties after it fail (R-K-4).
    """
    day = parse_day(on)
    found = missing(day)
    text = "\n".join(upkeep_lines(found, day, lang))
    show(ParametersCheck.from_found(found, day, lang), text, as_json=as_json)
    if found:
        raise typer.Exit(MISSING_EXIT)
