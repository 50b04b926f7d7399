// Backend conformance for matmul, linear, softmax and the index ops: each case runs on ref and
// on every fast backend with the same inputs and is compared at float32 rtol 1e-5, float64
// rtol 1e-12 (plus a tiny atol for values near 0). A backend that runs the ref kernel for an
// (op, dtype) is reported as skipped, never as passed.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using Inputs = std::vector<Tensor>;

struct Case {
  std::string name;
  Op op;  // the kernel under test
  // Makes the inputs in `dtype` on ref (floating inputs are drawn from a fixed seed).
  std::function<Inputs(DType)> make;
  std::function<Tensor(const Inputs&)> run;
};

// GoogleTest prints a case by its name (ctest lists the parameter).
void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

// Values in [lo, hi) on ref. Products use positive inputs so that float32 sums do not cancel
// (cancellation would make the relative tolerance meaningless, not the kernel wrong).
Tensor draw(const Shape& shape, DType dtype, uint64_t seed, double lo = 0.0, double hi = 1.0) {
  Generator gen(seed);
  return uniform(shape, lo, hi, {.dtype = dtype, .device = Device::ref()}, gen);
}
Tensor indices(std::vector<int64_t> v, const Shape& shape) {
  return tensor(v, shape, {.dtype = DType::i64, .device = Device::ref()});
}

// (x, w, b) for linear: z = x w + b of order 1, both signs.
Inputs dense_inputs(const Shape& x, int64_t in, int64_t out, DType d, bool bias) {
  Inputs v = {draw(x, d, 11), draw({in, out}, d, 12, -2.0, 2.0) * (1.0 / std::sqrt(double(in)))};
  if (bias) v.push_back(draw({out}, d, 13, -0.5, 0.5));
  return v;
}

