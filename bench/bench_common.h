// What every merezha-bench workload shares: the environment knobs of BENCHMARKS.md, the clock,
// and the CSV line of the contract. The workloads are w0_gemm.cpp, w1_mlp.cpp, w2_cnn.cpp,
// w3_latency.cpp, w4_small.cpp, w5_lstm.cpp and c1_classic.cpp; merezha_bench.cpp picks one by name.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mz::bench {

using Clock = std::chrono::steady_clock;

// Seconds from t0 to now on the monotonic clock.
inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A positive integer from the environment, `fallback` when unset or empty; throws
// ValueError "merezha-bench: W1_EPOCHS must be a positive integer, got "x"." otherwise.
int env_int(const char* name, int fallback);
// A string from the environment, `fallback` when unset or empty.
std::string env_str(const char* name, const std::string& fallback);

// BENCH_THREADS (default 1), the thread count every workload runs with.
int bench_threads();

// Median of a non-empty sample (the mean of the middle two for an even count).
double median(std::vector<double> values);

// Prints one contract line to stdout:
// CSV,<workload>,merezha-<version>,<threads>,<metric>,<unit>,<median>,<min>,<max>,<n>,<accuracy>,<notes>
// with the three figures formatted by printf format `fmt` ("%.2f"). Commas in accuracy or
// notes would break the CSV, so callers separate fields there with ';'.
void print_csv(const std::string& workload, const std::string& metric, const std::string& unit,
               const std::vector<double>& values, const char* fmt, const std::string& accuracy = "",
               const std::string& notes = "");

// printf into a std::string.
std::string format(const char* fmt, double value);

// The workloads; each prints its CSV lines.
void run_w0();
void run_w1();
void run_w2();
void run_w3();
void run_w4();
void run_w5();
void run_c1();

}  // namespace mz::bench
