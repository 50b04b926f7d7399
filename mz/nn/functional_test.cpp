// The functional API: graphs with several inputs and outputs, shared layers, nested models,
// training with a loss per output, summary's "Connected to", config, and the rejected graphs.
#include "mz/nn/functional.h"

#include <gtest/gtest.h>

#include "mz/io/file.h"

#include "mz/nn/layers/concatenate.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/merge.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/adam.h"
#include "mz/nn/plot_model.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;

// Two inputs, two branches, one output: the issue's two-branch network.
std::shared_ptr<Model> two_branch() {
  KerasTensor a = Input({4}, {.name = "a"});
  KerasTensor b = Input({3}, {.name = "b"});
  KerasTensor ha = L::Dense(8, {.activation = "relu", .name = "da"})(a);
  KerasTensor hb = L::Dense(8, {.activation = "relu", .name = "db"})(b);
  KerasTensor h = L::Concatenate(-1, {.name = "join"})({ha, hb})[0];
  KerasTensor out = L::Dense(1, {.name = "out"})(h);
  return std::make_shared<Model>(KerasTensors{a, b}, out, LayerCommon{.name = "two_branch"});
}

TEST(Functional, TwoInputsTwoBranchesShapesAndLayers) {
  auto model = two_branch();
  EXPECT_EQ(model->class_name(), "Functional");
  std::vector<std::string> names;
  for (const LayerPtr& l : model->layers()) names.push_back(l->name());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "da", "db", "join", "out"}));
  Tensor y = model->predict({ones({5, 4}), ones({5, 3})}, {.verbose = 0});
  EXPECT_EQ(y.shape(), Shape({5, 1}));
  EXPECT_EQ(model->compute_output_shapes({{-1, 4}, {-1, 3}})[0], Shape({-1, 1}));
  EXPECT_EQ(model->count_params(), 4 * 8 + 8 + 3 * 8 + 8 + 16 + 1);
}

TEST(Functional, SummaryShowsConnections) {
  auto model = two_branch();
  std::string s = model->summary(100);
  EXPECT_NE(s.find("Connected to"), std::string::npos) << s;
  EXPECT_NE(s.find("da[0][0], db[0][0]"), std::string::npos) << s;
  EXPECT_NE(s.find("a (InputLayer)"), std::string::npos) << s;
}

TEST(Functional, TrainsWithTwoInputs) {
  auto model = two_branch();
  Generator gen(7);
  Tensor xa = uniform({64, 4}, -1, 1, {}, gen), xb = uniform({64, 3}, -1, 1, {}, gen);
  Tensor y = sum(xa, {1}, true) - sum(xb, {1}, true);
  model->compile({.optimizer = optimizers::Adam({.learning_rate = 0.02}), .loss = "mse"});
  double before = model->evaluate({xa, xb}, y, {.verbose = 0})["loss"];
  model->fit({xa, xb}, y, {.batch_size = 16, .epochs = 30, .verbose = 0});
  double after = model->evaluate({xa, xb}, y, {.verbose = 0})["loss"];
  EXPECT_LT(after, before * 0.5) << before << " -> " << after;
}

