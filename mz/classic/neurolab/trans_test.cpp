// Transfer functions against neurolab's values and derivatives on a grid.
#include "mz/classic/neurolab/trans.h"

#include <cmath>

#include "mz/classic/neurolab/golden_testing.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

TEST(NeurolabTrans, MatchesNeurolabOnAGrid) {
  const std::vector<double> x = gold("trans.x").values();
  std::vector<double> half(x);
  for (double& v : half) v /= 2;
  const std::vector<std::pair<const char*, Transfer>> all = {
      {"tansig", TanSig()},   {"purelin", PureLin()},
      {"logsig", LogSig()},   {"hardlim", HardLim()},
      {"hardlims", HardLims()}, {"satlin", SatLin()},
      {"satlins", SatLins()}, {"satlinprm", SatLinPrm(2, -0.5, 0.7)},
      {"softmax", SoftMax()}};
  for (const auto& [name, f] : all) {
    const std::vector<double>& in = std::string(name) == "softmax" ? half : x;
    std::vector<double> y = f(in);
    EXPECT_TRUE(close(y, gold(std::string("trans.") + name + ".y").values(), 1e-15, 1e-15))
        << name;
    EXPECT_TRUE(close(f.deriv(in, y), gold(std::string("trans.") + name + ".d").values(), 1e-15,
                      1e-15))
        << name;
  }
  EXPECT_EQ(Competitive()({0.5, 0.2, 0.9, 0.2}), gold("trans.competitive.y").values());
}

TEST(NeurolabTrans, RadBasIsGaussian) {
  std::vector<double> y = RadBas()({0.0, 1.0, -2.0});
  EXPECT_DOUBLE_EQ(y[0], 1.0);
  EXPECT_DOUBLE_EQ(y[1], std::exp(-1.0));
  EXPECT_DOUBLE_EQ(y[2], std::exp(-4.0));
  EXPECT_EQ(RadBas().deriv({1.0}, {0.5}), std::vector<double>{0.0});
}

TEST(NeurolabTrans, RangesAsNeurolabDeclaresThem) {
  EXPECT_EQ(TanSig().out_minmax(), (std::array<double, 2>{-1, 1}));
  EXPECT_EQ(TanSig().inp_active(), (std::array<double, 2>{-2, 2}));
  EXPECT_EQ(LogSig().inp_active(), (std::array<double, 2>{-4, 4}));
  EXPECT_TRUE(std::isinf(PureLin().out_minmax()[1]));
  EXPECT_EQ(SatLinPrm(3, -1, 2).out_minmax(), (std::array<double, 2>{-1, 2}));
  EXPECT_EQ(HardLims()({0.0})[0], -1.0);  // 0 maps to -1 (B14)
  EXPECT_STREQ(SatLinPrm().name(), "SatLinPrm");
}

TEST(NeurolabTrans, CompetitiveHasNoDerivative) {
  MZ_EXPECT_THROW_MSG(Competitive().deriv({1.0}, {1.0}), ValueError,
                      "Competitive.deriv: the competitive transfer has no derivative");
}

}  // namespace
}  // namespace mz::classic::nl
