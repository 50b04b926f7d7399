// W3 — inference latency, MLP rows: the untrained W1 MLP on uniform random input in inference
// mode (a direct call under NoGrad with training = false); batch 1: 200 warm-up runs then 2000
// timed, batch 64: 200 then 500; each run timed separately; median, min and max in µs.
#include <string>

#include "bench/bench_common.h"
#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/ops/random.h"

namespace mz::bench {

void run_w3() {
  namespace L = mz::layers;
  set_seed(0);
  Sequential model({Input({784}), L::Dense(256, {.activation = "relu"}),
                    L::Dense(128, {.activation = "relu"}), L::Dense(10)});
  Generator gen(3);
  struct Case {
    int64_t batch;
    int warm, timed;
  };
  for (Case c : {Case{1, 200, 2000}, Case{64, 200, 500}}) {
    Tensor x = uniform({c.batch, 784}, 0.0, 1.0, {}, gen);
    std::vector<double> us;
    us.reserve(c.timed);
    NoGrad no_grad;
    for (int i = 0; i < c.warm; ++i) model(x, false);
    for (int i = 0; i < c.timed; ++i) {
      auto t0 = Clock::now();
      Tensor y = model(x, false);
      us.push_back(seconds_since(t0) * 1e6);
    }
    print_csv("W3", str("mlp_fwd_b", c.batch), "us", us, "%.2f", "", "NoGrad call");
  }
}

}  // namespace mz::bench
