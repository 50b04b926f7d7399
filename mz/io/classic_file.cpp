// save_classic / load_classic for the networks of mz/classic: the .keras container (zip of
// metadata.json, config.json, model.weights.h5) with every config entry and tensor shape checked
// on load. The container plumbing is in classic_archive.cpp; nl::Net in classic_file_neurolab.cpp.
#include "mz/io/classic_file.h"

#include <vector>

#include "mz/core/error.h"
#include "mz/io/detail/classic_archive.h"

namespace mz {

using io::detail::ClassicArchive;
using io::detail::constructed;
using io::detail::entry;
using io::detail::get_bool;
using io::detail::get_double;
using io::detail::get_int;
using io::detail::get_seed;
using io::detail::get_string;
using io::detail::H5Content;
using io::detail::shown;
using io::detail::vec_tensor;
using io::detail::write_classic_archive;

// ---- SelfOrganizingMap ----

void save_classic(const classic::SelfOrganizingMap& net, const std::string& path) {
  const auto& o = net.options();
  const Json config = {{"rows", net.rows()},
                       {"cols", net.cols()},
                       {"input_dim", net.input_dim()},
                       {"topology", o.topology},
                       {"neighborhood", o.neighborhood},
                       {"sigma", o.sigma},
                       {"learning_rate", o.learning_rate},
                       {"decay", o.decay},
                       {"final_sigma", o.final_sigma},
                       {"final_learning_rate", o.final_learning_rate},
                       {"seed", o.seed}};
  H5Content h5;
  h5.datasets["weights"] = net.weights();
  write_classic_archive(path, "SelfOrganizingMap", config, h5);
}

template <>
classic::SelfOrganizingMap load_classic<classic::SelfOrganizingMap>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("SelfOrganizingMap");
  const Json& c = a.config();
  const std::string w = a.cwho();
  const int64_t rows = get_int(c, "rows", w), cols = get_int(c, "cols", w),
                dim = get_int(c, "input_dim", w);
  Tensor weights = a.tensor("weights", Shape{rows, cols, dim});
  classic::SelfOrganizingMapOptions o;
  o.topology = get_string(c, "topology", w);
  o.neighborhood = get_string(c, "neighborhood", w);
  o.sigma = get_double(c, "sigma", w);
  o.learning_rate = get_double(c, "learning_rate", w);
  o.decay = get_string(c, "decay", w);
  o.final_sigma = get_double(c, "final_sigma", w);
  o.final_learning_rate = get_double(c, "final_learning_rate", w);
  o.seed = get_seed(c, w);
  return constructed(a, [&] {
    classic::SelfOrganizingMap som(rows, cols, dim, o);
    som.set_weights(weights);
    return som;
  });
}

// ---- Hopfield ----

void save_classic(const classic::Hopfield& net, const std::string& path) {
  H5Content h5;
  h5.datasets["weights"] = net.weights();
  h5.datasets["thresholds"] = net.thresholds();
  write_classic_archive(path, "Hopfield", {{"units", net.units()}}, h5);
}

template <>
classic::Hopfield load_classic<classic::Hopfield>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("Hopfield");
  const int64_t n = get_int(a.config(), "units", a.cwho());
  Tensor w = a.tensor("weights", Shape{n, n}), t = a.tensor("thresholds", Shape{n});
  return constructed(a, [&] {
    classic::Hopfield h(n);
    h.set_weights(w, t);
    return h;
  });
}

// ---- Perceptron and Adaline ----

void save_classic(const classic::Perceptron& net, const std::string& path) {
  const Tensor w = net.weights();
  const Json config = {{"inputs", w.shape()[1]},
                       {"outputs", w.shape()[0]},
                       {"transfer", net.options().transfer},
                       {"rule", net.options().rule}};
  H5Content h5;
  h5.datasets["weights"] = w;
  h5.datasets["bias"] = net.bias();
  write_classic_archive(path, "Perceptron", config, h5);
}

