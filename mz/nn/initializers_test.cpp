// Initializers: Keras's fans, the statistics and limits of each distribution on large shapes,
// Orthogonal's orthogonality, Identity, seeds, names and configs.
#include "mz/nn/initializers.h"

#include <cmath>

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace I = initializers;

struct Stats {
  double mean = 0, stddev = 0, min = 1e300, max = -1e300;
};

Stats stats_of(const Tensor& t) {
  std::vector<double> v = t.to_vector<double>();
  Stats s;
  for (double x : v) s.mean += x, s.min = std::min(s.min, x), s.max = std::max(s.max, x);
  s.mean /= double(v.size());
  for (double x : v) s.stddev += (x - s.mean) * (x - s.mean);
  s.stddev = std::sqrt(s.stddev / double(v.size()));
  return s;
}

// A (200, 300) kernel: fan_in 200, fan_out 300, 60000 draws (stddev of the estimates ~0.3%).
const Shape kKernel{200, 300};

void expect_uniform(const Initializer& init, double limit) {
  Stats s = stats_of(init(kKernel));
  EXPECT_GE(s.min, -limit) << init.class_name();
  EXPECT_LT(s.max, limit) << init.class_name();
  EXPECT_GT(s.max, 0.99 * limit) << init.class_name();
  EXPECT_NEAR(s.mean, 0.0, 0.02 * limit) << init.class_name();
  EXPECT_NEAR(s.stddev, limit / std::sqrt(3.0), 0.02 * limit) << init.class_name();
}

// Truncated at two stddev of the untruncated normal, with `stddev` after truncation.
void expect_truncated(const Initializer& init, double stddev) {
  Stats s = stats_of(init(kKernel));
  double cut = 2.0 * stddev / 0.87962566103423978;
  EXPECT_GE(s.min, -cut) << init.class_name();
  EXPECT_LE(s.max, cut) << init.class_name();
  EXPECT_NEAR(s.mean, 0.0, 0.02 * stddev) << init.class_name();
  EXPECT_NEAR(s.stddev, stddev, 0.02 * stddev) << init.class_name();
}

TEST(Initializers, FansFollowKeras) {
  EXPECT_EQ(compute_fans({}), std::make_pair(1.0, 1.0));
  EXPECT_EQ(compute_fans({7}), std::make_pair(7.0, 7.0));
  EXPECT_EQ(compute_fans({3, 5}), std::make_pair(3.0, 5.0));
  EXPECT_EQ(compute_fans({3, 3, 4, 8}), std::make_pair(36.0, 72.0));  // conv2d kernel
  EXPECT_EQ(compute_fans({5, 4, 8}), std::make_pair(20.0, 40.0));     // conv1d kernel
}

TEST(Initializers, VarianceScalingPresetsHaveKerasLimitsAndSpreads) {
  expect_uniform(I::GlorotUniform(), std::sqrt(6.0 / 500.0));
  expect_uniform(I::HeUniform(), std::sqrt(6.0 / 200.0));
  expect_uniform(I::LecunUniform(), std::sqrt(3.0 / 200.0));
  expect_truncated(I::GlorotNormal(), std::sqrt(2.0 / 500.0));
  expect_truncated(I::HeNormal(), std::sqrt(2.0 / 200.0));
  expect_truncated(I::LecunNormal(), std::sqrt(1.0 / 200.0));
  expect_uniform(I::VarianceScaling({.scale = 2.0, .mode = "fan_out", .distribution = "uniform"}),
                 std::sqrt(6.0 / 300.0));
  Stats s = stats_of(I::VarianceScaling({.distribution = "untruncated_normal"})(kKernel));
  EXPECT_NEAR(s.stddev, std::sqrt(1.0 / 200.0), 0.02 * std::sqrt(1.0 / 200.0));
  EXPECT_GT(s.max, 3.0 * std::sqrt(1.0 / 200.0));  // not truncated
}

