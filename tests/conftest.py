"""Shared pytest options.

`--update-golden` rewrites the snapshot files under tests/golden/ from the current code
generator instead of comparing against them (review the diff before committing it).
"""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ snapshots instead of comparing")
