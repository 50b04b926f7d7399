// Tests for the SVG pictures; DISABLED_WritePictures writes the docs/classic/*.svg figures.
#include "mz/classic/svg.h"

#include <filesystem>

#include "mz/classic/classic_testing.h"
#include "mz/classic/hopfield.h"
#include "mz/classic/hopfield_tank.h"
#include "mz/classic/som.h"
#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Svg, GridPatternsAndTourAreWellFormed) {
  std::string g = grid_svg(mz::tensor(std::vector<double>{1, 2, 3, 4, 5, 6}, Shape{2, 3}), "u-matrix", true, true);
  EXPECT_EQ(g.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(g, "<rect"), 1 + 6);
  EXPECT_NE(g.find("</svg>"), std::string::npos);
  std::string p = patterns_svg(mz::ones({2, 4}, {.dtype = DType::f64}), 2, 2, "a < b", {3, 2, 1});
  EXPECT_EQ(count(p, "<rect"), 1 + 8);
  EXPECT_NE(p.find("a &lt; b"), std::string::npos);
  EXPECT_EQ(count(p, "<polyline"), 1);
  std::string t = tour_svg(mz::tensor(std::vector<double>{0, 0, 1, 0, 1, 1}, Shape{3, 2}), {0, 1, 2}, "tour");
  EXPECT_EQ(count(t, "<circle"), 3);
  EXPECT_EQ(count(t, "<polygon"), 1);
}

TEST(Svg, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(grid_svg(mz::zeros({4}, {.dtype = DType::f64}), "x"), ShapeError,
                      "grid_svg: grid must be (rows, cols): expected rank 2, got (4,).");
  MZ_EXPECT_THROW_MSG(patterns_svg(mz::zeros({2, 5}, {.dtype = DType::f64}), 2, 2, "x"), ShapeError,
                      "patterns_svg: patterns must be (n, height * width) = (n, 4), got (2, 5).");
  MZ_EXPECT_THROW_MSG(write_svg("/nonexistent-dir/x.svg", "<svg/>"), IoError,
                      "write_svg \"/nonexistent-dir/x.svg\": cannot open the file for writing.");
}

// Writes the pictures of docs/classic.md into $MZ_SVG_DIR (default docs/classic).
TEST(Svg, DISABLED_WritePictures) {
  const char* env = std::getenv("MZ_SVG_DIR");
  const std::string dir = env ? env : std::string(MZ_GOLDEN_DIR) + "/../../docs/classic";
  std::filesystem::create_directories(dir);
  Tensor x = testing::as_tensor(testing::zscore(testing::iris()));
  SelfOrganizingMap som(10, 10, 4, {.topology = "hexagonal", .sigma = 1.5});
  som.random_init(x);
  som.train(x, {.steps = 5000});
  write_svg(dir + "/som_umatrix.svg", grid_svg(som.u_matrix(), "SOM 10x10 hexagonal, iris: U-matrix", true));
  write_svg(dir + "/som_hits.svg", grid_svg(som.hit_map(x), "SOM 10x10 hexagonal, iris: hit map", true, true));
  std::vector<double> letters = {
      1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1,
      1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1,
      1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1,
      0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0};
  std::vector<double> defaced = {0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1};
  for (double& v : letters) v = 2 * v - 1;
  for (double& v : defaced) v = 2 * v - 1;
  Hopfield net(25);
  net.store(mz::tensor(letters, Shape{4, 25}));
  HopfieldRecall r = net.recall(mz::tensor(defaced, Shape{1, 25}), {.seed = 1});
  std::vector<double> strip = letters;
  strip.insert(strip.end(), defaced.begin(), defaced.end());
  std::vector<double> fin = r.states.to_vector<double>();
  strip.insert(strip.end(), fin.begin(), fin.end());
  write_svg(dir + "/hopfield_recall.svg",
            patterns_svg(mz::tensor(strip, Shape{6, 25}), 5, 5,
                         "Hopfield: stored N E R O | defaced N | recalled", r.energy[0]));
  Tensor cities = mz::tensor(std::vector<double>{0.4000, 0.4439, 0.2439, 0.1463, 0.1707, 0.2293, 0.2293, 0.7610,
                                                 0.5171, 0.9414, 0.8732, 0.6536, 0.6878, 0.5219, 0.8488, 0.3609,
                                                 0.6683, 0.2536, 0.6195, 0.2634},
                             Shape{10, 2});
  HopfieldTank tank(cities);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    TspRun run = tank.solve({.energy_every = 0, .seed = seed});
    if (!run.valid) continue;
    write_svg(dir + "/tsp_tour.svg", tour_svg(cities, run.tour, "Hopfield-Tank tour, seed " + std::to_string(seed) +
                                                                    ", length " + std::to_string(run.length)));
    break;
  }
}

}  // namespace
}  // namespace mz::classic