TEST(Initializers, RandomDrawsUseTheirArguments) {
  expect_uniform(I::RandomUniform(), 0.05);
  Stats u = stats_of(I::RandomUniform({.minval = 1.0, .maxval = 3.0})(kKernel));
  EXPECT_GE(u.min, 1.0);
  EXPECT_LT(u.max, 3.0);
  EXPECT_NEAR(u.mean, 2.0, 0.02);
  Stats n = stats_of(I::RandomNormal({.mean = 1.0, .stddev = 0.5})(kKernel));
  EXPECT_NEAR(n.mean, 1.0, 0.01);
  EXPECT_NEAR(n.stddev, 0.5, 0.01);
  EXPECT_GT(n.max, 1.0 + 2.0 * 0.5);  // untruncated
  Stats t = stats_of(I::TruncatedNormal({.mean = 0.0, .stddev = 1.0})(kKernel));
  EXPECT_GE(t.min, -2.0);
  EXPECT_LE(t.max, 2.0);
  EXPECT_NEAR(t.stddev, 0.87962566103423978, 0.01);
  EXPECT_EQ(I::RandomNormal()(kKernel, DType::f64).dtype(), DType::f64);
}

TEST(Initializers, ConstantsFillTheShape) {
  EXPECT_EQ(I::Zeros()({2, 3}).to_vector<float>(), std::vector<float>(6, 0.0f));
  EXPECT_EQ(I::Ones()({4}, DType::f64).to_vector<double>(), std::vector<double>(4, 1.0));
  EXPECT_EQ(I::Constant(2.5)({2, 2}).to_vector<float>(), std::vector<float>(4, 2.5f));
  EXPECT_EQ(I::Zeros()({3}, DType::i64).dtype(), DType::i64);
}

// max |M^T M - I| for the (r, c) matrix M, r >= c (orthonormal columns).
double gram_error(const Tensor& m) {
  Tensor g = matmul(m.mT(), m);
  Tensor eye = I::Identity()({g.size(0), g.size(1)}, g.dtype());
  return max(abs(g - eye)).item();
}

TEST(Initializers, OrthogonalIsOrthogonal) {
  Tensor tall = I::Orthogonal()({6, 4}, DType::f64);
  EXPECT_LT(gram_error(tall), 1e-12);
  Tensor wide = I::Orthogonal()({4, 6}, DType::f64);
  EXPECT_LT(gram_error(wide.mT()), 1e-12);  // orthonormal rows
  Tensor conv = I::Orthogonal({.gain = 2.0})({3, 3, 4, 8}, DType::f64);
  EXPECT_EQ(conv.shape(), Shape({3, 3, 4, 8}));
  EXPECT_LT(gram_error(conv.reshape({36, 8}) * 0.5), 1e-12);
  Tensor square = I::Orthogonal({.seed = 3})({16, 16});
  EXPECT_LT(gram_error(square), 1e-5);
  EXPECT_LT(gram_error(square.mT()), 1e-5);
  MZ_EXPECT_THROW_MSG(I::Orthogonal()({5}), ValueError,
                      "Orthogonal: the shape must have rank >= 2: expected (rows, cols), got "
                      "(5,).");
}

TEST(Initializers, IdentityIsTheEye) {
  EXPECT_EQ(I::Identity({.gain = 3.0})({2, 3}).to_vector<float>(),
            (std::vector<float>{3, 0, 0, 0, 3, 0}));
  MZ_EXPECT_THROW_MSG(I::Identity()({2, 2, 2}), ValueError,
                      "Identity: the identity initializer makes 2-D matrices only");
}

TEST(Initializers, SeedsAreDeterministic) {
  Tensor a = I::GlorotUniform(42)({5, 7});
  EXPECT_TRUE(testing::all_equal(I::GlorotUniform(42)({5, 7}), a));
  I::HeNormal seeded(7);
  EXPECT_TRUE(testing::all_equal(seeded({5, 7}), seeded({5, 7})));  // Keras: same every call
  EXPECT_FALSE(testing::all_equal(I::GlorotUniform(43)({5, 7}), a));
  I::GlorotUniform unseeded;
  EXPECT_FALSE(testing::all_equal(unseeded({5, 7}), unseeded({5, 7})));
  set_seed(11);
  Tensor b = unseeded({5, 7});
  set_seed(11);
  EXPECT_TRUE(testing::all_equal(unseeded({5, 7}), b));
  EXPECT_TRUE(
      testing::all_equal(I::Orthogonal({.seed = 1})({4, 4}), I::Orthogonal({.seed = 1})({4, 4})));
}

