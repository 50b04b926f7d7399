// BaseUpSampling: nearest repeats as expand + reshape, bilinear as two gathers per axis.
#include "mz/nn/layers/base_up_sampling.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "mz/nn/layers/spatial_args.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"

namespace mz::layers {

BaseUpSampling::BaseUpSampling(std::string class_name, int spatial,
                               const std::vector<int64_t>& size, std::string data_format,
                               std::string interpolation, LayerCommon common)
    : Layer(std::move(class_name), std::move(common)),
      spatial_(spatial),
      data_format_(std::move(data_format)),
      interpolation_(std::move(interpolation)) {
  size_ = detail::per_axis(size, spatial_, 2, 1, "size", who());
  detail::expect_channels_last(data_format_, who());
  std::transform(interpolation_.begin(), interpolation_.end(), interpolation_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (interpolation_ != "nearest" && !(spatial_ == 2 && interpolation_ == "bilinear"))
    throw ValueError(str(who(), ": interpolation must be ",
                         spatial_ == 2 ? "\"nearest\" or \"bilinear\"" : "\"nearest\"", ", got \"",
                         interpolation_, "\"."));
}

Tensor BaseUpSampling::bilinear_axis(const Tensor& x, int axis, int64_t factor) const {
  // TF's half-pixel rule: source = (o + 0.5) / factor - 0.5, below 0 clamped to 0; the two
  // neighbours are floor(source) and the next one (clamped to the last cell).
  const int64_t n = x.shape()[axis], m = n * factor;
  std::vector<int64_t> lo(m), hi(m);
  std::vector<double> w(m);
  for (int64_t o = 0; o < m; ++o) {
    const double src =
        std::max((static_cast<double>(o) + 0.5) / static_cast<double>(factor) - 0.5, 0.0);
    lo[o] = std::min(static_cast<int64_t>(std::floor(src)), n - 1);
    hi[o] = std::min(lo[o] + 1, n - 1);
    w[o] = src - static_cast<double>(lo[o]);
  }
  const TensorOptions index_options{.dtype = DType::i64, .device = x.device()};
  Shape along = Shape::filled(x.rank(), 1);
  along[axis] = m;
  Tensor weight = tensor(w, along, {.dtype = DType::f64, .device = x.device()}).to(x.dtype());
  Tensor a = take(x, tensor(lo, Shape{m}, index_options), axis);
  Tensor b = take(x, tensor(hi, Shape{m}, index_options), axis);
  return a + (b - a) * weight;
}

Tensor BaseUpSampling::call(const Tensor& x, bool /*training*/) {
  detail::expect_rank(x.shape(), spatial_ + 2, detail::spatial_layout(spatial_), who());
  if (interpolation_ == "bilinear") {
    Tensor y = x;
    for (int i = 0; i < spatial_; ++i) y = bilinear_axis(y, i + 1, size_[i]);
    return y;
  }
  // Nearest: (b, s1, 1, s2, 1, .., c) expanded to (b, s1, f1, s2, f2, .., c), then merged.
  Shape split{x.shape()[0]}, repeated{x.shape()[0]}, out{x.shape()[0]};
  for (int i = 0; i < spatial_; ++i) {
    const int64_t s = x.shape()[i + 1];
    split.push_back(s), split.push_back(1);
    repeated.push_back(s), repeated.push_back(size_[i]);
    out.push_back(s * size_[i]);
  }
  split.push_back(x.shape().back()), repeated.push_back(x.shape().back());
  out.push_back(x.shape().back());
  return x.reshape(split).expand(repeated).reshape(out);
}

Shape BaseUpSampling::compute_output_shape(const Shape& input_shape) {
  detail::expect_rank(input_shape, spatial_ + 2, detail::spatial_layout(spatial_), who());
  Shape out = input_shape;
  for (int i = 0; i < spatial_; ++i)
    if (out[i + 1] >= 0) out[i + 1] *= size_[i];
  return out;
}

Json BaseUpSampling::config() const {
  Json c = Layer::config();
  c["size"] = spatial_ == 1 ? Json(size_[0]) : detail::ints_json(size_);
  if (spatial_ > 1) c["data_format"] = data_format_;
  if (spatial_ == 2) c["interpolation"] = interpolation_;
  return c;
}

}  // namespace mz::layers
