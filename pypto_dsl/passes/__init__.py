"""The lowering pipeline: the one list of passes, in order.

Each pass is one function in its own module taking and returning an `ir.Kernel`; its module
docstring states what holds after it. `verify` checks the IR invariants after each pass in the
tests; the interpreter runs the kernel after every pass and must give the same numbers.

The lane split needs no pass of its own: the checker already types the AIV body per lane (a
`split rows` pipe gives each lane half the rows), so the IR describes one lane from the start;
the code generator adds each lane's byte offset into the pipe slots.
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from .copies import coalesce_copies
from .cube_moves import expand_cube_moves
from .expand import expand_ops
from .flatten import flatten
from .frees import insert_frees
from .grid import lower_grid
from .limits import check_limits
from .memory import plan_memory
from .pipeline import pipeline
from .prefetch import prefetch_loads
from .schedule import check_schedule
from .specialize import specialize
from .syncs import insert_syncs
from .vector_schedule import schedule_vector_ops

PASSES = (
    specialize,  # one Dispatch case per specialisation: constant tile shapes
    lower_grid,  # grid variables computed from the logical block index of the stride loop
    flatten,  # one tile op per statement, temporaries named in order
    expand_ops,  # ops pto-isa lacks (sigmoid, index tiles, a zero accumulator) as the ops they are made of
    insert_frees,  # TFREE after the last use of every popped tile
    prefetch_loads,  # AIC loads in loops issued one iteration ahead, when L1 has room
    coalesce_copies,  # AIV `v = x` of a fresh result: x computed into v's next version
    pipeline,  # prologue / steady state / epilogue; crossing values versioned
    check_schedule,  # the cores' push/pop order: no deadlock; cross-core handoffs for syncs
    expand_cube_moves,  # explicit L1 -> L0A / L0B moves before every matmul
    schedule_vector_ops,  # vector ops in dependency levels: one barrier per level
    plan_memory,  # a buffer and a 32-byte-aligned offset for every tile; pipe regions reserved
    insert_syncs,  # set/wait flags, vector barriers and drains for every cross-pipe dependency
    check_limits,  # every number the C++ takes (matmul sizes, FIFO bytes, GM pitches) fits
)


def lower(kernel: ir.Kernel, passes=PASSES) -> ir.Kernel:
    for each in passes:
        kernel = per_phase(each)(kernel)
    return kernel


def lower_steps(kernel: ir.Kernel, passes=PASSES):
    """(pass name, kernel after it) for every pass, for tests and `--dump-ir --after`."""
    for each in passes:
        kernel = per_phase(each)(kernel)
        yield each.__name__, kernel


def per_phase(each):
    """The pass `each` on a kernel in phases: each phase is a kernel of its own, lowered on its
    own (its own cases, schedules and plans), since the phases share nothing but GM."""

    def run(kernel: ir.Kernel) -> ir.Kernel:
        if not kernel.phases:
            return each(kernel)
        return replace(kernel, phases=tuple(each(phase) for phase in kernel.phases))

    run.__name__ = each.__name__
    return run
