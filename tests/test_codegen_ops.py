"""Ops in combination through the code generator: a kernel mixing the vector ops with pads
(custom and zero pad values, a pad that is not in place), scalar operands and rounding casts on
both cores; the C++ is checked with g++ against tests/cpp/stub, like test_codegen_syntax does
for kernels/. Every op on its own: tests/test_ops_table.py.
"""

import re
import shutil
import subprocess

import pytest

from codegen_support import STUB
from pypto_dsl.codegen import generate
from pypto_dsl.frontend import compile_text

OP_ZOO = """\
kernel op_zoo(
    x:    in  f32[rows, 64],
    wa:   in  bf16[rows, 64],
    wb:   in  bf16[64, 64],
    out:  out f32[rows, 64],
    sums: out f32[rows, 1],
    s:    f32,
)
require rows % 16 == 0;
{
    grid (i) = (rows / 16) on 4 blocks;
    pipe p: aic -> aiv f32[16, 64] depth 2 split rows;
    aic {
        var acc = matmul(load wa[i * 16 : +16, 0 : +32], load wb[0 : +32, :]);
        acc = matmul_acc(acc, load wa[i * 16 : +16, 32 : +32], load wb[32 : +32, :]);
        tpush p, acc;
    }
    aiv {
        let r = i * 16 + lane * 8;
        let t = tpop p;
        let u = pad_cols(load x[r : +8, :], 40, -1.5);
        let m = rowmax(u) + 1.0;
        let t2 = pad_cols(t, 48, 0.0) + t;  // t is read after the pad: padded in a copy
        let v = min(max(u - m, t2), u * s) / 2.0 + min(u, 0.5) - max(t, 0.25) * u / (t * t + 1.0);
        let w = (v + m) * m / m;
        let c = cast<f32>(cast<bf16>(exp(w), floor), trunc);
        let z = fill(f32[8, 1], 0.0) + rowsum(c) / 3.0;
        store out[r : +8, :], c;
        store sums[r : +8, :], min(max(z, 0.0), exp(z));
    }
}
"""
GXX = shutil.which("g++")
BUILDS = [("aic", ["-D__DAV_CUBE__"]), ("aic", ["-D__DAV_CUBE__", "-D__CPU_SIM"]),
          ("aiv", ["-D__DAV_VEC__"]), ("aiv", ["-D__DAV_VEC__", "-D__CPU_SIM"]),
          ("orchestration", ["-Wall", "-Werror=format"])]


@pytest.fixture(scope="module")
def zoo():
    kernel = compile_text(OP_ZOO, "op_zoo.pdsl")
    return kernel, generate(kernel, "op_zoo.pdsl")


def test_a_pad_whose_source_is_read_later_pads_a_copy(zoo):
    _, files = zoo
    aiv = files["kernels/aiv/op_zoo_aiv.cpp"]
    copy = re.search(r"pto::TMOV\((\w+), (\w+)\);.*\n.*pipe_barrier\(PIPE_V\);.*\n.*if \(48 < 64\)",
                     aiv)
    assert copy, "expected a copy and a vector barrier right before the zero pad"
    padded, source = copy.groups()
    assert f"pto::TRESHAPE(pdsl_pad_1, {padded});" in aiv and padded != source


def test_custom_pad_value_is_spelled_without_float_template_arguments(zoo):
    _, files = zoo
    aiv = files["kernels/aiv/op_zoo_aiv.cpp"]
    assert "static_cast<pto::PadValue>(0x1bfc00000ULL)" in aiv  # -1.5f
    assert not re.search(r"PadCustom<", aiv)


@pytest.mark.skipif(GXX is None, reason="no host g++")
@pytest.mark.parametrize("core, flags", BUILDS, ids=[f"{c}{'/cpu_sim' if '-D__CPU_SIM' in f else ''}"
                                                     for c, f in BUILDS])
def test_every_op_compiles_against_the_stub(zoo, core, flags, tmp_path):
    _, files = zoo
    name = "kernels/orchestration/op_zoo_orch.cpp" if core == "orchestration" else \
        f"kernels/{core}/op_zoo_{core}.cpp"
    source = tmp_path / "zoo.cpp"
    source.write_text(files[name])
    result = subprocess.run([GXX, "-fsyntax-only", "-std=c++17", f"-I{STUB}", *flags, str(source)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
