// A small pool: workers park on a condition variable between jobs; the caller takes part.
#include "mz/core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "mz/core/error.h"

namespace mz {
namespace {

thread_local bool t_in_region = false;

int initial_threads() {
  if (const char* env = std::getenv("MEREZHA_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  int threads() const { return threads_; }
  void set_threads(int n) {
    std::lock_guard run(run_mutex_);
    threads_ = n;
    grow(n - 1);
  }

  // Runs `chunks` ranges of fn over the workers and the caller.
  void run(int64_t n, int64_t chunks, const std::function<void(int64_t, int64_t)>& fn) {
    std::lock_guard run(run_mutex_);  // one job at a time
    grow(static_cast<int>(chunks) - 1);
    {
      std::lock_guard lock(mutex_);
      fn_ = &fn;
      n_ = n;
      chunks_ = chunks;
      next_.store(0);
      pending_ = chunks;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void grow(int workers) {
    while (static_cast<int>(workers_.size()) < workers)
      workers_.emplace_back([this] { loop(); });
  }

  // Claims chunks until none are left.
  void work() {
    bool saved = t_in_region;
    t_in_region = true;
    for (;;) {
      int64_t c = next_.fetch_add(1);
      if (c >= chunks_) break;
      int64_t begin = n_ * c / chunks_, end = n_ * (c + 1) / chunks_;
      try {
        (*fn_)(begin, end);
      } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
    t_in_region = saved;
  }

  void loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      work();
    }
  }

  int threads_ = initial_threads();
  std::vector<std::thread> workers_;
  std::mutex run_mutex_, mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0, chunks_ = 0, pending_ = 0;
  std::atomic<int64_t> next_{0};
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

// NOTE: leaked on purpose, so no worker is joined during static destruction.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

int num_threads() { return pool().threads(); }

void set_num_threads(int n) {
  if (n < 1) throw ValueError(str("set_num_threads: expected at least 1 thread, got ", n, "."));
  pool().set_threads(n);
}

bool in_parallel_region() { return t_in_region; }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  int64_t chunks = std::min<int64_t>(num_threads(), n / grain);
  if (chunks <= 1 || t_in_region) {
    fn(0, n);
    return;
  }
  pool().run(n, chunks, fn);
}

}  // namespace mz
