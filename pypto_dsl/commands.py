"""Subcommands beyond `check`: `run` (reference interpreter) and `compile` (C++ generation).

Each registers its parser here; the implementations live with their stage of the pipeline.
"""


def register(commands) -> None:
    """Add the subcommands whose stages exist."""
    from .interpreter import command as run

    run.add_parser(commands)
