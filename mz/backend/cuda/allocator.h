// Memory of the cuda backend: the caching device allocator behind every cuda Storage, scratch
// buffers for kernels, and pinned host blocks that stage copies between host and device.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

#include "mz/core/storage.h"

namespace mz::cuda {

// cudaMalloc underneath (never managed memory), with free lists per device and size class.
// A block freed on the host is reused at once: all work of a device runs on its one stream, so
// later users are queued after earlier ones. On cudaErrorMemoryAllocation the cache is emptied
// and the allocation retried once; then it throws Error naming the sizes.
Allocator& device_allocator();

// A device buffer for the duration of one op (reduction partials): returned to the cache when
// the object dies, which is safe as soon as the kernels using it are queued.
class Scratch {
 public:
  Scratch(int device, std::size_t nbytes);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void* data() const { return data_; }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
};

// A pinned (page-locked) host block for staging a copy; `event` marks the end of the copy
// that uses it.
struct PinnedBlock {
  void* ptr = nullptr;
  std::size_t size = 0;
  cudaEvent_t event = nullptr;
};

// Hands out a pinned block of at least nbytes (at most kMaxStagingBytes) for device `index`,
// reusing one whose last copy has finished; over the pool's budget it waits for the oldest.
PinnedBlock acquire_pinned(int index, std::size_t nbytes);
// Returns a block after queueing its copy on `stream`: it is reused once that copy is done.
void release_pinned(int index, PinnedBlock block, cudaStream_t stream);

inline constexpr std::size_t kMaxStagingBytes = std::size_t{8} << 20;

}  // namespace mz::cuda
