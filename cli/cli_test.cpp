// run_cli in process: exit codes and one-line messages for usage errors and failures, and a
// whole round on a tiny CSV: train, evaluate, predict, summary, plot, convert.
#include "cli/cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "mz/io/test_files.h"
#include "testing.h"

namespace mz::cli {
namespace {

const std::string kData = MZ_CLI_TESTDATA;

struct Outcome {
  int rc = 0;
  std::string out, err;
};

Outcome run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Outcome r;
  r.rc = run_cli(args, out, err);
  r.out = out.str(), r.err = err.str();
  return r;
}

// The error is one line starting with `prefix`.
void expect_error(const Outcome& r, int rc, const std::string& prefix) {
  EXPECT_EQ(r.rc, rc) << r.err;
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Cli, UsageErrorsExitWithTwo) {
  expect_error(run({}), 2, "merezha: a command is required: expected one of train, evaluate");
  expect_error(run({"trian"}), 2, "merezha: unknown command \"trian\": expected one of train");
  expect_error(run({"train"}), 2, "merezha train: SPEC is required");
  expect_error(run({"predict", "m.keras", "x.csv"}), 2, "merezha predict: --output is required");
  expect_error(run({"summary", "a", "b"}), 2, "merezha summary: ");
  expect_error(run({"demo"}), 2, "merezha demo: a demo NAME or --list is required");
}

TEST(Cli, HelpExitsWithZero) {
  for (const char* command :
       {"train", "evaluate", "predict", "summary", "plot", "convert", "demo", "bench"}) {
    Outcome r = run({command, "--help"});
    EXPECT_EQ(r.rc, 0) << command;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << command << ": " << r.out;
  }
  Outcome top = run({"--help"});
  EXPECT_EQ(top.rc, 0);
  EXPECT_NE(top.out.find("convert"), std::string::npos) << top.out;
}

TEST(Cli, FailuresExitWithOneAndOneLine) {
  expect_error(run({"train", kData + "/nothing.yaml"}), 1,
               "merezha train: spec \"" + kData + "/nothing.yaml\": cannot read the file");
  expect_error(run({"train", kData + "/malformed.yaml"}), 1,
               "merezha train: spec \"" + kData +
                   "/malformed.yaml\": line 6, column 1: end of sequence flow not found");
  expect_error(run({"train", kData + "/malformed.json"}), 1,
               "merezha train: spec \"" + kData +
                   "/malformed.json\": line 7, column 11: syntax error while parsing object");
  expect_error(run({"train", kData + "/unknown_layer.yaml"}), 1,
               "merezha train: spec \"" + kData +
                   "/unknown_layer.yaml\": model: layer 1 "
                   "(\"hidden\"): unknown layer class \"Dence\": expected one of the ");
  Outcome shape = run({"train", kData + "/shape_mismatch.yaml"});
  expect_error(shape, 1, "merezha train: spec \"");
  EXPECT_NE(shape.err.find("expected samples of shape (5,) (the model's input is (None, 5)), "
                           "got (4,) (the training data x is (24, 4))."),
            std::string::npos)
      << shape.err;
  expect_error(run({"summary", kData + "/nothing.keras"}), 1, "merezha summary: ");
}

TEST(Cli, TrainEvaluatePredictPlotConvert) {
  testing::TempDir dir;
  std::string model = dir.file("m.keras"), history = dir.file("h.csv");
  // --set takes one value per use, so the spec may follow it.
  Outcome train = run({"train", "--set", "output.history=" + history, "--set", "fit.epochs=2",
                       kData + "/good.yaml", "-o", model});
  ASSERT_EQ(train.rc, 0) << train.err;
  EXPECT_NE(train.out.find("train x (18, 4) float32, y (18,) int64"), std::string::npos)
      << train.out;
  EXPECT_NE(train.out.find("test accuracy: "), std::string::npos) << train.out;
  ASSERT_TRUE(std::filesystem::exists(model));
  ASSERT_TRUE(std::filesystem::exists(history));

  Outcome evaluate = run({"evaluate", model, kData + "/good.yaml"});
  ASSERT_EQ(evaluate.rc, 0) << evaluate.err;
  EXPECT_NE(evaluate.out.find("samples: 6\naccuracy: "), std::string::npos) << evaluate.out;
  Outcome on_file = run({"evaluate", model, kData + "/tiny.csv", "--label-column", "label"});
  ASSERT_EQ(on_file.rc, 0) << on_file.err;
  EXPECT_NE(on_file.out.find("samples: 24\n"), std::string::npos) << on_file.out;

  Outcome scaled = run({"evaluate", model, kData + "/tiny.csv", "--label-column", "label", "--spec",
                        kData + "/good.yaml"});
  ASSERT_EQ(scaled.rc, 0) << scaled.err;
  EXPECT_NE(scaled.out.find("samples: 24\n"), std::string::npos) << scaled.out;
  EXPECT_NE(train.out.find("note: the minmax scaling is not part of the saved model"),
            std::string::npos)
      << train.out;

  std::string predictions = dir.file("p.csv");
  Outcome predict =
      run({"predict", model, kData + "/tiny.csv", "--drop-column", "label", "-o", predictions});
  ASSERT_EQ(predict.rc, 0) << predict.err;
  EXPECT_NE(predict.out.find("predicted 24 samples: (24, 3) float32"), std::string::npos)
      << predict.out;
  Outcome classes = run({"predict", model, kData + "/tiny.csv", "--drop-column", "4", "--argmax",
                         "-o", dir.file("c.npy")});
  ASSERT_EQ(classes.rc, 0) << classes.err;
  EXPECT_NE(classes.out.find("(24,) int64"), std::string::npos) << classes.out;

  Outcome summary = run({"summary", model});
  ASSERT_EQ(summary.rc, 0) << summary.err;
  EXPECT_NE(summary.out.find("Total params: 67"), std::string::npos) << summary.out;

  Outcome curves = run({"plot", history, "-o", dir.file("h.svg")});
  ASSERT_EQ(curves.rc, 0) << curves.err;
  ASSERT_TRUE(std::filesystem::exists(dir.file("h.svg")));
  Outcome dot = run({"plot", model, "-o", dir.file("m.dot")});
  ASSERT_EQ(dot.rc, 0) << dot.err;

  Outcome to_json = run({"convert", model, dir.file("m.json")});
  ASSERT_EQ(to_json.rc, 0) << to_json.err;
  Outcome to_weights = run({"convert", model, dir.file("m.weights.h5")});
  ASSERT_EQ(to_weights.rc, 0) << to_weights.err;
  Outcome back = run(
      {"convert", dir.file("m.weights.h5"), dir.file("n.keras"), "--config", dir.file("m.json")});
  ASSERT_EQ(back.rc, 0) << back.err;
  Outcome again = run({"evaluate", dir.file("n.keras"), kData + "/good.yaml"});
  ASSERT_EQ(again.rc, 0) << again.err;
  EXPECT_EQ(again.out, evaluate.out);
  expect_error(run({"convert", dir.file("m.weights.h5"), dir.file("x.keras")}), 1,
               "merezha convert: \"" + dir.file("m.weights.h5") + "\" holds weights only");

  Outcome to_npy = run({"convert", predictions, dir.file("p.npy")});
  ASSERT_EQ(to_npy.rc, 0) << to_npy.err;
  EXPECT_NE(to_npy.out.find("(24, 3) float32"), std::string::npos) << to_npy.out;
  Outcome to_csv = run({"convert", dir.file("p.npy"), dir.file("q.csv")});
  ASSERT_EQ(to_csv.rc, 0) << to_csv.err;
}

}  // namespace
}  // namespace mz::cli
