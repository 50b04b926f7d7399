// Activations: values by hand (from torch 1.13 in float64), IEEE edge values, float64
// gradchecks, act_grad, Keras names and error messages, on ref and every fast backend.
#include "mz/ops/activation.h"

#include <cmath>
#include <limits>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
using testing::grad_ok;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<Device> all_devices() {
  std::vector<Device> devices = {Device::ref()};
  for (Device d : testing::fast_backends()) devices.push_back(d);
  return devices;
}

Tensor values(const std::vector<double>& v, DType dtype, Device device) {
  return tensor(v, Shape{static_cast<int64_t>(v.size())}, {.dtype = dtype, .device = device});
}

struct HandCase {
  const char* name;
  std::function<Tensor(const Tensor&)> fn;
  std::vector<double> expected;  // at kHandX
};

const std::vector<double> kHandX = {-2.0, -0.5, 0.0, 0.5, 1.0, 7.0};

std::vector<HandCase> hand_cases() {
  return {
      {"relu", [](const Tensor& x) { return relu(x); }, {0, 0, 0, 0.5, 1, 7}},
      {"relu6", [](const Tensor& x) { return relu6(x); }, {0, 0, 0, 0.5, 1, 6}},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x); }, {-0.4, -0.1, 0, 0.5, 1, 7}},
      {"elu",
       [](const Tensor& x) { return elu(x); },
       {-0.8646647167633873, -0.3934693402873666, 0.0, 0.5, 1.0, 7.0}},
      {"selu",
       [](const Tensor& x) { return selu(x); },
       {-1.5201664558147385, -0.6917581819868431, 0.0, 0.52535049, 1.05070098, 7.35490686}},
      {"gelu",
       [](const Tensor& x) { return gelu(x); },
       {-0.04550026389635842, -0.15426876936299344, 0.0, 0.34573123063700656, 0.841344746068543,
        6.999999999991041}},
      {"gelu_tanh",
       [](const Tensor& x) { return gelu(x, true); },
       {-0.04540230591222494, -0.15428599017485606, 0.0, 0.34571400982514394, 0.8411919906082768,
        6.999999999999997}},
      {"sigmoid",
       [](const Tensor& x) { return sigmoid(x); },
       {0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.7310585786300049,
        0.9990889488055994}},
      {"hard_sigmoid",
       [](const Tensor& x) { return hard_sigmoid(x); },
       {1.0 / 6, 2.5 / 6, 0.5, 3.5 / 6, 4.0 / 6, 1.0}},
      {"tanh",
       [](const Tensor& x) { return tanh(x); },
       {-0.9640275800758169, -0.46211715726000974, 0.0, 0.46211715726000974, 0.7615941559557649,
        0.9999983369439447}},
      {"softplus",
       [](const Tensor& x) { return softplus(x); },
       {0.1269280110429725, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067,
        1.3132616875182228, 7.000911466453774}},
      {"softsign",
       [](const Tensor& x) { return softsign(x); },
       {-2.0 / 3, -1.0 / 3, 0.0, 1.0 / 3, 0.5, 0.875}},
      {"silu",
       [](const Tensor& x) { return silu(x); },
       {-0.2384058440442351, -0.1887703343990727, 0.0, 0.3112296656009273, 0.7310585786300049,
        6.993622641639196}},
  };
}

TEST(Activation, ValuesMatchHandComputedOnes) {
  for (Device device : all_devices()) {
    for (DType dtype : {DType::f32, DType::f64}) {
      const double rtol = dtype == DType::f32 ? 1e-5 : 1e-12;
      Tensor x = values(kHandX, dtype, device);
      for (const HandCase& c : hand_cases()) {
        Tensor y = c.fn(x);
        EXPECT_EQ(y.dtype(), dtype);
        EXPECT_TRUE(all_close(y, values(c.expected, DType::f64, Device::ref()), rtol, 1e-7))
            << c.name << " on " << device << " in " << dtype_name(dtype);
      }
    }
  }
}

TEST(Activation, SlopeAndAlphaAreHonoured) {
  for (Device device : all_devices()) {
    Tensor x = values({-2.0, 3.0}, DType::f64, device);
    EXPECT_EQ(leaky_relu(x, 0.1).to_vector<double>(), (std::vector<double>{-0.2, 3.0}));
    EXPECT_TRUE(all_close(elu(x, 0.5),
                          values({0.5 * std::expm1(-2.0), 3.0}, DType::f64, Device::ref()), 1e-15));
  }
}

