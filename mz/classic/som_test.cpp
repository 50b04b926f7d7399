// Tests for SelfOrganizingMap: iris quantisation/topographic errors (classic.md §8), grids,
// neighbourhoods, batch training, maps and errors.
#include "mz/classic/som.h"

#include <cmath>

#include "mz/classic/classic_testing.h"
#include "testing.h"

namespace mz::classic {
namespace {

using mz::classic::testing::as_tensor;
using mz::classic::testing::iris;
using mz::classic::testing::zscore;

// MiniSom train_random, 7x7, sigma 1.5, lr 0.5, 1000 steps, random-sample init:
// QE 0.327 +- 0.007, TE 0.04-0.05 over 20 seeds (classic.md §8). 5 seeds here.
TEST(SelfOrganizingMap, IrisQuantizationAndTopographicErrorMatchMiniSom) {
  Tensor x = as_tensor(zscore(iris()));
  double qe = 0, te = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    SelfOrganizingMap som(7, 7, 4, {.sigma = 1.5, .learning_rate = 0.5, .seed = seed});
    som.random_init(x);
    som.train(x, {.steps = 1000, .order = "random"});
    qe += som.quantization_error(x) / 5;
    te += som.topographic_error(x) / 5;
  }
  EXPECT_NEAR(qe, 0.327, 0.02);
  EXPECT_LT(te, 0.14);
}

// PCA init + sequential 1000 steps: MiniSom master gives QE 0.3143, TE 0.060 (deterministic;
// we reproduce both to the printed digits).
TEST(SelfOrganizingMap, IrisPcaSequentialMatchesMiniSom) {
  Tensor x = as_tensor(zscore(iris()));
  SelfOrganizingMap som(7, 7, 4, {.sigma = 1.5, .learning_rate = 0.5});
  som.pca_init(x);
  som.train(x, {.steps = 1000, .order = "sequential"});
  EXPECT_NEAR(som.quantization_error(x), 0.3143, 5e-5);
  EXPECT_NEAR(som.topographic_error(x), 0.060, 1e-9);
}

// R kohonen hexagonal 5x5: QE 0.382 +- 0.010, TE 0.091 (hex adjacency). Batch training from
// a PCA start with a Gaussian radius 3 -> 0.3 over 30 epochs gives QE 0.383, TE 0.073.
TEST(SelfOrganizingMap, HexagonalBatchTrainingReachesKohonenQuality) {
  Tensor x = as_tensor(zscore(iris()));
  SelfOrganizingMap som(5, 5, 4,
                        {.topology = "hexagonal", .sigma = 3.0, .decay = "linear", .final_sigma = 0.3});
  som.pca_init(x);
  som.train_batch(x, 30);
  EXPECT_NEAR(som.quantization_error(x), 0.382, 0.03);
  EXPECT_LT(som.topographic_error(x), 0.2);
}

TEST(SelfOrganizingMap, GridGeometry) {
  SelfOrganizingMap rect(3, 4, 2);
  EXPECT_DOUBLE_EQ(rect.grid_distance(0, 5), std::sqrt(2.0));  // (0,0) to (1,1)
  SelfOrganizingMap hex(3, 4, 2, {.topology = "hexagonal"});
  // Unit 0 at (0,0), unit 4 (row 1, col 0) at (0.5, sqrt(3)/2): distance 1.
  EXPECT_NEAR(hex.grid_distance(0, 4), 1.0, 1e-12);
  EXPECT_NEAR(hex.grid_distance(0, 1), 1.0, 1e-12);
  EXPECT_GT(hex.grid_distance(0, 5), 1.01);
}

TEST(SelfOrganizingMap, NeighbourhoodFunctions) {
  SelfOrganizingMap g(2, 2, 1, {.neighborhood = "gaussian"});
  EXPECT_NEAR(g.neighborhood(1.0, 1.0), std::exp(-0.5), 1e-15);
  SelfOrganizingMap b(2, 2, 1, {.neighborhood = "bubble"});
  EXPECT_EQ(b.neighborhood(1.0, 1.0), 1.0);
  EXPECT_EQ(b.neighborhood(1.5, 1.0), 0.0);
  SelfOrganizingMap m(2, 2, 1, {.neighborhood = "mexican_hat"});
  EXPECT_EQ(m.neighborhood(0.0, 1.0), 1.0);
  EXPECT_LT(m.neighborhood(2.0, 1.0), 0.0);  // inhibitory ring
}

TEST(SelfOrganizingMap, MapsHaveGridShapes) {
  Tensor x = as_tensor(zscore(iris()));
  SelfOrganizingMap som(4, 6, 4, {.neighborhood = "bubble", .sigma = 2.0, .decay = "exponential"});
  som.random_init(x);
  som.train(x, {.steps = 300});
  Tensor hits = som.hit_map(x);
  EXPECT_EQ(hits.shape(), (Shape{4, 6}));
  double total = 0;
  for (double h : hits.to_vector<double>()) total += h;
  EXPECT_EQ(total, 150.0);
  Tensor u = som.u_matrix();
  EXPECT_EQ(u.shape(), (Shape{4, 6}));
  for (double v : u.to_vector<double>()) EXPECT_GT(v, 0.0);
  Tensor planes = som.component_planes();
  EXPECT_EQ(planes.shape(), (Shape{4, 4, 6}));
  std::vector<double> w = som.weights().to_vector<double>(), p = planes.to_vector<double>();
  EXPECT_EQ(p[2 * 24 + 7], w[7 * 4 + 2]);  // component 2 of unit 7
}

TEST(SelfOrganizingMap, SameSeedSameMap) {
  Tensor x = as_tensor(zscore(iris()));
  SelfOrganizingMap a(3, 3, 4, {.seed = 7}), b(3, 3, 4, {.seed = 7});
  a.random_init(x), b.random_init(x);
  a.train(x, {.steps = 200}), b.train(x, {.steps = 200});
  EXPECT_TRUE(mz::testing::all_equal(a.weights(), b.weights()));
}

TEST(SelfOrganizingMap, BadInputIsReported) {
  SelfOrganizingMap som(3, 3, 4);
  MZ_EXPECT_THROW_MSG(som.train(mz::zeros({10, 3}, {.dtype = DType::f64})), ShapeError,
                      "SelfOrganizingMap.train: data has 3 features per sample, but the map was built for 4: "
                      "expected (n, 4), got (10, 3).");
  MZ_EXPECT_THROW_MSG(som.train(mz::zeros({0, 4}, {.dtype = DType::f64})), ValueError,
                      "SelfOrganizingMap.train: data is empty");
  MZ_EXPECT_THROW_MSG(SelfOrganizingMap(3, 3, 4, {.topology = "square"}), ValueError,
                      "SelfOrganizingMap: topology must be \"rectangular\" or \"hexagonal\", got \"square\".");
  MZ_EXPECT_THROW_MSG(SelfOrganizingMap(3, 3, 4, {.neighborhood = "cone"}), ValueError,
                      "neighborhood must be \"gaussian\", \"bubble\" or \"mexican_hat\"");
  MZ_EXPECT_THROW_MSG(som.train(mz::zeros({10, 4}, {.dtype = DType::f64}), {.order = "shuffled"}), ValueError,
                      "order must be \"random\" or \"sequential\", got \"shuffled\".");
}

// Full-size figures for docs/classic.md (run with --gtest_also_run_disabled_tests).
TEST(SelfOrganizingMap, DISABLED_FullFigures) {
  Tensor x = as_tensor(zscore(iris()));
  for (auto [g, sigma, steps] : {std::tuple{7, 1.5, 1000}, std::tuple{7, 1.5, 5000}, std::tuple{10, 1.5, 5000},
                                 std::tuple{5, 1.0, 5000}}) {
    double qe = 0, te = 0;
    for (uint64_t seed = 0; seed < 20; ++seed) {
      SelfOrganizingMap som(g, g, 4, {.sigma = sigma, .seed = seed});
      som.random_init(x);
      som.train(x, {.steps = steps});
      qe += som.quantization_error(x) / 20, te += som.topographic_error(x) / 20;
    }
    std::printf("SOM %dx%d sigma %.1f %d steps random init, 20 seeds: QE %.4f TE %.4f\n", g, g, sigma, steps, qe, te);
  }
}

}  // namespace
}  // namespace mz::classic
