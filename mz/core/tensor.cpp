// Tensor metadata, element access and the autograd fields (views live in ops/shape.cpp).
#include "mz/core/tensor.h"

#include <cstring>
#include <ostream>
#include <string>

#include "mz/core/strided.h"

namespace mz {

Tensor Tensor::empty(const Shape& shape, TensorOptions options) {
  uint64_t bytes = dtype_size(options.dtype);
  for (int64_t d : shape) {
    if (d < 0) throw ShapeError(str("Tensor::empty: shape ", shape, " has an unknown (-1) size."));
    // A size from a hostile file must not wrap around to a small allocation.
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes) || bytes > (1ull << 62))
      throw ShapeError(str("Tensor::empty: shape ", shape, " of ", dtype_name(options.dtype),
                           " needs more than 2^62 bytes."));
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(static_cast<std::size_t>(bytes), options.device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = options.dtype;
  impl->device = options.device;
  return Tensor(std::move(impl));
}

Tensor Tensor::view_of(StoragePtr storage, const Shape& shape, const Shape& strides,
                       int64_t offset, DType dtype, Device device) {
  MZ_ASSERT(storage && shape.rank() == strides.rank());
  int64_t lo = offset, hi = offset;
  for (int i = 0; i < shape.rank(); ++i) {
    if (shape[i] == 0) {
      lo = hi = offset;
      break;
    }
    int64_t reach = (shape[i] - 1) * strides[i];
    (reach < 0 ? lo : hi) += reach;
  }
  int64_t capacity = static_cast<int64_t>(storage->nbytes() / dtype_size(dtype));
  if (lo < 0 || (shape.numel() > 0 && hi >= capacity))
    throw ShapeError(str("Tensor::view_of: a view of shape ", shape, " with strides ", strides,
                         " at offset ", offset, " reaches outside its storage of ", capacity,
                         " elements."));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::move(storage);
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = dtype;
  impl->device = device;
  return Tensor(std::move(impl));
}

TensorImpl& Tensor::impl() const {
  if (!impl_) throw ValueError("Tensor: the tensor is undefined (default-constructed).");
  return *impl_;
}

bool Tensor::is_contiguous() const {
  const TensorImpl& t = impl();
  if (t.shape.numel() == 0) return true;
  int64_t step = 1;
  for (int i = t.shape.rank() - 1; i >= 0; --i) {
    if (t.shape[i] != 1 && t.strides[i] != step) return false;
    step *= t.shape[i];
  }
  return true;
}

bool Tensor::shares_storage(const Tensor& other) const {
  return impl().storage == other.impl().storage;
}

void* Tensor::raw_data() const {
  const TensorImpl& t = impl();
  return static_cast<char*>(t.storage->data()) + t.offset * dtype_size(t.dtype);
}

void Tensor::check_dtype(DType expected, const char* who) const {
  if (dtype() != expected)
    throw ValueError(str(who, ": expected a ", dtype_name(expected), " tensor, got ",
                         dtype_name(dtype()), "."));
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  Tensor host = device().is_host() ? *this : to(Device::cpu());
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(numel()));
  visit_dtype(dtype(), [&](auto zero) {
    using S = decltype(zero);
    const S* base = static_cast<const S*>(host.impl().storage->data());
    for_each_strided<1>(host.shape(), {host.strides()}, {host.offset()},
                        [&](const std::array<int64_t, 1>& o) {
                          out.push_back(static_cast<T>(base[o[0]]));
                        });
  });
  return out;
}

template <class T>
T Tensor::item() const {
  if (numel() != 1)
    throw ValueError(str("Tensor::item: expected a tensor with one element, got shape ", shape(),
                         "."));
  return to_vector<T>()[0];
}

#define MZ_INSTANTIATE(T)                                   \
  template std::vector<T> Tensor::to_vector<T>() const; \
  template T Tensor::item<T>() const;
MZ_INSTANTIATE(float)
MZ_INSTANTIATE(double)
MZ_INSTANTIATE(int32_t)
MZ_INSTANTIATE(int64_t)
MZ_INSTANTIATE(uint8_t)
#undef MZ_INSTANTIATE

