// Test helpers for mz::classic::nl: the neurolab golden arrays (tests/golden/neurolab/
// cases.txt, written by tools/golden/neurolab_golden.py) and tolerant vector comparison.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "mz/classic/neurolab/matrix.h"

namespace mz::classic::nl::testing {

// Every golden array by key ("gd.errors", "data.x2", ...), read once.
inline const std::map<std::string, Matrix>& golden() {
  static const std::map<std::string, Matrix> all = [] {
    std::map<std::string, Matrix> m;
    std::ifstream in(std::string(MZ_GOLDEN_DIR) + "/neurolab/cases.txt");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string key;
      std::size_t rows = 0, cols = 0;
      ls >> key >> rows >> cols;
      std::vector<double> v(rows * cols);
      for (double& x : v) {
        std::string tok;
        ls >> tok;
        x = std::strtod(tok.c_str(), nullptr);
      }
      m.emplace(key, Matrix(rows, cols, std::move(v)));
    }
    return m;
  }();
  return all;
}

// The golden array `key`; fails the test (and returns an empty matrix) when it is missing.
inline Matrix gold(const std::string& key) {
  auto it = golden().find(key);
  if (it == golden().end()) {
    ADD_FAILURE() << "golden array missing: " << key;
    return Matrix();
  }
  return it->second;
}

// |a - e| <= atol + rtol |e| element-wise; prints the first mismatches and the max errors.
inline ::testing::AssertionResult close(const std::vector<double>& a,
                                        const std::vector<double>& e, double rtol,
                                        double atol) {
  if (a.size() != e.size())
    return ::testing::AssertionFailure() << "sizes differ: " << a.size() << " vs " << e.size();
  int bad = 0;
  double max_abs = 0;
  std::ostringstream first;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double d = std::abs(a[i] - e[i]);
    if (a[i] == e[i]) continue;
    max_abs = std::max(max_abs, d);
    if (!(d <= atol + rtol * std::abs(e[i]))) {
      if (bad < 5) first << "\n  [" << i << "] actual " << a[i] << ", expected " << e[i];
      ++bad;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << a.size() << " differ; max abs "
                                       << max_abs << first.str();
}

}  // namespace mz::classic::nl::testing
