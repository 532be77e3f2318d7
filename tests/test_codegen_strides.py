"""GM strides beyond int: pto-isa's a2a3 TLOAD and TSTORE take a GlobalTensor's shape and
strides as int. A row pitch known at compile time is the compiler's error (test_frontend_limits);
one that depends on shape symbols is refused by the orchestration at launch, and the stub the
syntax tests compile against refuses a static one, as the real library would truncate it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from codegen_support import STUB
from pypto_dsl.codegen import generate
from pypto_dsl.frontend import compile_text

GXX = shutil.which("g++")

STRIDED = """\
kernel strided(x: in f32[n, a, b], y: out f32[n, 16])
{
    grid (i) = (n / 16) on 4 blocks;
    aiv { store y[i * 16 : +16, :], load x[i * 16 : +16, 0, 0 : +16]; }
}
"""
LAUNCH_CHECK = """\
    // GM row pitches: pto-isa's TLOAD and TSTORE take strides as int.
    if (pdsl_u_a > 2147483647 || pdsl_u_a * pdsl_u_b > 2147483647) {
        LOG_ERROR("strided: the rows of 'x' are a * b elements apart, more than pto-isa's TLOAD and TSTORE take (int, "
                  "at most 2147483647; strided.pdsl:4), a = %" PRId64 ", b = %" PRId64,
                  pdsl_u_a, pdsl_u_b);
        return;
    }
"""


def _syntax_check(text: str, name: str, tmp_path, *flags) -> subprocess.CompletedProcess:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return subprocess.run([GXX, "-fsyntax-only", "-std=c++17", f"-I{STUB}", *flags, str(source)],
                          capture_output=True, text=True)


def test_a_row_pitch_of_shape_symbols_is_checked_at_launch():
    orchestration = generate(compile_text(STRIDED, "strided.pdsl"), "strided.pdsl")[
        "kernels/orchestration/strided_orch.cpp"]

    assert LAUNCH_CHECK in orchestration


@pytest.mark.skipif(GXX is None, reason="no host g++")
def test_the_launch_check_compiles(tmp_path):
    orchestration = generate(compile_text(STRIDED, "strided.pdsl"), "strided.pdsl")[
        "kernels/orchestration/strided_orch.cpp"]

    result = _syntax_check(orchestration, "strided_orch.cpp", tmp_path, "-Wall", "-Werror=format")

    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(GXX is None, reason="no host g++")
@pytest.mark.parametrize("pitch, refused", [(2147483647, False), (3000000000, True)])
def test_the_stub_refuses_a_static_stride_beyond_int(pitch, refused, tmp_path):
    text = f"""\
#include <pto/pto-inst.hpp>
using Gm = pto::GlobalTensor<float, pto::Shape<1, 1, 1, 16, 64>,
                             pto::Stride<1024, 1024, 1024, {pitch}, 1>>;
using Vec = pto::Tile<pto::TileType::Vec, float, 16, 64, pto::BLayout::RowMajor, 16, 64>;
void load(__gm__ float* data) {{ Gm g(data); Vec t; pto::TLOAD(t, g); pto::TSTORE(g, t); }}
"""

    result = _syntax_check(text, "pitch.cpp", tmp_path, "-D__DAV_VEC__")

    assert (result.returncode != 0, "does not fit in int" in result.stderr) == (refused, refused)
