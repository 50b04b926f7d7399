// Spec data: CSV reading with a label column, the seeded test split, scaling, and fitting
// samples to the model's input shape (reshaped when the sizes agree, an error otherwise).
#include "cli/data.h"

#include <gtest/gtest.h>

#include "mz/io/test_files.h"
#include "mz/mz.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "testing.h"

namespace mz::cli {
namespace {

const std::string kData = MZ_CLI_TESTDATA;

TEST(Data, TestSplitScalingAndLabels) {
  TrainSpec spec = read_train_spec(kData + "/good.yaml", {});
  LoadedData d = load_data(spec.data, spec.base_dir, 42);
  EXPECT_EQ(d.x_train.shape(), Shape({18, 4}));
  EXPECT_EQ(d.x_test.shape(), Shape({6, 4}));
  EXPECT_EQ(d.y_train.dtype(), DType::i64);
  EXPECT_EQ(d.y_test.shape(), Shape({6}));
  // minmax with the training rows' statistics: training features span exactly [0, 1].
  EXPECT_NEAR(min(d.x_train).item<float>(), 0.0f, 1e-6);
  EXPECT_NEAR(max(d.x_train).item<float>(), 1.0f, 1e-6);
  // The split is seeded: the same seed gives the same rows, another seed others.
  LoadedData again = load_data(spec.data, spec.base_dir, 42);
  EXPECT_EQ(again.y_test.to_vector<int64_t>(), d.y_test.to_vector<int64_t>());
  LoadedData test_only = load_data(spec.data, spec.base_dir, 42, /*test_only=*/true);
  EXPECT_FALSE(test_only.x_train.defined());
  EXPECT_TRUE(testing::all_close(test_only.x_test, d.x_test, 1e-6, 1e-6));
}

TEST(Data, SamplesReshapeToTheModelsInput) {
  Sequential model({Input({6}), layers::Dense(2)});
  Tensor x = zeros({10, 2, 3});
  EXPECT_EQ(fit_to_model(x, model, "t", "x").shape(), Shape({10, 6}));
  Tensor same = zeros({10, 6});
  EXPECT_EQ(fit_to_model(same, model, "t", "x").shape(), Shape({10, 6}));
}

TEST(Data, ShapeMismatchNamesBothShapes) {
  TrainSpec spec = read_train_spec(kData + "/shape_mismatch.yaml", {});
  std::shared_ptr<Model> model = Model::from_config(spec.model);
  LoadedData d = load_data(spec.data, spec.base_dir, 42);
  MZ_EXPECT_THROW_MSG(fit_to_model(d.x_train, *model, "spec \"s.yaml\"", "the training data x"),
                      ValueError,
                      "spec \"s.yaml\": the training data x does not fit the model's input: "
                      "expected samples of shape (5,) (the model's input is (None, 5)), got "
                      "(4,) (the training data x is (24, 4)).");
}

TEST(Data, ArraysRoundTripThroughCsvAndNpy) {
  testing::TempDir dir;
  Tensor t = tensor<float>({1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, 7.0f}, Shape{3, 2});
  write_array(dir.file("a.csv"), t);
  write_array(dir.file("a.npy"), t);
  EXPECT_TRUE(testing::all_close(read_array(dir.file("a.csv")), t, 1e-6, 1e-6));
  EXPECT_TRUE(testing::all_close(read_array(dir.file("a.npy")), t, 1e-6, 1e-6));
  MZ_EXPECT_THROW_MSG(write_array(dir.file("a.txt"), t), ValueError,
                      "expected a path ending in .csv or .npy");
  MZ_EXPECT_THROW_MSG(write_array(dir.file("b.csv"), zeros({2, 2, 2})), ValueError,
                      "a CSV holds 1-D or 2-D arrays, got shape (2, 2, 2)");
}

}  // namespace
}  // namespace mz::cli
