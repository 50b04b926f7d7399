// Creation ops: allocation plus the fill kernel, and host data copied in.
#include "mz/ops/creation.h"

#include "mz/ops/dispatch.h"

namespace mz {

Tensor empty(const Shape& shape, TensorOptions options) { return Tensor::empty(shape, options); }

Tensor full(const Shape& shape, double value, TensorOptions options) {
  Tensor t = Tensor::empty(shape, options);
  return t.fill_(value), t;
}

Tensor zeros(const Shape& shape, TensorOptions options) { return full(shape, 0.0, options); }
Tensor ones(const Shape& shape, TensorOptions options) { return full(shape, 1.0, options); }
Tensor zeros_like(const Tensor& t) { return full_like(t, 0.0); }
Tensor ones_like(const Tensor& t) { return full_like(t, 1.0); }
Tensor full_like(const Tensor& t, double value) {
  return full(t.shape(), value, {.dtype = t.dtype(), .device = t.device()});
}
Tensor scalar(double value, TensorOptions options) { return full(Shape{}, value, options); }

Tensor arange(int64_t n, TensorOptions options) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = static_cast<double>(i);
  return tensor(v, Shape{n}, options);
}

template <class T>
Tensor tensor(const std::vector<T>& values, const Shape& shape, TensorOptions options) {
  if (static_cast<int64_t>(values.size()) != shape.numel())
    throw ShapeError(str("tensor: ", values.size(), " values do not fill shape ", shape,
                         " (", shape.numel(), " elements)."));
  Tensor host = Tensor::empty(shape, {.dtype = options.dtype, .device = Device::cpu()});
  visit_dtype(options.dtype, [&](auto zero) {
    using D = decltype(zero);
    D* p = static_cast<D*>(host.raw_data());
    for (std::size_t i = 0; i < values.size(); ++i) p[i] = static_cast<D>(values[i]);
  });
  return options.device.is_host() ? (host.impl().device = options.device, host)
                                   : host.to(options.device);
}

template Tensor tensor(const std::vector<float>&, const Shape&, TensorOptions);
template Tensor tensor(const std::vector<double>&, const Shape&, TensorOptions);
template Tensor tensor(const std::vector<int32_t>&, const Shape&, TensorOptions);
template Tensor tensor(const std::vector<int64_t>&, const Shape&, TensorOptions);
template Tensor tensor(const std::vector<uint8_t>&, const Shape&, TensorOptions);

Tensor& Tensor::fill_(double value) {
  if (!is_contiguous())
    throw ValueError(str("Tensor::fill_: the tensor must be contiguous, got shape ", shape(),
                         " with strides ", strides(), "."));
  OpAttrs attrs;
  attrs.alpha = value;
  detail::dispatch(Op::fill, {}, {*this}, attrs);
  return *this;
}

}  // namespace mz
