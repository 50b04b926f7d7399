// Conformance of the pooling ops (ops/pool.h): max_pool, avg_pool and their gradient kernels
// (reached through backward with a given upstream gradient) on every fast backend against ref,
// over 1 to 3 spatial axes, "valid" and "same", overlapping and strided windows, with 1 and 2
// threads bit for bit on inputs large enough to be split (and more than 64 channels, the cpu
// gradients' channel block).
#include "conformance.h"
#include "mz/ops/pool.h"

namespace mz {
namespace {

using conformance::Entry;
using In = std::vector<Tensor>;

struct Geometry {
  std::string name;
  Shape x;
  std::vector<int64_t> pool, strides;
  std::string padding;
};

const std::vector<Geometry>& geometries() {
  static const std::vector<Geometry> g = {
      {"1d_valid", {3, 11, 5}, {3}, {2}, "valid"},
      {"1d_same", {3, 10, 5}, {4}, {1}, "same"},
      {"2d_valid", {2, 9, 8, 6}, {3, 2}, {2, 2}, "valid"},
      {"2d_same", {2, 9, 8, 6}, {3, 3}, {2, 1}, "same"},
      {"3d_same", {2, 5, 4, 6, 3}, {2, 3, 2}, {2, 1, 2}, "same"},
      {"3d_valid", {1, 4, 5, 4, 7}, {2}, {}, "valid"},
  };
  return g;
}

// The upstream gradient's shape for geometry g.
Shape out_shape(const Geometry& g, const Shape& x) {
  return pool_output_shape(x, g.pool, g.strides, g.padding);
}

// d sum(pool(x) * dy) / dx with dy = in[1], through autograd (the *_pool_grad kernels).
Tensor grad_through(bool max, const Geometry& g, const In& in) {
  EnableGrad grad_on;
  Tensor leaf = in[0].detach();
  leaf.set_requires_grad();
  Tensor y = max ? max_pool(leaf, g.pool, g.strides, g.padding)
                 : avg_pool(leaf, g.pool, g.strides, g.padding);
  y.backward(in[1]);
  return leaf.grad();
}

std::vector<Entry> pool_entries() {
  std::vector<Entry> e;
  for (const Geometry& g : geometries()) {
    // Large: several output rows and two channel blocks of the cpu gradient kernels.
    Shape large = g.x;
    large[0] = g.x.rank() == 3 ? 4 : 2;
    large[large.rank() - 1] = 80;
    for (int i = 1; i + 1 < large.rank(); ++i)
      large[i] = g.x.rank() == 3 ? 257 : g.x.rank() == 4 ? 24 : 8;
    for (bool max : {true, false}) {
      const std::string kind = max ? "max_pool_" : "avg_pool_";
      e.push_back({.name = kind + g.name,
                   .fn =
                       [g, max](const In& in) {
                         return max ? max_pool(in[0], g.pool, g.strides, g.padding)
                                    : avg_pool(in[0], g.pool, g.strides, g.padding);
                       },
                   .shapes = {g.x},
                   .large = {large},
                   .large_vs_ref = true});
      e.push_back({.name = kind + "grad_" + g.name,
                   .fn = [g, max](const In& in) { return grad_through(max, g, in); },
                   .shapes = {g.x, out_shape(g, g.x)},
                   .large = {large, out_shape(g, large)},
                   .large_vs_ref = true});
    }
  }
  return e;
}

class PoolConformance : public ::testing::TestWithParam<Entry> {};
TEST_P(PoolConformance, MatchesRef) { conformance::check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, PoolConformance, ::testing::ValuesIn(pool_entries()),
                         conformance::entry_name);

}  // namespace
}  // namespace mz
