// fill and copy (copy also converts dtypes: the cast op).
#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// out (contiguous) = attrs.alpha.
template <class T>
void fill(const KernelArgs& k) {
  T* p = k.out[0].data<T>();
  T v = static_cast<T>(k.attrs->alpha);
  for (int64_t i = 0, n = k.out[0].numel(); i < n; ++i) p[i] = v;
}

// out = in, element by element, both of any strides, converting T to out's dtype.
template <class T>
void copy(const KernelArgs& k) {
  visit_dtype(k.out[0].dtype(), [&](auto zero) {
    using R = decltype(zero);
    map1<T, R>(k.in[0], k.out[0], [](T v) { return static_cast<R>(v); });
  });
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::fill, dtype_of<T>, fill<T>);
  t.set(Op::copy, dtype_of<T>, copy<T>);
}

}  // namespace

void register_creation(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
  register_dtype<int32_t>(t);
  register_dtype<int64_t>(t);
  register_dtype<uint8_t>(t);
}

}  // namespace mz::ref
