"""Cost parameters: what an instruction costs on a target, as published, each with its source.

Contract: a `CostParams` is plain data (no imports beyond the standard library), so that the
platform table can name its parameter sets without `check` or `compile` paying for the cost
model. Every figure carries its source in a comment; "assumed" marks a figure nothing publishes
(the nearest published op's figure is used and the comment says which). The sources are those of
the shared reference sheet (docs/cost-model.md lists them): pto-isa Perf-Sim at 995589ab
(`include/pto/costmodel/`: arch_config.hpp for clock and bandwidths, a2a3/cce_costmodel_*.hpp
for the cube and vector formulas), pypto's device measurements, and the chip's HBM figure.

Keys: `bandwidth` is keyed by the data path (`GM->L1`, ...), the op table's `cost` field by
`vector` keys (`vadd`, ...) and by the cube keys `mad`, `L1->L0A`, `L1->L0B`, `fixpipe`,
`L1 fill`, `scalar` (ops/table.py); loads, stores, tpush and tpop take the key of the path
their tile moves on (`rules.transfer_path`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

GIB = 1 << 30


@dataclass(frozen=True)
class Link:
    """A data path's bandwidth for a transfer of B bytes: `peak * B / (half + B)` bytes per
    cycle (pto-isa's fitted form); `half` 0 is a flat figure."""

    peak: float  # bytes per cycle
    half: float = 0.0  # bytes at which half the peak is reached

    def rate(self, nbytes: int) -> float:
        return self.peak * nbytes / (self.half + nbytes) if self.half else self.peak


@dataclass(frozen=True)
class CostParams:
    name: str
    clock_ghz: float
    hbm_gbps: float  # the chip's HBM bandwidth, shared by every cluster's GM traffic
    flag_latency: int  # cycles from a cross-core flag's set to its wait returning
    bandwidth: dict  # path -> Link
    vector: dict  # op-table cost key -> (head, cycles per repeat, tail)
    mad_head: int = 6  # cycles a matmul pays when the cube queue was empty
    vector_floor: int = 16  # the least a vector op costs with a partial mask
    repeat_bytes: int = 256  # one vector repeat
    issue: int = 1  # cycles to issue one instruction or flag from the scalar unit
    scalar_gm_read: int = 0  # extra cycles for a scalar read from GM (`context_lens[b]`)
    # Assumed (unpublished): from one task's end to the next dependent task's start in simpler's
    # runtime (the AICPU scheduler sees the completion, resolves the dependency, dispatches);
    # a kernel in phases pays it between phases. 5 us at 1.85 GHz.
    task_gap: int = 9250
    notes: tuple = field(default=())  # (parameter, why it differs from its published figure)

    @property
    def hbm_bytes_per_cycle(self) -> float:
        return self.hbm_gbps / self.clock_ghz

    def with_platform(self, hbm_gbps=None, clock_ghz=None, flag_latency=None) -> "CostParams":
        """The set with the platform figures a user overrides (`--hbm-gbps`, ...)."""
        changes = {k: v for k, v in (("hbm_gbps", hbm_gbps), ("clock_ghz", clock_ghz),
                                     ("flag_latency", flag_latency)) if v is not None}
        return replace(self, **changes) if changes else self


def gib_per_s(value: float, clock_ghz: float) -> float:
    """GiB/s as bytes per cycle at the clock."""
    return value * GIB / (clock_ghz * 1e9)


CLOCK = 1.85  # GHz, pto-isa costmodel/arch_config.hpp

# Vector ops: (head, per repeat, tail) cycles, pto-isa a2a3/cce_costmodel/cce_costmodel_core.hpp.
VECTOR = {
    "vadd": (10, 2, 14), "vsub": (10, 2, 14), "vmax": (10, 2, 14), "vmin": (10, 2, 14),
    "vmul": (10, 2, 15), "vmuls": (11, 1, 15), "vadds": (13, 1, 18), "vexp": (13, 2, 18),
    "vln": (13, 2, 20), "vdiv": (11, 4, 19), "vcadd": (14, 7, 32), "vcgadd": (14, 1, 24),
    "vcgmax": (14, 1, 17), "vcopy": (11, 1, 13), "vdup": (11, 1, 13), "vconv": (14, 1, 13),
    # assumed (unpublished): the scalar max/min like vadds; abs and relu like vmax; compare and
    # select like vmax (one pass over the operands); sqrt like vexp; rsqrt a sqrt then a division;
    # leaky relu like the scalar ops (a multiply by its slope and a max)
    "vmaxs": (13, 1, 18), "vmins": (13, 1, 18), "vabs": (10, 2, 14), "vrelu": (10, 2, 14),
    "vlrelu": (13, 1, 18),
    "vcmp": (10, 2, 14), "vsel": (10, 2, 14), "vsqrt": (13, 2, 18), "vrsqrt": (24, 6, 37),
}

# Flat bandwidths in bytes per cycle, pto-isa costmodel/arch_config.hpp (no start-up cost).
FLAT_LINKS = {
    "GM->UB": Link(58.6), "GM->L1": Link(78.4), "UB->GM": Link(109.4), "L1->GM": Link(18.6),
    "UB->UB": Link(594), "L0C->GM": Link(40.6), "L0C->L1": Link(74.3),
    "L1->L0A": Link(256), "L1->L0B": Link(128),
    # assumed: an L1 fill (TEXPANDS on a Mat tile) writes at the L1->L0A rate
    "L1 fill": Link(256),
}

# pto-isa's fitted model (PTO_BW_MODE=fitted, arch_config.hpp): peak GiB/s and the half-peak
# size for the GM paths; the on-chip paths keep their flat figures (fitted has none).
FITTED_LINKS = FLAT_LINKS | {
    "GM->UB": Link(gib_per_s(247, CLOCK), 30.6 * 1024),
    "GM->L1": Link(gib_per_s(28.6, CLOCK), 1.1 * 1024),
    "UB->GM": Link(gib_per_s(28.2, CLOCK), 1.8 * 1024),
    "L0C->GM": Link(gib_per_s(41.3, CLOCK), 29 * 1024),
}

FLAT = CostParams(
    name="flat",
    clock_ghz=CLOCK,
    hbm_gbps=1600.0,  # 910B: sources say 1.5, 1.6 and 1.8 TB/s; the reference sheet's default
    # No published latency (Perf-Sim uses 0, optimistic); FFTS flags travel through GM, so
    # hundreds of cycles are plausible (reference sheet): 200 assumed.
    flag_latency=200,
    bandwidth=FLAT_LINKS,
    vector=VECTOR,
)

FITTED = replace(FLAT, name="fitted", bandwidth=FITTED_LINKS)

# The flat figures with the HBM bandwidth the memory system delivers to 24 clusters reading
# scattered 32 KB KV blocks, not its pin rate: the reference sheet's best decode kernels reach
# 50-55% of 1.6 TB/s at mid sizes; 55% is taken (1.6 -> 0.88 TB/s). The flat per-core GM->L1
# rate (78.4 B/cycle, one core alone) stays: with 24 cores it is the shared HBM that limits.
# Not independent of the validation: the hand-written Case1 kernel is one of those kernels
# (docs/cost-model.md, "Calibration").
CALIBRATED = replace(FLAT, name="calibrated", hbm_gbps=0.55 * 1600.0, notes=(
    ("hbm_gbps", "1600 -> 880 GB/s (x0.55): the share of HBM the best decode kernels reach"),))

SETS = {p.name: p for p in (CALIBRATED, FLAT, FITTED)}
