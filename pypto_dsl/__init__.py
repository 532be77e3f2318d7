"""pypto-dsl: .pdsl MIX kernels to pto-isa C++ for Ascend, with a numpy reference interpreter.

The Python API is `pypto_dsl.Kernel` (api.py) and `pypto_dsl.Error`. They are imported on
first use, so that the command line, which imports this package first, does not pay for the
code generator and the interpreter when it needs neither.
"""

__all__ = ["Error", "Kernel", "__version__"]

# The one statement of the version (pyproject.toml reads it); the generated files carry it.
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "Kernel":
        from .api import Kernel

        return Kernel
    if name == "Error":
        from .errors import Error

        return Error
    raise AttributeError(f"module 'pypto_dsl' has no attribute {name!r}")