TEST(Initializers, NamesResolveAsKeras) {
  for (const char* name :
       {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
        "lecun_normal", "zeros", "ones", "constant", "random_uniform", "random_normal",
        "truncated_normal", "orthogonal", "identity", "variance_scaling"})
    EXPECT_NE(get_initializer(name), nullptr) << name;
  EXPECT_EQ(get_initializer("GlorotUniform")->class_name(), "GlorotUniform");
  EXPECT_EQ(get_initializer("he_normal")->class_name(), "HeNormal");
  EXPECT_EQ(get_initializer("uniform")->class_name(), "RandomUniform");
  EXPECT_EQ(get_initializer("OrthogonalInitializer")->class_name(), "Orthogonal");
  MZ_EXPECT_THROW_MSG(get_initializer("xavier"), ValueError,
                      "get_initializer: unknown initializer: expected one of glorot_uniform, "
                      "glorot_normal, he_uniform, he_normal,");
  MZ_EXPECT_THROW_MSG(get_initializer("xavier"), ValueError, "got \"xavier\".");
}

TEST(Initializers, ConfigsRoundTrip) {
  std::vector<InitializerPtr> all = {
      std::make_shared<I::GlorotUniform>(3),
      std::make_shared<I::GlorotNormal>(),
      std::make_shared<I::HeUniform>(),
      std::make_shared<I::HeNormal>(),
      std::make_shared<I::LecunUniform>(),
      std::make_shared<I::LecunNormal>(),
      std::make_shared<I::VarianceScaling>(
          I::VarianceScalingOptions{.scale = 0.5, .mode = "fan_avg", .distribution = "normal"}),
      std::make_shared<I::Zeros>(),
      std::make_shared<I::Ones>(),
      std::make_shared<I::Constant>(1.5),
      std::make_shared<I::RandomUniform>(I::RandomUniformOptions{.minval = -1, .maxval = 2}),
      std::make_shared<I::RandomNormal>(I::RandomNormalOptions{.stddev = 2, .seed = 5}),
      std::make_shared<I::TruncatedNormal>(),
      std::make_shared<I::Orthogonal>(I::OrthogonalOptions{.gain = 2}),
      std::make_shared<I::Identity>(I::IdentityOptions{.gain = 0.5}),
  };
  for (const InitializerPtr& init : all) {
    Json j = initializer_to_config(init);
    EXPECT_EQ(j["module"], "keras.initializers");
    EXPECT_TRUE(j["registered_name"].is_null());
    EXPECT_EQ(initializer_to_config(initializer_from_config(j)), j) << j.dump();
  }
  EXPECT_EQ(initializer_to_config(all[0])["config"], Json::parse(R"({"seed": 3})"));
  EXPECT_EQ(initializer_to_config(all[6])["config"]["distribution"], "truncated_normal");
  EXPECT_TRUE(initializer_to_config(nullptr).is_null());
  EXPECT_EQ(initializer_from_config(nullptr), nullptr);
  EXPECT_EQ(initializer_from_config("zeros")->class_name(), "Zeros");
  Json keras = Json::parse(R"({"module": "keras.initializers", "class_name": "RandomNormal",
                               "config": {"mean": 0.0, "stddev": 0.02, "seed": null},
                               "registered_name": null})");
  EXPECT_EQ(initializer_to_config(initializer_from_config(keras)), keras);
  MZ_EXPECT_THROW_MSG(initializer_from_config(Json::parse(R"({"class_name": "Xavier"})")),
                      ValueError, "initializer_from_config: unknown initializer class");
  MZ_EXPECT_THROW_MSG(initializer_from_config(
                          Json::parse(R"({"class_name": "HeNormal", "config": {"seed": "a"}})")),
                      ValueError, "HeNormal: config \"seed\": expected an integer, got \"a\".");
}

TEST(Initializers, VarianceScalingRejectsBadArguments) {
  MZ_EXPECT_THROW_MSG(I::VarianceScaling({.scale = 0.0}), ValueError,
                      "VarianceScaling: scale must be positive: expected scale > 0, got 0.");
  MZ_EXPECT_THROW_MSG(I::VarianceScaling({.mode = "fan"}), ValueError,
                      "VarianceScaling: unknown mode: expected \"fan_in\", \"fan_out\" or "
                      "\"fan_avg\", got \"fan\".");
  MZ_EXPECT_THROW_MSG(I::VarianceScaling({.distribution = "cauchy"}), ValueError,
                      "got \"cauchy\".");
  MZ_EXPECT_THROW_MSG(I::GlorotUniform()({3, 3}, DType::i32), ValueError,
                      "GlorotUniform: random initial values need a floating dtype");
}

}  // namespace
}  // namespace mz
