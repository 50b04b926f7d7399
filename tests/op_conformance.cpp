// Conformance of every op of ops/arith.h, ops/activation.h and ops/reduce.h: each fast backend
// against ref (tests/conformance.h runs the variants). One test per entry.
#include "conformance.h"

namespace mz {
namespace {

using conformance::binary;
using conformance::Entry;
using conformance::unary;
using In = std::vector<Tensor>;

Tensor zero_like(const Tensor& t) {
  return scalar(0.0, {.dtype = t.dtype(), .device = t.device()});
}

std::vector<Entry> arith_entries() {
  std::vector<Entry> e = {
      binary("add", [](const In& x) { return x[0] + x[1]; }),
      binary("sub", [](const In& x) { return x[0] - x[1]; }),
      binary("mul", [](const In& x) { return x[0] * x[1]; }),
      binary("div", [](const In& x) { return x[0] / x[1]; }),
      binary(
          "pow", [](const In& x) { return pow(x[0], x[1]); }, 0.05, 3.0),
      binary("maximum", [](const In& x) { return maximum(x[0], x[1]); }),
      binary("minimum", [](const In& x) { return minimum(x[0], x[1]); }),
      // About half the pairs are equal.
      binary("eq",
             [](const In& x) { return eq(x[0], where(gt(x[1], zero_like(x[1])), x[0], x[1])); }),
      binary("ne", [](const In& x) { return ne(x[0], x[1]); }),
      binary("lt", [](const In& x) { return lt(x[0], x[1]); }),
      binary("le", [](const In& x) { return le(x[0], x[1]); }),
      binary("gt", [](const In& x) { return gt(x[0], x[1]); }),
      binary("ge", [](const In& x) { return ge(x[0], x[1]); }),
      binary("where", [](const In& x) { return where(gt(x[0], x[1]), x[0], x[1]); }),
      binary("where_scalar_zero",
             [](const In& x) { return where(gt(x[1], zero_like(x[1])), x[0], zero_like(x[0])); }),
      // In place on a fresh tensor of the broadcast shape (the inputs are shared by runs).
      binary("add_in_place",
             [](const In& x) {
               Tensor a = maximum(x[0], x[1]);
               return add_(a, x[1], -0.5);
             }),
      binary("mul_in_place",
             [](const In& x) {
               Tensor a = maximum(x[0], x[1]);
               return mul_(a, x[1]);
             }),
      unary("neg", [](const In& x) { return neg(x[0]); }),
      unary("abs", [](const In& x) { return abs(x[0]); }),
      unary("sign", [](const In& x) { return sign(x[0]); }),
      unary(
          "sqrt", [](const In& x) { return sqrt(x[0]); }, 0.0, 5.0),
      unary(
          "rsqrt", [](const In& x) { return rsqrt(x[0]); }, 0.01, 5.0),
      unary(
          "exp", [](const In& x) { return exp(x[0]); }, -20.0, 20.0),
      unary(
          "log", [](const In& x) { return log(x[0]); }, 1e-3, 50.0),
      unary(
          "log1p", [](const In& x) { return log1p(x[0]); }, -0.99, 5.0),
      unary("square", [](const In& x) { return square(x[0]); }),
      unary("clip", [](const In& x) { return clip(x[0], -1.0, 0.5); }),
      unary("add_scalar", [](const In& x) { return x[0] + 1.25; }),
      unary("sub_scalar", [](const In& x) { return 2.0 - x[0]; }),
      unary("mul_scalar", [](const In& x) { return x[0] * -1.5; }),
      unary("div_scalar", [](const In& x) { return x[0] / 3.0; }),
      unary("scalar_div", [](const In& x) { return 3.0 / x[0]; }),
      unary(
          "pow_scalar", [](const In& x) { return pow(x[0], 2.5); }, 0.0, 4.0),
      unary("pow_2", [](const In& x) { return pow(x[0], 2.0); }),
      unary("pow_minus_1", [](const In& x) { return pow(x[0], -1.0); }),
      unary("add_scalar_in_place",
            [](const In& x) {
              Tensor a = x[0].clone();
              return add_(a, 0.75);
            }),
      unary("mul_scalar_in_place",
            [](const In& x) {
              Tensor a = x[0].clone();
              return mul_(a, 0.75);
            }),
  };
  // sum_to reduces a broadcast gradient back: (rows, cols) -> (cols,) and (rows, 1).
  e.push_back({.name = "sum_to_row",
               .fn = [](const In& x) { return sum_to(x[0], {x[0].size(-1)}); },
               .shapes = {{7, 13}},
               .large = {{200, 501}},
               .large_vs_ref = true});
  e.push_back({.name = "sum_to_column",
               .fn =
                   [](const In& x) {
                     return sum_to(x[0], {x[0].size(0), 1});
                   },
               .shapes = {{7, 13}},
               .large = {{200, 501}},
               .large_vs_ref = true});
  return e;
}

std::vector<Entry> activation_entries() {
  std::vector<Entry> e = {
      unary("relu", [](const In& x) { return relu(x[0]); }),
      unary(
          "relu6", [](const In& x) { return relu6(x[0]); }, -2.0, 8.0),
      unary("leaky_relu", [](const In& x) { return leaky_relu(x[0]); }),
      unary("leaky_relu_slope", [](const In& x) { return leaky_relu(x[0], 0.01); }),
      unary(
          "elu", [](const In& x) { return elu(x[0]); }, -6.0, 3.0),
      unary(
          "elu_alpha", [](const In& x) { return elu(x[0], 0.3); }, -1.0, 1.0),
      unary(
          "selu", [](const In& x) { return selu(x[0]); }, -6.0, 3.0),
      unary(
          "gelu", [](const In& x) { return gelu(x[0]); }, -6.0, 6.0),
      unary(
          "gelu_tanh", [](const In& x) { return gelu(x[0], true); }, -6.0, 6.0),
      unary(
          "sigmoid", [](const In& x) { return sigmoid(x[0]); }, -20.0, 20.0),
      unary(
          "hard_sigmoid", [](const In& x) { return hard_sigmoid(x[0]); }, -5.0, 5.0),
      unary(
          "tanh", [](const In& x) { return tanh(x[0]); }, -5.0, 5.0),
      unary(
          "softplus", [](const In& x) { return softplus(x[0]); }, -20.0, 20.0),
      unary("softsign", [](const In& x) { return softsign(x[0]); }),
      unary(
          "silu", [](const In& x) { return silu(x[0]); }, -10.0, 10.0),
      unary("exponential", [](const In& x) { return activation("exponential", x[0]); }),
      binary("act_grad_linear", [](const In& x) { return act_grad(x[0], x[1], Act::linear); }),
      binary("act_grad_relu", [](const In& x) { return act_grad(x[0], x[1], Act::relu); }),
      binary("act_grad_tanh", [](const In& x) { return act_grad(x[0], x[1], Act::tanh); }),
      binary("act_grad_sigmoid", [](const In& x) { return act_grad(x[0], x[1], Act::sigmoid); }),
  };
  // act_grad takes two tensors of one shape: no broadcasting.
  for (Entry& a : e)
    if (a.name.rfind("act_grad", 0) == 0) a.broadcast = false;
  return e;
}

// A reduction entry over (7, 13, 5) inputs. The cpu backend's blocked paths only run on
// large inputs, so `large` is compared with ref too unless the op is composed of checked ones.
Entry reduction(std::string name, conformance::OpFn fn, std::vector<Shape> large,
                bool specials = false, bool large_vs_ref = true) {
  return {.name = std::move(name),
          .fn = std::move(fn),
          .shapes = {{7, 13, 5}},
          .specials = specials,
          .large = std::move(large),
          .large_vs_ref = large_vs_ref};
}

std::vector<Entry> reduce_entries() {
  using R = Tensor (*)(const Tensor&, const std::vector<int>&, bool);
  std::vector<Entry> e;
  for (auto [name, fn] : std::vector<std::pair<std::string, R>>{
           {"sum", sum}, {"mean", mean}, {"max", max}, {"min", min}}) {
    // All axes: one long row in blocks (specials: NaN propagates).
    e.push_back(reduction(
        name + "_all", [fn](const In& x) { return fn(x[0], {}, false); }, {{100003}}, true));
    // The last axis: rows, each in blocks.
    e.push_back(reduction(name + "_last", [fn](const In& x) { return fn(x[0], {-1}, false); },
                          {{3, 40001}}));
    // The first axis: columns, in blocks of rows.
    e.push_back(reduction(name + "_first", [fn](const In& x) { return fn(x[0], {0}, true); },
                          {{400, 5, 50}}));
    // A middle axis: (outer, reduce, inner).
    e.push_back(reduction(name + "_middle", [fn](const In& x) { return fn(x[0], {1}, false); },
                          {{20, 50, 101}}));
    e.push_back(reduction(name + "_keep_last2",
                          [fn](const In& x) {
                            return fn(x[0], {-2, -1}, true);
                          },
                          {{20, 50, 101}}));
    // Non-adjacent axes: the cpu backend runs ref.
    e.push_back(reduction(name + "_outer_inner",
                          [fn](const In& x) {
                            return fn(x[0], {0, 2}, true);
                          },
                          {}));
  }
  // Compositions of the reductions above and element-wise ops.
  for (auto [name, fn] : std::vector<std::pair<std::string, R>>{
           {"var", var}, {"std", mz::std}, {"logsumexp", logsumexp}}) {
    e.push_back(reduction(
        name + "_all", [fn](const In& x) { return fn(x[0], {}, false); }, {{100003}}, false,
        false));
    e.push_back(reduction(
        name + "_last", [fn](const In& x) { return fn(x[0], {-1}, true); }, {{20, 50, 101}}, false,
        false));
    e.push_back(reduction(name + "_first", [fn](const In& x) { return fn(x[0], {0}, false); }, {}));
  }
  e.push_back(reduction("argmax", [](const In& x) { return argmax(x[0], 1); }, {}));
  e.push_back(reduction("argmin", [](const In& x) { return argmin(x[0], -1, true); }, {}));
  return e;
}

class ArithConformance : public ::testing::TestWithParam<Entry> {};
TEST_P(ArithConformance, MatchesRef) { conformance::check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, ArithConformance, ::testing::ValuesIn(arith_entries()),
                         conformance::entry_name);

class ActivationConformance : public ::testing::TestWithParam<Entry> {};
TEST_P(ActivationConformance, MatchesRef) { conformance::check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, ActivationConformance, ::testing::ValuesIn(activation_entries()),
                         conformance::entry_name);

class ReduceConformance : public ::testing::TestWithParam<Entry> {};
TEST_P(ReduceConformance, MatchesRef) { conformance::check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, ReduceConformance, ::testing::ValuesIn(reduce_entries()),
                         conformance::entry_name);

}  // namespace
}  // namespace mz
