"""One call from a kernel file and a golden case to a prediction (the CLI, the API, `make
bench` and `tune` all go through here).

Contract: `predict_file(path, case)` loads and lowers the kernel for its target, draws the
case's arguments from the golden (`cost_inputs`, else `make_inputs`), validates them as a
launch does (`interpreter.launch.prepare`: located errors for a failed require or a missing
specialisation) and returns `model.predict`'s Prediction. `params` names a set of the target's
platform table; `hbm_gbps`, `clock_ghz` and `flag_latency` override its platform figures.
"""

from __future__ import annotations

from .. import goldens, ir
from ..platform import DEFAULT, platform
from . import model


def parameters(target: str = DEFAULT, name: str = "", hbm_gbps=None, clock_ghz=None,
               flag_latency=None):
    return platform(target).cost_params(name).with_platform(hbm_gbps, clock_ghz, flag_latency)


def case_launch(lowered: ir.Kernel, golden, case, seed: int = 0, blocks=None):
    """(case name, launch) of a golden case for a lowered kernel."""
    from ..interpreter.launch import prepare

    spec = golden.case(case)
    return spec.name, prepare(lowered, golden.cost_inputs(spec, seed=seed), blocks)


def predict_kernel(lowered: ir.Kernel, golden, case=None, params=None, blocks=None,
                   fast: bool = True, trace_cluster=None, seed: int = 0):
    params = params or parameters(lowered.target)
    name, launch = case_launch(lowered, golden, case, seed, blocks)
    return model.predict(lowered, launch, params, fast=fast, trace_cluster=trace_cluster,
                         case=name)


def predict_file(path, case=None, params: str = "", hbm_gbps=None, clock_ghz=None,
                 flag_latency=None, blocks=None, golden=None, fast: bool = True,
                 target: str = DEFAULT, trace_cluster=None, seed: int = 0, passes=None):
    """The Prediction of kernel file `path` on golden case `case` (None: its default);
    `passes` lowers it with another pass list (`make bench` costs the kernel as the compiler
    without its optimisation passes built it)."""
    from ..frontend import load_kernel
    from ..passes import PASSES, lower

    checked = load_kernel(str(path), target)
    lowered = lower(checked, PASSES if passes is None else passes)
    ref = goldens.for_kernel(checked.source_name, golden)
    chosen = parameters(target, params, hbm_gbps, clock_ghz, flag_latency)
    return predict_kernel(lowered, ref, case, chosen, blocks, fast, trace_cluster, seed)
