// Tests of save_classic / load_classic: each classic network round-trips bit-identically with
// identical outputs, and wrong classes, bad shapes and truncated files give clear errors.
#include "mz/io/classic_file.h"

#include <gtest/gtest.h>

#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/init.h"
#include "mz/core/error.h"
#include "mz/io/file.h"
#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "testing.h"

namespace mz {
namespace {

using classic::nl::Matrix;
using classic::nl::Net;
using testing::TempDir;

bool have_backends() { return io::detail::have_libzip() && io::detail::have_hdf5(); }

#define MZ_REQUIRE_BACKENDS() \
  if (!have_backends()) GTEST_SKIP() << "merezha built without libzip or libhdf5"

void expect_same(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  EXPECT_EQ(a.to_vector<double>(), b.to_vector<double>());
}

// Replaces the config.json of the archive at `path` by what `edit` makes of it.
template <class F>
void edit_config(const std::string& path, F edit) {
  std::vector<io::detail::ZipMember> members = io::detail::read_zip(path, "test");
  for (auto& m : members)
    if (m.name == "config.json") {
      Json c = Json::parse(std::string(m.bytes.begin(), m.bytes.end()));
      edit(c);
      const std::string s = c.dump();
      m.bytes.assign(s.begin(), s.end());
    }
  const std::vector<uint8_t> image = io::detail::make_zip(members, "test");
  testing::write_bytes(path, image);
}

Tensor grid_data() {
  std::vector<double> v;
  for (int i = 0; i < 30; ++i) v.push_back(0.1 * (i % 7)), v.push_back(0.05 * (i % 11));
  return classic::la::to_tensor(v, Shape{30, 2});
}

TEST(ClassicFile, SelfOrganizingMapRoundTrips) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  classic::SelfOrganizingMapOptions o;
  o.topology = "hexagonal";
  o.decay = "linear";
  o.seed = 7;
  classic::SelfOrganizingMap som(3, 4, 2, o);
  const Tensor data = grid_data();
  som.train(data, {.steps = 200});
  save_classic(som, dir.file("som.keras"));
  EXPECT_EQ(classic_class_name(dir.file("som.keras")), "SelfOrganizingMap");
  classic::SelfOrganizingMap back = load_classic<classic::SelfOrganizingMap>(dir.file("som.keras"));
  EXPECT_EQ(back.rows(), 3);
  EXPECT_EQ(back.cols(), 4);
  EXPECT_EQ(back.options().topology, "hexagonal");
  EXPECT_EQ(back.options().decay, "linear");
  EXPECT_EQ(back.options().seed, 7u);
  EXPECT_EQ(back.options().sigma, o.sigma);
  expect_same(back.weights(), som.weights());
  EXPECT_EQ(back.winners(data), som.winners(data));
  EXPECT_EQ(back.quantization_error(data), som.quantization_error(data));
  expect_same(back.u_matrix(), som.u_matrix());
}

TEST(ClassicFile, HopfieldRoundTrips) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  classic::Hopfield h(6);
  h.store(classic::la::to_tensor({1, -1, 1, -1, 1, -1, 1, 1, -1, -1, 1, 1}, Shape{2, 6}),
          "projection");
  Tensor thresholds = classic::la::to_tensor({0.1, -0.2, 0, 0.05, 0, 0.3}, Shape{6});
  h.set_weights(h.weights(), thresholds);
  save_classic(h, dir.file("hop.keras"));
  classic::Hopfield back = load_classic<classic::Hopfield>(dir.file("hop.keras"));
  EXPECT_EQ(back.units(), 6);
  expect_same(back.weights(), h.weights());
  expect_same(back.thresholds(), thresholds);
  const Tensor probe =
      classic::la::to_tensor({1, -1, -1, -1, 1, -1, 1, 1, 1, -1, 1, -1}, Shape{2, 6});
  expect_same(back.recall(probe).states, h.recall(probe).states);
  EXPECT_EQ(back.energy(probe), h.energy(probe));
}

