// save_classic / load_classic for neurolab's nl::Net: layers, connect list, transfer, trainer and
// error function names, ranges, Elman context and newhop's stored patterns (classic_file.h).
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "mz/classic/neurolab/init.h"
#include "mz/core/error.h"
#include "mz/io/classic_file.h"
#include "mz/io/detail/classic_archive.h"

namespace mz {
namespace {

using io::detail::ClassicArchive;
using io::detail::constructed;
using io::detail::entry;
using io::detail::get_double;
using io::detail::get_int;
using io::detail::get_string;
using io::detail::H5Content;
using io::detail::shown;
using io::detail::vec_tensor;
using io::detail::write_classic_archive;
namespace nl = classic::nl;

// nl::Net keeps its sizes and indices in int.
constexpr int64_t kMaxInt = std::numeric_limits<int>::max();

// neurolab's named initialisation functions, which an initf list can hold and a file name.
using InitPtr = void (*)(nl::Layer&);
const std::vector<std::pair<const char*, InitPtr>>& named_inits() {
  static const std::vector<std::pair<const char*, InitPtr>> all = {{"initnw", nl::initnw},
                                                                   {"initwb_reg", nl::initwb_reg},
                                                                   {"initwb_lin", nl::initwb_lin},
                                                                   {"init_zeros", nl::init_zeros},
                                                                   {"midpoint", nl::midpoint}};
  return all;
}

// One initf as JSON: its name, {"class_name": "InitRand", "minmax", "props"}, or null for a
// function of the caller's (not stored).
Json init_json(const nl::InitFn& f) {
  if (const InitPtr* fp = f.target<InitPtr>())
    for (const auto& [name, ptr] : named_inits())
      if (*fp == ptr) return name;
  if (const nl::InitRand* r = f.target<nl::InitRand>())
    return {
        {"class_name", "InitRand"}, {"minmax", {r->minmax[0], r->minmax[1]}}, {"props", r->props}};
  return nullptr;
}

// The initf list of a layer config ("initf": [...]); null entries (custom functions) are skipped.
std::vector<nl::InitFn> inits_from(const Json& list, const std::string& where) {
  if (!list.is_array())
    throw FormatError(str(where, ": \"initf\": expected a list, got ", shown(list), "."));
  std::vector<nl::InitFn> out;
  for (const Json& f : list) {
    if (f.is_null()) continue;
    if (f.is_string()) {
      bool found = false;
      for (const auto& [name, ptr] : named_inits())
        if (f.get<std::string>() == name) out.emplace_back(ptr), found = true;
      if (found) continue;
    } else if (f.is_object() && f.value("class_name", Json()) == "InitRand") {
      const Json& mm = entry(f, "minmax", where);
      if (mm.is_array() && mm.size() == 2 && mm[0].is_number() && mm[1].is_number()) {
        out.emplace_back(nl::InitRand({mm[0].get<double>(), mm[1].get<double>()},
                                      get_string(f, "props", where)));
        continue;
      }
    }
    throw FormatError(str(where,
                          ": \"initf\": expected initnw, initwb_reg, initwb_lin, init_zeros, "
                          "midpoint, an InitRand object or null, got ",
                          shown(f), "."));
  }
  return out;
}

// ---- nl::Net ----

const char* kind_name(nl::LayerKind k) {
  switch (k) {
    case nl::LayerKind::perceptron:
      return "perceptron";
    case nl::LayerKind::competitive:
      return "competitive";
    case nl::LayerKind::recurrent:
      return "recurrent";
    case nl::LayerKind::rbn:
      return "rbn";
    case nl::LayerKind::linear:
      return "linear";
  }
  return "perceptron";
}

nl::Transfer transfer_named(const std::string& name, double k, double lo, double hi,
                            const std::string& where) {
  const std::vector<nl::Transfer> all = {
      nl::TanSig(), nl::PureLin(), nl::LogSig(),  nl::HardLim(),     nl::HardLims(),
      nl::SatLin(), nl::SatLins(), nl::SoftMax(), nl::Competitive(), nl::RadBas()};
  if (name == "SatLinPrm") return nl::SatLinPrm(k, lo, hi);
  for (const nl::Transfer& t : all)
    if (name == t.name()) return t;
  throw FormatError(
      str(where,
          ": \"transf\": expected a neurolab transfer function (TanSig, PureLin, LogSig, "
          "HardLim, HardLims, SatLin, SatLins, SatLinPrm, SoftMax, Competitive, RadBas), got \"",
          name.substr(0, 100), "\"."));
}

nl::Trainer trainer_named(const std::string& name, const std::string& where) {
  const nl::Trainer all[] = {nl::Trainer{}, nl::train_delta, nl::train_gd,    nl::train_gdm,
                             nl::train_gda, nl::train_gdx,   nl::train_rprop, nl::train_bfgs,
                             nl::train_cg,  nl::train_ncg,   nl::train_wta,   nl::train_cwta,
                             nl::train_lvq};
  for (const nl::Trainer& t : all)
    if (name == t.name()) return t;
  throw FormatError(str(where,
                        ": \"trainf\": expected a neurolab trainer name (train_gd, ...), got \"",
                        name.substr(0, 100), "\"."));
}

std::optional<nl::ErrorFn> error_named(const Json& v, const std::string& where) {
  if (v.is_null()) return std::nullopt;
  const std::vector<nl::ErrorFn> all = {nl::SSE(), nl::SAE(), nl::MSE(), nl::MAE(), nl::CEE()};
  if (v.is_string())
    for (const nl::ErrorFn& e : all)
      if (v.get<std::string>() == e.name()) return e;
  throw FormatError(
      str(where, ": \"errorf\": expected null or SSE, SAE, MSE, MAE, CEE, got ", shown(v), "."));
}

Shape minmax_shape(std::size_t n) { return Shape{static_cast<int64_t>(n), 2}; }

Shape weight_shape(const nl::Layer& l) {
  return l.kind == nl::LayerKind::linear ? Shape{l.ci, l.cn} : Shape{l.cn, l.ci};
}

}  // namespace

// ---- nl::Net ----

void save_classic(const nl::Net& net, const std::string& path) {
  H5Content h5;
  h5.datasets["net/inp_minmax"] =
      vec_tensor(net.inp_minmax.values(), minmax_shape(net.inp_minmax.rows()));
  h5.datasets["net/out_minmax"] =
      vec_tensor(net.out_minmax.values(), minmax_shape(net.out_minmax.rows()));
  Json layers = Json::array();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const nl::Layer& l = net.layers[i];
    const std::string p = str("layers/", i, "/");
    Json lc = {{"kind", kind_name(l.kind)},
               {"ci", l.ci},
               {"cn", l.cn},
               {"co", l.co},
               {"transf", l.transf.name()},
               {"max_iter", l.max_iter},
               {"delta", l.delta},
               {"initf", Json::array()}};
    for (const nl::InitFn& f : l.initf) lc["initf"].push_back(init_json(f));
    if (l.transf.kind() == nl::TransferKind::satlinprm) {
      lc["k"] = l.transf.k();
      lc["out_min"] = l.transf.lo();
      lc["out_max"] = l.transf.hi();
    }
    h5.datasets[p + "w"] = vec_tensor(l.w, weight_shape(l));
    if (!l.b.empty()) h5.datasets[p + "b"] = vec_tensor(l.b, Shape{l.cn});
    if (!l.conscience.empty())
      h5.datasets[p + "conscience"] = vec_tensor(l.conscience, Shape{l.cn});
    h5.datasets[p + "inp_minmax"] =
        vec_tensor(l.inp_minmax.values(), minmax_shape(l.inp_minmax.rows()));
    h5.datasets[p + "out_minmax"] =
        vec_tensor(l.out_minmax.values(), minmax_shape(l.out_minmax.rows()));
    if (l.out.size() == static_cast<std::size_t>(l.co))
      h5.datasets[p + "out"] = vec_tensor(l.out, Shape{l.co});
    if (l.hebbian) {
      const nl::Matrix& pt = l.hebbian->patterns;
      lc["hebbian_patterns"] = pt.rows();
      h5.datasets[p + "hebbian_patterns"] = vec_tensor(
          pt.values(), Shape{static_cast<int64_t>(pt.rows()), static_cast<int64_t>(pt.cols())});
      h5.datasets[p + "hebbian_w"] = vec_tensor(l.hebbian->w, weight_shape(l));
    }
    layers.push_back(lc);
  }
  const Json config = {{"ci", net.ci},
                       {"co", net.co},
                       {"connect", net.connect},
                       {"trainf", net.trainf.name()},
                       {"errorf", net.errorf ? Json(net.errorf->name()) : Json()},
                       {"layers", layers}};
  write_classic_archive(path, "Net", config, h5);
}

