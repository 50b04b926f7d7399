// Test helpers shared by every test binary: tolerant comparison that prints the first
// differing elements and the max abs/rel error, and the list of backends present.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "mz/autograd/gradcheck.h"
#include "mz/backend/kernel.h"
#include "mz/core/tensor.h"

namespace mz::testing {

// |a - e| <= atol + rtol * |e| for every element (NaN matches NaN); shapes must agree.
inline ::testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected,
                                            double rtol, double atol = 0.0) {
  if (!(actual.shape() == expected.shape()))
    return ::testing::AssertionFailure()
           << "shapes differ: " << actual.shape() << " vs " << expected.shape();
  std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
  std::ostringstream first;
  int bad = 0;
  double max_abs = 0, max_rel = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool both_nan = std::isnan(a[i]) && std::isnan(e[i]);
    double d = std::abs(a[i] - e[i]);
    if (both_nan || a[i] == e[i]) continue;
    if (!std::isnan(d)) {
      max_abs = std::max(max_abs, d);
      if (e[i] != 0) max_rel = std::max(max_rel, d / std::abs(e[i]));
    }
    if (!(d <= atol + rtol * std::abs(e[i]))) {
      if (bad < 5) first << "\n  [" << i << "] actual " << a[i] << ", expected " << e[i];
      ++bad;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << a.size()
                                       << " elements differ (rtol " << rtol << ", atol " << atol
                                       << "); max abs " << max_abs << ", max rel " << max_rel
                                       << first.str();
}

// Bitwise equality of the values (NaN payloads aside).
inline ::testing::AssertionResult all_equal(const Tensor& actual, const Tensor& expected) {
  return all_close(actual, expected, 0.0, 0.0);
}

// gradcheck with the battery's default tolerance, as an assertion.
inline ::testing::AssertionResult grad_ok(
    const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& in,
    GradcheckOptions options = {}) {
  GradcheckResult r = gradcheck(fn, in, options);
  if (r.ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.message << " (max abs error " << r.max_abs_error
                                       << ")";
}

// The backends to compare with ref: cpu, and cuda when a device is present. MZ_TEST_BACKENDS
// (a comma list: "cuda", "cpu,cuda") keeps only those named, e.g. for a GPU-only run.
inline std::vector<Device> fast_backends() {
  std::vector<Device> all = {Device::cpu()};
  if (detail::backend_available(DeviceType::cuda)) all.push_back(Device::cuda());
  const char* only = std::getenv("MZ_TEST_BACKENDS");
  if (only == nullptr || *only == '\0') return all;
  const std::string list = std::string(",") + only + ",";
  std::vector<Device> picked;
  for (Device d : all)
    if (list.find(d.type == DeviceType::cuda ? ",cuda," : "," + d.name() + ",") !=
        std::string::npos)
      picked.push_back(d);
  return picked;
}

// Expects `statement` to throw E whose message contains `text`.
#define MZ_EXPECT_THROW_MSG(statement, E, text)                                    \
  do {                                                                             \
    try {                                                                          \
      statement;                                                                   \
      ADD_FAILURE() << "expected " #E " containing \"" << (text) << "\"";          \
    } catch (const E& e) {                                                         \
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos)               \
          << "message was: " << e.what();                                          \
    }                                                                              \
  } while (0)

}  // namespace mz::testing
