"""Inputs too large for the compiler are refused with a located error, quickly, before any
stage could run out of stack, memory or time: expressions and blocks nested too deeply."""

from __future__ import annotations

import time

import numpy as np
import pytest

from pypto_dsl.codegen import render
from pypto_dsl.diagnostics import CompileError
from pypto_dsl.frontend import compile_text
from pypto_dsl.interpreter import run_kernel
from pypto_dsl.passes import lower
from pypto_dsl.printer import print_kernel


def _kernel(scalar: str = "s0", tile: str = "t") -> str:
    return f"""\
kernel deep(x: in f32[n, 64], z: out f32[n, 64], s0: f32)
{{
    grid (i) = (n / 16) on 4 blocks;
    let s = {scalar};
    aiv {{
        let t = load x[i * 16 : +16, :];
        let y = {tile};
        store z[i * 16 : +16, :], y * s;
    }}
}}
"""


def _errors(text: str) -> list:
    with pytest.raises(CompileError) as raised:
        compile_text(text, "deep.pdsl")
    return [line for line in str(raised.value).splitlines() if line.startswith("deep.pdsl:")]


TOO_DEEP = ("deep.pdsl:{}: error: expression nested too deeply: it is deeper than 256 levels; "
            "split it into smaller expressions with `let`")


@pytest.mark.parametrize("scalar", [" + ".join(["1"] * 2000), " + ".join(["1"] * 10000),
                                    "-" * 10000 + "1"], ids=["2000 terms", "10000 terms",
                                                             "10000 minuses"])
def test_a_scalar_expression_nested_too_deeply_is_refused_quickly(scalar):
    start = time.monotonic()

    errors = _errors(_kernel(scalar=scalar))

    assert (errors, time.monotonic() - start < 10) == ([TOO_DEEP.format("4:13")], True)


def test_a_tile_expression_nested_too_deeply_is_refused():
    assert _errors(_kernel(tile=" + ".join(["t"] * 2000))) == [TOO_DEEP.format("7:17")]


def test_blocks_nested_too_deeply_are_refused_at_the_innermost_statement():
    body = "store z[i * 16 : +16, :], load x[i * 16 : +16, :];"
    for _ in range(200):
        body = f"if i == 0 {{ {body} }}"
    text = (f"kernel k(x: in f32[n, 64], z: out f32[n, 64])\n{{\n"
            f"    grid (i) = (n / 16) on 4 blocks;\n    aiv {{ {body} }}\n}}\n")

    assert _errors(text) == ["deep.pdsl:4:1523: error: blocks nested too deeply: they are "
                             "deeper than 256 levels"]


def test_a_200_term_sum_compiles():
    compile_text(_kernel(scalar=" + ".join(["1"] * 200)), "deep.pdsl")


def test_the_deepest_expressions_accepted_go_through_every_stage():
    # 250 levels, just under the limit: the checker, the passes, both printers, the code
    # generator and the interpreter recurse over them (under pytest's own deep stack).
    kernel = compile_text(_kernel(" + ".join(["s0"] * 250), " + ".join(["t"] * 250)),
                          "deep.pdsl")
    lowered = lower(kernel)
    print_kernel(kernel), print_kernel(lowered), render(lowered, "deep.pdsl")
    inputs = {"x": np.ones((32, 64), np.float32), "s0": np.float32(0.5)}

    outputs = [run_kernel(k, inputs)["z"] for k in (kernel, lowered)]

    assert np.array_equal(outputs[0], np.full((32, 64), 250 * 125, np.float32))
    assert np.array_equal(outputs[1], outputs[0])
