// Op conformance machinery: an Entry names an op, builds it from input tensors and gives the
// input shapes and tolerances; check() runs it on ref and on every fast backend with the same
// seeded inputs and compares, for float32 and float64, with contiguous, strided, broadcast and
// IEEE-special inputs, and checks that 1 and 2 threads give bitwise-identical results on
// large inputs. Tables live in tests/op_conformance*.cpp; start from unary() and binary().
#pragma once

#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/core/thread_pool.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz::conformance {

// Builds the op from its inputs (float tensors of the dtype under test, on the device under
// test; tensors it creates itself land there too, as default_device() is set during the call).
using OpFn = std::function<Tensor(const std::vector<Tensor>&)>;

struct Tolerance {
  double rtol;
  double atol;
};

struct Entry {
  std::string name;  // the test's name: letters, digits and underscores
  OpFn fn;
  std::vector<Shape> shapes;  // inputs of the basic case
  double lo = -3.0;           // inputs are uniform in [lo, hi]
  double hi = 3.0;
  // Element-wise binary ops: also run with input 1 as a row, a column and a scalar, and with
  // input 0 as a row, all broadcast against the other.
  bool broadcast = false;
  // Shape-agnostic ops (element-wise, full reductions): also run on one 1-D input holding
  // inf, NaN, +-0, denormals, huge and tiny values.
  bool specials = false;
  // Inputs for the threads check (empty: skipped): 1 and 2 threads must agree bit for bit;
  // with large_vs_ref the result is also compared with ref (paths only large inputs take).
  std::vector<Shape> large = {};
  bool large_vs_ref = false;
  Tolerance f32 = {1e-5, 1e-6};
  Tolerance f64 = {1e-12, 1e-12};
  std::string looser = "";  // why f32/f64 are looser than the defaults, when they are
};

// An element-wise unary entry: a (7, 13) input, strided and special variants, and 100k
// elements (enough for 2 threads; not a multiple of the vector width) for the threads check.
inline Entry unary(std::string name, OpFn fn, double lo = -3.0, double hi = 3.0) {
  return {.name = std::move(name),
          .fn = std::move(fn),
          .shapes = {{7, 13}},
          .lo = lo,
          .hi = hi,
          .specials = true,
          .large = {{200, 501}}};
}

// An element-wise binary entry: two (7, 13) inputs, broadcast variants, and 100k elements for
// the threads check.
inline Entry binary(std::string name, OpFn fn, double lo = -3.0, double hi = 3.0) {
  return {.name = std::move(name),
          .fn = std::move(fn),
          .shapes = {{7, 13}, {7, 13}},
          .lo = lo,
          .hi = hi,
          .broadcast = true,
          .large = {{200, 501}, {200, 501}}};
}

// Prints an entry as its name in test failure messages.
inline void PrintTo(const Entry& e, std::ostream* out) { *out << e.name; }

// The test-name suffix of an entry (for INSTANTIATE_TEST_SUITE_P).
inline std::string entry_name(const ::testing::TestParamInfo<Entry>& info) {
  return info.param.name;
}

// Deterministic int64 values in [0, bound) on the default device: indices for gather-like ops.
inline Tensor index_tensor(const Shape& shape, int64_t bound, uint64_t seed = 7) {
  Generator gen(seed);
  std::vector<int64_t> values(static_cast<std::size_t>(shape.numel()));
  for (int64_t& v : values) v = static_cast<int64_t>(gen.below(static_cast<uint64_t>(bound)));
  return tensor(values, shape, {.dtype = DType::i64});
}

namespace detail {

// splitmix64: cheap and fixed, so inputs are the same on every run and build.
inline double uniform01(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

// A ref tensor of `shape` with values uniform in [lo, hi].
inline Tensor random(const Shape& shape, double lo, double hi, DType dtype, uint64_t seed) {
  Tensor t = Tensor::empty(shape, {.dtype = dtype, .device = Device::ref()});
  uint64_t state = seed * 0x632BE59BD9B4E019ull + 1;
  visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i)
      p[i] = static_cast<T>(lo + (hi - lo) * uniform01(state));
  });
  return t;
}

