"""Global-memory access for a batch of members: scalar reads, tile loads and tile stores.

Contract: an access is described per tensor dimension by a `Window`: a start (an int shared by
the batch, or an int64 array with one start per member) and a size (None for a point index,
which drops the dimension). Every access is bounds-checked for every member before any data
moves; a violation raises `OutOfBounds` naming the dimension, the offending value and the
member (by its position in the batch), which the engine turns into a located LaunchError.
Loads return `[batch, rows, cols]` arrays (read-only views when the whole batch reads one
tile); the tensor's own dtype is kept, so a bf16 cache is never widened as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Window:
    start: object  # int, or np.ndarray[int64] with one start per member
    size: int | None  # None: a point index (the dimension is dropped)

    @property
    def varies(self) -> bool:
        return np.ndim(self.start) > 0


class OutOfBounds(IndexError):
    def __init__(self, dim: int, start: int, size: int | None, extent: int, member: int):
        super().__init__(dim, start, size, extent, member)
        self.dim, self.start, self.size, self.extent, self.member = dim, start, size, extent, member


def check_bounds(shape: tuple, windows: tuple) -> None:
    for dim, (window, extent) in enumerate(zip(windows, shape)):
        start = np.asarray(window.start)
        stop = start + (1 if window.size is None else window.size)
        bad = (start < 0) | (stop > extent)
        if np.any(bad):
            member = int(np.flatnonzero(np.atleast_1d(bad))[0])
            value = int(np.atleast_1d(start)[member])
            raise OutOfBounds(dim, value, window.size, extent, member)


def read_scalars(tensor: np.ndarray, windows: tuple):
    """`tensor[i, j, ...]` for every member (all windows are points)."""
    check_bounds(tensor.shape, windows)
    return tensor[tuple(w.start for w in windows)]


def load(tensor: np.ndarray, windows: tuple, batch: int) -> np.ndarray:
    """The [batch, rows, cols] tile each member's windows select."""
    check_bounds(tensor.shape, windows)
    varying = [w for w in windows if w.varies]
    if not varying:
        tile = tensor[_basic(windows)]
        return np.broadcast_to(tile, (batch,) + tile.shape)
    if all(w.size is None for w in varying):
        return _gather_points(tensor, windows)
    return tensor[_per_element(windows, batch)]


def store(tensor: np.ndarray, windows: tuple, value: np.ndarray) -> None:
    """Write each member's tile; members are written in batch order (the last one wins)."""
    check_bounds(tensor.shape, windows)
    if not any(w.varies for w in windows):
        tensor[_basic(windows)] = value[-1]
    else:
        tensor[_per_element(windows, value.shape[0])] = value


def _basic(windows: tuple) -> tuple:
    """Basic (view) indices for the windows every member shares; ':' for the varying ones."""
    return tuple(slice(None) if w.varies else int(w.start) if w.size is None
                 else slice(int(w.start), int(w.start) + w.size) for w in windows)


def _gather_points(tensor: np.ndarray, windows: tuple) -> np.ndarray:
    """Only point indices vary (`key_cache[kv, :, 0, :]`): slice the shared dimensions first
    (a view), then take the varying points; numpy copies just the selected tiles."""
    view = tensor[_basic(windows)]
    kept = [w for w in windows if w.varies or w.size is not None]
    axes = [i for i, w in enumerate(kept) if w.varies]
    picked = view[tuple(w.start if w.varies else slice(None) for w in kept)]
    adjacent = axes == list(range(axes[0], axes[0] + len(axes)))
    return np.moveaxis(picked, axes[0], 0) if adjacent and axes[0] else picked


def _per_element(windows: tuple, batch: int) -> tuple:
    """Index arrays broadcasting to [batch, rows, cols]: the general, element-wise access."""
    index, tile_axis = [], 1
    for w in windows:
        start = np.broadcast_to(np.asarray(w.start, dtype=np.int64), (batch,))[:, None, None]
        if w.size is None:
            index.append(start)
            continue
        offsets = np.arange(w.size).reshape((1, -1, 1) if tile_axis == 1 else (1, 1, -1))
        index.append(start + offsets)
        tile_axis += 1
    return tuple(index)
