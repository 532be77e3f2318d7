"""`tune`: the specialisation choices and pipe depths a kernel could use, ranked by the model.

Contract: `candidates(checked)` lists every combination of a value for each specialisation
chosen by a rule (one bound by a tensor shape is not a choice) and one FIFO depth for all the
kernel's pipes (1 to 4); `evaluate(checked, golden, case, params)` lowers each (a combination
whose buffers overflow, or whose schedule the passes reject, is reported with the reason),
launches it on the case (a `require` it breaks rejects it) and predicts its time. The kernel
as written is marked; nothing is written back.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from .. import ir
from ..diagnostics import CompileError
from ..errors import UserError
from . import model
from .profile import case_launch

DEPTHS = (1, 2, 3, 4)


@dataclass
class Candidate:
    choice: tuple  # (name, value) pairs: specialisations, then `depth`
    written: bool  # the kernel as its author wrote it
    seconds: float | None = None
    reason: str = ""  # why it cannot run, when it cannot

    @property
    def label(self) -> str:
        return ", ".join(f"{n}={v}" for n, v in self.choice)


def candidates(checked: ir.Kernel):
    """(choice, kernel) of every combination, the kernel as written first."""
    specs = [s for s in checked.specializations if s.rule is not None]
    written_depths = {p.depth for p in checked.pipes}
    depths = DEPTHS if checked.pipes else (None,)
    for values in itertools.product(*(s.values for s in specs), depths):
        *chosen, depth = values
        kernel = replace(checked, specializations=tuple(
            replace(s, rule=ir.Const(chosen[specs.index(s)], s.span, ir.I64))
            if s in specs else s for s in checked.specializations))
        choice = tuple((s.name, v) for s, v in zip(specs, chosen))
        written = depth is None or written_depths == {depth}
        if depth is not None:
            kernel = replace(kernel, pipes=tuple(replace(p, depth=depth) for p in kernel.pipes))
            choice += (("depth", depth),)
        yield choice, written, kernel


def evaluate(checked: ir.Kernel, golden, case, params, blocks=None) -> list:
    from ..errors import LaunchError
    from ..passes import lower

    rule_value = _rule_values(checked, golden, case, blocks)
    out = []
    for choice, written, kernel in candidates(checked):
        written = written and all(rule_value.get(n, v) == v for n, v in choice if n != "depth")
        candidate = Candidate(choice, written)
        try:
            lowered = lower(kernel)
            _, launch = case_launch(lowered, golden, case, blocks=blocks)
            candidate.seconds = model.predict(lowered, launch, params).seconds
        except (CompileError, UserError, LaunchError) as error:
            candidate.reason = _first_error(str(error))
        out.append(candidate)
    return out


def _rule_values(checked: ir.Kernel, golden, case, blocks) -> dict:
    """The specialisation values the author's rules pick for this case."""
    from ..passes import lower

    try:
        _, launch = case_launch(lower(checked), golden, case, blocks=blocks)
    except UserError:
        return {}
    return {s.name: launch.statics[s.name] for s in checked.specializations}


def _first_error(text: str) -> str:
    lines = [line for line in text.splitlines() if "error" in line] or text.splitlines()
    line = lines[0] if lines else text
    return line.split("error: ", 1)[-1].strip()


def render(kernel: str, case: str, params, results: list) -> str:
    lines = [f"{kernel} {case}: candidates by predicted time (parameters {params.name})"]
    ranked = sorted(results, key=lambda c: (c.seconds is None, c.seconds or 0.0))
    for c in ranked:
        mark = "  (as written)" if c.written else ""
        if c.seconds is None:
            lines.append(f"  {c.label:<34} rejected: {c.reason}{mark}")
        else:
            lines.append(f"  {c.label:<34} {c.seconds * 1e6:12.2f} us{mark}")
    best = next((c for c in ranked if c.seconds is not None), None)
    lines.append(f"  winner: {best.label} ({best.seconds * 1e6:.2f} us)" if best
                 else "  winner: none (every candidate was rejected)")
    return "\n".join(lines) + "\n"
