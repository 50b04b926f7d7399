// The in-process backend: ranks are threads that meet at a cyclic rendezvous guarded by one
// mutex. Each collective is two rendezvous: after the first every rank reads the others'
// buffers into its own result, after the second (nobody reads any more) it writes that result.
#include "mz/dist/in_process.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

namespace mz::dist {
namespace {

// What the ranks of one world share.
struct World {
  explicit World(int n) : size(n), entered(static_cast<std::size_t>(n), 0), buffers(n) {}
  std::mutex mutex;
  std::condition_variable changed;
  int size;
  std::vector<int64_t> entered;  // rendezvous each rank has entered
  std::vector<const void*> buffers;
  bool aborted = false;
  int aborted_by = -1;
  std::string abort_message;
};

template <class T>
void add_in_rank_order(const std::vector<const void*>& from, T* out, int64_t count) {
  std::memcpy(out, from[0], static_cast<std::size_t>(count) * sizeof(T));
  for (std::size_t r = 1; r < from.size(); ++r) {
    const T* x = static_cast<const T*>(from[r]);
    for (int64_t i = 0; i < count; ++i) out[i] = out[i] + x[i];
  }
}

class InProcessCommunicator : public Communicator {
 public:
  InProcessCommunicator(std::shared_ptr<World> world, int rank)
      : Communicator(rank, world->size), world_(std::move(world)) {}
  ~InProcessCommunicator() override { stop_worker(); }

  std::string backend() const override { return "in_process"; }

  void abort(const std::string& message) override {
    std::lock_guard<std::mutex> lock(world_->mutex);
    if (!world_->aborted) {
      world_->aborted = true;
      world_->aborted_by = rank();
      world_->abort_message = message;
    }
    world_->changed.notify_all();
  }

 protected:
  void sum_raw(void* data, int64_t count, DType dtype, const std::string& label) override {
    std::vector<char> result(static_cast<std::size_t>(count) * dtype_size(dtype));
    rendezvous(data, label);
    if (dtype == DType::f32)
      add_in_rank_order(world_->buffers, reinterpret_cast<float*>(result.data()), count);
    else
      add_in_rank_order(world_->buffers, reinterpret_cast<double*>(result.data()), count);
    rendezvous(nullptr, label);
    std::memcpy(data, result.data(), result.size());
  }

  void broadcast_raw(void* data, int64_t bytes, int root, const std::string& label) override {
    std::vector<char> result(static_cast<std::size_t>(bytes));
    rendezvous(data, label);
    std::memcpy(result.data(), world_->buffers[static_cast<std::size_t>(root)], result.size());
    rendezvous(nullptr, label);
    std::memcpy(data, result.data(), result.size());
  }

  void all_gather_raw(const void* in, void* out, int64_t bytes, const std::string& label) override {
    rendezvous(in, label);
    for (int r = 0; r < size(); ++r)
      std::memcpy(static_cast<char*>(out) + r * bytes, world_->buffers[static_cast<std::size_t>(r)],
                  static_cast<std::size_t>(bytes));
    rendezvous(nullptr, label);
  }

  void barrier_raw(const std::string& label) override { rendezvous(nullptr, label); }

 private:
  // Publishes `buffer` (unless null) and waits until every rank has entered this rendezvous;
  // throws DistributedError on timeout (naming the ranks that did not arrive) or abort.
  void rendezvous(const void* buffer, const std::string& label) {
    World& w = *world_;
    std::unique_lock<std::mutex> lock(w.mutex);
    auto me = static_cast<std::size_t>(rank());
    if (buffer != nullptr) w.buffers[me] = buffer;
    const int64_t k = w.entered[me]++;
    w.changed.notify_all();
    auto all_in = [&] {
      for (int64_t e : w.entered)
        if (e <= k) return false;
      return true;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout());
    while (!all_in() && !w.aborted) {
      if (w.changed.wait_until(lock, deadline) == std::cv_status::timeout && !all_in() &&
          !w.aborted) {
        std::vector<int> missing;
        for (int r = 0; r < size(); ++r)
          if (w.entered[static_cast<std::size_t>(r)] <= k) missing.push_back(r);
        throw DistributedError(str(label, ": timed out after ", timeout(), " s on rank ", rank(),
                                   " of ", size(), ": rank", missing.size() > 1 ? "s " : " ",
                                   rank_list(missing), " did not arrive."));
      }
    }
    if (w.aborted && !all_in())
      throw DistributedError(str(label, ": rank ", w.aborted_by, " of ", size(),
                                 " aborted the job: ", w.abort_message));
  }

  std::shared_ptr<World> world_;
};

}  // namespace

std::vector<CommunicatorPtr> in_process_world(int size) {
  if (size < 1) throw ValueError(str("in_process_world: size must be at least 1, got ", size, "."));
  auto world = std::make_shared<World>(size);
  std::vector<CommunicatorPtr> comms;
  for (int r = 0; r < size; ++r) comms.push_back(std::make_shared<InProcessCommunicator>(world, r));
  return comms;
}

void run_in_process(int size, const std::function<void(Communicator&)>& fn, double timeout) {
  std::vector<CommunicatorPtr> comms = in_process_world(size);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(size));
  std::vector<bool> own(static_cast<std::size_t>(size), false);
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r) {
    comms[static_cast<std::size_t>(r)]->set_timeout(timeout);
    threads.emplace_back([&, r] {
      Communicator& comm = *comms[static_cast<std::size_t>(r)];
      try {
        fn(comm);
      } catch (const DistributedError& e) {
        errors[static_cast<std::size_t>(r)] = std::current_exception();
        own[static_cast<std::size_t>(r)] =
            std::string(e.what()).find("aborted the job") == std::string::npos;
        comm.abort(str("rank ", r, " failed: ", e.what()));
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(r)] = std::current_exception();
        own[static_cast<std::size_t>(r)] = true;
        comm.abort(str("rank ", r, " failed: ", e.what()));
      } catch (...) {
        errors[static_cast<std::size_t>(r)] = std::current_exception();
        own[static_cast<std::size_t>(r)] = true;
        comm.abort(str("rank ", r, " failed."));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t r = 0; r < errors.size(); ++r)
    if (errors[r] && own[r]) std::rethrow_exception(errors[r]);
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace mz::dist
