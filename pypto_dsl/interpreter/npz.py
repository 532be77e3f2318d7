"""The .npz files of `pypto-dsl run`: inputs read by parameter name, outputs written.

Every problem with such a file is a UserError with one line naming the file and what is wrong
with it (`in.npy: error: a .npy file holds one array; ...`), never numpy's or zipfile's
exception: a .npy, a text file, an empty, truncated or corrupt archive, an array too large to
load. The output path is checked before the run (`check_writable`), so that a long run is not
lost to a mistyped directory.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..errors import UserError

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive's first member, or an empty archive
NPY_MAGIC = b"\x93NUMPY"


def load_inputs(path: str) -> dict:
    """The arrays of the .npz file `path`, by name."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(NPY_MAGIC))
    except OSError as error:
        raise UserError(f"{path}: error: cannot read: {error.strerror or error}") from None
    if magic.startswith(NPY_MAGIC):
        raise UserError(f"{path}: error: a .npy file holds one array; give a .npz of the inputs "
                        "by parameter name (numpy.savez(path, name=array, ...))")
    if not magic.startswith(ZIP_MAGIC):
        raise UserError(f"{path}: error: not a .npz file; give the inputs by parameter name as "
                        "numpy.savez(path, name=array, ...) writes them")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except MemoryError:
        raise UserError(f"{path}: error: an array in it is too large to load") from None
    except ValueError as error:
        if "pickle" in str(error):  # object arrays: numpy would have to unpickle them
            raise UserError(f"{path}: error: it holds Python objects (pickled data); give "
                            "numeric arrays") from None
        raise UserError(f"{path}: error: a corrupt .npz: {error}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise UserError(f"{path}: error: a truncated or corrupt .npz: {error}") from None
    if not arrays:
        raise UserError(f"{path}: error: the .npz holds no arrays; give one per input parameter")
    return arrays


def check_writable(path: str) -> None:
    """A UserError now, before the run, if `path` cannot be where the outputs go."""
    out = Path(path)
    if out.is_dir():
        raise UserError(f"{path}: error: cannot write: it is a directory")
    parent = out.parent
    if not parent.exists():
        raise UserError(f"{path}: error: cannot write: the directory {parent} does not exist")
    if not parent.is_dir():
        raise UserError(f"{path}: error: cannot write: {parent} is not a directory")


def save_outputs(path: str, outputs: dict) -> None:
    """`outputs` as the .npz file `path` (exactly that name: numpy would append `.npz`)."""
    try:
        with open(path, "wb") as handle:
            np.savez(handle, **outputs)
    except OSError as error:
        raise UserError(f"{path}: error: cannot write: {error.strerror or error}") from None