// Saves and loads a neurolab net; checks the parameters, functions and sim() outputs.
void expect_net_round_trips(Net& net, const Matrix& input, const std::string& path) {
  save_classic(net, path);
  Net back = load_classic<Net>(path);
  ASSERT_EQ(back.layers.size(), net.layers.size());
  EXPECT_EQ(back.ci, net.ci);
  EXPECT_EQ(back.co, net.co);
  EXPECT_EQ(back.connect, net.connect);
  EXPECT_STREQ(back.trainf.name(), net.trainf.name());
  EXPECT_EQ(back.errorf.has_value(), net.errorf.has_value());
  if (net.errorf && back.errorf) {
    EXPECT_STREQ(back.errorf->name(), net.errorf->name());
  }
  EXPECT_EQ(back.np_get(), net.np_get());
  EXPECT_EQ(back.inp_minmax.values(), net.inp_minmax.values());
  EXPECT_EQ(back.out_minmax.values(), net.out_minmax.values());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].kind, net.layers[i].kind) << "layer " << i;
    EXPECT_STREQ(back.layers[i].transf.name(), net.layers[i].transf.name()) << "layer " << i;
    EXPECT_EQ(back.layers[i].transf.k(), net.layers[i].transf.k()) << "layer " << i;
    EXPECT_EQ(back.layers[i].inp_minmax.values(), net.layers[i].inp_minmax.values())
        << "layer " << i;
    EXPECT_EQ(back.layers[i].out_minmax.values(), net.layers[i].out_minmax.values())
        << "layer " << i;
    EXPECT_EQ(back.layers[i].max_iter, net.layers[i].max_iter) << "layer " << i;
    EXPECT_EQ(back.layers[i].delta, net.layers[i].delta) << "layer " << i;
    EXPECT_EQ(back.layers[i].hebbian != nullptr, net.layers[i].hebbian != nullptr) << "layer " << i;
    EXPECT_EQ(back.layers[i].initf.size(), net.layers[i].initf.size()) << "layer " << i;
  }
  EXPECT_EQ(back.sim(input).values(), net.sim(input).values());
}

const Matrix kX = {{-0.5, 0.2}, {0.1, 0.9}, {0.7, -0.3}, {-0.9, -0.8}, {0.3, 0.4}, {0.0, -0.6}};

TEST(ClassicFile, NeurolabFeedForwardRoundTrips) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  Net ff = classic::nl::newff({{-1, 1}, {-1, 1}}, {4, 1});
  Matrix t(kX.rows(), 1);
  for (std::size_t r = 0; r < kX.rows(); ++r) t(r, 0) = 0.5 * kX(r, 0) - 0.25 * kX(r, 1);
  ff.trainf = classic::nl::train_gdx;
  ff.train(kX, t, classic::nl::TrainOptions{.epochs = 20, .show = 0});
  expect_net_round_trips(ff, kX, dir.file("ff.keras"));
  // Loading draws nothing from neurolab's global generator (np.random's counterpart).
  classic::nl::seed(11);
  const double first = classic::nl::random().rand();
  classic::nl::seed(11);
  (void)load_classic<Net>(dir.file("ff.keras"));
  EXPECT_EQ(classic::nl::random().rand(), first);
  // initf comes back: init() after load draws the same parameters as on the original.
  Net ffb = load_classic<Net>(dir.file("ff.keras"));
  classic::nl::seed(5);
  ff.init();
  classic::nl::seed(5);
  ffb.init();
  EXPECT_EQ(ffb.np_get(), ff.np_get());
  // InitRand keeps its arguments; a caller's own function is left out.
  ff.layers[0].initf = {classic::nl::InitRand({-0.1, 0.1}, "wb"),
                        [](classic::nl::Layer& l) { l.b[0] = 42; }};
  save_classic(ff, dir.file("ff_rand.keras"));
  ffb = load_classic<Net>(dir.file("ff_rand.keras"));
  ASSERT_EQ(ffb.layers[0].initf.size(), 1u);
  classic::nl::seed(6);
  ff.layers[0].initf.pop_back();
  ff.init();
  classic::nl::seed(6);
  ffb.init();
  EXPECT_EQ(ffb.np_get(), ff.np_get());
  Net ff3 = classic::nl::newff(
      {{-1, 1}, {-1, 1}}, {3, 2, 2},
      {classic::nl::LogSig(), classic::nl::SatLinPrm(0.5, -1, 2), classic::nl::SoftMax()});
  expect_net_round_trips(ff3, kX, dir.file("ff3.keras"));
}

TEST(ClassicFile, NeurolabCompetitiveAndLvqRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  Net c = classic::nl::newc({{-1, 1}, {-1, 1}}, 3);
  c.train(kX, classic::nl::TrainOptions{.epochs = 10, .show = 0});
  expect_net_round_trips(c, kX, dir.file("c.keras"));
  EXPECT_EQ(load_classic<Net>(dir.file("c.keras")).layers[0].conscience, c.layers[0].conscience);
  Net lvq = classic::nl::newlvq({{-1, 1}, {-1, 1}}, 4, {0.5, 0.5});
  Matrix t(kX.rows(), 2);
  for (std::size_t r = 0; r < kX.rows(); ++r) t(r, kX(r, 0) > 0 ? 1 : 0) = 1;
  lvq.train(kX, t, classic::nl::TrainOptions{.epochs = 5, .show = 0});
  expect_net_round_trips(lvq, kX, dir.file("lvq.keras"));
}

