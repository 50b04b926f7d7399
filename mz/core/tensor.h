// Tensor: a cheap, shared handle on (storage, shape, strides, offset, dtype, device) plus the
// autograd fields. Copying a Tensor copies the handle; views share storage.
// Start here; the ops (ops/*.h) compute with tensors, autograd/ differentiates them.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <vector>

#include "mz/core/device.h"
#include "mz/core/dtype.h"
#include "mz/core/error.h"
#include "mz/core/shape.h"
#include "mz/core/storage.h"

namespace mz {

namespace autograd {
struct Node;
}

// Where a new tensor lives and what it holds: mz::zeros({2, 3}, {.dtype = DType::f64}).
struct TensorOptions {
  DType dtype = DType::f32;
  Device device = default_device();
};

struct TensorImpl {
  StoragePtr storage;
  Shape shape;
  Shape strides;       // in elements; 0 in broadcast (expanded) dimensions
  int64_t offset = 0;  // in elements
  DType dtype = DType::f32;
  Device device;
  bool requires_grad = false;
  std::shared_ptr<autograd::Node> grad_fn;  // set on results of recorded ops
  std::shared_ptr<TensorImpl> grad;         // accumulated by backward() on leaves
};

class Tensor {
 public:
  Tensor() = default;  // undefined: holds nothing
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Uninitialised contiguous tensor.
  static Tensor empty(const Shape& shape, TensorOptions options = {});
  // A view on existing storage; checks that every element lies inside it.
  static Tensor view_of(StoragePtr storage, const Shape& shape, const Shape& strides,
                        int64_t offset, DType dtype, Device device);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  const Shape& strides() const { return impl().strides; }
  int64_t offset() const { return impl().offset; }
  int rank() const { return impl().shape.rank(); }
  int64_t numel() const { return impl().shape.numel(); }
  // Size of axis `axis` (negative counts from the end).
  int64_t size(int axis) const { return impl().shape.dim(axis); }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().device; }
  const StoragePtr& storage() const { return impl().storage; }
  bool is_contiguous() const;
  // True when both share one buffer (a view of the other, or the same tensor).
  bool shares_storage(const Tensor& other) const;

  // Pointer to the first element; T must match dtype() (throws ValueError otherwise).
  template <class T>
  T* data() const {
    check_dtype(dtype_of<T>, "Tensor::data");
    return static_cast<T*>(raw_data());
  }
  void* raw_data() const;

  // The elements in row-major order as T (converting), copied to the host.
  template <class T>
  std::vector<T> to_vector() const;
  // The one element of a one-element tensor, as T.
  template <class T = double>
  T item() const;

  // ----- views and copies (defined in ops/shape.cpp, differentiable) -----
  // -1 in one dimension is inferred. A view when the layout allows, else a copy.
  Tensor reshape(const Shape& shape) const;
  Tensor flatten() const;
  Tensor transpose(int axis0, int axis1) const;
  Tensor permute(const std::vector<int>& axes) const;
  // Elements start, start+step, ... < stop along axis (NumPy slicing, negative indices wrap).
  Tensor slice(int axis, int64_t start, int64_t stop, int64_t step = 1) const;
  Tensor squeeze(int axis) const;
  Tensor unsqueeze(int axis) const;
  // Broadcasts to `shape` without copying (stride 0 in the new dimensions).
  Tensor expand(const Shape& shape) const;
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor to(Device device) const;
  Tensor to(DType dtype) const;
  // Matrix transpose of the last two axes.
  Tensor mT() const { return transpose(-2, -1); }

  // ----- in place, not recorded by autograd (optimizers, initialisers) -----
  Tensor& fill_(double value);
  Tensor& copy_(const Tensor& src);
  Tensor& zero_() { return fill_(0.0); }

  // ----- autograd -----
  bool requires_grad() const { return impl().requires_grad; }
  // Marks a leaf as a parameter whose gradient backward() accumulates; floating dtypes only.
  Tensor& set_requires_grad(bool enabled = true);
  // The accumulated gradient (undefined before the first backward()).
  Tensor grad() const;
  void set_grad(const Tensor& grad);
  void zero_grad() { impl().grad.reset(); }
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  const std::shared_ptr<autograd::Node>& grad_fn() const { return impl().grad_fn; }
  // Reverse-mode differentiation from this tensor; `grad` defaults to ones for a scalar.
  void backward(const Tensor& grad = {}) const;
  // The same data, cut from the graph.
  Tensor detach() const;

  TensorImpl& impl() const;
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  void check_dtype(DType expected, const char* who) const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Prints dtype, shape and (up to a few) values: tensor([[1, 2], [3, 4]], float32).
std::ostream& operator<<(std::ostream& out, const Tensor& t);

namespace detail {
// Tensor::to(device) without autograd: between host devices the buffer is shared; across a
// device boundary the storage span the view covers is copied and its strides kept (a view
// that covers under half of its span is made contiguous first). Throws BackendError when no
// backend can reach `target`.
Tensor transfer(const Tensor& t, Device target);
}  // namespace detail

}  // namespace mz