TEST(Functional, TwoOutputsTwoLossesAndWeights) {
  KerasTensor x = Input({6});
  KerasTensor h = L::Dense(8, {.activation = "tanh"})(x);
  KerasTensor reg = L::Dense(1, {.name = "value"})(h);
  KerasTensor cls = L::Dense(3, {.activation = "softmax", .name = "kind"})(h);
  Model model(x, KerasTensors{reg, cls});
  EXPECT_EQ(model.output_names(), (std::vector<std::string>{"value", "kind"}));
  model.compile({.optimizer = "sgd",
                 .losses = {"mse", "sparse_categorical_crossentropy"},
                 .loss_weights = {0.5, 2.0},
                 .output_metrics = {{}, {"accuracy"}}});
  Generator gen(3);
  Tensor xs = uniform({32, 6}, -1, 1, {}, gen);
  Tensor yv = sum(xs, {1}, true);
  Tensor yc = cast(argmax(xs.slice(1, 0, 3), 1), DType::f32);
  Logs logs = model.evaluate(xs, {yv, yc}, {.batch_size = 32, .verbose = 0});
  ASSERT_TRUE(logs.count("value_loss") && logs.count("kind_loss") && logs.count("kind_accuracy"))
      << logs.size();
  EXPECT_NEAR(logs["loss"], 0.5 * logs["value_loss"] + 2.0 * logs["kind_loss"], 1e-5);
  std::vector<Tensor> preds = model.predict_outputs(xs, {.verbose = 0});
  ASSERT_EQ(preds.size(), 2u);
  EXPECT_EQ(preds[1].shape(), Shape({32, 3}));
  MZ_EXPECT_THROW_MSG(model.predict(xs, {.verbose = 0}), ValueError, "use predict_outputs()");
  History h1 = model.fit(xs, {yv, yc}, {.batch_size = 8, .epochs = 3, .verbose = 0});
  EXPECT_EQ(h1.history.count("kind_accuracy"), 1u);
}

TEST(Functional, SharedLayerSharesWeights) {
  KerasTensor a = Input({5}, {.name = "a"}), b = Input({5}, {.name = "b"});
  auto shared = std::make_shared<L::Dense>(4, L::DenseOptions{.name = "shared"});
  KerasTensor ha = (*shared)(a), hb = (*shared)(b);
  KerasTensor out = L::Subtract()({ha, hb})[0];
  Model model({a, b}, out);
  EXPECT_EQ(model.weights().size(), 2u);  // one kernel, one bias
  Tensor x = ones({2, 5});
  EXPECT_TRUE(testing::all_close(model.predict({x, x}, {.verbose = 0}), zeros({2, 4}), 1e-6, 1e-7));
  std::string s = model.summary(110);
  EXPECT_NE(s.find("a[0][0], b[0][0]"), std::string::npos) << s;  // both calls listed
  EXPECT_NE(s.find("shared[0][0], shared[1][0]"), std::string::npos) << s;
}

TEST(Functional, NestedModelIsALayer) {
  KerasTensor xi = Input({3});
  auto inner = std::make_shared<Model>(xi, L::Dense(2, {.name = "inner_dense"})(xi),
                                       LayerCommon{.name = "inner"});
  KerasTensor x = Input({3});
  KerasTensor y = L::Dense(1)((*inner)(x));
  Model outer(x, y);
  EXPECT_EQ(outer.layers()[1]->name(), "inner");
  EXPECT_EQ(outer.weights().size(), 4u);
  Tensor direct = (*inner)(ones({2, 3}));
  EXPECT_EQ(direct.shape(), Shape({2, 2}));
  EXPECT_EQ(outer.predict(ones({2, 3}), {.verbose = 0}).shape(), Shape({2, 1}));
}

TEST(Functional, ResidualBlockGradientsFlowThroughBothPaths) {
  KerasTensor x = Input({4}, {.dtype = DType::f64});
  KerasTensor h = L::Dense(4, {.activation = "tanh", .dtype = DType::f64})(x);
  KerasTensor y = L::Add()({x, h})[0];
  Model model(x, y);
  Tensor in = uniform({3, 4}, -1, 1, {.dtype = DType::f64});
  EXPECT_TRUE(testing::grad_ok([&](const std::vector<Tensor>& v) { return model(v[0]); }, {in}));
}

TEST(Functional, ConfigListsInboundNodes) {
  auto model = two_branch();
  Json c = model->config();
  EXPECT_EQ(c["name"], "two_branch");
  EXPECT_EQ(c["input_layers"], Json::parse(R"([["a", 0, 0], ["b", 0, 0]])"));
  EXPECT_EQ(c["output_layers"], Json::parse(R"(["out", 0, 0])"));
  const Json& join = c["layers"][4];
  EXPECT_EQ(join["class_name"], "Concatenate");
  EXPECT_EQ(join["inbound_nodes"][0]["args"][0][1]["config"]["keras_history"],
            Json::parse(R"(["db", 0, 0])"));
  EXPECT_EQ(c["layers"][0]["inbound_nodes"], Json::array());
}

