"""How a command prints its answer: with ``--json`` the shape of docs/json.md (the model the API
answers with, :mod:`osms.views.models`), else the text for a person in ``--lang``."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import BaseModel

__all__ = ["JsonOption", "dump", "show"]

JsonOption = Annotated[
    bool, typer.Option("--json", help="Stable JSON, the API's shape (docs/json.md).")
]


def dump(answer: BaseModel) -> str:
    """The answer's JSON, field for field the API's (the fields a caller did not set, such as
    ``known`` off the registry, are left out)."""
    return answer.model_dump_json(by_alias=True, exclude_unset=True, indent=2)


def show(answer: BaseModel, text: str, *, as_json: bool) -> None:
    """Print the answer: its JSON with ``--json``, else ``text``."""
    typer.echo(dump(answer) if as_json else text)
