// Conformance of the normalisation ops (ops/norm.h): each fast backend against ref, in float32
// and float64, contiguous and strided, and 1 vs 2 threads bit for bit on inputs large enough to
// be cut into blocks (also compared with ref there). One test per entry and output.
#include <cmath>

#include "conformance.h"
#include "mz/ops/norm.h"

namespace mz {
namespace {

using conformance::Entry;
using In = std::vector<Tensor>;

// A variance input drawn from [lo, hi] made positive (>= 0.5).
Tensor positive(const Tensor& v) { return abs(v) + 0.5; }

// Entries for each output of an op returning several: name_<output>.
template <class F>
void add_outputs(std::vector<Entry>& entries, const std::string& name,
                 const std::vector<std::string>& outputs, F f, std::vector<Shape> shapes,
                 std::vector<Shape> large) {
  for (std::size_t i = 0; i < outputs.size(); ++i)
    entries.push_back({.name = name + "_" + outputs[i],
                       .fn = [f, i](const In& x) { return f(x).at(i); },
                       .shapes = shapes,
                       .large = large,
                       .large_vs_ref = true});
}

std::vector<Entry> norm_entries() {
  std::vector<Entry> e;
  auto bn = [](const In& x) {
    BatchNormOutput r = batch_norm(x[0], x[1], x[2], 1e-3);
    return std::vector<Tensor>{r.y, r.mean, r.var};
  };
  // Channels of a CNN feature map: (batch, h, w, c); the large case is cut into row blocks.
  add_outputs(e, "batch_norm", {"y", "mean", "var"}, bn, {{4, 5, 3, 7}, {7}, {7}},
              {{2000, 40}, {40}, {40}});
  // Wide rows (a BN after Dense(600)): statistics in several column chunks per block.
  add_outputs(e, "batch_norm_wide", {"y", "mean", "var"}, bn, {{9, 600}, {600}, {600}},
              {{200, 600}, {600}, {600}});
  // A large mean: the shifted sums keep the variance exact.
  e.push_back({.name = "batch_norm_offset_var",
               .fn = [](const In& x) { return batch_norm(x[0] + 1000.0, x[1], x[2], 1e-3).var; },
               .shapes = {{64, 5}, {5}, {5}}});
  auto bn_grad = [](const In& x) {
    NormGrads g = batch_norm_grad(x[0], x[1], x[2], positive(x[3]), x[4], 1e-3);
    return std::vector<Tensor>{g.dx, g.dgamma, g.dbeta};
  };
  add_outputs(e, "batch_norm_grad", {"dx", "dgamma", "dbeta"}, bn_grad,
              {{6, 4, 5}, {6, 4, 5}, {5}, {5}, {5}}, {{2000, 40}, {2000, 40}, {40}, {40}, {40}});
  add_outputs(e, "batch_norm_grad_wide", {"dx", "dgamma", "dbeta"}, bn_grad,
              {{7, 300}, {7, 300}, {300}, {300}, {300}},
              {{200, 600}, {200, 600}, {600}, {600}, {600}});
  auto ln = [](int axes) {
    return [axes](const In& x) {
      return std::vector<Tensor>{layer_norm(x[0], x[1], x[2], axes, 1e-3)};
    };
  };
  add_outputs(e, "layer_norm", {"y"}, ln(1), {{6, 4, 37}, {37}, {37}}, {{700, 130}, {130}, {130}});
  add_outputs(e, "layer_norm_two_axes", {"y"}, ln(2), {{5, 6, 7}, {6, 7}, {6, 7}},
              {{100, 30, 40}, {30, 40}, {30, 40}});
  auto ln_grad = [](const In& x) {
    NormGrads g = layer_norm_grad(x[0], x[1], x[2], positive(x[3]), x[4], 1, 1e-3);
    return std::vector<Tensor>{g.dx, g.dgamma, g.dbeta};
  };
  add_outputs(e, "layer_norm_grad", {"dx", "dgamma", "dbeta"}, ln_grad,
              {{6, 4, 37}, {6, 4, 37}, {6, 4}, {6, 4}, {37}},
              {{700, 130}, {700, 130}, {700}, {700}, {130}});
  return e;
}

class NormConformance : public ::testing::TestWithParam<Entry> {};

TEST_P(NormConformance, MatchesRef) {
  for (Device d : testing::fast_backends())
    for (Op op : {Op::batch_norm, Op::batch_norm_grad, Op::layer_norm, Op::layer_norm_grad})
      if (kernel_table(d.type).get(op, DType::f32) ==
          kernel_table(DeviceType::ref).get(op, DType::f32))
        GTEST_SKIP() << d << " runs the ref kernel for " << op_name(op);
  conformance::check(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Ops, NormConformance, ::testing::ValuesIn(norm_entries()),
                         conformance::entry_name);

}  // namespace
}  // namespace mz