TEST(ClassicFile, NeurolabElmanKeepsItsContext) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  Net elm = classic::nl::newelm({{-1, 1}, {-1, 1}}, {3, 1});
  elm.sim(kX);  // leaves a non-zero context behind
  save_classic(elm, dir.file("elm.keras"));
  Net back = load_classic<Net>(dir.file("elm.keras"));
  EXPECT_EQ(back.layers[0].out, elm.layers[0].out);
  EXPECT_EQ(back.sim(kX).values(), elm.sim(kX).values());
}

TEST(ClassicFile, NeurolabHopfieldHammingPerceptronRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const Matrix pats = {{1, -1, 1, -1, 1}, {-1, -1, 1, 1, -1}};
  const Matrix probe = {{1, -1, 1, 1, 1}, {-1, 1, 1, 1, -1}};
  Net hop = classic::nl::newhop(pats);
  expect_net_round_trips(hop, probe, dir.file("hop.keras"));
  Net hem = classic::nl::newhem(pats);
  expect_net_round_trips(hem, probe, dir.file("hem.keras"));
  Net p = classic::nl::newp({{-1, 1}, {-1, 1}}, 1);
  Matrix t(kX.rows(), 1);
  for (std::size_t r = 0; r < kX.rows(); ++r) t(r, 0) = kX(r, 0) + kX(r, 1) > 0 ? 1 : 0;
  p.train(kX, t, classic::nl::TrainOptions{.epochs = 10, .show = 0});
  expect_net_round_trips(p, kX, dir.file("p.keras"));
}

TEST(ClassicFile, NeurolabRadialNetsRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const Matrix x = {{0.1, 0.2}, {0.8, 0.4}, {-0.5, 0.3}};
  Net grnn = classic::nl::newgrnn({{-1, 1}, {-1, 1}}, x, Matrix{{1.0}, {2.0}, {3.0}}, 0.7);
  expect_net_round_trips(grnn, kX, dir.file("grnn.keras"));
  Net pnn = classic::nl::newpnn({{-1, 1}, {-1, 1}}, x, Matrix{{1, 0}, {0, 1}, {1, 0}}, 0.7);
  expect_net_round_trips(pnn, kX, dir.file("pnn.keras"));
}

TEST(ClassicFile, PerceptronAndAdalineRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const Tensor x = classic::la::to_tensor({0, 0, 0, 1, 1, 0, 1, 1}, Shape{4, 2});
  const Tensor t = classic::la::to_tensor({0, 0, 0, 1}, Shape{4, 1});
  classic::Perceptron p(2, 1, {.transfer = "hardlim", .rule = "learnpn"});
  p.train(x, t, 50);
  save_classic(p, dir.file("p.keras"));
  classic::Perceptron pb = load_classic<classic::Perceptron>(dir.file("p.keras"));
  expect_same(pb.weights(), p.weights());
  expect_same(pb.bias(), p.bias());
  EXPECT_EQ(pb.options().rule, "learnpn");
  expect_same(pb.predict(x), p.predict(x));
  classic::Adaline a(2, 1, {.learning_rate = 0.05, .mode = "online"});
  a.train(x, t, 10);
  save_classic(a, dir.file("a.keras"));
  classic::Adaline ab = load_classic<classic::Adaline>(dir.file("a.keras"));
  expect_same(ab.weights(), a.weights());
  expect_same(ab.bias(), a.bias());
  EXPECT_EQ(ab.options().learning_rate, 0.05);
  EXPECT_EQ(ab.options().mode, "online");
  expect_same(ab.predict(x), a.predict(x));
}

