// Copies across the host/device boundary (core's set_device_copy hook, used by Tensor::to).
// Uploads go through pinned staging blocks and return before the DMA ends, so the next batch
// uploads while the device still computes; downloads wait for the device.
#include <cstring>

#include "mz/backend/cuda/allocator.h"
#include "mz/backend/cuda/register.h"
#include "mz/backend/cuda/runtime.h"

namespace mz::cuda {
namespace {

// Downloads up to this size bounce through a pinned block (a pageable download this small
// pays the driver's own staging set-up); larger ones copy straight into pageable memory.
constexpr std::size_t kSmallDownload = std::size_t{1} << 20;

void upload(void* dst, int index, const void* src, std::size_t nbytes) {
  DeviceContext& ctx = activate(index);
  for (std::size_t off = 0; off < nbytes;) {
    PinnedBlock block = acquire_pinned(index, nbytes - off);
    const std::size_t n = std::min(block.size, nbytes - off);
    std::memcpy(block.ptr, static_cast<const char*>(src) + off, n);
    check(cudaMemcpyAsync(static_cast<char*>(dst) + off, block.ptr, n, cudaMemcpyHostToDevice,
                          ctx.stream),
          "Tensor::to: uploading");
    release_pinned(index, block, ctx.stream);
    off += n;
  }
}

void download(void* dst, const void* src, int index, std::size_t nbytes) {
  DeviceContext& ctx = activate(index);
  if (nbytes <= kSmallDownload) {
    PinnedBlock block = acquire_pinned(index, nbytes);
    check(cudaMemcpyAsync(block.ptr, src, nbytes, cudaMemcpyDeviceToHost, ctx.stream),
          "Tensor::to: downloading");
    check(cudaStreamSynchronize(ctx.stream), "Tensor::to: waiting for the device");
    std::memcpy(dst, block.ptr, nbytes);
    release_pinned(index, block, ctx.stream);
    return;
  }
  check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToHost, ctx.stream),
        "Tensor::to: downloading");
  check(cudaStreamSynchronize(ctx.stream), "Tensor::to: waiting for the device");
}

// cuda:i -> cuda:j: the source's queued writes finish first, and the copy finishes before
// returning, since the source block may be reused by its own stream right after.
void peer(void* dst, int to, const void* src, int from, std::size_t nbytes) {
  if (to == from) {
    DeviceContext& ctx = activate(to);
    check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, ctx.stream),
          "Tensor::to: copying on the device");
    return;
  }
  synchronize(from);
  DeviceContext& ctx = activate(to);
  check(cudaMemcpyPeerAsync(dst, to, src, from, nbytes, ctx.stream),
        "Tensor::to: copying between devices");
  synchronize(to);
}

}  // namespace

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device,
                std::size_t nbytes) {
  if (nbytes == 0) return;
  if (src_device.is_host())
    upload(dst, dst_device.index, src, nbytes);
  else if (dst_device.is_host())
    download(dst, src, src_device.index, nbytes);
  else
    peer(dst, dst_device.index, src, src_device.index, nbytes);
}

}  // namespace mz::cuda
