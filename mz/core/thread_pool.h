// The process thread count and parallel_for, run on a pool whose idle workers sleep on a
// condition variable (never spin: spinning workers are 20-40x slower on shared VMs).
#pragma once

#include <cstdint>
#include <functional>

namespace mz {

// Threads used by kernels: $MEREZHA_NUM_THREADS, else the hardware's count.
int num_threads();
// n >= 1; throws ValueError otherwise.
void set_num_threads(int n);

class ThreadsGuard {
 public:
  explicit ThreadsGuard(int n) : saved_(num_threads()) { set_num_threads(n); }
  ~ThreadsGuard() { set_num_threads(saved_); }
  ThreadsGuard(const ThreadsGuard&) = delete;
  ThreadsGuard& operator=(const ThreadsGuard&) = delete;

 private:
  int saved_;
};

// Calls fn(begin, end) on disjoint ranges covering [0, n), in parallel when n >= 2 * grain
// and more than one thread is set; returns when all are done. Ranges depend on n, grain and
// the thread count; kernels whose result must not depend on the thread count (reductions)
// split their work into fixed blocks themselves. Nested calls run inline. Exceptions thrown
// by fn are rethrown here (the first one).
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// True on a pool worker (or inside parallel_for's calling thread while it runs a range).
bool in_parallel_region();

}  // namespace mz
