// Error functions against neurolab: batch values and per-sample derivatives.
#include "mz/classic/neurolab/error.h"

#include "mz/classic/neurolab/golden_testing.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

TEST(NeurolabError, MatchesNeurolab) {
  Matrix t = gold("err.t"), o = gold("err.o");
  const std::vector<std::pair<const char*, ErrorFn>> all = {
      {"SSE", SSE()}, {"SAE", SAE()}, {"MSE", MSE()}, {"MAE", MAE()}, {"CEE", CEE()}};
  for (const auto& [name, f] : all) {
    EXPECT_TRUE(close({f(t, o)}, gold(std::string("err.") + name + ".v").values(), 1e-14, 0))
        << name;
    std::vector<double> d(t.cols());
    f.deriv(t.row(0), o.row(0), static_cast<int>(t.cols()), d.data());
    EXPECT_TRUE(close(d, gold(std::string("err.") + name + ".d").values(), 1e-14, 1e-15))
        << name;
  }
}

TEST(NeurolabError, SseKeepsTheHalf) {
  EXPECT_DOUBLE_EQ(SSE()(Matrix{{1, 2}}, Matrix{{0, 0}}), 2.5);
  EXPECT_DOUBLE_EQ(MSE()(Matrix{{1, 2}}, Matrix{{0, 0}}), 2.5);
}

TEST(NeurolabError, ShapeMismatchIsReported) {
  MZ_EXPECT_THROW_MSG(SSE()(Matrix(2, 3), Matrix(3, 2)), ShapeError,
                      "SSE: target and output shapes differ: expected (2, 3), got (3, 2).");
}

}  // namespace
}  // namespace mz::classic::nl