std::vector<Case> cases() {
  std::vector<Case> c;
  auto mm = [](const Inputs& v) { return matmul(v[0], v[1]); };
  auto add_mm = [&](const std::string& name, Shape a, Shape b) {
    c.push_back({name, Op::matmul,
                 [=](DType d) {
                   return Inputs{draw(a, d, 1), draw(b, d, 2)};
                 },
                 mm});
  };
  add_mm("matmul_2d", {33, 70}, {70, 45});
  add_mm("matmul_split_rows", {200, 160}, {160, 160});  // cut in blocks across threads
  add_mm("matmul_split_cols", {64, 160}, {160, 512});
  add_mm("matmul_batched_broadcast", {2, 1, 17, 30}, {3, 30, 20});
  add_mm("matmul_shared_weight", {3, 17, 30}, {30, 20});   // folded into one tall product
  add_mm("matmul_row_times_matrix", {1, 300}, {300, 70});  // gemv
  add_mm("matmul_matrix_times_column", {70, 300}, {300, 1});
  add_mm("matmul_vector_promotion", {300}, {300, 70});
  // The AVX-512 gemv's tiles of 128 and 16 columns and its masked tail; K not a multiple of 4.
  add_mm("matmul_row_times_wide_matrix", {1, 301}, {301, 300});
  add_mm("matmul_row_times_narrow_matrix", {1, 7}, {7, 13});
  // K <= 4: the small-K product (a tiny layer's input, an outer product), any N.
  add_mm("matmul_k1_outer_product", {50, 1}, {1, 37});
  add_mm("matmul_k2", {300, 2}, {2, 16});
  add_mm("matmul_k4", {9, 4}, {4, 70});
  c.push_back({"matmul_k3_transposed_left", Op::matmul,
               [](DType d) {
                 return Inputs{draw({3, 40}, d, 11), draw({3, 21}, d, 12)};
               },
               [](const Inputs& v) { return matmul(v[0].mT(), v[1]); }});
  c.push_back({"matmul_row_view_times_matrix", Op::matmul,  // x with a stride: a column's view
               [](DType d) {
                 return Inputs{draw({150, 2}, d, 13), draw({150, 40}, d, 14)};
               },
               [](const Inputs& v) { return matmul(v[0].slice(1, 0, 1).mT(), v[1]); }});
  c.push_back({"matmul_transposed_views", Op::matmul,
               [](DType d) {
                 return Inputs{draw({70, 33}, d, 3), draw({45, 70}, d, 4)};
               },
               [](const Inputs& v) { return matmul(v[0].mT(), v[1].mT()); }});
  c.push_back({"matmul_batched_transposed", Op::matmul,
               [](DType d) {
                 return Inputs{draw({4, 30, 17}, d, 5), draw({4, 20, 30}, d, 6)};
               },
               [](const Inputs& v) { return matmul(v[0].mT(), v[1].mT()); }});

  for (Act act : {Act::linear, Act::relu, Act::tanh, Act::sigmoid}) {
    const std::string a = act == Act::linear ? "linear"
                          : act == Act::relu ? "relu"
                          : act == Act::tanh ? "tanh"
                                             : "sigmoid";
    auto with_bias = [act](const Inputs& v) { return linear(v[0], v[1], v[2], act); };
    c.push_back({"linear_" + a, Op::linear,
                 [](DType d) {
                   return dense_inputs({64, 100}, 100, 130, d, true);
                 },
                 with_bias});
    c.push_back({"linear_" + a + "_no_bias", Op::linear,
                 [](DType d) {
                   return dense_inputs({5, 9, 40}, 40, 30, d, false);
                 },
                 [act](const Inputs& v) { return linear(v[0], v[1], Tensor(), act); }});
    c.push_back({"linear_" + a + "_batch_of_one", Op::linear,
                 [](DType d) {
                   return dense_inputs({1, 300}, 300, 70, d, true);
                 },
                 with_bias});
    c.push_back({"linear_" + a + "_split", Op::linear,
                 [](DType d) {
                   return dense_inputs({128, 200}, 200, 200, d, true);
                 },
                 with_bias});
  }
  c.push_back({"linear_transposed_weight", Op::linear,
               [](DType d) {
                 return dense_inputs({20, 50}, 50, 30, d, true);
               },
               [](const Inputs& v) {
                 return linear(v[0], v[1].contiguous().mT().contiguous().mT(), v[2], Act::tanh);
               }});

  for (bool log_form : {false, true}) {
    const std::string n = log_form ? "log_softmax" : "softmax";
    const Op op = log_form ? Op::log_softmax : Op::softmax;
    auto f = [log_form](const Tensor& x, int axis) {
      return log_form ? log_softmax(x, axis) : softmax(x, axis);
    };
    c.push_back({n + "_last_axis", op,
                 [](DType d) {
                   return Inputs{draw({64, 1000}, d, 7, -20.0, 20.0)};
                 },
                 [f](const Inputs& v) { return f(v[0], -1); }});
    c.push_back({n + "_short_rows", op,
                 [](DType d) {
                   return Inputs{draw({9, 7}, d, 8, -5.0, 5.0)};
                 },
                 [f](const Inputs& v) { return f(v[0], 1); }});
    c.push_back({n + "_first_axis", op,
                 [](DType d) {
                   return Inputs{draw({30, 4, 5}, d, 9, -5.0, 5.0)};
                 },
                 [f](const Inputs& v) { return f(v[0], 0); }});
    c.push_back({n + "_strided", op,
                 [](DType d) {
                   return Inputs{draw({40, 30}, d, 10, -5.0, 5.0)};
                 },
                 [f](const Inputs& v) { return f(v[0].mT(), -1); }});
  }

  c.push_back({"take_along_axis", Op::gather,
               [](DType d) {
                 return Inputs{draw({3, 5}, d, 14), indices({4, 0, 2, 2, 1, 3}, {3, 2})};
               },
               [](const Inputs& v) { return take_along_axis(v[0], v[1], 1); }});
  c.push_back({"take", Op::gather,
               [](DType d) {
                 return Inputs{draw({6, 4}, d, 15), indices({5, 0, 5, 2}, {4})};
               },
               [](const Inputs& v) { return take(v[0], v[1], 0); }});
  c.push_back({"concat", Op::concat,
               [](DType d) {
                 return Inputs{draw({3, 2}, d, 16), draw({3, 5}, d, 17)};
               },
               [](const Inputs& v) {
                 return concat({v[0], v[1].mT().contiguous().mT()}, 1);
               }});
  // copy of a broadcast view (expand's stride-0 axes) and of a transposed one.
  c.push_back({"copy_expanded_row", Op::copy,
               [](DType d) {
                 return Inputs{draw({1, 7}, d, 19)};
               },
               [](const Inputs& v) { return v[0].expand({5, 7}).contiguous(); }});
  c.push_back({"copy_expanded_column", Op::copy,
               [](DType d) {
                 return Inputs{draw({6, 1}, d, 20)};
               },
               [](const Inputs& v) { return v[0].expand({6, 9}).contiguous(); }});
  c.push_back({"copy_expanded_scalar", Op::copy,
               [](DType d) {
                 return Inputs{draw({1, 1}, d, 21)};
               },
               [](const Inputs& v) { return v[0].expand({4, 3}).contiguous(); }});
  c.push_back({"copy_transposed", Op::copy,
               [](DType d) {
                 return Inputs{draw({4, 6}, d, 22)};
               },
               [](const Inputs& v) { return v[0].mT().contiguous(); }});
  c.push_back({"pad", Op::pad,
               [](DType d) {
                 return Inputs{draw({3, 4}, d, 18)};
               },
               [](const Inputs& v) {
                 return pad(v[0], {{1, 2}, {0, 3}}, 0.5);
               }});
  c.push_back({"one_hot", Op::one_hot,
               [](DType) {
                 return Inputs{indices({3, 0, 4, 1}, {2, 2})};
               },
               [](const Inputs& v) { return one_hot(v[0], 5); }});
  return c;
}

class OpConformanceLinalg : public ::testing::TestWithParam<Case> {};

TEST_P(OpConformanceLinalg, FastBackendsMatchRef) {
  const Case& c = GetParam();
  for (DType dtype : {DType::f32, DType::f64}) {
    Inputs on_ref = c.make(dtype);
    // The kernel is looked up by its first input's dtype (one_hot: the index's).
    const DType kernel_dtype = on_ref.front().dtype();
    Tensor want = c.run(on_ref);
    for (Device device : testing::fast_backends()) {
      if (kernel_table(device.type).get(c.op, kernel_dtype) ==
          kernel_table(DeviceType::ref).get(c.op, kernel_dtype)) {
        GTEST_SKIP() << device << " runs the ref kernel for " << op_name(c.op) << " "
                     << dtype_name(kernel_dtype);
      }
      Inputs moved;
      for (const Tensor& t : on_ref) moved.push_back(t.to(device));
      Tensor got = c.run(moved);
      EXPECT_EQ(got.device(), device);
      const bool f32 = dtype == DType::f32;
      EXPECT_TRUE(
          testing::all_close(got.to(Device::ref()), want, f32 ? 1e-5 : 1e-12, f32 ? 1e-6 : 1e-14))
          << c.name << " " << dtype_name(dtype) << " on " << device;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OpConformanceLinalg, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace mz
