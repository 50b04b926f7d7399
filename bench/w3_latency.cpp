// W3 — inference latency: the untrained W1 MLP and W2 LeNet-5 (models.h) on uniform random
// input in inference mode (a direct call under NoGrad with training = false); batch 1: 200
// warm-up runs then 2000 timed, batch 64: 200 then 500; each run timed separately; median, min
// and max in µs.
#include <string>

#include "bench/bench_common.h"
#include "bench/models.h"
#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/ops/random.h"

namespace mz::bench {

namespace {

void time_forward(const char* name, Sequential& model, std::vector<int64_t> sample_shape) {
  Generator gen(3);
  struct Case {
    int64_t batch;
    int warm, timed;
  };
  for (Case c : {Case{1, 200, 2000}, Case{64, 200, 500}}) {
    std::vector<int64_t> shape{c.batch};
    shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
    Tensor x = uniform(Shape(shape), 0.0, 1.0, {}, gen);
    std::vector<double> us;
    us.reserve(c.timed);
    NoGrad no_grad;
    for (int i = 0; i < c.warm; ++i) model(x, false);
    for (int i = 0; i < c.timed; ++i) {
      auto t0 = Clock::now();
      Tensor y = model(x, false);
      us.push_back(seconds_since(t0) * 1e6);
    }
    print_csv("W3", str(name, "_fwd_b", c.batch), "us", us, "%.2f", "", "NoGrad call");
  }
}

}  // namespace

void run_w3() {
  set_seed(0);
  Sequential mlp_model = mlp();
  time_forward("mlp", mlp_model, {784});
  set_seed(0);
  Sequential cnn_model = lenet5();
  time_forward("cnn", cnn_model, {28, 28, 1});
}

}  // namespace mz::bench