template <>
classic::Perceptron load_classic<classic::Perceptron>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("Perceptron");
  const std::string w = a.cwho();
  const int64_t r = get_int(a.config(), "inputs", w), s = get_int(a.config(), "outputs", w);
  Tensor weights = a.tensor("weights", Shape{s, r}), bias = a.tensor("bias", Shape{s});
  classic::PerceptronOptions o{get_string(a.config(), "transfer", w),
                               get_string(a.config(), "rule", w)};
  return constructed(a, [&] {
    classic::Perceptron p(r, s, o);
    p.set_weights(weights, bias);
    return p;
  });
}

void save_classic(const classic::Adaline& net, const std::string& path) {
  const Tensor w = net.weights();
  const Json config = {{"inputs", w.shape()[1]},
                       {"outputs", w.shape()[0]},
                       {"learning_rate", net.options().learning_rate},
                       {"mode", net.options().mode}};
  H5Content h5;
  h5.datasets["weights"] = w;
  h5.datasets["bias"] = net.bias();
  write_classic_archive(path, "Adaline", config, h5);
}

template <>
classic::Adaline load_classic<classic::Adaline>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("Adaline");
  const std::string w = a.cwho();
  const int64_t r = get_int(a.config(), "inputs", w), s = get_int(a.config(), "outputs", w);
  Tensor weights = a.tensor("weights", Shape{s, r}), bias = a.tensor("bias", Shape{s});
  classic::AdalineOptions o{get_double(a.config(), "learning_rate", w),
                            get_string(a.config(), "mode", w)};
  return constructed(a, [&] {
    classic::Adaline p(r, s, o);
    p.set_weights(weights, bias);
    return p;
  });
}

// ---- RadialBasisNetwork, HammingNet, BidirectionalAssociativeMemory ----

void save_classic(const classic::RadialBasisNetwork& net, const std::string& path) {
  const Tensor c = net.centers(), w = net.weights();
  H5Content h5;
  h5.datasets["centers"] = c;
  h5.datasets["biases"] = net.biases();
  h5.datasets["weights"] = w;
  h5.datasets["output_bias"] = net.output_bias();
  write_classic_archive(
      path, "RadialBasisNetwork",
      {{"neurons", c.shape()[0]}, {"inputs", c.shape()[1]}, {"outputs", w.shape()[1]}}, h5);
}

template <>
classic::RadialBasisNetwork load_classic<classic::RadialBasisNetwork>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("RadialBasisNetwork");
  const std::string w = a.cwho();
  const int64_t k = get_int(a.config(), "neurons", w), d = get_int(a.config(), "inputs", w);
  const int64_t o = get_int(a.config(), "outputs", w);
  Tensor centers = a.tensor("centers", Shape{k, d}), biases = a.tensor("biases", Shape{k});
  Tensor weights = a.tensor("weights", Shape{k, o}), out_bias = a.tensor("output_bias", Shape{o});
  return constructed(
      a, [&] { return classic::RadialBasisNetwork(centers, biases, weights, out_bias); });
}

void save_classic(const classic::HammingNet& net, const std::string& path) {
  const Tensor x = net.patterns();
  const auto& o = net.options();
  const Json config = {{"exemplars", x.shape()[0]}, {"units", x.shape()[1]},
                       {"scale", o.scale},          {"max_score", o.max_score},
                       {"epsilon", o.epsilon},      {"max_iterations", o.max_iterations}};
  H5Content h5;
  h5.datasets["exemplars"] = x;
  write_classic_archive(path, "HammingNet", config, h5);
}

template <>
classic::HammingNet load_classic<classic::HammingNet>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("HammingNet");
  const Json& c = a.config();
  const std::string w = a.cwho();
  Tensor x = a.tensor("exemplars", Shape{get_int(c, "exemplars", w), get_int(c, "units", w)});
  classic::HammingNetOptions o{get_double(c, "scale", w), get_double(c, "max_score", w),
                               get_double(c, "epsilon", w), get_int(c, "max_iterations", w)};
  return constructed(a, [&] { return classic::HammingNet(x, o); });
}