TEST(Functional, RejectsOutputNotReachableFromInputs) {
  KerasTensor a = Input({2}, {.name = "a"}), stray = Input({2}, {.name = "stray"});
  KerasTensor out = L::Add({.name = "sum"})({L::Dense(2)(a), stray})[0];
  MZ_EXPECT_THROW_MSG(Model(a, out), ValueError,
                      "output 0 ('sum') is not connected to the model's inputs: it depends on "
                      "Input 'stray', which is not among them ('a')");
}

TEST(Functional, RejectsUnusedInputAndNonInputs) {
  KerasTensor a = Input({2}, {.name = "a"}), b = Input({2}, {.name = "unused"});
  KerasTensor h = L::Dense(2, {.name = "h"})(a);
  MZ_EXPECT_THROW_MSG(Model({a, b}, h), ValueError, "input 'unused' is not used");
  MZ_EXPECT_THROW_MSG(Model(h, L::Dense(1)(h)), ValueError,
                      "inputs must be tensors made by Input(), but input 0 is the output of "
                      "Dense 'h'");
}

TEST(Functional, RejectsDuplicateLayerNames) {
  KerasTensor a = Input({2});
  KerasTensor h = L::Dense(2, {.name = "twin"})(a);
  MZ_EXPECT_THROW_MSG(Model(a, L::Dense(2, {.name = "twin"})(h)), ValueError,
                      "layer names must be unique in a model: \"twin\"");
}

TEST(Functional, MismatchedAddNamesBothInboundLayers) {
  KerasTensor a = Input({2});
  KerasTensor p = L::Dense(4, {.name = "left"})(a), q = L::Dense(5, {.name = "right"})(a);
  MZ_EXPECT_THROW_MSG(L::Add({.name = "plus"})({p, q}), ShapeError,
                      "Add 'plus': inputs have incompatible shapes: expected equal dimensions (or "
                      "1), got (None, 4) (input 0) and (None, 5) (input 1). Inputs: (None, 4) "
                      "from Dense 'left' and (None, 5) from Dense 'right'.");
  MZ_EXPECT_THROW_MSG(L::Concatenate(1, {.name = "cat"})({p, L::Dense(3)(Input({2, 2}))}),
                      ShapeError, "from Dense 'left' and");
}

TEST(Functional, LvalueLayerMustBeShared) {
  KerasTensor a = Input({2});
  L::Dense local(3, {.name = "local"});
  MZ_EXPECT_THROW_MSG(local(a), ValueError,
                      "Dense 'local': a layer called on symbolic tensors must be owned by a "
                      "shared_ptr");
}

TEST(Functional, WrongNumberOfInputsAtRunTime) {
  auto model = two_branch();
  MZ_EXPECT_THROW_MSG(model->predict(ones({2, 4}), {.verbose = 0}), ValueError,
                      "the model has 2 inputs, got 1 arrays for x.");
}

TEST(Functional, PlotModelWritesDotAndSvg) {
  auto model = two_branch();
  std::string dot = model_to_dot(*model, {.show_shapes = true});
  EXPECT_NE(dot.find("da (Dense)"), std::string::npos) << dot;
  EXPECT_NE(dot.find("Output shape: (None, 8)"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n2 -> n4"), std::string::npos) << dot;  // da -> join
  std::string dir = ::testing::TempDir();
  plot_model(*model, dir + "/two_branch.dot");
  EXPECT_GT(io::detail::file_size(dir + "/two_branch.dot", "test"), 100u);
#ifdef MZ_HAVE_GRAPHVIZ
  plot_model(*model, dir + "/two_branch.svg", {.show_shapes = true});
  std::vector<uint8_t> svg = io::detail::read_file(dir + "/two_branch.svg", "test");
  std::string text(svg.begin(), svg.end());
  EXPECT_NE(text.find("<svg"), std::string::npos);
#endif
  MZ_EXPECT_THROW_MSG(plot_model(*model, dir + "/x.bmp"), ValueError, "unknown format \".bmp\"");
}

}  // namespace
}  // namespace mz