// The same values as random(shape, ...), laid out non-contiguously: the last two axes
// transposed in memory, or every other element of a twice-longer vector.
inline Tensor strided(const Shape& shape, double lo, double hi, DType dtype, uint64_t seed) {
  if (shape.rank() >= 2) {
    Shape swapped = shape;
    std::swap(swapped[shape.rank() - 1], swapped[shape.rank() - 2]);
    return random(swapped, lo, hi, dtype, seed).transpose(-1, -2);
  }
  if (shape.rank() == 1) return random({2 * shape[0]}, lo, hi, dtype, seed).slice(0, 0, -1, 2);
  return random(shape, lo, hi, dtype, seed);
}

// Edge values, each next to ordinary ones, repeated at three alignments so they pass
// through both the vector body and the tail of the loops.
inline Tensor specials(DType dtype) {
  const double inf = std::numeric_limits<double>::infinity();
  const double tiny = dtype == DType::f32 ? 1e-40 : 1e-310;  // denormal
  const std::vector<double> base = {std::numeric_limits<double>::quiet_NaN(),
                                    inf,
                                    -inf,
                                    0.0,
                                    -0.0,
                                    tiny,
                                    -tiny,
                                    1e-30,
                                    -1e-30,
                                    88.5,
                                    -88.5,
                                    100.0,
                                    -100.0,
                                    1000.0,
                                    -1000.0,
                                    1e30,
                                    -1e30,
                                    0.5,
                                    -0.5,
                                    1.0,
                                    -1.0,
                                    3.0,
                                    -3.0,
                                    6.0,
                                    -6.0,
                                    20.0,
                                    -20.0,
                                    1e-7,
                                    -1e-7};
  std::vector<double> all;
  for (int shift = 0; shift < 3; ++shift)
    for (std::size_t i = 0; i < base.size(); ++i)
      all.push_back(base[(i + shift * 7) % base.size()]);
  return tensor(all, Shape{static_cast<int64_t>(all.size())},
                {.dtype = dtype, .device = Device::ref()});
}

// fn on `device` with inputs moved there (views kept), with recording off.
inline Tensor run_on(const Entry& e, const std::vector<Tensor>& inputs, Device device) {
  DeviceGuard guard(device);
  NoGrad no_grad;
  std::vector<Tensor> moved;
  for (const Tensor& t : inputs) moved.push_back(t.to(device));
  return e.fn(moved);
}

inline ::testing::AssertionResult matches_ref(const Entry& e, const std::vector<Tensor>& inputs,
                                              Device device, const Tolerance& tol) {
  Tensor expected = run_on(e, inputs, Device::ref());
  Tensor actual = run_on(e, inputs, device);
  if (actual.dtype() != expected.dtype())
    return ::testing::AssertionFailure()
           << "dtype " << dtype_name(actual.dtype()) << " vs " << dtype_name(expected.dtype());
  return testing::all_close(actual, expected, tol.rtol, tol.atol);
}

// Same shape, dtype and bytes (compared on the host: a and b may live on a device).
inline ::testing::AssertionResult bitwise_equal(const Tensor& a, const Tensor& b) {
  if (!(a.shape() == b.shape()) || a.dtype() != b.dtype())
    return ::testing::AssertionFailure() << "shape or dtype differs";
  Tensor ca = a.to(Device::cpu()).contiguous(), cb = b.to(Device::cpu()).contiguous();
  if (std::memcmp(ca.raw_data(), cb.raw_data(), ca.numel() * dtype_size(ca.dtype())) == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "results differ: " << testing::all_close(a, b, 0.0, 0.0).message();
}

// Large inputs, made once per (shape, dtype, seed): they cost more than the ops.
inline Tensor large_input(const Shape& shape, double lo, double hi, DType dtype, uint64_t seed) {
  static std::map<std::string, Tensor> cache;
  std::string key = str(shape, dtype_name(dtype), lo, ",", hi, ",", seed);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, random(shape, lo, hi, dtype, seed)).first;
  return it->second;
}