void save_classic(const classic::BidirectionalAssociativeMemory& net, const std::string& path) {
  H5Content h5;
  h5.datasets["weights"] = net.weights();
  write_classic_archive(path, "BidirectionalAssociativeMemory",
                        {{"x_units", net.x_units()}, {"y_units", net.y_units()}}, h5);
}

template <>
classic::BidirectionalAssociativeMemory load_classic<classic::BidirectionalAssociativeMemory>(
    const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("BidirectionalAssociativeMemory");
  const int64_t nx = get_int(a.config(), "x_units", a.cwho()),
                ny = get_int(a.config(), "y_units", a.cwho());
  Tensor m = a.tensor("weights", Shape{nx, ny});
  return constructed(a, [&] {
    classic::BidirectionalAssociativeMemory bam(nx, ny);
    bam.set_weights(m);
    return bam;
  });
}

// ---- RestrictedBoltzmannMachine, BoltzmannMachine ----

void save_classic(const classic::RestrictedBoltzmannMachine& net, const std::string& path) {
  const auto& o = net.options();
  const Json config = {{"visible", net.visible()},
                       {"hidden", net.hidden()},
                       {"learning_rate", o.learning_rate},
                       {"k", o.k},
                       {"persistent", o.persistent},
                       {"batch_size", o.batch_size},
                       {"chains", o.chains},
                       {"init_std", o.init_std},
                       {"seed", o.seed}};
  H5Content h5;
  h5.datasets["weights"] = net.weights();
  h5.datasets["visible_bias"] = net.visible_bias();
  h5.datasets["hidden_bias"] = net.hidden_bias();
  write_classic_archive(path, "RestrictedBoltzmannMachine", config, h5);
}

template <>
classic::RestrictedBoltzmannMachine load_classic<classic::RestrictedBoltzmannMachine>(
    const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("RestrictedBoltzmannMachine");
  const Json& c = a.config();
  const std::string w = a.cwho();
  const int64_t nv = get_int(c, "visible", w), nh = get_int(c, "hidden", w);
  Tensor weights = a.tensor("weights", Shape{nv, nh});
  Tensor vb = a.tensor("visible_bias", Shape{nv}), hb = a.tensor("hidden_bias", Shape{nh});
  classic::RbmOptions o;
  o.learning_rate = get_double(c, "learning_rate", w);
  o.k = get_int(c, "k", w);
  o.persistent = get_bool(c, "persistent", w);
  o.batch_size = get_int(c, "batch_size", w, 0);
  o.chains = get_int(c, "chains", w, 0);
  o.init_std = get_double(c, "init_std", w);
  o.seed = get_seed(c, w);
  return constructed(a, [&] {
    classic::RestrictedBoltzmannMachine rbm(nv, nh, o);
    rbm.set_weights(weights, vb, hb);
    return rbm;
  });
}

void save_classic(const classic::BoltzmannMachine& net, const std::string& path) {
  const auto& o = net.options();
  Json schedule = Json::array();
  for (const classic::AnnealingStage& s : o.schedule) schedule.push_back({s.temperature, s.sweeps});
  const Json config = {{"visible", net.visible()},
                       {"hidden", net.units() - net.visible()},
                       {"learning_rate", o.learning_rate},
                       {"schedule", schedule},
                       {"statistics_sweeps", o.statistics_sweeps},
                       {"free_chains", o.free_chains},
                       {"clamp_noise", o.clamp_noise},
                       {"seed", o.seed}};
  H5Content h5;
  h5.datasets["weights"] = net.weights();
  h5.datasets["bias"] = net.bias();
  write_classic_archive(path, "BoltzmannMachine", config, h5);
}

