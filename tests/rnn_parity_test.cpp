// LSTM and GRU parity with PyTorch: a layer with the golden weights of tools/golden/rnn.py
// (Keras layout; GRU with reset_after = torch's GRU) run over 5 steps from given initial
// states must match torch 1.13's outputs, final states and the gradients of the inputs, the
// initial states and every weight, in float32 and float64, on ref and every fast backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "mz/io/npy.h"
#include "mz/nn/layers/gru.h"
#include "mz/nn/layers/lstm.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace {

namespace L = mz::layers;
using mz::Tensor;
using mz::testing::all_close;

// |actual - expected| <= rtol * (|expected| + max|expected|), as tests/mlp_parity_test.cpp:
// relative to the element with a floor at rtol times the array's largest element.
::testing::AssertionResult close_to(const Tensor& actual, const Tensor& expected, double rtol) {
  double scale = 0;
  for (double v : expected.to_vector<double>()) scale = std::max(scale, std::abs(v));
  return all_close(actual, expected, rtol, rtol * scale);
}

void expect_parity(const std::string& cell, mz::Device device, mz::DType dtype, double rtol) {
  const std::string tag = dtype == mz::DType::f32 ? "f32" : "f64";
  SCOPED_TRACE(cell + " " + tag + " on " + device.name());
  mz::DeviceGuard on_device(device);
  std::map<std::string, Tensor> g =
      mz::io::read_npz(std::string(MZ_GOLDEN_DIR) + "/rnn/" + cell + "_" + tag + ".npz");
  for (auto& [name, t] : g) t = t.to(device);
  const bool lstm = cell == "lstm";
  std::shared_ptr<L::RNN> layer;
  if (lstm) {
    layer = std::make_shared<L::LSTM>(
        3, L::LSTMOptions{.return_sequences = true, .return_state = true, .dtype = dtype});
  } else {
    layer = std::make_shared<L::GRU>(
        3, L::GRUOptions{.return_sequences = true, .return_state = true, .dtype = dtype});
  }
  layer->maybe_build({mz::Shape{-1, 5, 4}});
  layer->set_weights({g["kernel"], g["recurrent_kernel"], g["bias"]});

  std::vector<Tensor> inputs = {g["x"].clone().set_requires_grad(),
                                g["h0"].clone().set_requires_grad()};
  if (lstm) inputs.push_back(g["c0"].clone().set_requires_grad());
  std::vector<Tensor> ys = (*layer)(inputs, /*training=*/true);
  ASSERT_EQ(ys.size(), lstm ? 3u : 2u);
  Tensor loss = mz::sum(ys[0] * g["wo"]) + mz::sum(ys[1] * g["wh"]);
  if (lstm) loss = loss + mz::sum(ys[2] * g["wc"]);
  loss.backward();

  EXPECT_TRUE(close_to(ys[0], g["outputs"], rtol)) << "outputs";
  EXPECT_TRUE(close_to(ys[1], g["h"], rtol)) << "h";
  if (lstm) {
    EXPECT_TRUE(close_to(ys[2], g["c"], rtol)) << "c";
  }
  EXPECT_TRUE(close_to(inputs[0].grad(), g["grad_x"], rtol)) << "grad x";
  EXPECT_TRUE(close_to(inputs[1].grad(), g["grad_h0"], rtol)) << "grad h0";
  if (lstm) {
    EXPECT_TRUE(close_to(inputs[2].grad(), g["grad_c0"], rtol)) << "grad c0";
  }
  const char* names[] = {"grad_kernel", "grad_recurrent_kernel", "grad_bias"};
  std::vector<mz::VariablePtr> ws = layer->weights();
  ASSERT_EQ(ws.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ws[i]->value.grad().defined()) << ws[i]->path;
    EXPECT_TRUE(close_to(ws[i]->value.grad(), g[names[i]], rtol)) << names[i];
  }
}

std::vector<mz::Device> all_backends() {
  std::vector<mz::Device> devices = {mz::Device::ref()};
  for (mz::Device d : mz::testing::fast_backends()) devices.push_back(d);
  return devices;
}

// The bound: 1e-5 relative in float32; 1e-12 in float64.
TEST(RnnParity, LstmMatchesPyTorch) {
  for (mz::Device device : all_backends()) {
    expect_parity("lstm", device, mz::DType::f32, 1e-5);
    expect_parity("lstm", device, mz::DType::f64, 1e-12);
  }
}

TEST(RnnParity, GruMatchesPyTorch) {
  for (mz::Device device : all_backends()) {
    expect_parity("gru", device, mz::DType::f32, 1e-5);
    expect_parity("gru", device, mz::DType::f64, 1e-12);
  }
}

}  // namespace
