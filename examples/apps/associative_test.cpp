// Quick runs of the associative-memory and optimisation demos, and the TSP baselines and
// letter font they are built on.
#include <filesystem>
#include <random>

#include "examples/apps/demos.h"
#include "examples/apps/letters.h"
#include "examples/apps/tsp_search.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::apps {
namespace {

namespace fs = std::filesystem;

DemoResult quick_run(const std::string& name, std::size_t files, std::string* log_text = nullptr) {
  const fs::path dir = fs::temp_directory_path() / ("mz_apps_test_" + name);
  fs::remove_all(dir);
  std::ostringstream log;
  DemoResult r = run_demo(name, {.out_dir = dir.string(), .quick = true}, log);
  EXPECT_EQ(r.files.size(), files) << log.str();
  for (const std::string& f : r.files) EXPECT_TRUE(fs::is_regular_file(f)) << f;
  if (log_text) *log_text = log.str();
  return r;
}

TEST(HopfieldLetters, QuickRunRecallsEightLetters) {
  const DemoResult r = quick_run("hopfield_letters", 2);
  EXPECT_EQ(r.figure_of_merit, "recall rate (projection, 8 letters)");
  EXPECT_GE(r.value, 0.9);
  EXPECT_TRUE(r.passed);
}

TEST(BamLetters, QuickRunRecallsFourPairs) {
  const DemoResult r = quick_run("bam_letters", 2);
  EXPECT_EQ(r.figure_of_merit, "recall rate (4 pairs)");
  EXPECT_GE(r.value, 0.8);
  EXPECT_TRUE(r.passed);
}

TEST(Tsp, QuickRunFindsTheTenCityOptimum) {
  std::string log;
  const DemoResult r = quick_run("tsp", 4, &log);
  EXPECT_NE(log.find("optimum by exhaustive search 2.6907"), std::string::npos) << log;
  EXPECT_GE(r.value, 0.9);
  EXPECT_TRUE(r.passed) << log;
}

TEST(TspSearch, ExhaustiveTwoOptAndAnnealingAgreeOnASquare) {
  // Four corners of a square, listed crossed: the optimum is the perimeter, 4.
  const Cities square = {{0, 0}, {1, 1}, {1, 0}, {0, 1}};
  const auto d = distance_matrix(square);
  EXPECT_NEAR(tour_length(d, {0, 1, 2, 3}), 2 + 2 * std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(tour_length(d, exhaustive_tour(d)), 4.0, 1e-12);
  EXPECT_NEAR(tour_length(d, two_opt(d, {0, 1, 2, 3})), 4.0, 1e-12);
  std::mt19937_64 rng(1);
  EXPECT_NEAR(tour_length(d, anneal_tour(d, {}, rng)), 4.0, 1e-12);
  MZ_EXPECT_THROW_MSG(exhaustive_tour(distance_matrix({{0, 0}, {1, 1}})), ValueError,
                      "exhaustive_tour: city count out of range: expected 3 to 12, got 2.");
}

TEST(Letters, FontProbesAndOrder) {
  const std::vector<double> t = letter_bitmap('T');
  ASSERT_EQ(t.size(), 35u);
  EXPECT_EQ(t[0], 1.0);   // the bar of the T
  EXPECT_EQ(t[5], -1.0);  // row 1, column 0
  EXPECT_EQ(letter_bitmap('T', 2).size(), 140u);
  std::mt19937_64 rng(3);
  const std::vector<double> probe = corrupt(letter_bitmap('A', 2), 0.25, rng);
  int flipped = 0;
  for (std::size_t i = 0; i < probe.size(); ++i) flipped += probe[i] != letter_bitmap('A', 2)[i];
  EXPECT_EQ(flipped, 35);
  const std::string order = distinct_letter_order();
  EXPECT_EQ(order.size(), 26u);
  EXPECT_EQ(order[0], 'A');
  MZ_EXPECT_THROW_MSG(letter_bitmap('a'), ValueError,
                      "letter_bitmap: letter must be 'A' to 'Z': expected a capital, got 'a'.");
}

}  // namespace
}  // namespace mz::apps