template <>
classic::BoltzmannMachine load_classic<classic::BoltzmannMachine>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("BoltzmannMachine");
  const Json& c = a.config();
  const std::string w = a.cwho();
  const int64_t nv = get_int(c, "visible", w), nh = get_int(c, "hidden", w, 0);
  Tensor weights = a.tensor("weights", Shape{nv + nh, nv + nh}),
         bias = a.tensor("bias", Shape{nv + nh});
  classic::BoltzmannOptions o;
  o.learning_rate = get_double(c, "learning_rate", w);
  const Json& schedule = entry(c, "schedule", w);
  if (!schedule.is_array())
    throw FormatError(str(w, ": \"schedule\": expected a list of [temperature, sweeps], got ",
                          shown(schedule), "."));
  o.schedule.clear();
  for (const Json& s : schedule) {
    if (!s.is_array() || s.size() != 2 || !s[0].is_number() || !s[1].is_number_integer())
      throw FormatError(str(w, ": \"schedule\": expected [temperature, sweeps] pairs, got ",
                            shown(s), " inside."));
    o.schedule.push_back({s[0].get<double>(), s[1].get<int64_t>()});
  }
  o.statistics_sweeps = get_int(c, "statistics_sweeps", w, 0);
  o.free_chains = get_int(c, "free_chains", w, 0);
  o.clamp_noise = get_double(c, "clamp_noise", w);
  o.seed = get_seed(c, w);
  return constructed(a, [&] {
    classic::BoltzmannMachine bm(nv, nh, o);
    bm.set_weights(weights, bias);
    return bm;
  });
}

// ---- HopfieldTank, CellularNetwork ----

void save_classic(const classic::HopfieldTank& net, const std::string& path) {
  H5Content h5;
  h5.datasets["cities"] = net.coordinates();
  write_classic_archive(path, "HopfieldTank", {{"cities", net.cities()}}, h5);
}

template <>
classic::HopfieldTank load_classic<classic::HopfieldTank>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("HopfieldTank");
  Tensor cities = a.tensor("cities", Shape{get_int(a.config(), "cities", a.cwho()), 2});
  return constructed(a, [&] { return classic::HopfieldTank(cities); });
}

void save_classic(const classic::CellularNetwork& net, const std::string& path) {
  const classic::CellularTemplate& t = net.templ();
  const auto& o = net.options();
  const int64_t side = 2 * int64_t{t.radius} + 1;
  const Json config = {{"radius", t.radius},      {"z", t.z},           {"dt", o.dt},
                       {"t_end", o.t_end},        {"method", o.method}, {"boundary", o.boundary},
                       {"tolerance", o.tolerance}};
  H5Content h5;
  h5.datasets["a"] = vec_tensor(t.a, Shape{side, side});
  h5.datasets["b"] = vec_tensor(t.b, Shape{side, side});
  write_classic_archive(path, "CellularNetwork", config, h5);
}

template <>
classic::CellularNetwork load_classic<classic::CellularNetwork>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("CellularNetwork");
  const Json& c = a.config();
  const std::string w = a.cwho();
  classic::CellularTemplate t;
  t.radius = static_cast<int>(get_int(c, "radius", w, 1, 1 << 20));
  const int64_t side = 2 * int64_t{t.radius} + 1;
  t.a = a.values("a", Shape{side, side});
  t.b = a.values("b", Shape{side, side});
  t.z = get_double(c, "z", w);
  classic::CellularNetworkOptions o;
  o.dt = get_double(c, "dt", w);
  o.t_end = get_double(c, "t_end", w);
  o.method = get_string(c, "method", w);
  o.boundary = get_double(c, "boundary", w);
  o.tolerance = get_double(c, "tolerance", w);
  return constructed(a, [&] { return classic::CellularNetwork(t, o); });
}

std::string classic_class_name(const std::string& path) {
  return ClassicArchive(path, "classic_class_name").class_name();
}

}  // namespace mz
