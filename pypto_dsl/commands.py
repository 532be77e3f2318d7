"""Subcommands beyond `check`: `run` (reference interpreter), `compile` (C++ generation),
`profile` and `tune` (cost model).

Each registers its parser here; the implementations live with their stage of the pipeline.
"""


def register(commands) -> None:
    """Add the subcommands whose stages exist."""
    from .interpreter import command as run

    run.add_parser(commands)
    register_compile(commands)
    register_cost(commands)


def register_cost(commands) -> None:
    """`profile` and `tune`: the cost model (pypto_dsl/cost)."""
    from .cost.command import add_parsers

    add_parsers(commands)


def register_compile(commands) -> None:
    """`compile`: C++ generation (pypto_dsl/codegen)."""
    from .codegen.command import add_parser

    add_parser(commands)
