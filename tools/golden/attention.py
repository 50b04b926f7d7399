#!/usr/bin/python3
# Golden files for the attention layers' parity tests (mz/nn/layers/{attention,
# additive_attention,multi_head_attention}_test.cpp): Keras 3's Attention (dot and concat
# scores), AdditiveAttention and MultiHeadAttention, forward and gradients, in float64.
#
#   /usr/bin/python3 tools/golden/attention.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Keras's computations are transcribed below in torch float64 (so autograd gives the
# gradients): Attention._calculate_scores/_calculate_score_mask/_apply_scores, AdditiveAttention
# ._calculate_scores, and MultiHeadAttention with Keras's own einsum equation builders
# (_build_proj_equation, _build_attention_equation), _compute_attention_mask, _masked_softmax
# and Softmax(mask) (scores + (1 - mask) * -1e9, then the softmax over the attention axes).
# The MultiHeadAttention transcription is checked against torch's own
# F.multi_head_attention_forward (Keras kernels reshaped to torch's projection matrices) on
# the case "mha_torch", with a key padding mask and a causal mask; the script stops if they
# differ by more than 1e-12.
#
# Writes tests/golden/attention/<case>_<name>.npy: the inputs (query, value, key), the masks
# as uint8 (query_mask, value_mask, attention_mask), the weights w0, w1, ... in Keras's
# weights order, the cotangent cot, the output out, the scores (the attention weights Keras
# returns with return_attention_scores=True), and the gradients of sum(out * cot): d_query,
# d_value, d_key, d_w0, d_w1, ...
import os
import string

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "attention")
DT = torch.float64


# ----- Attention and AdditiveAttention (keras/src/layers/attention/attention.py) -----

def attention(q, v, k, *, score_mode="dot", scale=None, concat_w=None, additive=False,
              q_mask=None, v_mask=None, causal=False):
    if additive:  # AdditiveAttention._calculate_scores
        t = torch.tanh(q[:, :, None, :] + k[:, None, :, :])
        scores = torch.sum((scale if scale is not None else 1.0) * t, dim=-1)
    elif score_mode == "dot":
        scores = q @ k.transpose(1, 2)
        if scale is not None:
            scores = scores * scale
    else:  # concat
        qk = q[:, :, None, :] + k[:, None, :, :]
        if scale is not None:
            scores = concat_w * torch.sum(torch.tanh(scale * qk), dim=-1)
        else:
            scores = concat_w * torch.sum(torch.tanh(qk), dim=-1)
    score_mask = None
    if v_mask is not None:
        score_mask = v_mask[:, None, :]
    if causal:
        tq, tv = scores.shape[-2], scores.shape[-1]
        c = (torch.arange(tq)[:, None] >= torch.arange(tv)[None, :])[None]
        score_mask = c if score_mask is None else (score_mask & c)
    if score_mask is not None:
        scores = scores - 1.0e9 * (~score_mask).to(DT)
    weights = torch.softmax(scores, dim=-1)
    out = weights @ v
    if q_mask is not None:
        out = out * q_mask[:, :, None].to(DT)
    return out, weights


# ----- MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py) -----

_CHR_IDX = string.ascii_lowercase


def _index_to_einsum_variable(i):
    return _CHR_IDX[i]


def _build_attention_equation(rank, attn_axes):
    target_notation = ""
    for i in range(rank):
        target_notation += _index_to_einsum_variable(i)
    batch_dims = tuple(np.delete(range(rank), attn_axes + (rank - 1,)))
    letter_offset = rank
    source_notation = ""
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source_notation += target_notation[i]
        else:
            source_notation += _index_to_einsum_variable(letter_offset)
            letter_offset += 1
    product_notation = (
        "".join([target_notation[i] for i in batch_dims])
        + "".join([target_notation[i] for i in attn_axes])
        + "".join([source_notation[i] for i in attn_axes])
    )
    dot_product_equation = "%s,%s->%s" % (source_notation, target_notation, product_notation)
    attn_scores_rank = len(product_notation)
    combine_equation = "%s,%s->%s" % (product_notation, source_notation, target_notation)
    return dot_product_equation, combine_equation, attn_scores_rank


