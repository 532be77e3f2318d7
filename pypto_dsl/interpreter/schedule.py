"""Running a launch: clusters of cooperative core tasks, bounded FIFOs, deadlock detection.

The reference schedule (`run_exact`) is the hardware's: H hardware blocks, each a cluster of
one AIC and two AIV tasks that share the cluster's FIFOs; hardware block h runs logical blocks
h, h+H, h+2H, ... in order (the stride loop) and reuses its FIFOs across them. Tasks run
round-robin, each until it blocks on a FIFO; when none can move and some have not finished,
that is a deadlock, reported with every blocked task's hardware block, core, pipe, tpush or
tpop and source line. At the end every FIFO must be empty (every tile pushed was popped).

The lock-step schedule (`run_batched`) gives the same outputs faster. Each logical block runs
in a virtual cluster of its own, and a batch of logical blocks runs as one cluster whose values
carry the batch axis. That is equivalent to the stride loop when every logical block leaves
its FIFOs empty and no logical block reads what another stores: the hardware's FIFOs are then
empty between logical blocks, and the channels of bounded FIFOs form a Kahn network whose
values and termination do not depend on the schedule. The lock-step run checks both (it runs
only on kernels that read no inout tensor, and checks the FIFOs after each batch); when the
members of a batch disagree on a branch or a loop bound it reruns the batch split by the value
they disagreed on (rerunning a logical block stores the same values again); on a deadlock or a
FIFO left non-empty it gives up and the reference schedule runs and reports.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .. import ir
from ..symbolic import evaluate
from ..errors import DeadlockError, UserError
from .engine import CoreTask, Diverged
from .launch import Launch, located
from .numerics import DTYPES
from .pipes import Fifo
from .. import walk

# Lock-step batches are sized so that the largest tile of the kernel, times the batch, stays
# near this many bytes: big enough to amortise the interpreter's per-statement cost, small
# enough to keep the working set (a few live tiles per member) lean.
BATCH_TILE_BYTES = 8 << 20


class Cluster:
    """One AIC and two AIV tasks and the FIFOs they share."""

    def __init__(self, launch: Launch, tensors: dict, batches: list, on_block_done=None):
        self.fifos = {p.name: Fifo(p) for p in launch.kernel.pipes}
        self.tasks = [CoreTask(launch, tensors, core, lane, self.fifos, batches, on_block_done)
                      for core, lane in (("aic", None), ("aiv", 0), ("aiv", 1))]


def run_exact(launch: Launch, progress, tensors: dict) -> None:
    """Run `launch` on `tensors` (updated in place) on the reference schedule."""
    total, hw = launch.logical_blocks, launch.blocks
    clusters = [Cluster(launch, tensors, [np.array([b]) for b in range(h, total, hw)],
                        progress.advance) for h in range(min(hw, total))]
    run_tasks([task for cluster in clusters for task in cluster.tasks])
    _check_balanced(launch, clusters)


class NotLockStep(Exception):
    """The lock-step schedule cannot show this launch's behaviour; run the reference one."""


def run_batched(launch: Launch, progress, tensors: dict) -> None:
    """Run `launch` on `tensors` (updated in place) in lock-step batches, or raise
    NotLockStep (the tensors may then be partly written)."""
    if _reads_outputs(launch.kernel):
        raise NotLockStep()
    size = _batch_size(launch)
    queue = deque(np.arange(start, min(start + size, launch.logical_blocks))
                  for start in range(0, launch.logical_blocks, size))
    while queue:
        logical = queue.popleft()
        cluster = Cluster(launch, tensors, [logical])
        try:
            run_tasks(cluster.tasks)
        except Diverged as split:
            queue.extendleft(reversed(_split(logical, split.values)))
            continue
        except DeadlockError:
            raise NotLockStep() from None
        if not all(fifo.balanced() for fifo in cluster.fifos.values()):
            raise NotLockStep()
        progress.advance(3 * len(logical))


def run_tasks(tasks: list) -> None:
    """Round-robin: resume every task that can move until all finish or none can move."""
    live = list(tasks)
    while live:
        moved = False
        for task in live:
            if task.wait is not None and not task.wait.ready():
                continue
            moved = True
            try:
                task.wait = next(task.generator)
            except StopIteration:
                task.wait = None
                task.generator = None
        live = [task for task in live if task.generator is not None]
        if live and not moved:
            blocked = "\n".join(f"  {task.wait}" for task in live)
            raise DeadlockError(f"deadlock: no core can make progress; {len(live)} blocked:\n"
                                f"{blocked}")


def _check_balanced(launch: Launch, clusters: list) -> None:
    problems = []
    for pipe in launch.kernel.pipes:
        for h, cluster in enumerate(clusters):
            fifo = cluster.fifos[pipe.name]
            if not fifo.balanced():
                problems.append(located(pipe.span, f"pipe '{pipe.name}' is not empty at the "
                                        f"end of the launch: hardware block {h}: "
                                        f"{fifo.counts()}"))
    if problems:
        raise UserError("\n".join(problems) + "\nevery tile pushed must be popped")


def _split(logical: np.ndarray, values: np.ndarray) -> list:
    """The batch's members grouped by the value they disagreed on, in first-seen order."""
    _, first, group = np.unique(values, return_index=True, return_inverse=True)
    return [logical[group == g] for g in np.argsort(first)]


def _reads_outputs(kernel: ir.Kernel) -> bool:
    """Whether a logical block may read what another stores: an inout tensor, or a scratch
    tensor the kernel (this phase) both stores and reads."""
    stmts = kernel.prelude + kernel.aic + kernel.aiv
    stored = {s.tensor for s in walk.walk_stmts(stmts) if isinstance(s, ir.Store)}
    written = {p.name for p in kernel.params
               if isinstance(p, ir.TensorParam) and p.direction == "inout"}
    written |= {t.name for t in kernel.scratch if t.name in stored}
    return any(isinstance(e, (ir.Load, ir.Index)) and e.tensor in written
               for s in walk.walk_stmts(stmts) for x in walk.stmt_exprs(s) for e in walk.walk_expr(x))


def _batch_size(launch: Launch) -> int:
    lookup = launch.statics.__getitem__
    tiles = [p.tile_type for p in launch.kernel.pipes]
    stmts = launch.kernel.prelude + launch.kernel.aic + launch.kernel.aiv
    tiles += [e.type for s in walk.walk_stmts(stmts) for x in walk.stmt_exprs(s)
              for e in walk.walk_expr(x) if isinstance(e, ir.Load)]
    largest = max((_bytes(t, lookup) for t in tiles), default=1)
    return max(1, min(launch.logical_blocks, BATCH_TILE_BYTES // largest))


def _bytes(tile: ir.TileType, lookup) -> int:
    rows, cols = (int(evaluate(d, lookup)) for d in tile.shape)
    return rows * cols * max(DTYPES[tile.dtype].itemsize, 4)
