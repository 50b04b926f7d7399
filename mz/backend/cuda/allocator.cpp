// The caching device allocator and the pinned staging pool (see allocator.h).
#include "mz/backend/cuda/allocator.h"

#include <algorithm>
#include <bit>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "mz/backend/cuda/runtime.h"
#include "mz/core/error.h"

namespace mz::cuda {
namespace {

constexpr int kMaxDevices = 64;

// Size classes: multiples of 512 B up to 1 MiB, then quarter steps between powers of two, so
// a cached block wastes at most a quarter of itself.
std::size_t size_class(std::size_t nbytes) {
  constexpr std::size_t kSmall = std::size_t{1} << 20;
  if (nbytes <= kSmall) return nbytes == 0 ? 512 : (nbytes + 511) & ~std::size_t{511};
  std::size_t power = kSmall;
  while (power * 2 < nbytes) power *= 2;
  const std::size_t step = power / 4;
  return (nbytes + step - 1) / step * step;
}

class CudaCachingAllocator final : public Allocator {
 public:
  void* allocate(std::size_t nbytes) override { return allocate_on(nbytes, 0); }

  void* allocate_on(std::size_t nbytes, int index) override {
    const std::size_t size = size_class(nbytes);
    {
      std::lock_guard lock(mutex_);
      if (index < 0 || index >= kMaxDevices)
        throw BackendError(str(Device::cuda(index), ": no such device."));
      auto& free = free_[index];
      auto it = free.find(size);
      if (it != free.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= size;
        live_[p] = index;
        return p;
      }
    }
    activate(index);
    void* p = nullptr;
    cudaError_t status = cudaMalloc(&p, size);
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      release_cached(index);
      status = cudaMalloc(&p, size);
    }
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      std::size_t free_bytes = 0, total = 0;
      cudaMemGetInfo(&free_bytes, &total);
      throw Error(str("allocate: out of memory on ", Device::cuda(index), ": ", nbytes,
                      " bytes requested, ", free_bytes, " of ", total, " bytes free."));
    }
    check(status, "allocate");
    std::lock_guard lock(mutex_);
    live_[p] = index;
    return p;
  }

  // Never calls CUDA: blocks freed after main returns stay cached.
  void deallocate(void* ptr, std::size_t nbytes) override {
    const std::size_t size = size_class(nbytes);
    std::lock_guard lock(mutex_);
    auto it = live_.find(ptr);
    MZ_ASSERT(it != live_.end(), "cuda deallocate: unknown block");
    free_[it->second][size].push_back(ptr);
    cached_ += size;
    live_.erase(it);
  }

  void empty_cache() override {
    for (int i = 0; i < std::min(device_count(), kMaxDevices); ++i) release_cached(i);
  }

  std::size_t cached_bytes() const override {
    std::lock_guard lock(mutex_);
    return cached_;
  }

 private:
  // cudaFree of every cached block of one device (cudaFree waits for the device first).
  void release_cached(int index) {
    std::vector<std::pair<std::size_t, void*>> blocks;
    {
      std::lock_guard lock(mutex_);
      for (auto& [size, list] : free_[index])
        for (void* p : list) blocks.emplace_back(size, p);
      free_[index].clear();
      for (auto& [size, p] : blocks) cached_ -= size;
    }
    if (blocks.empty()) return;
    activate(index);
    for (auto& [size, p] : blocks) check(cudaFree(p), "empty_cache");
  }

  mutable std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_[kMaxDevices];
  std::unordered_map<void*, int> live_;  // block -> device
  std::size_t cached_ = 0;
};

// Pinned blocks of one device: free ones, and those whose copy may still run (oldest first).
// At most kBudget bytes are pinned; beyond that the oldest copy is waited for and its block
// reused or replaced.
class PinnedPool {
 public:
  static constexpr std::size_t kBudget = std::size_t{64} << 20;

  PinnedBlock acquire(int index, std::size_t nbytes) {
    const std::size_t want = std::max<std::size_t>(std::bit_ceil(nbytes), 64 << 10);
    std::lock_guard lock(mutex_);
    for (;;) {
      // Blocks whose copy is done become free.
      while (!busy_.empty() && cudaEventQuery(busy_.front().event) == cudaSuccess) {
        free_.push_back(busy_.front());
        busy_.pop_front();
      }
      auto fit = std::find_if(free_.begin(), free_.end(),
                              [&](const PinnedBlock& b) { return b.size >= want; });
      if (fit != free_.end()) {
        PinnedBlock b = *fit;
        free_.erase(fit);
        return b;
      }
      if (pinned_ + want <= kBudget || (busy_.empty() && free_.empty())) break;
      if (!free_.empty()) {  // too small: give one back to make room
        drop(free_.back());
        free_.pop_back();
        continue;
      }
      check(cudaEventSynchronize(busy_.front().event), "cuda: waiting for a staged copy");
    }
    activate(index);
    PinnedBlock b;
    b.size = want;
    check(cudaMallocHost(&b.ptr, want), "cuda: allocating pinned memory");
    check(cudaEventCreateWithFlags(&b.event, cudaEventDisableTiming), "cuda: creating an event");
    pinned_ += want;
    return b;
  }

  void release(PinnedBlock block, cudaStream_t stream) {
    check(cudaEventRecord(block.event, stream), "cuda: recording a copy's event");
    std::lock_guard lock(mutex_);
    busy_.push_back(block);
  }

 private:
  void drop(const PinnedBlock& b) {
    check(cudaFreeHost(b.ptr), "cuda: freeing pinned memory");
    check(cudaEventDestroy(b.event), "cuda: destroying an event");
    pinned_ -= b.size;
  }

  std::mutex mutex_;
  std::vector<PinnedBlock> free_;
  std::deque<PinnedBlock> busy_;
  std::size_t pinned_ = 0;
};

PinnedPool& pinned_pool(int index) {
  static auto* pools = new PinnedPool[kMaxDevices];  // leaked, as the contexts
  return pools[index];
}

}  // namespace

Allocator& device_allocator() {
  static auto* allocator = new CudaCachingAllocator;  // leaked: see runtime.cpp's contexts
  return *allocator;
}

Scratch::Scratch(int device, std::size_t nbytes)
    : data_(device_allocator().allocate_on(nbytes, device)), nbytes_(nbytes) {}

Scratch::~Scratch() { device_allocator().deallocate(data_, nbytes_); }

PinnedBlock acquire_pinned(int index, std::size_t nbytes) {
  return pinned_pool(index).acquire(index, std::min(nbytes, kMaxStagingBytes));
}

void release_pinned(int index, PinnedBlock block, cudaStream_t stream) {
  pinned_pool(index).release(block, stream);
}

}  // namespace mz::cuda
