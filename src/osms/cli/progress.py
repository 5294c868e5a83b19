"""The progress bar of the commands that work through a long list (a register's lines, a
population): what is being done, the bar, how many of how many, the time elapsed."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["progress_bar"]


def progress_bar(
    *, transient: bool, console: Console | None = None, disable: bool = False
) -> Progress:
    """A bar per task, labelled with the task's description; ``transient`` clears it when done,
    ``disable`` shows nothing (an answer in JSON)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=disable,
    )