TEST(Activation, IeeeSpecialValues) {
  for (Device device : all_devices()) {
    for (DType dtype : {DType::f32, DType::f64}) {
      SCOPED_TRACE(str(device, " ", dtype_name(dtype)));
      Tensor special = values({kNaN, kInf, -kInf}, dtype, device);
      for (const HandCase& c : hand_cases())
        EXPECT_TRUE(std::isnan(c.fn(special).to_vector<double>()[0])) << c.name;
      auto v = [](const Tensor& t) { return t.to_vector<double>(); };
      EXPECT_EQ(v(relu(special))[1], kInf);
      EXPECT_EQ(v(relu(special))[2], 0.0);
      EXPECT_EQ(v(relu6(special))[1], 6.0);
      EXPECT_EQ(v(sigmoid(special))[1], 1.0);
      EXPECT_EQ(v(sigmoid(special))[2], 0.0);
      EXPECT_EQ(v(tanh(special))[1], 1.0);
      EXPECT_EQ(v(tanh(special))[2], -1.0);
      EXPECT_EQ(v(elu(special))[2], -1.0);
      EXPECT_EQ(v(softplus(special))[1], kInf);
      EXPECT_EQ(v(softplus(special))[2], 0.0);
      EXPECT_EQ(v(hard_sigmoid(special))[1], 1.0);
      EXPECT_EQ(v(hard_sigmoid(special))[2], 0.0);
      // Stable forms: no overflow and no cancellation at large |x|.
      Tensor big = values({1000.0, -1000.0, 100.0, -100.0}, dtype, device);
      EXPECT_EQ(v(softplus(big))[0], 1000.0);
      EXPECT_EQ(v(softplus(big))[1], 0.0);
      EXPECT_EQ(v(sigmoid(big))[0], 1.0);
      EXPECT_EQ(v(sigmoid(big))[1], 0.0);
      // e^-100 is a denormal in float32: one ulp there is 1.4e-45.
      EXPECT_NEAR(v(sigmoid(big))[3], std::exp(-100.0), dtype == DType::f32 ? 1.5e-45 : 1e-56);
      EXPECT_EQ(v(gelu(big))[0], 1000.0);
      EXPECT_EQ(v(gelu(big, true))[0], 1000.0);
      EXPECT_EQ(v(silu(big))[0], 1000.0);
      EXPECT_EQ(v(tanh(big))[0], 1.0);
    }
  }
}

TEST(Activation, GradientsMatchFiniteDifferences) {
  // Away from the kinks of relu (0), relu6 (0, 6) and hard_sigmoid (-3, 3).
  const std::vector<double> xs = {-4.2, -2.7, -1.3, -0.45, 0.35, 1.2, 2.4, 4.5, 7.5};
  for (Device device : all_devices()) {
    Tensor x = values(xs, DType::f64, device);
    for (const HandCase& c : hand_cases()) {
      auto fn = c.fn;
      EXPECT_TRUE(grad_ok([fn](const std::vector<Tensor>& in) { return fn(in[0]); }, {x}))
          << c.name << " on " << device;
    }
    EXPECT_TRUE(grad_ok([](auto& in) { return leaky_relu(in[0], 0.05); }, {x}));
    EXPECT_TRUE(grad_ok([](auto& in) { return elu(in[0], 0.7); }, {x}));
    EXPECT_TRUE(grad_ok([](auto& in) { return activation("swish", in[0]); }, {x}));
    EXPECT_TRUE(grad_ok([](auto& in) { return activation("exponential", in[0]); }, {x}));
    EXPECT_TRUE(grad_ok([](auto& in) { return activation("linear", in[0]) * 2.0; }, {x}));
  }
}

TEST(Activation, GeluGradientIsRightAtZero) {
  Tensor x = values({0.0}, DType::f64, Device::ref());
  x.set_requires_grad(true);
  sum(gelu(x)).backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 0.5);
}

