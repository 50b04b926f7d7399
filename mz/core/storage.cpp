// The host caching allocator and Storage.
#include "mz/core/storage.h"

#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "mz/core/error.h"

namespace mz {
namespace detail {
bool backend_available(DeviceType type);  // backend/registry.cpp (starts a device backend)
std::string backend_unavailable_reason(DeviceType type);
}
namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMaxCachedBytes = std::size_t{1} << 30;

// Rounds a request up to its size class: multiples of 64 B below 4 KiB, then quarter steps
// between powers of two, so a cached block wastes at most a quarter of itself.
std::size_t size_class(std::size_t nbytes) {
  if (nbytes <= 4096) return nbytes == 0 ? kAlignment : (nbytes + 63) & ~std::size_t{63};
  std::size_t power = 4096;
  while (power * 2 < nbytes) power *= 2;
  std::size_t step = power / 4;
  return (nbytes + step - 1) / step * step;
}

// Free lists per size class behind one mutex; blocks beyond kMaxCachedBytes go back to libc.
class HostCachingAllocator final : public Allocator {
 public:
  void* allocate(std::size_t nbytes) override {
    std::size_t size = size_class(nbytes);
    {
      std::lock_guard lock(mutex_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= size;
        return p;
      }
    }
    void* p = std::aligned_alloc(kAlignment, size);
    if (!p) {
      empty_cache();
      p = std::aligned_alloc(kAlignment, size);
    }
    if (!p) throw Error(str("allocate: out of host memory for ", nbytes, " bytes."));
    return p;
  }

  void deallocate(void* ptr, std::size_t nbytes) override {
    std::size_t size = size_class(nbytes);
    {
      std::lock_guard lock(mutex_);
      if (cached_ + size <= kMaxCachedBytes) {
        free_[size].push_back(ptr);
        cached_ += size;
        return;
      }
    }
    std::free(ptr);
  }

  void empty_cache() override {
    std::lock_guard lock(mutex_);
    for (auto& [size, blocks] : free_)
      for (void* p : blocks) std::free(p);
    free_.clear();
    cached_ = 0;
  }

  std::size_t cached_bytes() const override {
    std::lock_guard lock(mutex_);
    return cached_;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_;
  std::size_t cached_ = 0;
};

// NOTE: leaked on purpose: tensors in static objects may be freed after main returns.
HostCachingAllocator* host_allocator() {
  static auto* allocator = new HostCachingAllocator;
  return allocator;
}

Allocator*& slot(DeviceType type) {
  static Allocator* slots[kNumDeviceTypes] = {host_allocator(), host_allocator(), nullptr};
  return slots[static_cast<int>(type)];
}

}  // namespace

Allocator& allocator_for(DeviceType type) {
  Allocator* a = slot(type);
  // A device backend installs its allocator when it starts, on the first question about it.
  if (!a && detail::backend_available(type)) a = slot(type);
  if (!a)
    throw BackendError(str("allocate: ", detail::backend_unavailable_reason(type),
                           ": no allocator for ", Device{type, 0}, "."));
  return *a;
}

void set_allocator(DeviceType type, Allocator* allocator) { slot(type) = allocator; }

namespace {
DeviceCopyFn& device_copy_slot() {
  static DeviceCopyFn fn = nullptr;
  return fn;
}
}  // namespace

void set_device_copy(DeviceCopyFn fn) { device_copy_slot() = fn; }
DeviceCopyFn device_copy() { return device_copy_slot(); }

Storage::Storage(std::size_t nbytes, Device device)
    : data_(allocator_for(device.type).allocate_on(nbytes, device.index)),
      nbytes_(nbytes),
      device_(device) {}

Storage::Storage(void* data, std::size_t nbytes, Device device, std::function<void()> release)
    : data_(data), nbytes_(nbytes), device_(device), release_(std::move(release)) {}

Storage::~Storage() {
  if (release_)
    release_();
  else if (data_)
    allocator_for(device_.type).deallocate(data_, nbytes_);
}

}  // namespace mz
