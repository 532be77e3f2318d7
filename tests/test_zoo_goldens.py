"""The zoo kernels' goldens (kernels/<name>.golden.py), checked without the compiler.

Each golden is checked on its smallest suite case against an independent naive reference
(plain Python / numpy loops per row, head or element, in float64) and against exact
properties of its math. The shared contract (argument order and dtypes as the kernel spec
lists them, zero-filled outputs, output keys, no mutation, seeding, case shapes and
timing) is checked for every suite case. Only numpy and the goldens are used: the .pdsl
kernels need not exist.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest

from pypto_dsl import goldens
from pypto_dsl.goldens import BF16, F32, I8, I32, round_bf16, to_bf16

ROOT = Path(__file__).resolve().parents[1]

# The kernel spec: (parameter, dtype, is_output) in the binding order.
SPEC = {
    "flash_attention": [("q", BF16, 0), ("k", BF16, 0), ("v", BF16, 0), ("out", F32, 1),
                        ("scale", F32, 0), ("causal", I32, 0)],
    "gqa_decode": [("query", BF16, 0), ("key_cache", BF16, 0), ("value_cache", BF16, 0),
                   ("block_table", I32, 0), ("context_lens", I32, 0), ("out", F32, 1),
                   ("scale", F32, 0)],
    "mla_decode": [("query", BF16, 0), ("kv_cache", BF16, 0), ("block_table", I32, 0),
                   ("context_lens", I32, 0), ("out", F32, 1), ("scale", F32, 0)],
    "rmsnorm_matmul": [("x", BF16, 0), ("gamma", F32, 0), ("w", BF16, 0), ("out", F32, 1),
                       ("eps", F32, 0)],
    "layernorm": [("x", F32, 0), ("gamma", F32, 0), ("beta", F32, 0), ("out", F32, 1),
                  ("eps", F32, 0)],
    "softmax": [("x", F32, 0), ("out", F32, 1)],
    "swiglu_ffn": [("x", BF16, 0), ("w_gate", BF16, 0), ("w_up", BF16, 0),
                   ("w_down", BF16, 0), ("out", F32, 1)],
    "w8a16_matmul": [("x", BF16, 0), ("w", I8, 0), ("scale", F32, 0), ("out", F32, 1)],
    "int8_matmul": [("a", I8, 0), ("b", I8, 0), ("scale_a", F32, 0), ("scale_b", F32, 0),
                    ("out", BF16, 1)],
    "gemm_bias_gelu": [("a", BF16, 0), ("b", BF16, 0), ("bias", F32, 0), ("out", BF16, 1)],
    "rope": [("q", F32, 0), ("k", F32, 0), ("cos", F32, 0), ("sin", F32, 0),
             ("q_out", F32, 1), ("k_out", F32, 1)],
    "argmax": [("logits", F32, 0), ("out", I32, 1)],
    "bmm_transposed": [("a", BF16, 0), ("b", BF16, 0), ("out", F32, 1)],
    "elementwise": [("x", F32, 0), ("y", F32, 0), ("out", F32, 1)],
}
# The 0-d (scalar) parameters; every other parameter is a tensor.
SCALARS = {"flash_attention": {"scale", "causal"}, "gqa_decode": {"scale"},
           "mla_decode": {"scale"}, "rmsnorm_matmul": {"eps"}, "layernorm": {"eps"}}

G = {name: goldens.load(ROOT / "kernels" / f"{name}.golden.py") for name in SPEC}
SUITE = [pytest.param(name, case, id=f"{name}:{case.name}")
         for name, g in G.items() for case in g.cases.values() if case.suite]


def _smallest(name: str):
    """The smallest suite case of a golden (fewest input elements)."""
    g = G[name]
    sizes = {c.name: sum(v.size for v in g.make_inputs(c).values())
             for c in g.cases.values() if c.suite}
    return g.cases[min(sizes, key=sizes.get)]


def _expected(name: str, inputs: dict) -> dict:
    return G[name].expected(inputs, tuple(n for n, _, is_out in SPEC[name] if is_out))


def _run(name: str, case=None, seed: int = 0):
    g = G[name]
    case = g.cases[case] if isinstance(case, str) else (case or _smallest(name))
    x = g.make_inputs(case, seed)
    return x, _expected(name, x)


def f64(a) -> np.ndarray:
    return np.asarray(a).astype(np.float64)


# --------------------------------------------------------------------------- contract


@pytest.mark.parametrize("name", list(SPEC))
def test_cases_are_well_formed(name):
    g = G[name]
    suite = [c for c in g.cases.values() if c.suite]
    bench = [c for c in g.cases.values() if not c.suite]

    assert 3 <= len(suite) <= 6
    assert len(bench) == (2 if name == "flash_attention" else 1)
    assert g.cases[g.default_case].suite
    assert all(n == c.name and c.description for n, c in g.cases.items())


@pytest.mark.parametrize("name, case", SUITE)
def test_suite_case_follows_the_spec_and_is_fast(name, case):
    g = G[name]
    start = time.perf_counter()
    x = g.make_inputs(case)
    before = {k: v.copy() for k, v in x.items()}
    result = _expected(name, x)
    elapsed = time.perf_counter() - start

    assert [(k, v.dtype) for k, v in x.items()] == [(n, d) for n, d, _ in SPEC[name]]
    outputs = [n for n, _, is_out in SPEC[name] if is_out]
    assert list(result) == outputs
    for n, v in x.items():
        assert (v.ndim == 0) == (n in SCALARS.get(name, ()))
    for n in outputs:
        assert not x[n].astype(np.float64).any()
        assert result[n].shape == x[n].shape and result[n].dtype == x[n].dtype
        assert np.isfinite(result[n].astype(np.float64)).all()
    for k, v in before.items():
        np.testing.assert_array_equal(x[k], v)
    assert elapsed < 0.5 * 4  # 0.5 s each on an idle machine; slack for a loaded one


@pytest.mark.parametrize("name", list(SPEC))
def test_inputs_are_seeded(name):
    g = G[name]
    case = g.cases[g.default_case]
    a, b, c = g.make_inputs(case, 1), g.make_inputs(case, 1), g.make_inputs(case, 2)

    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    first = next(iter(a))
    assert not np.array_equal(a[first], c[first])


# --------------------------------------------------------------------------- attention


def _exact_softmax_row(s: np.ndarray, v: np.ndarray) -> np.ndarray:
    w = np.exp(s - s.max())
    return w @ v / w.sum()


def _online_row(s: np.ndarray, v: np.ndarray, block: int) -> np.ndarray:
    """One query row, written as the kernel loop: blocks of `block` columns in order,
    p rounded to bf16 against the running max; fully masked blocks contribute nothing."""
    m, l, o = -math.inf, 0.0, np.zeros(v.shape[1])
    for j0 in range(0, len(s), block):
        sb = s[j0:j0 + block]
        if np.isneginf(sb).all():
            continue
        m_new = max(m, float(sb.max()))
        alpha = 0.0 if m == -math.inf else math.exp(m - m_new)
        p = f64(round_bf16(np.exp(sb - m_new)))
        l = alpha * l + p.sum()
        o = alpha * o + p @ v[j0:j0 + block]
        m = m_new
    return o / l


def _flash_naive(x, online: bool) -> np.ndarray:
    q, k, v = f64(x["q"]), f64(x["k"]), f64(x["v"])
    scale, causal = float(x["scale"]), int(x["causal"])
    heads, seq_q, _ = q.shape
    seq_k = k.shape[1]
    out = np.zeros(q.shape)
    for h in range(heads):
        for i in range(seq_q):
            s = k[h] @ q[h, i] * scale  # this row's scores
            if causal:
                s[np.arange(seq_k) > i + seq_k - seq_q] = -np.inf
            out[h, i] = (_online_row(s, v[h], G["flash_attention"].module.KV_BLOCK) if online
                         else _exact_softmax_row(s, v[h]))
    return out


@pytest.mark.parametrize("case", ["h1_q128_k64", "h1_q256_k256_causal",
                                  "h2_q128_k512_causal", "h3_q256_k320_causal"])
def test_flash_attention_matches_naive_rows(case):
    x, r = _run("flash_attention", case)

    np.testing.assert_allclose(r["out"], _flash_naive(x, online=True), rtol=1e-5, atol=1e-6)
    # p is rounded to bf16 (2^-9 relative); the exact softmax does no rounding.
    np.testing.assert_allclose(r["out"], _flash_naive(x, online=False), rtol=0, atol=2e-3)


def test_flash_attention_one_kv_block_is_a_softmax_of_the_rounded_p():
    x, r = _run("flash_attention", "h1_q128_k64")
    q, k, v = f64(x["q"][0]), f64(x["k"][0]), f64(x["v"][0])

    s = q @ k.T * float(x["scale"])
    p = f64(round_bf16(np.exp(s - s.max(axis=1, keepdims=True))))

    np.testing.assert_allclose(r["out"][0], p @ v / p.sum(axis=1, keepdims=True),
                               rtol=1e-6, atol=1e-7)


def test_flash_attention_causal_rows_see_only_allowed_columns():
    x, r = _run("flash_attention", "h1_q256_k256_causal")

    # Square causal: row 0 sees column 0 only (p = 1, l = 1), so it is v[0] exactly.
    np.testing.assert_array_equal(r["out"][:, 0], x["v"][:, 0].astype(F32))
    # Changing the last key/value column changes the last row and no other.
    t = dict(x, k=x["k"].copy(), v=x["v"].copy())
    t["k"][:, -1] = 3.0
    t["v"][:, -1] = -3.0
    rt = _expected("flash_attention", t)
    np.testing.assert_array_equal(rt["out"][:, :-1], r["out"][:, :-1])
    assert not np.array_equal(rt["out"][:, -1], r["out"][:, -1])


def test_flash_attention_causal_with_offset_masks_after_the_diagonal():
    x, r = _run("flash_attention", "h2_q128_k512_causal")  # offset 384
    t = dict(x, k=x["k"].copy(), v=x["v"].copy())
    t["k"][:, 385:] = 3.0  # row 0 may see columns 0..384 only
    t["v"][:, 385:] = -3.0

    rt = _expected("flash_attention", t)

    np.testing.assert_array_equal(rt["out"][:, 0], r["out"][:, 0])
    assert not np.array_equal(rt["out"][:, 1], r["out"][:, 1])


def _gqa_naive(x, online: bool) -> np.ndarray:
    q, kc, vc = f64(x["query"]), f64(x["key_cache"]), f64(x["value_cache"])
    bs, kvh = kc.shape[1], kc.shape[2]
    group = q.shape[1] // kvh
    out = np.zeros(q.shape)
    for b, ctx in enumerate(x["context_lens"]):
        if ctx == 0:
            continue
        blocks = x["block_table"][b, :math.ceil(ctx / bs)]
        keys = np.concatenate([kc[i] for i in blocks])[:ctx]  # (ctx, kvh, d)
        vals = np.concatenate([vc[i] for i in blocks])[:ctx]
        for h in range(q.shape[1]):
            g = h // group
            s = keys[:, g] @ q[b, h] * float(x["scale"])
            out[b, h] = (_online_row(s, vals[:, g], bs) if online
                         else _exact_softmax_row(s, vals[:, g]))
    return out


@pytest.mark.parametrize("case", ["group4_bs64", "group16_bs64", "group2_bs128"])
def test_gqa_decode_matches_naive_per_head(case):
    x, r = _run("gqa_decode", case)

    np.testing.assert_allclose(r["out"], _gqa_naive(x, online=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r["out"], _gqa_naive(x, online=False), rtol=0, atol=2e-3)


def test_gqa_decode_equals_mha_on_repeated_kv_heads():
    x, r = _run("gqa_decode", "group4_bs64")
    group = x["query"].shape[1] // x["key_cache"].shape[2]
    mha = dict(x, key_cache=np.repeat(x["key_cache"], group, axis=2),
               value_cache=np.repeat(x["value_cache"], group, axis=2))

    np.testing.assert_allclose(_expected("gqa_decode", mha)["out"], r["out"], rtol=1e-6,
                               atol=1e-7)


def test_gqa_decode_zero_and_one_context():
    g = G["gqa_decode"]
    case = g.cases["group1_bs64"]  # ctx [70, 0, 1, 192]
    x, r = _run("gqa_decode", case)

    assert not r["out"][1].any()
    first = x["value_cache"][x["block_table"][2, 0], 0].astype(F32)  # (kv_heads, d)
    np.testing.assert_array_equal(r["out"][2], first)  # group 1: head h reads KV head h


def _mla_naive(x, online: bool) -> np.ndarray:
    q, kv = f64(x["query"]), f64(x["kv_cache"])
    bs = kv.shape[1]
    out = np.zeros(q.shape[:2] + (512,))
    for b, ctx in enumerate(x["context_lens"]):
        if ctx == 0:
            continue
        rows = np.concatenate([kv[i] for i in x["block_table"][b, :math.ceil(ctx / bs)]])
        rows = rows[:ctx]
        for h in range(q.shape[1]):
            s = rows @ q[b, h] * float(x["scale"])
            out[b, h] = (_online_row(s, rows[:, :512], bs) if online
                         else _exact_softmax_row(s, rows[:, :512]))
    return out


@pytest.mark.parametrize("case", ["small_b2", "ctx_edges"])
def test_mla_decode_matches_naive_per_head(case):
    x, r = _run("mla_decode", case)

    np.testing.assert_allclose(r["out"], _mla_naive(x, online=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r["out"], _mla_naive(x, online=False), rtol=0, atol=2e-3)


def test_mla_decode_values_are_the_latent_rows_and_rope_only_scores():
    x, r = _run("mla_decode", "ctx_edges")  # ctx [0, 63, 64, 65, 150]

    assert not r["out"][0].any()
    # With the rope half of the query zeroed, the rope half of the cache cannot matter.
    q = x["query"].copy()
    q[:, :, 512:] = 0
    kv = x["kv_cache"].copy()
    kv[:, :, 512:] = 5.0
    a = _expected("mla_decode", dict(x, query=q))["out"]
    b = _expected("mla_decode", dict(x, query=q, kv_cache=kv))["out"]
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    # ...while with the real query it does.
    assert not np.allclose(_expected("mla_decode", dict(x, kv_cache=kv))["out"], r["out"])


def test_mla_decode_context_one_returns_that_latent_row():
    x, r = _run("mla_decode", "small_b2")  # ctx [1, 100]

    row = x["kv_cache"][x["block_table"][0, 0], 0, :512].astype(F32)
    np.testing.assert_array_equal(r["out"][0], np.broadcast_to(row, r["out"][0].shape))


# --------------------------------------------------------------------------- norms


def test_rmsnorm_matmul_matches_naive_rows():
    x, r = _run("rmsnorm_matmul")
    xs, gamma, w, eps = f64(x["x"]), f64(x["gamma"][0]), f64(x["w"]), float(x["eps"])
    ref = np.zeros(r["out"].shape)
    exact = np.zeros(r["out"].shape)
    for i in range(xs.shape[0]):
        rr = 1.0 / math.sqrt(math.fsum(v * v for v in xs[i]) / xs.shape[1] + eps)
        xn = f64(round_bf16(xs[i] * rr * gamma))
        for j in range(w.shape[1]):
            ref[i, j] = math.fsum(xn * w[:, j])
            exact[i, j] = math.fsum(xs[i] * rr * gamma * w[:, j])

    np.testing.assert_allclose(r["out"], ref, rtol=1e-6, atol=1e-6)
    # Without the bf16 rounding of xn: close, but not equal.
    np.testing.assert_allclose(r["out"], exact, rtol=0, atol=2e-2)
    assert not np.allclose(r["out"], exact, rtol=0, atol=1e-5)


def test_rmsnorm_matmul_zero_row_and_eps():
    x, r = _run("rmsnorm_matmul", "m32_h1024_n256_tiny_x")

    assert not r["out"][0].any()
    # eps matters here: dropping it changes the result noticeably (rows 1.., as the zero
    # row would divide by zero).
    no_eps = _expected("rmsnorm_matmul",
                       dict(x, x=x["x"][1:], out=x["out"][1:], eps=np.asarray(0.0, F32)))["out"]
    assert np.abs(no_eps - r["out"][1:]).max() > 0.1


def test_layernorm_matches_naive_rows():
    x, r = _run("layernorm")
    xs, gamma, beta, eps = f64(x["x"]), f64(x["gamma"][0]), f64(x["beta"][0]), float(x["eps"])
    ref = np.zeros(xs.shape)
    for i in range(xs.shape[0]):
        row = list(xs[i])
        mean = math.fsum(row) / len(row)
        var = math.fsum((v - mean) ** 2 for v in row) / len(row)
        for j, v in enumerate(row):
            ref[i, j] = (v - mean) / math.sqrt(var + eps) * gamma[j] + beta[j]

    np.testing.assert_allclose(r["out"], ref, rtol=1e-6, atol=1e-6)


def test_layernorm_normalises_and_keeps_a_constant_row_at_beta():
    x, r = _run("layernorm", "m3_n8192_constant_row")
    np.testing.assert_array_equal(r["out"][0], x["beta"][0])

    plain = dict(x, gamma=np.ones_like(x["gamma"]), beta=np.zeros_like(x["beta"]))
    out = f64(_expected("layernorm", plain)["out"][1:])
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-6)
    var = float(x["eps"]) + f64(x["x"][1:]).var(axis=1)
    np.testing.assert_allclose(out.var(axis=1), 1 - float(x["eps"]) / var, rtol=1e-5)


def test_softmax_matches_naive_rows_and_sums_to_one():
    x, r = _run("softmax", "m6_n1024")
    ref = np.zeros(x["x"].shape)
    for i, row in enumerate(f64(x["x"])):
        top = max(row)
        e = [math.exp(v - top) for v in row]
        total = math.fsum(e)
        ref[i] = [v / total for v in e]

    np.testing.assert_allclose(r["out"], ref, rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(f64(r["out"]).sum(axis=1), 1.0, rtol=1e-5)
    n = x["x"].shape[1]
    np.testing.assert_array_equal(r["out"][0], np.float32(1.0 / n))  # the all-equal row
    spike = int(np.argmax(x["x"][2]))
    assert r["out"][2, spike] > 0.999
    # Shifting a row by a constant does not change its softmax.
    shifted = _expected("softmax", dict(x, x=x["x"] - np.float32(32.0)))["out"]
    np.testing.assert_allclose(shifted, r["out"], rtol=1e-5, atol=1e-12)


# --------------------------------------------------------------------------- matmuls


def test_swiglu_ffn_matches_naive_rows():
    x, r = _run("swiglu_ffn")
    xs, wg, wu, wd = (f64(x[k]) for k in ("x", "w_gate", "w_up", "w_down"))
    ref = np.zeros(r["out"].shape)
    exact = np.zeros(r["out"].shape)
    for i in range(xs.shape[0]):
        h = np.zeros(wg.shape[1])
        for j in range(wg.shape[1]):
            g = math.fsum(xs[i] * wg[:, j])
            u = math.fsum(xs[i] * wu[:, j])
            h[j] = g / (1.0 + math.exp(-g)) * u
        hr = f64(round_bf16(h))
        for j in range(wd.shape[1]):
            ref[i, j] = math.fsum(hr * wd[:, j])
            exact[i, j] = math.fsum(h * wd[:, j])

    np.testing.assert_allclose(r["out"], ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r["out"], exact, rtol=0, atol=1e-2)
    assert not np.allclose(r["out"], exact, rtol=0, atol=1e-6)


def test_w8a16_matmul_matches_naive_dot_products():
    x, r = _run("w8a16_matmul")
    xs, w, scale = f64(x["x"]), x["w"].astype(np.int64), f64(x["scale"][0])
    ref = np.zeros(r["out"].shape)
    for i in range(xs.shape[0]):
        for j in range(w.shape[1]):
            ref[i, j] = math.fsum(xs[i] * w[:, j]) * scale[j]

    np.testing.assert_allclose(r["out"], ref, rtol=1e-6, atol=1e-6)
    assert x["w"].min() >= -127 and x["w"].max() <= 127
    assert x["w"].min() < -100 and x["w"].max() > 100


def _int8_naive(x) -> np.ndarray:
    a, b = x["a"].astype(np.int64), x["b"].astype(np.int64)
    out = np.zeros((a.shape[0], b.shape[1]), dtype=BF16)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            acc = int(sum(int(u) * int(v) for u, v in zip(a[i], b[:, j])))
            y = np.float32(acc) * x["scale_a"][i, 0] * x["scale_b"][0, j]
            out[i, j] = to_bf16(y)
    return out


def test_int8_matmul_matches_naive_integer_sums_bit_for_bit():
    x, r = _run("int8_matmul")  # m16_k32_n16

    np.testing.assert_array_equal(r["out"].view(np.uint16), _int8_naive(x).view(np.uint16))


def test_int8_matmul_extremes():
    x, r = _run("int8_matmul", "m32_k2048_n32_extremes")
    k = x["a"].shape[1]

    acc = np.float32(-127 * 127 * k)
    expected = to_bf16(acc * x["scale_a"][0, 0] * x["scale_b"][0, 0])
    assert r["out"][0, 0] == expected and float(r["out"][0, 0]) < -100
    assert not r["out"][1].astype(F32).any()


def test_gemm_bias_gelu_matches_naive_elements():
    x, r = _run("gemm_bias_gelu")
    a, b, bias = f64(x["a"]), f64(x["b"]), f64(x["bias"][0])
    ref = np.zeros(r["out"].shape)
    c = math.sqrt(2.0 / math.pi)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            y = math.fsum(a[i] * b[:, j]) + bias[j]
            ref[i, j] = 0.5 * y * (1.0 + math.tanh(c * (y + 0.044715 * y ** 3)))

    # The output is bf16: at most one bf16 ulp from the rounded reference.
    np.testing.assert_allclose(f64(r["out"]), f64(to_bf16(ref)), rtol=2.0 ** -8, atol=1e-6)
    assert (f64(r["out"]) >= -0.171).all()  # gelu_tanh(y) > -0.1701 for every y


def test_bmm_transposed_matches_naive_loops():
    x, r = _run("bmm_transposed")  # b1_m16_n16_k16
    a, b = f64(x["a"]), f64(x["b"])
    ref = np.zeros(r["out"].shape)
    for i in range(a.shape[0]):
        for row in range(a.shape[1]):
            for col in range(b.shape[1]):
                ref[i, row, col] = math.fsum(a[i, row, t] * b[i, col, t]
                                             for t in range(a.shape[2]))

    np.testing.assert_allclose(r["out"], ref, rtol=1e-6, atol=1e-6)
    x2, r2 = _run("bmm_transposed", "b2_m48_n80_k144")
    for i in range(2):
        np.testing.assert_allclose(r2["out"][i], f64(x2["a"][i]) @ f64(x2["b"][i]).T,
                                   rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------- others


def test_rope_matches_naive_rotation():
    x, r = _run("rope", "t16_q8_kv2")
    for name, out in (("q", "q_out"), ("k", "k_out")):
        src = f64(x[name])
        ref = np.zeros(src.shape)
        for t in range(src.shape[0]):
            for h in range(src.shape[1]):
                for i in range(64):
                    c, s = float(x["cos"][t, i]), float(x["sin"][t, i])
                    x1, x2 = src[t, h, i], src[t, h, 64 + i]
                    ref[t, h, i] = x1 * c - x2 * s
                    ref[t, h, 64 + i] = x2 * c + x1 * s
        np.testing.assert_allclose(r[out], ref, rtol=1e-6, atol=1e-7)
        # A rotation keeps the length of every (x1_i, x2_i) pair.
        n_in = src[..., :64] ** 2 + src[..., 64:] ** 2
        n_out = f64(r[out][..., :64]) ** 2 + f64(r[out][..., 64:]) ** 2
        np.testing.assert_allclose(n_out, n_in, rtol=1e-5, atol=1e-7)
    # Token t sits at position t: angle t * 10000^(-2i/128).
    np.testing.assert_allclose(x["cos"][3, 0], math.cos(3.0), rtol=1e-6)
    np.testing.assert_allclose(x["sin"][5, 63], math.sin(5.0 * 10000 ** (-126 / 128)),
                               rtol=1e-6)


def test_rope_at_position_zero_is_the_identity():
    x, r = _run("rope", "t1_q1_kv1")

    np.testing.assert_array_equal(r["q_out"], x["q"])
    np.testing.assert_array_equal(r["k_out"], x["k"])


def _first_max(row) -> int:
    best, where = row[0], 0
    for j, v in enumerate(row):
        if v > best:
            best, where = v, j
    return where


@pytest.mark.parametrize("case", ["b7_v1000", "b7_v8"])
def test_argmax_matches_first_index_scan(case):
    x, r = _run("argmax", case)
    logits = x["logits"]
    vocab = logits.shape[1]

    assert r["out"][:, 0].tolist() == [_first_max(list(row)) for row in logits]
    kinds = G["argmax"].module.KINDS
    for i, row in enumerate(logits):
        top = row.max()
        hits = np.flatnonzero(row == top)
        kind = kinds[i % len(kinds)]
        if kind in ("tie_chunks", "negative", "ends", "tail_tie"):
            assert len(hits) == 2 and r["out"][i, 0] == hits[0]
        if kind == "tie_chunks" and vocab > 256:
            assert hits[0] // 256 != hits[1] // 256
        if kind == "negative" and vocab > 256:
            assert hits[0] // 256 == hits[1] // 256 and top < 0
        if kind == "tail_tie":
            assert hits[0] >= (vocab - 1) // 256 * 256
        if kind == "last":
            assert r["out"][i, 0] == vocab - 1
        if kind in ("equal", "ends"):
            assert r["out"][i, 0] == 0


def test_elementwise_matches_naive_elements():
    for case in ("m1_n128", "m7_n520_specials", "m4_n256_wide"):
        x, r = _run("elementwise", case)
        ref = np.zeros(x["x"].shape)
        for idx in np.ndindex(*x["x"].shape):
            a, b = float(x["x"][idx]), float(x["y"][idx])
            # sigmoid written in the overflow-free form, unlike the golden's
            sig = 1.0 / (1.0 + math.exp(-b)) if b >= 0 else math.exp(b) / (1.0 + math.exp(b))
            ref[idx] = (max(a, 0.0) * b + math.tanh(a) * sig
                        - math.sqrt(abs(a)) / (1.0 + math.exp(-abs(b))))
        np.testing.assert_allclose(r["out"], ref, rtol=1e-6, atol=1e-6)
    x, r = _run("elementwise", "m7_n520_specials")
    np.testing.assert_array_equal(r["out"][0, :3], [0.0, 0.0, 0.0])  # x = 0 or -0
    np.testing.assert_allclose(r["out"][0, 3], math.tanh(1.0) / 2 - 1.0 / 2, rtol=1e-6)
