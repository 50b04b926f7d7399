// Recurrence: fused LSTM and GRU cell steps (one kernel for the gate math of a step, one for its
// backward) and whole-sequence recurrences that the LSTM, GRU and SimpleRNN layers run on.
// Start at lstm_sequence(); the layers (nn/layers/lstm.h, ...) project the inputs of every step
// with one GEMM and hand the result here.
#pragma once

#include <tuple>
#include <utility>

#include "mz/backend/kernel.h"
#include "mz/core/tensor.h"

namespace mz {

// One LSTM step with Keras's default activations. gates (batch, 4 units) holds the
// pre-activations x @ kernel + h @ recurrent_kernel + bias in Keras's block order i, f, c, o;
// c_prev is (batch, units). i, f, o = sigmoid(.), g = tanh(.), c = f c_prev + i g,
// h = o tanh(c). Returns (2, batch, units): h, then c. Differentiable in both inputs.
// Throws ShapeError when gates is not (batch, 4 units) for c_prev's (batch, units).
Tensor lstm_cell(const Tensor& gates, const Tensor& c_prev);

// One GRU step, reset_after form (Keras's default and cuDNN's): xg = x @ kernel + input_bias
// and hg = h_prev @ recurrent_kernel + recurrent_bias, both (batch, 3 units) in Keras's block
// order z, r, h; h_prev is (batch, units). z = sigmoid(xz + hz), r = sigmoid(xr + hr),
// hh = tanh(xh + r hh_rec), h = z h_prev + (1 - z) hh. Returns h (batch, units);
// differentiable in all three inputs. Throws ShapeError on mismatched shapes.
Tensor gru_cell(const Tensor& xg, const Tensor& hg, const Tensor& h_prev);

// How a whole-sequence recurrence treats its steps (Keras's RNN call arguments).
struct RecurrenceOptions {
  // (batch, steps), any dtype, nonzero where a step is real. At a masked step every state keeps
  // its previous value and the output repeats the previous output (zeros before the first
  // real step), or is zero with zero_output_for_mask (Keras's backend.rnn). Undefined: no mask.
  Tensor mask{};
  // Steps run from the last to the first; outputs come in processing order (reversed).
  bool go_backwards = false;
  bool zero_output_for_mask = false;
};

// An LSTM layer's recurrence over precomputed input projections. xg (steps, batch, 4 units)
// is time-major: xg[t] = x_t @ kernel + bias; it may also come as (steps * batch, 4 units),
// the product of one GEMM over time-major rows. h0, c0 (batch, units) are the initial states,
// recurrent_kernel (units, 4 units). Each step runs one GEMM (h @ recurrent_kernel) and the
// fused lstm_cell kernel. Returns (steps + 2, batch, units): the outputs of the steps in
// processing order, then the final h and the final c. Differentiable in xg, h0, c0 and
// recurrent_kernel through one fused backward pass over time (one GEMM per step, plus one for
// the recurrent kernel's gradient). Throws ShapeError on mismatched shapes.
Tensor lstm_sequence(const Tensor& xg, const Tensor& h0, const Tensor& c0,
                     const Tensor& recurrent_kernel, const RecurrenceOptions& options = {});

// A GRU layer's recurrence (reset_after): xg (steps, batch, 3 units) (or its rows) =
// x_t @ kernel + input_bias, h0 (batch, units), recurrent_kernel (units, 3 units), recurrent_bias
// (3 units,) or undefined. Returns (steps + 1, batch, units): the outputs, then the final h.
// Differentiable in xg, h0, recurrent_kernel and recurrent_bias.
Tensor gru_sequence(const Tensor& xg, const Tensor& h0, const Tensor& recurrent_kernel,
                    const Tensor& recurrent_bias, const RecurrenceOptions& options = {});

// A SimpleRNN layer's recurrence: h_t = act(xg[t] + h_{t-1} @ recurrent_kernel) with xg
// (steps, batch, units) (or its rows) = x_t @ kernel + bias, act in {linear, relu, tanh, sigmoid}.
// Returns (steps + 1, batch, units): the outputs, then the final h. Differentiable in xg, h0 and
// recurrent_kernel.
Tensor simple_rnn_sequence(const Tensor& xg, const Tensor& h0, const Tensor& recurrent_kernel,
                           Act act, const RecurrenceOptions& options = {});

namespace detail {

// The backward of one LSTM step: from act (batch, 4 units), the activated gates
// [sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)] of the forward step, c_prev, c (the new cell
// state) and the gradients dh, dc of the new h and c, returns (d gates, d c_prev). Never
// recorded: backward passes run without a tape.
std::pair<Tensor, Tensor> lstm_cell_grad(const Tensor& act, const Tensor& c_prev, const Tensor& c,
                                         const Tensor& dh, const Tensor& dc);
// The activated gates of lstm_cell: [sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)], and h, c.
std::tuple<Tensor, Tensor, Tensor> lstm_cell_forward(const Tensor& gates, const Tensor& c_prev);

// The backward of one GRU step: from act (batch, 3 units) = [z, r, hh] of the forward step, hg,
// h_prev and dh, returns (d xg, d hg, the direct part dh z of d h_prev). Never recorded.
std::tuple<Tensor, Tensor, Tensor> gru_cell_grad(const Tensor& act, const Tensor& hg,
                                                 const Tensor& h_prev, const Tensor& dh);
// The activated gates [z, r, hh] of gru_cell, and h.
std::pair<Tensor, Tensor> gru_cell_forward(const Tensor& xg, const Tensor& hg,
                                           const Tensor& h_prev);

}  // namespace detail
}  // namespace mz
