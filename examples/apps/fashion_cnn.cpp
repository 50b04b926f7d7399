// Classification: the CNN of examples/fashion_cnn (Keras face, functional API) on
// Fashion-MNIST. Figure of merit: test accuracy; the full run (10 epochs, 60,000 images) must
// reach 0.91 (quick: 2,000 images, 2 epochs).
#include <memory>
#include <ostream>

#include "examples/apps/demo_support.h"
#include "examples/apps/fashion_common.h"
#include "mz/nn/functional.h"
#include "mz/nn/layers/activation.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/dropout.h"
#include "mz/nn/layers/flatten.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/nn/layers/rescaling.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/optimizers/adam.h"
#include "mz/nn/optimizers/schedules/cosine_decay.h"

namespace mz::apps {

DemoResult fashion_cnn(const DemoOptions& options, std::ostream& out) {
  const std::string name = "fashion_cnn";
  check_params(name, options, {"epochs", "train", "test", "momentum"});
  namespace L = mz::layers;
  FashionRun run;
  run.epochs = static_cast<int>(param(name, options, "epochs", options.quick ? 2 : 10));
  run.train = static_cast<int64_t>(param(name, options, "train", options.quick ? 2000 : 0));
  run.test = static_cast<int64_t>(param(name, options, "test", options.quick ? 1000 : 0));
  // NOTE: a quick run is too short for BatchNormalization's moving statistics at Keras's
  // momentum 0.99 (after 50 steps they are still 60% their initial 0 and 1, and the test
  // accuracy collapses); the quick run uses 0.9, the full run Keras's default.
  const double momentum = param(name, options, "momentum", options.quick ? 0.9 : 0.99);
  // Two blocks of Conv2D 3x3 + BatchNormalization + ReLU + MaxPooling2D, Dropout 0.3, Dense 128
  // relu, Dense 10; Adam with a cosine-decayed rate from 2e-3, batch 64.
  auto make = [&](int64_t steps) {
    mz::KerasTensor image = mz::Input({28, 28, 1}, {.name = "image"});
    mz::KerasTensor h = L::Rescaling(1.0 / 255)(image);
    for (int64_t filters : {32, 64}) {
      h = L::Conv2D(filters, 3, {.padding = "same", .use_bias = false})(h);
      h = L::BatchNormalization({.momentum = momentum})(h);
      h = L::Activation("relu")(h);
      h = L::MaxPooling2D()(h);
    }
    h = L::Flatten()(h);
    h = L::Dropout(0.3)(h);
    h = L::Dense(128, {.activation = "relu"})(h);
    mz::KerasTensor logits = L::Dense(10, {.name = "logits"})(h);
    auto model = std::make_shared<Model>(KerasTensors{image}, KerasTensors{logits},
                                         LayerCommon{.name = "fashion_cnn"});
    mz::optimizers::schedules::CosineDecay schedule(2e-3, steps);
    model->compile({.optimizer = mz::optimizers::Adam({.learning_rate = schedule}),
                    .loss = mz::losses::SparseCategoricalCrossentropy({.from_logits = true}),
                    .metrics = {"accuracy"}});
    return model;
  };
  DemoResult result;
  const double acc = train_fashion(name, run, make, true, options, out, result);
  result.figure_of_merit = "test accuracy";
  result.value = acc;
  // Full: 0.91 (issue 7; examples/fashion_cnn printed 0.9276, docs/examples.md); quick: 0.6 on
  // 2,000 images and two epochs (chance is 0.1).
  result.passed = acc >= (options.quick ? 0.6 : 0.91);
  return result;
}

}  // namespace mz::apps
