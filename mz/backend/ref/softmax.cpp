// softmax and log_softmax as plain loops over any axis and any strides, in double: the
// maximum is subtracted first, so large inputs neither overflow nor lose the small terms.
#include <cmath>
#include <limits>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// in[0] = x (any strides), out contiguous with x's shape; attrs.axis (non-negative).
// Walks the groups (x's shape with the axis set to 1), then each group along the axis.
template <class T, bool kLog>
void normalised_exp(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = x.shape()[axis], xs = x.strides()[axis], os = out.strides()[axis];
  Shape groups = x.shape();
  groups[axis] = 1;
  const T* px = base<T>(x);
  T* po = mutable_base<T>(out);
  for_each_strided<2>(groups, {x.strides(), out.strides()}, {x.offset(), out.offset()},
                      [&](const std::array<int64_t, 2>& o) {
                        double m = -std::numeric_limits<double>::infinity();
                        for (int64_t j = 0; j < n; ++j) {
                          double v = px[o[0] + j * xs];
                          m = v > m ? v : m;  // a NaN is skipped here and poisons the sum
                        }
                        double s = 0.0;
                        for (int64_t j = 0; j < n; ++j) s += std::exp(px[o[0] + j * xs] - m);
                        const double log_s = std::log(s);
                        for (int64_t j = 0; j < n; ++j) {
                          double z = px[o[0] + j * xs] - m;
                          po[o[1] + j * os] = static_cast<T>(kLog ? z - log_s : std::exp(z) / s);
                        }
                      });
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::softmax, dtype_of<T>, normalised_exp<T, false>);
  t.set(Op::log_softmax, dtype_of<T>, normalised_exp<T, true>);
}

}  // namespace

void register_softmax(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::ref
