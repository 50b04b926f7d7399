// Fashion-MNIST as the training workloads read it (W1, W2): pixels/255 in float32, labels in
// int64, and test accuracy by arg-max.
#include "bench/fashion_data.h"

#include <algorithm>

#include "bench/bench_common.h"
#include "mz/core/grad_mode.h"
#include "mz/io/idx.h"
#include "mz/ops/arith.h"
#include "mz/ops/shape.h"

namespace mz::bench {

FashionFloats load_fashion_floats(const std::vector<int64_t>& image_shape) {
  io::Dataset data =
      io::load_fashion_mnist(env_str("FMNIST_DIR", "/usr/share/datasets/fashion-mnist"));
  std::vector<int64_t> shape{-1};
  shape.insert(shape.end(), image_shape.begin(), image_shape.end());
  // pixels/255 once, before timing, as the peers do; scaled in place (times 1/255, within an
  // ulp of the division) and the bytes dropped, so the float copy is the only big buffer.
  auto pixels = [&](Tensor& images) {
    Tensor x = cast(images.reshape(Shape(shape)), DType::f32);
    images = Tensor();
    return mul_(x, 1.0 / 255.0);
  };
  FashionFloats f;
  f.x_train = pixels(data.x_train);
  f.x_test = pixels(data.x_test);
  f.y_train = cast(data.y_train, DType::i64);
  f.y_test = cast(data.y_test, DType::i64);
  return f;
}

double accuracy(Model& model, const Tensor& x, const Tensor& y) {
  NoGrad no_grad;
  std::vector<int64_t> labels = y.to_vector<int64_t>();
  std::size_t hits = 0;
  const int64_t chunk = 2000;  // bounds the activations of a CNN on the whole test set
  for (int64_t start = 0; start < x.size(0); start += chunk) {
    const int64_t stop = std::min(x.size(0), start + chunk);
    std::vector<float> logits = model(x.slice(0, start, stop), false).to_vector<float>();
    const std::size_t classes = logits.size() / static_cast<std::size_t>(stop - start);
    for (int64_t i = start; i < stop; ++i) {
      const float* row = logits.data() + (i - start) * classes;
      std::size_t best = 0;
      for (std::size_t k = 1; k < classes; ++k)
        if (row[k] > row[best]) best = k;
      hits += static_cast<int64_t>(best) == labels[static_cast<std::size_t>(i)];
    }
  }
  return static_cast<double>(hits) / static_cast<double>(labels.size());
}

}  // namespace mz::bench