def _build_proj_equation(free_dims, bound_dims, output_dims):
    input_str = ""
    kernel_str = ""
    output_str = ""
    bias_axes = ""
    letter_offset = 0
    for i in range(free_dims):
        char = _index_to_einsum_variable(i + letter_offset)
        input_str += char
        output_str += char
    letter_offset += free_dims
    for i in range(bound_dims):
        char = _index_to_einsum_variable(i + letter_offset)
        input_str += char
        kernel_str += char
    letter_offset += bound_dims
    for i in range(output_dims):
        char = _index_to_einsum_variable(i + letter_offset)
        kernel_str += char
        output_str += char
        bias_axes += char
    equation = f"{input_str},{kernel_str}->{output_str}"
    return equation, bias_axes, len(output_str)


def mha(query, value, key, w, *, num_heads, key_dim, value_dim, attention_axes=None,
        output_shape=None, use_bias=True, query_mask=None, value_mask=None, key_mask=None,
        attention_mask=None, use_causal_mask=False):
    """w: the weights in Keras's order (kernel, bias per projection; no biases without
    use_bias). Returns (output, attention_scores)."""
    if key is None:
        key = value
    it = iter(w)
    proj = {}
    for name in ("query", "key", "value", "attention_output"):
        proj[name] = (next(it), next(it) if use_bias else None)
    qr = query.dim()
    eq, _, out_rank = _build_proj_equation(qr - 1, bound_dims=1, output_dims=2)
    def dense(x, name, equation):
        kernel, bias = proj[name]
        y = torch.einsum(equation, x, kernel)
        return y + bias if bias is not None else y
    # Keras's _compute_attention_mask (on the raw inputs, before the projections).
    auto_mask = None
    if query_mask is not None:
        auto_mask = query_mask.bool()[..., None]
    if value_mask is not None:
        m = value_mask.bool()[..., None, :]
        auto_mask = m if auto_mask is None else auto_mask & m
    if key_mask is not None:
        m = key_mask.bool()[..., None, :]
        auto_mask = m if auto_mask is None else auto_mask & m
    if use_causal_mask:
        tq, tv = query.shape[1], value.shape[1]
        ones = torch.ones((1, tq, tv), dtype=torch.int32)
        m = torch.cumsum(ones, dim=-2) >= torch.cumsum(ones, dim=-1)
        auto_mask = m if auto_mask is None else auto_mask & m
    if attention_mask is not None:
        attention_mask = attention_mask.bool()
    if auto_mask is not None:
        attention_mask = auto_mask if attention_mask is None else attention_mask & auto_mask
    q = dense(query, "query", eq)
    k = dense(key, "key", _build_proj_equation(key.dim() - 1, 1, 2)[0])
    v = dense(value, "value", _build_proj_equation(value.dim() - 1, 1, 2)[0])
    rank = out_rank
    axes = tuple(range(1, rank - 2)) if attention_axes is None else tuple(
        a if a >= 0 else (rank - 1) + a for a in attention_axes)
    dot_eq, combine_eq, scores_rank = _build_attention_equation(rank, axes)
    norm_axes = tuple(range(scores_rank - len(axes), scores_rank))
    q = q * (1.0 / np.sqrt(float(key_dim)))
    scores = torch.einsum(dot_eq, k, q)
    mask = attention_mask
    if mask is not None:
        axis = -len(axes) * 2 - 1
        for _ in range(scores.dim() - mask.dim()):
            mask = mask.unsqueeze(axis)
        scores = scores + (1.0 - mask.to(DT)) * -1.0e9
    if len(norm_axes) > 1:
        probs = torch.exp(scores - torch.logsumexp(scores, dim=norm_axes, keepdim=True))
    else:
        probs = torch.softmax(scores, dim=norm_axes[0])
    ctx = torch.einsum(combine_eq, probs, v)
    out_shape = list(output_shape) if output_shape else [query.shape[-1]]
    eq_out, _, _ = _build_proj_equation(qr - 1, bound_dims=2, output_dims=len(out_shape))
    return dense(ctx, "attention_output", eq_out), probs


# ----- cases -----

def leaf(a):
    return torch.tensor(a, dtype=DT, requires_grad=True)


def save(case, arrays):
    os.makedirs(OUT, exist_ok=True)
    for name, a in arrays.items():
        if isinstance(a, torch.Tensor):
            a = a.detach().numpy()
        np.save(os.path.join(OUT, f"{case}_{name}.npy"), a)


