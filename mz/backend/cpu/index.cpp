// Indexing kernels (cpu): gather of whole contiguous blocks (take along an axis: fit's shuffled
// batches, Embedding lookups) as one memcpy per index; every other layout runs the ref kernel.
#include <algorithm>
#include <cstring>

#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {
namespace {

KernelFn g_ref_gather[kNumDTypes];

// True when the index varies only along `axis` (take's 1-D index broadcast over x's shape).
bool index_is_one_dimensional(const Tensor& idx, int axis) {
  for (int d = 0; d < idx.rank(); ++d)
    if (d != axis && idx.strides()[d] != 0 && idx.shape()[d] != 1) return false;
  return true;
}

template <class I>
bool indices_in_range(const I* p, int64_t count, int64_t stride, int64_t n) {
  for (int64_t j = 0; j < count; ++j) {
    int64_t v = static_cast<int64_t>(p[j * stride]);
    if (v < -n || v >= n) return false;
  }
  return true;
}

// gather (see ref): when x and out are contiguous and the index is 1-D along attrs.axis, out is
// (outer, count, inner) and row j of each outer block is x's row index[j] (negative wraps).
template <class T>
void gather(const KernelArgs& k) {
  const Tensor &x = k.in[0], &idx = k.in[1], &out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  if (!x.is_contiguous() || !index_is_one_dimensional(idx, axis))
    return g_ref_gather[static_cast<int>(dtype_of<T>)](k);
  const int64_t n = x.shape()[axis], count = out.shape()[axis];
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= out.shape()[d];
  for (int d = axis + 1; d < out.rank(); ++d) inner *= out.shape()[d];
  const int64_t istride = idx.strides()[axis];
  const T* px = static_cast<const T*>(x.raw_data());
  T* po = out.data<T>();
  auto run = [&](auto zero) {
    using I = decltype(zero);
    const I* pi = static_cast<const I*>(idx.raw_data());
    if (!indices_in_range(pi, count, istride, n))
      return g_ref_gather[static_cast<int>(dtype_of<T>)](k);  // it names the bad index
    const std::size_t row_bytes = static_cast<std::size_t>(inner) * sizeof(T);
    parallel_for(outer * count, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t r = begin; r < end; ++r) {
                     int64_t o = r / count, j = r % count;
                     int64_t v = static_cast<int64_t>(pi[j * istride]);
                     if (v < 0) v += n;
                     std::memcpy(po + r * inner, px + (o * n + v) * inner, row_bytes);
                   }
                 });
  };
  switch (idx.dtype()) {
    case DType::i32: return run(int32_t{});
    case DType::i64: return run(int64_t{});
    default: return run(uint8_t{});
  }
}

template <class T>
void register_dtype(KernelTable& t) {
  g_ref_gather[static_cast<int>(dtype_of<T>)] = t.get(Op::gather, dtype_of<T>);
  t.set(Op::gather, dtype_of<T>, gather<T>);
}

}  // namespace

void register_index(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
  register_dtype<int32_t>(t);
  register_dtype<int64_t>(t);
  register_dtype<uint8_t>(t);
}

}  // namespace mz::cpu