TEST(ClassicFile, RadialBasisHammingAndBamRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const Tensor x = classic::la::to_tensor({0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5}, Shape{5, 2});
  const Tensor t = classic::la::to_tensor({0, 1, 1, 0, 0.3}, Shape{5, 1});
  classic::RadialBasisNetwork rbf = classic::newrbe(x, t, 0.8);
  save_classic(rbf, dir.file("rbf.keras"));
  auto rb = load_classic<classic::RadialBasisNetwork>(dir.file("rbf.keras"));
  expect_same(rb.centers(), rbf.centers());
  expect_same(rb.biases(), rbf.biases());
  expect_same(rb.weights(), rbf.weights());
  expect_same(rb.output_bias(), rbf.output_bias());
  expect_same(rb.predict(x), rbf.predict(x));

  const Tensor ex = classic::la::to_tensor({1, -1, 1, -1, 1, 1, 1, -1, -1, 1, -1, -1}, Shape{3, 4});
  classic::HammingNet hn(ex, {.scale = 0.1, .max_score = 10, .epsilon = 0.2, .max_iterations = 7});
  save_classic(hn, dir.file("hn.keras"));
  auto hb = load_classic<classic::HammingNet>(dir.file("hn.keras"));
  expect_same(hb.patterns(), ex);
  EXPECT_EQ(hb.options().epsilon, 0.2);
  EXPECT_EQ(hb.options().max_iterations, 7);
  const Tensor probe = classic::la::to_tensor({1, -1, 1, 1, -1, -1, 1, 1}, Shape{2, 4});
  const classic::HammingRecall r1 = hb.recall(probe), r0 = hn.recall(probe);
  expect_same(r1.outputs, r0.outputs);
  EXPECT_EQ(r1.winners, r0.winners);

  classic::BidirectionalAssociativeMemory bam(4, 3);
  bam.store(ex, classic::la::to_tensor({1, -1, 1, -1, 1, 1, 1, 1, -1}, Shape{3, 3}));
  save_classic(bam, dir.file("bam.keras"));
  auto bb = load_classic<classic::BidirectionalAssociativeMemory>(dir.file("bam.keras"));
  expect_same(bb.weights(), bam.weights());
  expect_same(bb.recall_from_x(probe).y, bam.recall_from_x(probe).y);
}

TEST(ClassicFile, BoltzmannMachinesRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const Tensor data = classic::bars_and_stripes(2);
  classic::RestrictedBoltzmannMachine rbm(
      4, 3, {.learning_rate = 0.2, .k = 2, .persistent = true, .seed = 3});
  rbm.fit(data, 5);
  save_classic(rbm, dir.file("rbm.keras"));
  auto rb = load_classic<classic::RestrictedBoltzmannMachine>(dir.file("rbm.keras"));
  expect_same(rb.weights(), rbm.weights());
  expect_same(rb.visible_bias(), rbm.visible_bias());
  expect_same(rb.hidden_bias(), rbm.hidden_bias());
  EXPECT_EQ(rb.options().k, 2);
  EXPECT_TRUE(rb.options().persistent);
  EXPECT_EQ(rb.options().seed, 3u);
  expect_same(rb.hidden_probabilities(data), rbm.hidden_probabilities(data));
  EXPECT_EQ(rb.free_energy(data), rbm.free_energy(data));

  classic::BoltzmannMachine bm(3, 1,
                               {.learning_rate = 0.5, .schedule = {{2.0, 2}, {1.0, 3}}, .seed = 4});
  const Tensor bits = classic::la::to_tensor({1, 0, 1, 0, 1, 1}, Shape{2, 3});
  bm.fit_epoch(bits);
  save_classic(bm, dir.file("bm.keras"));
  auto bb = load_classic<classic::BoltzmannMachine>(dir.file("bm.keras"));
  expect_same(bb.weights(), bm.weights());
  expect_same(bb.bias(), bm.bias());
  EXPECT_EQ(bb.visible(), 3);
  ASSERT_EQ(bb.options().schedule.size(), 2u);
  EXPECT_EQ(bb.options().schedule[0].temperature, 2.0);
  EXPECT_EQ(bb.options().schedule[1].sweeps, 3);
  EXPECT_EQ(bb.log_likelihood(bits), bm.log_likelihood(bits));
}

TEST(ClassicFile, HopfieldTankAndCellularRoundTrip) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const Tensor cities = classic::la::to_tensor({0, 0, 1, 0, 1, 1, 0, 1}, Shape{4, 2});
  classic::HopfieldTank tank(cities);
  save_classic(tank, dir.file("tank.keras"));
  auto tb = load_classic<classic::HopfieldTank>(dir.file("tank.keras"));
  expect_same(tb.coordinates(), cities);
  EXPECT_EQ(tb.tour_length({0, 2, 1, 3}), tank.tour_length({0, 2, 1, 3}));
  const classic::HopfieldTankOptions o{.steps = 100, .energy_every = 0, .seed = 2};
  expect_same(tb.solve(o).v, tank.solve(o).v);

  classic::CellularNetwork cnn(classic::cellular_template("edge"),
                               {.dt = 0.1, .t_end = 1.0, .method = "rk4"});
  save_classic(cnn, dir.file("cnn.keras"));
  auto cb = load_classic<classic::CellularNetwork>(dir.file("cnn.keras"));
  EXPECT_EQ(cb.templ().a, cnn.templ().a);
  EXPECT_EQ(cb.templ().b, cnn.templ().b);
  EXPECT_EQ(cb.templ().z, cnn.templ().z);
  EXPECT_EQ(cb.options().method, "rk4");
  std::vector<double> img(25, -1.0);
  for (int i : {6, 7, 8, 11, 12, 13, 16, 17, 18}) img[i] = 1.0;
  const Tensor image = classic::la::to_tensor(img, Shape{5, 5});
  expect_same(cb.run(image).output, cnn.run(image).output);
}

