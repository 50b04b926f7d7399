// Storage: one device buffer shared by a tensor and its views; Allocator: where buffers come
// from. Host buffers come from a caching, 64-byte-aligned allocator, so a training step that
// repeats the same shapes reuses the same blocks instead of calling malloc.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "mz/core/device.h"

namespace mz {

// A per-device-type source of buffers. Implementations must be thread-safe.
class Allocator {
 public:
  virtual ~Allocator() = default;
  // At least `nbytes` bytes; never null (throws on failure).
  virtual void* allocate(std::size_t nbytes) = 0;
  // The same on device `index` of the type (cuda:1); host allocators ignore the index.
  virtual void* allocate_on(std::size_t nbytes, int /*index*/) { return allocate(nbytes); }
  virtual void deallocate(void* ptr, std::size_t nbytes) = 0;
  // Returns cached blocks to the system.
  virtual void empty_cache() {}
  // Bytes held in the cache, not in use.
  virtual std::size_t cached_bytes() const { return 0; }
};

// The allocator of a device type; the host one serves ref and cpu.
Allocator& allocator_for(DeviceType type);
// Installs the allocator of a device type (the cuda backend registers its own).
void set_allocator(DeviceType type, Allocator* allocator);

// Copies nbytes from src to dst when either buffer is device (not host) memory; the copy is
// complete, as far as the host can see, when it returns. Installed by the cuda backend.
using DeviceCopyFn = void (*)(void* dst, Device dst_device, const void* src, Device src_device,
                              std::size_t nbytes);
void set_device_copy(DeviceCopyFn fn);
// The installed copy function; null when no device backend has installed one.
DeviceCopyFn device_copy();

class Storage {
 public:
  // A new buffer of nbytes on device (contents uninitialised).
  Storage(std::size_t nbytes, Device device);
  // Wraps memory owned elsewhere (a NumPy array); `release` runs when the last view is gone.
  Storage(void* data, std::size_t nbytes, Device device, std::function<void()> release);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  Device device_;
  std::function<void()> release_;  // empty for buffers from allocator_for(device_)
};

using StoragePtr = std::shared_ptr<Storage>;

}  // namespace mz