TEST(Activation, ActGradIsTheDerivativeFromTheOutput) {
  for (Device device : all_devices()) {
    Tensor dy = values({0.5, -1.5, 2.0, 0.25}, DType::f64, device);
    Tensor y = values({-0.3, 0.2, 0.9, 0.6}, DType::f64, device);
    auto v = [](const Tensor& t) { return t.to_vector<double>(); };
    EXPECT_EQ(v(act_grad(dy, y, Act::linear)), v(dy));
    EXPECT_EQ(v(act_grad(dy, y, Act::relu)), (std::vector<double>{0, -1.5, 2.0, 0.25}));
    EXPECT_TRUE(all_close(act_grad(dy, y, Act::tanh), dy * (1.0 - y * y), 1e-15));
    EXPECT_TRUE(all_close(act_grad(dy, y, Act::sigmoid), dy * (y * (1.0 - y)), 1e-15));
    for (Act act : {Act::linear, Act::relu, Act::tanh, Act::sigmoid})
      EXPECT_TRUE(grad_ok([act](auto& in) { return act_grad(in[0], in[1], act); }, {dy, y}))
          << "act " << static_cast<int>(act) << " on " << device;
  }
}

TEST(Activation, ResolvesKerasNames) {
  Tensor x = values({-1.0, 0.5, 2.0}, DType::f64, Device::ref());
  EXPECT_EQ(activation("relu", x).to_vector<double>(), relu(x).to_vector<double>());
  EXPECT_EQ(activation("swish", x).to_vector<double>(), silu(x).to_vector<double>());
  EXPECT_EQ(activation("silu", x).to_vector<double>(), silu(x).to_vector<double>());
  EXPECT_EQ(activation("gelu", x).to_vector<double>(), gelu(x, false).to_vector<double>());
  EXPECT_EQ(activation("leaky_relu", x).to_vector<double>()[0], -0.2);
  EXPECT_EQ(activation("exponential", x).to_vector<double>(), exp(x).to_vector<double>());
  EXPECT_TRUE(activation("linear", x).shares_storage(x));
  Tensor p = values({0.0, std::log(3.0)}, DType::f64, Device::ref());
  EXPECT_TRUE(
      all_close(activation("softmax", p), values({0.25, 0.75}, DType::f64, Device::ref()), 1e-12));
  EXPECT_TRUE(all_close(activation("log_softmax", p),
                        values({std::log(0.25), std::log(0.75)}, DType::f64, Device::ref()),
                        1e-12));
  EXPECT_TRUE(is_activation("hard_sigmoid"));
  EXPECT_FALSE(is_activation("relux"));
}

TEST(Activation, UnknownNameListsTheValidOnes) {
  Tensor x = values({1.0}, DType::f32, Device::ref());
  MZ_EXPECT_THROW_MSG(activation("relux", x), ValueError,
                      "activation: unknown activation \"relux\": expected one of \"relu\", "
                      "\"relu6\", \"leaky_relu\", \"elu\", \"selu\", \"gelu\", \"sigmoid\", "
                      "\"hard_sigmoid\", \"tanh\", \"softplus\", \"softsign\", \"silu\", "
                      "\"swish\", \"exponential\", \"linear\", \"softmax\", \"log_softmax\".");
}

TEST(Activation, RejectsBadArguments) {
  Tensor i = tensor(std::vector<int32_t>{1, -2}, {2});
  MZ_EXPECT_THROW_MSG(relu(i), ValueError,
                      "relu: expected a float32 or float64 tensor, got int32.");
  Tensor a = values({1.0, 2.0}, DType::f32, Device::ref());
  Tensor b = values({1.0, 2.0, 3.0}, DType::f32, Device::ref());
  MZ_EXPECT_THROW_MSG(act_grad(a, b, Act::tanh), ShapeError,
                      "act_grad: dy and y must have one shape: expected (3,), got (2,).");
  MZ_EXPECT_THROW_MSG(act_grad(a, a.to(DType::f64), Act::tanh), ValueError,
                      "act_grad: dtypes differ: float32 and float64");
}

TEST(Activation, StridedInputsMatchContiguousOnes) {
  for (Device device : all_devices()) {
    Tensor x = (arange(12, {.device = device}).reshape({3, 4}) * 0.7 - 4.0).to(DType::f64);
    Tensor xt = x.transpose(0, 1);
    ASSERT_FALSE(xt.is_contiguous());
    for (const HandCase& c : hand_cases())
      EXPECT_TRUE(all_close(c.fn(xt), c.fn(xt.contiguous()), 1e-14)) << c.name << " on " << device;
  }
}

}  // namespace
}  // namespace mz