def run(case, fn, inputs, weights, masks, rng):
    """fn(inputs, weights) -> (out, scores); saves everything and the gradients of
    sum(out * cot)."""
    xs = {n: leaf(a) for n, a in inputs.items()}
    ws = [leaf(a) for a in weights]
    out, scores = fn(xs, ws)
    cot = rng.normal(0.0, 1.0, size=tuple(out.shape))
    torch.sum(out * torch.tensor(cot, dtype=DT)).backward()
    arrays = dict(inputs)
    arrays.update({n: m.astype(np.uint8) for n, m in masks.items()})
    for i, w in enumerate(weights):
        arrays[f"w{i}"] = w
    arrays["cot"] = cot
    arrays["out"] = out
    arrays["scores"] = scores
    for n, x in xs.items():
        arrays[f"d_{n}"] = x.grad
    for i, w in enumerate(ws):
        arrays[f"d_w{i}"] = w.grad
    save(case, arrays)
    return out, scores


def mha_weights(rng, dims, n, key_dim, value_dim, out_shape, use_bias=True):
    dq, dk, dv = dims
    shapes = [((dq, n, key_dim), (n, key_dim)), ((dk, n, key_dim), (n, key_dim)),
              ((dv, n, value_dim), (n, value_dim)),
              ((n, value_dim) + tuple(out_shape), tuple(out_shape))]
    w = []
    for kernel, bias in shapes:
        w.append(rng.normal(0.0, 0.5, size=kernel))
        if use_bias:
            w.append(rng.normal(0.0, 0.2, size=bias))
    return w


def check_against_torch(inputs, weights, masks, out, scores):
    """torch's own multi-head attention on the mha_torch case (E = 4, 2 heads of 2)."""
    q = torch.tensor(inputs["query"]).transpose(0, 1)  # (L, B, E)
    k = torch.tensor(inputs["key"]).transpose(0, 1)
    v = torch.tensor(inputs["value"]).transpose(0, 1)
    e = q.shape[-1]
    wq, bq, wk, bk, wv, bv, wo, bo = [torch.tensor(a) for a in weights]
    to_torch = lambda kernel: kernel.reshape(kernel.shape[0], -1).T.contiguous()
    tq, tv = q.shape[0], v.shape[0]
    causal = torch.triu(torch.ones(tq, tv, dtype=torch.bool), diagonal=1)  # True = masked
    o, attn = F.multi_head_attention_forward(
        q, k, v, e, 2, None, torch.cat([bq.reshape(-1), bk.reshape(-1), bv.reshape(-1)]),
        None, None, False, 0.0, wo.reshape(-1, e).T.contiguous(), bo, training=False,
        key_padding_mask=torch.tensor(masks["value_mask"] == 0), need_weights=True,
        attn_mask=causal, use_separate_proj_weight=True, q_proj_weight=to_torch(wq),
        k_proj_weight=to_torch(wk), v_proj_weight=to_torch(wv), average_attn_weights=False)
    d_out = np.abs(o.transpose(0, 1).numpy() - out.detach().numpy()).max()
    d_scores = np.abs(attn.numpy() - scores.detach().numpy()).max()
    assert d_out < 1e-12 and d_scores < 1e-12, (d_out, d_scores)
    print(f"mha_torch: torch's multi_head_attention_forward agrees (out {d_out:.1e}, "
          f"scores {d_scores:.1e})")


