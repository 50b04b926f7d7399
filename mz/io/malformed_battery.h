// The malformed-file battery of reliability.md F1/F2 for the mz/io/*_malformed_test.cpp files:
// a golden file truncated at many offsets, changed at random single bytes, and with blocks
// duplicated or deleted, each case fed to a loader that must load or throw an mz::Error whose
// message names the file part, within 1 s. Full counts with MEREZHA_FULL_BATTERY=1.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "mz/core/error.h"

namespace mz::testing {

// Whether MEREZHA_FULL_BATTERY=1 asks for the full F1/F2 counts (the ASan job sets it).
inline bool full_battery() {
  const char* v = std::getenv("MEREZHA_FULL_BATTERY");
  return v && std::string(v) == "1";
}

// How many cases of each kind one golden file gets.
struct BatteryPlan {
  std::size_t truncations;  // cut offsets (the full run cuts at every offset of files <= 100 KB)
  int mutations;            // seeded single-byte changes
  int blocks;               // seeded block duplications and deletions (half each)
  bool truncations_fail = true;  // every truncated file must be an error (not a load)
};

// The full F1/F2 plan with MEREZHA_FULL_BATTERY=1, else `quick`.
inline BatteryPlan battery_plan(BatteryPlan quick) {
  if (!full_battery()) return quick;
  return {SIZE_MAX, 10000, 1000, quick.truncations_fail};
}

// What one golden file's battery saw.
struct BatteryResult {
  std::size_t truncations = 0, mutations = 0, blocks = 0;
  std::size_t errors = 0, loads = 0;
  double max_seconds = 0.0;
};

// The cut offsets for a file of `size` bytes: every offset when `count` covers it; else the
// first and last 64 offsets and `count` spread between; the full plan on a file past 100 KB
// takes the first and last 4 KB and 2 000 random offsets.
inline std::vector<std::size_t> cut_offsets(std::size_t size, std::size_t count,
                                            std::mt19937_64& rng) {
  std::vector<std::size_t> cuts;
  if (count == SIZE_MAX && size > 100 * 1024) {
    for (std::size_t i = 0; i < 4096; ++i) cuts.push_back(i), cuts.push_back(size - 1 - i);
    for (int i = 0; i < 2000; ++i) cuts.push_back(rng() % size);
  } else if (count >= size) {
    for (std::size_t i = 0; i < size; ++i) cuts.push_back(i);
  } else {
    for (std::size_t i = 0; i < std::min<std::size_t>(64, size); ++i)
      cuts.push_back(i), cuts.push_back(size - 1 - i);
    for (std::size_t i = 0; i < count; ++i) cuts.push_back(i * size / count);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

// Runs the battery on `golden` (named `label` in messages): `load` takes each damaged copy;
// an mz::Error must name every string of `parts` (e.g. the loader and the file) and, when
// `any_of` is given, one of its strings (the file parts an error may come from); any other
// exception, or a case slower than 1 s twice in a row, is a test failure. Prints a summary.
inline BatteryResult run_battery(const std::string& label, const std::vector<uint8_t>& golden,
                                 const std::function<void(const std::vector<uint8_t>&)>& load,
                                 const std::vector<std::string>& parts, BatteryPlan plan,
                                 uint64_t seed = 1, const std::vector<std::string>& any_of = {}) {
  BatteryResult r;
  int failures = 0;
  auto one = [&](const std::vector<uint8_t>& bytes, const std::string& what) -> bool {
    if (failures >= 5) return false;
    bool loaded = false;
    std::string error;
    double seconds = 0.0;
    for (int attempt = 0; attempt < 2; ++attempt) {  // a slow case runs again before it fails
      const auto start = std::chrono::steady_clock::now();
      try {
        load(bytes);
        loaded = true;
      } catch (const Error& e) {
        error = e.what();
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << label << ", " << what << ": threw a non-mz exception: " << e.what();
        return false;
      }
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (seconds <= 1.0) break;
    }
    r.max_seconds = std::max(r.max_seconds, seconds);
    if (seconds > 1.0) {
      ++failures;
      ADD_FAILURE() << label << ", " << what << ": took " << seconds << " s (over 1 s) twice";
    }
    if (loaded) {
      ++r.loads;
      return true;
    }
    ++r.errors;
    for (const std::string& p : parts)
      if (error.find(p) == std::string::npos) {
        ++failures;
        ADD_FAILURE() << label << ", " << what << ": the error does not name \"" << p
                      << "\": " << error;
        return false;
      }
    if (!any_of.empty() && std::none_of(any_of.begin(), any_of.end(), [&](const std::string& p) {
          return error.find(p) != std::string::npos;
        })) {
      ++failures;
      ADD_FAILURE() << label << ", " << what << ": the error names none of the file parts ("
                    << any_of.front() << ", ...): " << error;
    }
    return false;
  };

  std::mt19937_64 rng(seed);
  const std::size_t n = golden.size();
  for (std::size_t cut : cut_offsets(n, plan.truncations, rng)) {
    ++r.truncations;
    if (one(std::vector<uint8_t>(golden.begin(), golden.begin() + cut),
            "cut at byte " + std::to_string(cut)) &&
        plan.truncations_fail) {
      ++failures;
      ADD_FAILURE() << label << ": the file cut at byte " << cut << " loaded";
    }
  }
  std::vector<uint8_t> bytes;
  for (int i = 0; i < plan.mutations && n > 0; ++i) {
    ++r.mutations;
    bytes = golden;
    const std::size_t at = rng() % n;
    bytes[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    one(bytes, "byte " + std::to_string(at) + " changed (mutation " + std::to_string(i) + ")");
  }
  for (int i = 0; i < plan.blocks && n > 1; ++i) {
    ++r.blocks;
    const std::size_t at = rng() % n;
    const std::size_t len = 1 + rng() % std::min<std::size_t>(n - at, 512);
    bytes = golden;
    if (i % 2)
      bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                  bytes.begin() + static_cast<std::ptrdiff_t>(at + len));
    else
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at + len), golden.begin() + at,
                   golden.begin() + at + len);
    one(bytes, std::string(i % 2 ? "deleted" : "duplicated") + " bytes " + std::to_string(at) +
                   "+" + std::to_string(len) + " (block " + std::to_string(i) + ")");
  }
  std::cout << "[ battery  ] " << label << " (" << n << " bytes): " << r.truncations
            << " truncations, " << r.mutations << " mutations, " << r.blocks
            << " blocks: " << r.errors << " errors, " << r.loads << " loads, max " << r.max_seconds
            << " s per case\n";
  return r;
}

}  // namespace mz::testing
