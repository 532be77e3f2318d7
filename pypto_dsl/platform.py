"""The platform table: on-chip buffer capacities, alignment and cluster count per target.

Figures are from the facts sheet, section 6 (pto-isa `common/buffer_limits.hpp`, simpler
`platform_config.h`). `capacity` is what the memory planner may use: on a2a3 the top 8 KB of
UB (0x2E000..0x30000) is the implicit scratch of TROWEXPAND* with a DN scalar (and some TCVT
paths), so tiles must end below 184 KB. `size` is the physical buffer size, for the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cost import params as cost_params
from .errors import UserError

KB = 1024

# Buffers in the order the report lists them: AIC-side first, then the vector UB.
BUFFERS = ("L1", "L0A", "L0B", "L0C", "UB")


@dataclass(frozen=True)
class Buffer:
    name: str
    size: int  # bytes, physical
    capacity: int  # bytes the planner may fill, from offset 0
    note: str = ""


@dataclass(frozen=True)
class Platform:
    name: str
    buffers: tuple  # of Buffer
    alignment: int  # every tile address, in bytes
    clusters: int  # 1 AIC + 2 AIV each
    vector_casts: frozenset = frozenset()  # (from, to) dtype pairs TCVT converts in one step
    fixpipe_casts: frozenset = frozenset()  # (from, to) the cube's store converts L0C to
    trusted: bool = True  # whether its generated C++ has been checked (simulator or hardware)
    costs: tuple = ()  # cost_params.CostParams: the cost model's parameter sets, default first

    def cost_params(self, name: str = ""):
        """The cost-parameter set `name` (the first when ""), or a UserError naming them."""
        for each in self.costs:
            if each.name == name or not name:
                return each
        raise UserError(f"unknown parameter set '{name}' for {self.name} (known: "
                        f"{', '.join(p.name for p in self.costs)})")

    def buffer(self, name: str) -> Buffer:
        return next(b for b in self.buffers if b.name == name)

    @property
    def buffer_names(self) -> tuple:
        return tuple(b.name for b in self.buffers)


# a2a3's TCVT in one step (pto-isa npu/a2a3/TCvt.hpp, GenCastCall; TCVT has no check of the
# pair, an unsupported one compiles and does nothing), among the language's dtypes.
A2A3_CASTS = frozenset({
    ("f32", "f16"), ("f32", "bf16"), ("f32", "i32"), ("f32", "i64"),
    ("f16", "f32"), ("f16", "i32"), ("f16", "i8"),
    ("bf16", "f32"), ("bf16", "i32"),
    ("i32", "f32"), ("i32", "f16"), ("i32", "i64"),
    ("i64", "f32"), ("i64", "i32"),
    ("i8", "f16"),
})
# What a2a3's fixpipe converts an accumulator to on its way to GM without a scale
# (npu/a2a3/TStore.hpp CheckAcc2gm: F322F16, F322BF16; i32 -> f32 needs a scale it lacks).
A2A3_FIXPIPE = frozenset({("f32", "bf16"), ("f32", "f16")})

PLATFORMS = {
    "a2a3": Platform(
        name="a2a3",
        buffers=(
            Buffer("L1", 512 * KB, 512 * KB),
            Buffer("L0A", 64 * KB, 64 * KB),
            Buffer("L0B", 64 * KB, 64 * KB),
            Buffer("L0C", 128 * KB, 128 * KB),
            Buffer("UB", 192 * KB, 184 * KB, "8 KB TROWEXPAND scratch at 0x2E000 kept free"),
        ),
        alignment=32,
        clusters=24,
        vector_casts=A2A3_CASTS,
        fixpipe_casts=A2A3_FIXPIPE,
        costs=(cost_params.CALIBRATED, cost_params.FLAT, cost_params.FITTED),
    ),
    # A5: no hidden UB scratch is documented (unverified), so all 256 KB are usable.
    "a5": Platform(
        name="a5",
        buffers=(
            Buffer("L1", 512 * KB, 512 * KB),
            Buffer("L0A", 64 * KB, 64 * KB),
            Buffer("L0B", 64 * KB, 64 * KB),
            Buffer("L0C", 256 * KB, 256 * KB),
            Buffer("UB", 256 * KB, 256 * KB),
        ),
        alignment=32,
        clusters=36,
        # a5's tables are not read here (no a5 simulator): the a2a3 ones, a subset (unverified)
        vector_casts=A2A3_CASTS,
        fixpipe_casts=A2A3_FIXPIPE,
        trusted=False,  # no a5 simulator or hardware here: check and compile --report only
        # nothing published for a5 in the reference sheet: a2a3's figures (unverified)
        costs=(cost_params.CALIBRATED, cost_params.FLAT, cost_params.FITTED),
    ),
}

DEFAULT = "a2a3"


def platform(name: str = DEFAULT) -> Platform:
    try:
        return PLATFORMS[name]
    except KeyError:
        raise UserError(f"unknown target '{name}' (known: {', '.join(sorted(PLATFORMS))})"
                        ) from None


def kib(nbytes: int) -> str:
    """`16 KB`, `12.5 KB`, `128 B`: sizes as the messages and the report print them."""
    if nbytes < KB:
        return f"{nbytes} B"
    value = nbytes / KB
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} KB"