def main():
    rng = np.random.default_rng(20261127)
    normal = lambda *s: rng.normal(0.0, 1.0, size=s)

    # Attention, dot scores with a scale, a separate key, value and query masks, causal.
    inputs = {"query": normal(2, 3, 4), "value": normal(2, 5, 3), "key": normal(2, 5, 4)}
    masks = {"query_mask": np.array([[1, 1, 1], [1, 1, 0]]),
             "value_mask": np.array([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]])}
    weights = [np.array(0.7)]
    bm = {n: torch.tensor(m.astype(bool)) for n, m in masks.items()}
    run("att_dot", lambda x, w: attention(x["query"], x["value"], x["key"], scale=w[0],
                                          q_mask=bm["query_mask"], v_mask=bm["value_mask"],
                                          causal=True),
        inputs, weights, masks, rng)

    # Attention, concat scores with a scale, key = value, a value mask.
    inputs = {"query": normal(2, 3, 4), "value": normal(2, 5, 4)}
    masks = {"value_mask": np.array([[1, 1, 0, 1, 1], [1, 1, 1, 1, 0]])}
    weights = [np.array(0.8), np.array(1.2)]
    bm = {n: torch.tensor(m.astype(bool)) for n, m in masks.items()}
    run("att_concat", lambda x, w: attention(x["query"], x["value"], x["value"],
                                             score_mode="concat", scale=w[0], concat_w=w[1],
                                             v_mask=bm["value_mask"]),
        inputs, weights, masks, rng)

    # AdditiveAttention with its (dim,) scale, a separate key, query and value masks.
    inputs = {"query": normal(2, 3, 4), "value": normal(2, 5, 3), "key": normal(2, 5, 4)}
    masks = {"query_mask": np.array([[1, 0, 1], [1, 1, 1]]),
             "value_mask": np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])}
    weights = [rng.normal(0.0, 0.7, size=4)]
    bm = {n: torch.tensor(m.astype(bool)) for n, m in masks.items()}
    run("additive", lambda x, w: attention(x["query"], x["value"], x["key"], scale=w[0],
                                           additive=True, q_mask=bm["query_mask"],
                                           v_mask=bm["value_mask"]),
        inputs, weights, masks, rng)

    # MultiHeadAttention, no masks: 2 heads, key_dim 3, value_dim 2, a separate key.
    inputs = {"query": normal(2, 3, 4), "value": normal(2, 5, 6), "key": normal(2, 5, 5)}
    weights = mha_weights(rng, (4, 5, 6), 2, 3, 2, (4,))
    run("mha_plain", lambda x, w: mha(x["query"], x["value"], x["key"], w, num_heads=2,
                                      key_dim=3, value_dim=2),
        inputs, weights, {}, rng)

    # MultiHeadAttention, masks: query and value masks, an attention mask and the causal mask.
    inputs = {"query": normal(2, 4, 4), "value": normal(2, 4, 3)}
    masks = {"query_mask": np.array([[1, 1, 1, 0], [1, 1, 1, 1]]),
             "value_mask": np.array([[1, 1, 0, 1], [1, 1, 1, 0]]),
             "attention_mask": rng.uniform(size=(2, 4, 4)) < 0.8}
    masks["attention_mask"][:, :, 0] = True
    weights = mha_weights(rng, (4, 3, 3), 2, 2, 2, (4,))
    tm = {n: torch.tensor(m.astype(bool)) for n, m in masks.items()}
    run("mha_masked", lambda x, w: mha(x["query"], x["value"], None, w, num_heads=2, key_dim=2,
                                       value_dim=2, query_mask=tm["query_mask"],
                                       value_mask=tm["value_mask"],
                                       attention_mask=tm["attention_mask"],
                                       use_causal_mask=True),
        inputs, weights, masks, rng)

    # MultiHeadAttention over axis 2 (given as -2) of a rank-4 query, output_shape (2, 3), no
    # biases.
    inputs = {"query": normal(2, 2, 3, 4), "value": normal(2, 2, 5, 3)}
    weights = mha_weights(rng, (4, 3, 3), 2, 2, 3, (2, 3), use_bias=False)
    run("mha_axes", lambda x, w: mha(x["query"], x["value"], None, w, num_heads=2, key_dim=2,
                                     value_dim=3, attention_axes=(-2,), output_shape=(2, 3),
                                     use_bias=False),
        inputs, weights, {}, rng)

    # MultiHeadAttention over the default axes (1, 2) of a rank-4 query: a two-axis softmax.
    inputs = {"query": normal(2, 2, 3, 4), "value": normal(2, 3, 2, 4)}
    weights = mha_weights(rng, (4, 4, 4), 3, 2, 2, (4,))
    run("mha_axes2", lambda x, w: mha(x["query"], x["value"], None, w, num_heads=3, key_dim=2,
                                      value_dim=2),
        inputs, weights, {}, rng)

    # The torch cross-check: E = 4, 2 heads of 2, key and value of their own widths, a value
    # (key padding) mask and the causal mask.
    inputs = {"query": normal(2, 4, 4), "value": normal(2, 5, 3), "key": normal(2, 5, 6)}
    masks = {"value_mask": np.array([[1, 1, 1, 1, 0], [1, 1, 0, 1, 1]])}
    weights = mha_weights(rng, (4, 6, 3), 2, 2, 2, (4,))
    tm = {n: torch.tensor(m.astype(bool)) for n, m in masks.items()}
    out, scores = run("mha_torch", lambda x, w: mha(x["query"], x["value"], x["key"], w,
                                                    num_heads=2, key_dim=2, value_dim=2,
                                                    value_mask=tm["value_mask"],
                                                    use_causal_mask=True),
                      inputs, weights, masks, rng)
    check_against_torch(inputs, weights, masks, out, scores)


if __name__ == "__main__":
    main()
