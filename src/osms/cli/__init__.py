"""The ``osms`` command line: the commands are in :mod:`osms.cli.main`."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """The ``osms`` command.

    Loading the commands reads the rule parameters (the dates the API and the commands take
    start with the liability start): a parameter file that cannot be read there, say under a
    wrong ``OSMS_PARAMETERS_DIR``, ends with its code in ``--lang`` (exit 2), as it does once
    the commands run (:class:`osms.cli.errors.OsmsGroup`), not with a traceback.
    """
    from osms.cli.errors import KNOWN_ERROR_EXIT, command_language, known_error_text
    from osms.rules.errors import RuleError

    try:
        from osms.cli.main import app
    except RuleError as error:
        print(known_error_text(error, command_language(sys.argv[1:])), file=sys.stderr)
        raise SystemExit(KNOWN_ERROR_EXIT) from None
    app(prog_name="osms")
