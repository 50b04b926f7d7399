// CTC loss: Keras's label and logit lengths from padded labels, reduction, names and config,
// and a float64 gradient check through the loss object.
#include "mz/nn/losses/ctc.h"

#include <cmath>

#include "mz/ops/ctc.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace losses;
using testing::all_close;
using testing::grad_ok;

Tensor i64(std::vector<int64_t> v, Shape s) { return tensor(v, s); }

TEST(CTC, LengthsComeFromNonzeroLabelsAndSteps) {
  Generator gen(3);
  Tensor logits = normal({3, 6, 5}, 0.0, 1.0, {.dtype = DType::f64}, gen);
  Tensor y_true = i64({1, 2, 0, 0, 3, 3, 1, 0, 4, 0, 0, 0}, {3, 4});
  Tensor expected = ctc_loss(y_true, logits, i64({2, 3, 1}, {3}), i64({6, 6, 6}, {3}));
  EXPECT_TRUE(all_close(ctc(y_true, logits), expected, 1e-12));
  EXPECT_TRUE(all_close(CTC({.reduction = "none"})(y_true, logits), expected, 1e-12));
  // "sum_over_batch_size": the mean over samples; float labels are truncated as Keras casts.
  EXPECT_NEAR(CTC()(y_true.to(DType::f32), logits).item(), mean(expected).item(), 1e-12);
  EXPECT_NEAR(CTC()(y_true, logits, tensor(std::vector<double>{1, 0, 2}, {3})).item(),
              (expected.to_vector<double>()[0] + 2 * expected.to_vector<double>()[2]) / 3, 1e-12);
}

TEST(CTC, MatchesFiniteDifferences) {
  Generator gen(5);
  Tensor logits = normal({2, 5, 4}, 0.0, 1.0, {.dtype = DType::f64}, gen);
  Tensor y_true = i64({1, 2, 0, 3, 3, 1}, {2, 3});
  EXPECT_TRUE(
      grad_ok([&](const std::vector<Tensor>& in) { return CTC()(y_true, in[0]); }, {logits}));
}

TEST(CTC, NamesAndConfig) {
  CTC loss;
  EXPECT_EQ(loss.class_name(), "CTC");
  EXPECT_EQ(loss.name(), "ctc");
  EXPECT_EQ(loss.reduction(), "sum_over_batch_size");
  EXPECT_EQ(loss.config(), (Json{{"name", "ctc"}, {"reduction", "sum_over_batch_size"}}));
  EXPECT_EQ(get_loss("ctc")->class_name(), "CTC");
  EXPECT_EQ(get_loss("CTC")->class_name(), "CTC");
  LossPtr back = loss_from_config(
      Json{{"class_name", "CTC"}, {"config", {{"name", "seq"}, {"reduction", "sum"}}}});
  EXPECT_EQ(back->class_name(), "CTC");
  EXPECT_EQ(back->name(), "seq");
  EXPECT_EQ(back->reduction(), "sum");
}

TEST(CTC, RejectsWrongRanksAndLabelsTooLong) {
  MZ_EXPECT_THROW_MSG(ctc(i64({1, 2}, {2}), zeros({2, 3, 4})), ShapeError,
                      "CTC: y_true must be integer labels (batch_size, max_length): expected "
                      "rank 2, got shape (2,).");
  MZ_EXPECT_THROW_MSG(ctc(i64({1, 2}, {2, 1}), zeros({2, 3})), ShapeError,
                      "CTC: y_pred must be logits (batch_size, max_length, num_classes): "
                      "expected rank 3, got shape (2, 3).");
  MZ_EXPECT_THROW_MSG(CTC()(i64({1, 2, 3, 1, 0, 0}, {2, 3}), zeros({2, 2, 4})), ValueError,
                      "ctc_loss: label of sample 0 is longer than its input sequence: expected "
                      "at most 2 labels (logit length), got 3.");
}

}  // namespace
}  // namespace mz