TEST(ClassicFile, WrongClassIsNamed) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const std::string path = dir.file("hop.keras");
  save_classic(classic::Hopfield(4), path);
  MZ_EXPECT_THROW_MSG(
      load_classic<classic::SelfOrganizingMap>(path), FormatError,
      "load_classic \"" + path +
          "\": config.json: expected class_name \"SelfOrganizingMap\", got \"Hopfield\"");
  MZ_EXPECT_THROW_MSG(
      load_model(path), FormatError,
      "config.json: the archive holds a merezha classic network (Hopfield), not a Keras "
      "model; load it with mz::load_classic<mz::classic::Hopfield>(path)");
}

TEST(ClassicFile, ShapeMismatchAndBadConfigAreNamed) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const std::string path = dir.file("hop.keras");
  save_classic(classic::Hopfield(4), path);
  edit_config(path, [](Json& c) { c["config"]["units"] = 5; });
  MZ_EXPECT_THROW_MSG(load_classic<classic::Hopfield>(path), FormatError,
                      "model.weights.h5: \"weights\" is (4, 4), expected (5, 5).");
  edit_config(path, [](Json& c) { c["config"]["units"] = "four"; });
  MZ_EXPECT_THROW_MSG(
      load_classic<classic::Hopfield>(path), FormatError,
      "config.json: \"units\": expected an integer in [1, 2147483648], got \"four\".");
  edit_config(path, [](Json& c) { c["module"] = "keras.layers"; });
  MZ_EXPECT_THROW_MSG(
      load_classic<classic::Hopfield>(path), FormatError,
      "config.json: \"module\": expected \"merezha.classic\", got \"keras.layers\".");
  MZ_EXPECT_THROW_MSG(save_classic(classic::Hopfield(2), dir.file("h.h5")), ValueError,
                      "the file name must end in \".keras\"");
}

TEST(ClassicFile, NeurolabBadLayerIsNamed) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const std::string path = dir.file("ff.keras");
  save_classic(classic::nl::newff({{-1, 1}}, {2, 1}), path);
  edit_config(path, [](Json& c) { c["config"]["layers"][1]["transf"] = "Swish"; });
  MZ_EXPECT_THROW_MSG(load_classic<Net>(path), FormatError,
                      "config.json: layer 1: \"transf\": expected a neurolab");
  save_classic(classic::nl::newff({{-1, 1}}, {2, 1}), path);
  edit_config(path, [](Json& c) { c["config"]["layers"][0]["cn"] = 3; });
  MZ_EXPECT_THROW_MSG(load_classic<Net>(path), FormatError,
                      "model.weights.h5: \"layers/0/w\" is (2, 1), expected (3, 1).");
}

TEST(ClassicFile, TruncatedFileIsAClearError) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const std::string path = dir.file("som.keras");
  save_classic(classic::SelfOrganizingMap(2, 2, 3), path);
  std::vector<uint8_t> bytes = io::detail::read_file(path, "test");
  for (std::size_t cut : {bytes.size() / 2, bytes.size() - 1, std::size_t{10}}) {
    testing::write_bytes(
        path, std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(cut)));
    MZ_EXPECT_THROW_MSG(load_classic<classic::SelfOrganizingMap>(path), FormatError,
                        "load_classic \"" + path + "\"");
  }
}

TEST(ClassicFile, TruncationsAreRefused) {
  MZ_REQUIRE_BACKENDS();
  TempDir dir;
  const std::string path = dir.file("hop.keras");
  save_classic(classic::Hopfield(2), path);
  const std::vector<uint8_t> bytes = io::detail::read_file(path, "test");
  // About 100 cut points spread over the file, the last bytes (the zip directory) all included.
  const std::size_t stride = bytes.size() / 100 + 1;
  for (std::size_t cut = 0; cut < bytes.size(); cut += cut + 100 >= bytes.size() ? 1 : stride) {
    testing::write_bytes(
        path, std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(cut)));
    try {
      (void)load_classic<classic::Hopfield>(path);
      ADD_FAILURE() << "a file cut at byte " << cut << " loaded";
    } catch (const FormatError&) {
    } catch (const IoError&) {
    }
  }
}

}  // namespace
}  // namespace mz