inline std::vector<Tensor> inputs_of(const Entry& e, const std::vector<Shape>& shapes, DType dtype,
                                     bool as_strided = false) {
  std::vector<Tensor> in;
  for (std::size_t i = 0; i < shapes.size(); ++i)
    in.push_back(as_strided ? strided(shapes[i], e.lo, e.hi, dtype, i + 1)
                            : random(shapes[i], e.lo, e.hi, dtype, i + 1));
  return in;
}

}  // namespace detail

// Every check of `e`, for every fast backend and both floating dtypes; failures name the
// variant, the backend and the dtype.
inline void check(const Entry& e) {
  using namespace detail;
  for (Device device : testing::fast_backends()) {
    for (DType dtype : {DType::f32, DType::f64}) {
      SCOPED_TRACE(str(e.name, " on ", device, " in ", dtype_name(dtype)));
      const Tolerance tol = dtype == DType::f32 ? e.f32 : e.f64;
      try {  // a backend without a kernel for the op is reported as skipped, never as passed
        run_on(e, inputs_of(e, e.shapes, dtype), device);
      } catch (const BackendError& missing) {
        if (std::string(missing.what()).find(" kernel for ") == std::string::npos) throw;
        std::cout << "[  SKIPPED ] " << e.name << " on " << device << ": " << missing.what()
                  << "\n";
        continue;
      }
      EXPECT_TRUE(matches_ref(e, inputs_of(e, e.shapes, dtype), device, tol)) << "contiguous";
      EXPECT_TRUE(matches_ref(e, inputs_of(e, e.shapes, dtype, true), device, tol)) << "strided";
      if (e.specials) {
        std::vector<Tensor> in = {specials(dtype)};
        for (std::size_t i = 1; i < e.shapes.size(); ++i)
          in.push_back(random(in[0].shape(), e.lo, e.hi, dtype, i + 1));
        EXPECT_TRUE(matches_ref(e, in, device, tol)) << "special values";
      }
      if (e.broadcast) {
        const Shape s = e.shapes[0];
        const Shape row{s.back()}, col{s[0], 1};
        for (auto [name, shapes] :
             std::vector<std::pair<const char*, std::vector<Shape>>>{{"b row", {s, row}},
                                                                     {"b column", {s, col}},
                                                                     {"b scalar", {s, Shape{}}},
                                                                     {"a row", {row, s}},
                                                                     {"a column", {col, s}}})
          EXPECT_TRUE(matches_ref(e, inputs_of(e, shapes, dtype), device, tol)) << name;
      }
      if (!e.large.empty()) {
        std::vector<Tensor> in;
        for (std::size_t i = 0; i < e.large.size(); ++i)
          in.push_back(large_input(e.large[i], e.lo, e.hi, dtype, i + 1));
        Tensor one, two;
        {
          ThreadsGuard threads(1);
          one = run_on(e, in, device);
        }
        {
          ThreadsGuard threads(2);
          two = run_on(e, in, device);
        }
        EXPECT_TRUE(bitwise_equal(one, two)) << "1 vs 2 threads";
        if (e.large_vs_ref) {
          EXPECT_TRUE(matches_ref(e, in, device, tol)) << "large inputs";
        }
        if (e.broadcast) {
          // The row-broadcast path cuts rows at thread boundaries.
          std::vector<Tensor> rin = {in[0], large_input({e.large[1].back()}, e.lo, e.hi, dtype, 9)};
          ThreadsGuard threads(1);
          Tensor r1 = run_on(e, rin, device);
          set_num_threads(2);
          EXPECT_TRUE(bitwise_equal(r1, run_on(e, rin, device))) << "1 vs 2 threads, b row";
        }
      }
    }
  }
}

}  // namespace mz::conformance