Tensor& Tensor::set_requires_grad(bool enabled) {
  if (enabled && !is_floating(dtype()))
    throw ValueError(str("Tensor::set_requires_grad: only floating tensors have gradients, got ",
                         dtype_name(dtype()), "."));
  if (!is_leaf())
    throw ValueError(
        "Tensor::set_requires_grad: the tensor is the result of a recorded op; call detach() "
        "first to make a leaf.");
  impl().requires_grad = enabled;
  return *this;
}

Tensor Tensor::grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }

void Tensor::set_grad(const Tensor& grad) {
  if (grad.defined() && !(grad.shape() == shape()))
    throw ShapeError(str("Tensor::set_grad: gradient shape ", grad.shape(),
                         " differs from the tensor's ", shape(), "."));
  impl().grad = grad.defined() ? grad.impl_ptr() : nullptr;
}

Tensor Tensor::detach() const {
  auto copy = std::make_shared<TensorImpl>();
  const TensorImpl& t = impl();
  copy->storage = t.storage;
  copy->shape = t.shape;
  copy->strides = t.strides;
  copy->offset = t.offset;
  copy->dtype = t.dtype;
  copy->device = t.device;
  return Tensor(std::move(copy));
}

namespace detail {
bool backend_available(DeviceType type);  // backend/registry.cpp
std::string backend_unavailable_reason(DeviceType type);

Tensor transfer(const Tensor& t, Device target) {
  if (t.device() == target) return t.detach();
  if (t.device().is_host() && target.is_host()) {
    Tensor y = t.detach();
    y.impl().device = target;
    return y;
  }
  const Device other = t.device().is_host() ? target : t.device();
  if (!backend_available(other.type) || !device_copy())
    throw BackendError(str("Tensor::to: ", backend_unavailable_reason(other.type),
                           ": cannot move a tensor from ", t.device(), " to ", target, "."));
  // The span [lo, hi] of storage elements the view reaches (strides are never negative).
  auto span = [](const Tensor& v, int64_t& lo, int64_t& hi) {
    lo = hi = v.offset();
    for (int i = 0; i < v.rank(); ++i) hi += (v.shape()[i] - 1) * v.strides()[i];
  };
  if (t.numel() == 0) return Tensor::empty(t.shape(), {.dtype = t.dtype(), .device = target});
  Tensor src = t.detach();
  int64_t lo = 0, hi = 0;
  span(src, lo, hi);
  if (hi - lo + 1 > 2 * src.numel()) {
    src = src.contiguous();
    span(src, lo, hi);
  }
  const std::size_t esize = dtype_size(src.dtype());
  const std::size_t nbytes = static_cast<std::size_t>(hi - lo + 1) * esize;
  auto storage = std::make_shared<Storage>(nbytes, target);
  device_copy()(storage->data(), target,
                static_cast<const char*>(src.storage()->data()) + lo * esize, src.device(),
                nbytes);
  return Tensor::view_of(std::move(storage), src.shape(), src.strides(), src.offset() - lo,
                         src.dtype(), target);
}
}  // namespace detail

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  if (!t.defined()) return out << "tensor(undefined)";
  std::vector<double> v = t.to_vector<double>();
  out << "tensor(";
  const Shape& s = t.shape();
  // Prints nested brackets, eliding the middle of long rows.
  std::size_t i = 0;
  auto rec = [&](auto&& self, int axis) -> void {
    if (axis == s.rank()) {
      out << v[i++];
      return;
    }
    out << "[";
    for (int64_t k = 0; k < s[axis]; ++k) {
      if (k) out << (axis + 1 == s.rank() ? ", " : ",\n       ");
      if (s[axis] > 8 && k == 3) {
        out << "...";
        int64_t skip = s[axis] - 6;
        int64_t inner = 1;
        for (int a = axis + 1; a < s.rank(); ++a) inner *= s[a];
        i += static_cast<std::size_t>(skip * inner);
        k += skip - 1;
        continue;
      }
      self(self, axis + 1);
    }
    out << "]";
  };
  rec(rec, 0);
  return out << ", shape=" << s << ", " << t.dtype() << ", " << t.device() << ")";
}

}  // namespace mz
