// merezha-bench: runs the workloads of BENCHMARKS.md by name and prints one CSV line per figure.
//   merezha-bench w0|w1|w2|w3|w4|w5|c1|all   (env: BENCH_THREADS, FMNIST_DIR, W1_EPOCHS, W2_EPOCHS)
// The side-by-side comparison with libtorch and PyTorch is bench/side_by_side.sh.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/bench_common.h"
#include "mz/core/error.h"
#include "mz/core/thread_pool.h"

namespace mz::bench {

namespace {

constexpr const char* kUsage =
    "usage: merezha-bench w0|w1|w2|w3|w4|w5|c1|all\n"
    "  w0  sgemm through mz::matmul, and cblas_sgemm called directly (GFLOP/s)\n"
    "  w1  Fashion-MNIST MLP training, 784-256-128-10, SGD momentum 0.9 (samples/s)\n"
    "  w2  Fashion-MNIST LeNet-5 training, SGD momentum 0.9 (samples/s)\n"
    "  w3  inference latency of the W1 MLP and the W2 CNN, batch 1 and 64 (microseconds)\n"
    "  w4  2-16-1 tanh network, 1000 full-batch GD epochs (seconds)\n"
    "  w5  LSTM 128 on (50, 32, 32) random sequences, SGD steps (steps/s)\n"
    "  c1  classic networks of neurolab's face: newff, newc, newlvq, newelm, newhop, newp\n"
    "      with their trainers (seconds)\n"
    "environment: BENCH_THREADS (default 1), FMNIST_DIR (default\n"
    "  /usr/share/datasets/fashion-mnist), W1_EPOCHS (default 5), W2_EPOCHS (default 3)\n";

}  // namespace

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 1 || n > 1000000)
    throw ValueError(str("merezha-bench: ", name, " must be a positive integer, got \"", v, "\"."));
  return static_cast<int>(n);
}

std::string env_str(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::string(v);
}

int bench_threads() { return env_int("BENCH_THREADS", 1); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string format(const char* fmt, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, value);
  return buf;
}

void print_csv(const std::string& workload, const std::string& metric, const std::string& unit,
               const std::vector<double>& values, const char* fmt, const std::string& accuracy,
               const std::string& notes) {
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::printf("CSV,%s,merezha-%s,%d,%s,%s,%s,%s,%s,%zu,%s,%s\n", workload.c_str(), MZ_BENCH_VERSION,
              bench_threads(), metric.c_str(), unit.c_str(), format(fmt, median(values)).c_str(),
              format(fmt, *lo).c_str(), format(fmt, *hi).c_str(), values.size(), accuracy.c_str(),
              notes.c_str());
  std::fflush(stdout);
}

}  // namespace mz::bench

int main(int argc, char** argv) {
  namespace B = mz::bench;
  if (argc != 2) {
    std::cerr << B::kUsage;
    return 2;
  }
  std::string w = argv[1];
  if (w != "w0" && w != "w1" && w != "w2" && w != "w3" && w != "w4" && w != "w5" && w != "c1" &&
      w != "all") {
    std::cerr << "merezha-bench: unknown workload \"" << w << "\".\n" << B::kUsage;
    return 2;
  }
  try {
    mz::set_num_threads(B::bench_threads());
    if (w == "w0" || w == "all") B::run_w0();
    if (w == "w1" || w == "all") B::run_w1();
    if (w == "w2" || w == "all") B::run_w2();
    if (w == "w3" || w == "all") B::run_w3();
    if (w == "w4" || w == "all") B::run_w4();
    if (w == "w5" || w == "all") B::run_w5();
    if (w == "c1" || w == "all") B::run_c1();
  } catch (const mz::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