template <>
nl::Net load_classic<nl::Net>(const std::string& path) {
  ClassicArchive a(path, "load_classic");
  a.expect_class("Net");
  const Json& c = a.config();
  const std::string w = a.cwho();
  auto matrix = [&](const std::string& name, int64_t rows, int64_t cols) {
    return nl::Matrix(rows, cols, a.values(name, Shape{rows, cols}));
  };
  const int64_t ci = get_int(c, "ci", w, 1, kMaxInt), co = get_int(c, "co", w, 1, kMaxInt);
  nl::Matrix inp_minmax = matrix("net/inp_minmax", ci, 2),
             out_minmax = matrix("net/out_minmax", co, 2);
  const Json& connect_json = entry(c, "connect", w);
  nl::Connect connect;
  if (!connect_json.is_array())
    throw FormatError(
        str(w, ": \"connect\": expected a list of lists, got ", shown(connect_json), "."));
  for (const Json& e : connect_json) {
    if (!e.is_array())
      throw FormatError(
          str(w, ": \"connect\": expected a list of lists, got ", shown(e), " inside."));
    std::vector<int> sources;
    for (const Json& s : e) {
      if (!s.is_number_integer() || s.get<int64_t>() < -1 || s.get<int64_t>() > kMaxInt)
        throw FormatError(
            str(w, ": \"connect\": expected source indices >= -1, got ", shown(s), "."));
      sources.push_back(s.get<int>());
    }
    connect.push_back(std::move(sources));
  }
  const nl::Trainer trainf = trainer_named(get_string(c, "trainf", w), w);
  const std::optional<nl::ErrorFn> errorf = error_named(entry(c, "errorf", w), w);
  const Json& layers_json = entry(c, "layers", w);
  if (!layers_json.is_array())
    throw FormatError(str(w, ": \"layers\": expected a list, got ", shown(layers_json), "."));
  std::vector<nl::Layer> layers;
  for (std::size_t i = 0; i < layers_json.size(); ++i) {
    const Json& lc = layers_json[i];
    const std::string lw = str(w, ": layer ", i);
    const std::string p = str("layers/", i, "/");
    const std::string kind = get_string(lc, "kind", lw);
    const int lci = static_cast<int>(get_int(lc, "ci", lw, 1, kMaxInt)),
              lcn = static_cast<int>(get_int(lc, "cn", lw, 1, kMaxInt));
    const int lco = static_cast<int>(get_int(lc, "co", lw, 1, kMaxInt));
    const std::string tname = get_string(lc, "transf", lw);
    const bool prm = tname == "SatLinPrm";
    const nl::Transfer transf = transfer_named(tname, prm ? get_double(lc, "k", lw) : 1,
                                               prm ? get_double(lc, "out_min", lw) : 0,
                                               prm ? get_double(lc, "out_max", lw) : 1, lw);
    const Shape wshape = kind == "linear" ? Shape{lci, lcn} : Shape{lcn, lci};
    std::vector<double> weights = a.values(p + "w", wshape);  // checks the sizes before allocating
    nl::Layer l;
    if (kind == "perceptron")
      l = nl::Layer::perceptron(lci, lcn, transf);
    else if (kind == "competitive")
      l = nl::Layer::competitive(lci, lcn);
    else if (kind == "recurrent")
      l = nl::Layer::recurrent(lci, lcn, transf,
                               static_cast<int>(get_int(lc, "max_iter", lw, 0, kMaxInt)),
                               get_double(lc, "delta", lw));
    else if (kind == "rbn")
      l = nl::Layer::rbn(lci, lcn);
    else if (kind == "linear")
      l = nl::Layer::linear(lci, lcn, transf);
    else
      throw FormatError(
          str(lw, ": \"kind\": expected perceptron, competitive, recurrent, rbn or linear, got \"",
              kind.substr(0, 100), "\"."));
    if (l.co != lco)
      throw FormatError(
          str(lw, ": \"co\": expected ", l.co, " for a ", kind, " layer, got ", lco, "."));
    l.transf = transf;
    l.max_iter = static_cast<int>(get_int(lc, "max_iter", lw, 0, kMaxInt));
    l.delta = get_double(lc, "delta", lw);
    l.initf = inits_from(entry(lc, "initf", lw), lw);
    l.w = std::move(weights);
    if (!l.b.empty()) l.b = a.values(p + "b", Shape{lcn});
    if (!l.conscience.empty()) l.conscience = a.values(p + "conscience", Shape{lcn});
    l.inp_minmax = matrix(p + "inp_minmax", lci, 2);
    l.out_minmax = matrix(p + "out_minmax", lco, 2);
    if (a.has(p + "out")) l.out = a.values(p + "out", Shape{lco});
    if (lc.contains("hebbian_patterns")) {
      const int64_t np = get_int(lc, "hebbian_patterns", lw);
      auto memory = std::make_shared<nl::HebbianMemory>();
      memory->patterns = matrix(p + "hebbian_patterns", np, lci);
      memory->w = a.values(p + "hebbian_w", wshape);
      l.hebbian = std::move(memory);
    }
    layers.push_back(std::move(l));
  }
  // The Net constructor re-derives the ranges and runs init(): keep the stored values, and run
  // no initf there (they draw from nl::random(), which a load must leave alone).
  std::vector<nl::Layer> stored = layers;
  for (nl::Layer& l : layers) l.initf.clear();
  nl::Net net = constructed(a, [&] {
    return nl::Net(std::move(inp_minmax), static_cast<int>(co), std::move(layers),
                   std::move(connect), trainf, errorf);
  });
  for (std::size_t i = 0; i < stored.size(); ++i) {
    nl::Layer& l = net.layers[i];
    l.w = stored[i].w, l.b = stored[i].b, l.conscience = stored[i].conscience;
    l.inp_minmax = stored[i].inp_minmax, l.out_minmax = stored[i].out_minmax, l.out = stored[i].out;
    l.initf = stored[i].initf;
  }
  net.out_minmax = std::move(out_minmax);
  return net;
}

}  // namespace mz
