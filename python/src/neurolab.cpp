// merezha._merezha's neurolab part (merezha.neurolab builds on it): mz::classic::nl's Net with
// its constructors, step/sim/train (GIL released), parameter views and state, the transfer and
// error functions, and numpy's global random state shared with the C++ generator.
#include "mz/classic/neurolab/neurolab.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <sstream>

#include "bindings.h"
#include "mz/core/error.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

using namespace mz::classic::nl;
using In1 = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using In2 = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Out = nb::ndarray<nb::numpy, double>;

Matrix to_matrix(const In2& a) {
  return Matrix(a.shape(0), a.shape(1), std::vector<double>(a.data(), a.data() + a.size()));
}

// A new NumPy array owning a copy of `values`, shaped `dims`.
Out to_array(std::vector<double> values, std::vector<std::size_t> dims) {
  auto* keep = new std::vector<double>(std::move(values));
  nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
  return Out(keep->data(), dims.size(), dims.data(), owner);
}

Out to_array(const Matrix& m) { return to_array(m.values(), {m.rows(), m.cols()}); }
// The same, taking m's buffer instead of copying it.
Out to_array(Matrix&& m) {
  const std::size_t rows = m.rows(), cols = m.cols();
  return to_array(std::move(m.values()), {rows, cols});
}

// numpy's legacy global generator (np.random.seed, rand, randint) and the C++ one of
// mz::classic::nl::random() hold the same MT19937; these copy the state across, so a C++
// constructor or trainer draws what neurolab would draw after the same np.random.seed.
// libstdc++ writes an engine as its 624 words followed by the position, numpy's layout.
nb::object numpy_random() { return nb::module_::import_("numpy").attr("random"); }

void rng_from_numpy() {
  nb::tuple st = nb::cast<nb::tuple>(numpy_random().attr("get_state")());
  nb::object key = st[1].attr("tolist")();
  std::ostringstream os;
  for (nb::handle k : key) os << nb::cast<std::uint32_t>(k) << ' ';
  os << nb::cast<long>(st[2]);
  std::istringstream is(os.str());
  is >> random().engine();
  if (is.fail())
    throw InternalError(
        "neurolab: numpy's random state: expected 624 words and a position "
        "readable as an MT19937, got an unreadable state.");
}

void rng_to_numpy() {
  nb::object rnd = numpy_random();
  nb::tuple old = nb::cast<nb::tuple>(rnd.attr("get_state")());
  std::ostringstream os;
  os << random().engine();
  std::istringstream is(os.str());
  std::vector<std::uint32_t> key(624);
  long pos = 0;
  for (std::uint32_t& k : key) is >> k;
  is >> pos;
  if (is.fail())
    throw InternalError(
        "neurolab: C++ random state: expected 624 words and a position, got "
        "an unreadable state.");
  nb::object np = nb::module_::import_("numpy");
  nb::object arr = np.attr("array")(nb::cast(key), "dtype"_a = "uint32");
  rnd.attr("set_state")(nb::make_tuple(old[0], arr, pos, old[3], old[4]));
}

// Runs f with the numpy state copied in before and out after (also when f throws).
template <class F>
auto with_numpy_rng(F&& f) {
  rng_from_numpy();
  try {
    auto r = f();
    rng_to_numpy();
    return r;
  } catch (...) {
    rng_to_numpy();
    throw;
  }
}

Transfer make_transfer(const std::string& name, double k, double lo, double hi) {
  if (name == "TanSig") return TanSig();
  if (name == "PureLin") return PureLin();
  if (name == "LogSig") return LogSig();
  if (name == "HardLim") return HardLim();
  if (name == "HardLims") return HardLims();
  if (name == "SatLin") return SatLin();
  if (name == "SatLins") return SatLins();
  if (name == "SatLinPrm") return SatLinPrm(k, lo, hi);
  if (name == "SoftMax") return SoftMax();
  if (name == "Competitive") return Competitive();
  if (name == "RadBas") return RadBas();
  throw ValueError(
      str("neurolab.trans: unknown transfer function: expected TanSig, PureLin, "
          "LogSig, HardLim, HardLims, SatLin, SatLins, SatLinPrm, SoftMax, "
          "Competitive or RadBas, got '",
          name, "'."));
}

ErrorFn make_error(const std::string& name) {
  if (name == "SSE") return SSE();
  if (name == "SAE") return SAE();
  if (name == "MSE") return MSE();
  if (name == "MAE") return MAE();
  if (name == "CEE") return CEE();
  throw ValueError(
      str("neurolab.error: unknown error function: expected SSE, SAE, MSE, MAE "
          "or CEE, got '",
          name, "'."));
}

Trainer make_trainer(const std::string& name) {
  static const std::pair<const char*, Trainer> kAll[] = {
      {"train_delta", train_delta}, {"train_gd", train_gd},     {"train_gdm", train_gdm},
      {"train_gda", train_gda},     {"train_gdx", train_gdx},   {"train_rprop", train_rprop},
      {"train_bfgs", train_bfgs},   {"train_cg", train_cg},     {"train_ncg", train_ncg},
      {"train_wta", train_wta},     {"train_cwta", train_cwta}, {"train_lvq", train_lvq}};
  for (const auto& [n, t] : kAll)
    if (name == n) return t;
  throw ValueError(
      str("neurolab.train: unknown trainer: expected one of train_delta, "
          "train_gd, ..., train_lvq, got '",
          name, "'."));
}

const char* kind_name(LayerKind k) {
  switch (k) {
    case LayerKind::perceptron:
      return "Perceptron";
    case LayerKind::competitive:
      return "Competitive";
    case LayerKind::recurrent:
      return "Reccurent";
    case LayerKind::rbn:
      return "RBN";
    case LayerKind::linear:
      return "Linear";
  }
  return "?";
}

Layer& layer_at(Net& net, int i) {
  if (i < 0 || i >= static_cast<int>(net.layers.size()))
    throw ValueError(
        str("neurolab: layer index: expected 0 <= i < ", net.layers.size(), ", got ", i, "."));
  return net.layers[static_cast<std::size_t>(i)];
}

std::vector<double>& param_at(Net& net, int i, const std::string& name) {
  std::vector<double>* p = layer_at(net, i).param(name);
  if (p == nullptr)
    throw ValueError(str("neurolab: layer ", i, " has no parameter '", name,
                         "': expected one "
                         "of its np keys, got '",
                         name, "'."));
  return *p;
}

std::vector<std::size_t> param_shape(const Layer& l, const std::string& name) {
  const std::size_t ci = static_cast<std::size_t>(l.ci), cn = static_cast<std::size_t>(l.cn);
  if (name == "w") return l.kind == LayerKind::linear ? std::vector{ci, cn} : std::vector{cn, ci};
  return {cn};
}

std::vector<double>& state_at(Net& net, int i, const std::string& which) {
  if (i == -1) {
    if (which == "inp") return net.inp;
    if (which == "out") return net.out;
  } else {
    Layer& l = layer_at(net, i);
    if (which == "inp") return l.inp;
    if (which == "out") return l.out;
    if (which == "s") return l.s;
    if (which == "last_dist") return l.last_dist;
  }
  throw ValueError(str("neurolab: state: expected inp, out, s or last_dist, got '", which, "'."));
}

// One layer described as (kind, ci, cn, transf, max_iter, delta), for Net.make.
using LayerSpec = std::tuple<std::string, int, int, Transfer, int, double>;

Layer layer_from_spec(const LayerSpec& spec) {
  const auto& [kind, ci, cn, transf, max_iter, delta] = spec;
  if (ci < 1 || cn < 1)
    throw ValueError(str("neurolab.layer.", kind, ": sizes: expected ci >= 1 and cn >= 1, got ", ci,
                         " and ", cn, "."));
  Layer l;
  if (kind == "Perceptron")
    l = Layer::perceptron(ci, cn, transf);
  else if (kind == "Competitive")
    l = Layer::competitive(ci, cn);
  else if (kind == "Reccurent")
    l = Layer::recurrent(ci, cn, transf, max_iter, delta);
  else if (kind == "RBN")
    l = Layer::rbn(ci, cn);
  else if (kind == "Linear")
    l = Layer::linear(ci, cn, transf);
  else
    throw ValueError(
        str("neurolab.core.Net: unknown layer kind: expected Perceptron, "
            "Competitive, Reccurent, RBN or Linear, got '",
            kind, "'."));
  l.initf.clear();  // merezha.neurolab runs the Python initf after wiring
  return l;
}

std::vector<double> train(Net& net, const std::string& trainer, const In2& input,
                          std::optional<In2> target, const TrainOptions& o) {
  Trainer t = make_trainer(trainer);
  Matrix x = to_matrix(input);
  std::optional<Matrix> y;
  if (target) y = to_matrix(*target);
  auto run = [&] {
    nb::gil_scoped_release release;
    return y ? t(net, x, &*y, o) : t(net, x, nullptr, o);
  };
  if (t.kind == TrainerKind::wta || t.kind == TrainerKind::cwta) return with_numpy_rng(run);
  return run();
}

void bind_transfer_error(nb::module_& m) {
  nb::class_<Transfer>(m, "_NlTransfer")
      .def_prop_ro("name", [](const Transfer& f) { return std::string(f.name()); })
      .def("apply",
           [](const Transfer& f, const In1& x) {
             std::vector<double> y(x.size());
             f.apply(x.data(), y.data(), static_cast<int>(x.size()));
             return to_array(std::move(y), {x.size()});
           })
      .def("deriv",
           [](const Transfer& f, const In1& x, const In1& y) {
             if (x.size() != y.size())
               throw ShapeError(str(f.name(), ".deriv: x and y sizes: expected equal, got ",
                                    x.size(), " and ", y.size(), "."));
             std::vector<double> d(x.size());
             f.deriv(x.data(), y.data(), d.data(), static_cast<int>(x.size()));
             return to_array(std::move(d), {x.size()});
           })
      .def_prop_ro("out_minmax", [](const Transfer& f) { return f.out_minmax(); })
      .def_prop_ro("inp_active", [](const Transfer& f) { return f.inp_active(); });
  m.def("_nl_transfer", &make_transfer, "name"_a, "k"_a = 1.0, "lo"_a = 0.0, "hi"_a = 1.0);

  nb::class_<ErrorFn>(m, "_NlError")
      .def_prop_ro("name", [](const ErrorFn& e) { return std::string(e.name()); })
      .def("value",
           [](const ErrorFn& e, const In1& t, const In1& o) {
             if (t.size() != o.size())
               throw ShapeError(str(e.name(), ": target and output sizes: expected equal, got ",
                                    t.size(), " and ", o.size(), "."));
             return e.value(t.data(), o.data(), t.size());
           })
      .def("deriv", [](const ErrorFn& e, const In1& t, const In1& o) {
        if (t.size() != o.size())
          throw ShapeError(str(e.name(), ".deriv: target and output sizes: expected equal, got ",
                               t.size(), " and ", o.size(), "."));
        std::vector<double> d(t.size());
        e.deriv(t.data(), o.data(), static_cast<int>(t.size()), d.data());
        return to_array(std::move(d), {t.size()});
      });
  m.def("_nl_error", &make_error, "name"_a);
}

void bind_constructors(nb::class_<Net>& c) {
  c.def_static("newp",
               [](const In2& mm, int cn, const Transfer& f) {
                 return with_numpy_rng([&] { return newp(to_matrix(mm), cn, f); });
               })
      .def_static("newff",
                  [](const In2& mm, const std::vector<int>& size, const std::vector<Transfer>& f) {
                    return with_numpy_rng([&] { return newff(to_matrix(mm), size, f); });
                  })
      .def_static("newc",
                  [](const In2& mm, int cn) {
                    return with_numpy_rng([&] { return newc(to_matrix(mm), cn); });
                  })
      .def_static("newlvq",
                  [](const In2& mm, int cn0, const std::vector<double>& pc) {
                    return with_numpy_rng([&] { return newlvq(to_matrix(mm), cn0, pc); });
                  })
      .def_static("newelm",
                  [](const In2& mm, const std::vector<int>& size, const std::vector<Transfer>& f) {
                    return with_numpy_rng([&] { return newelm(to_matrix(mm), size, f); });
                  })
      .def_static("newhop", [](const In2& t, std::optional<Transfer> f, int max_init,
                               double delta) { return newhop(to_matrix(t), f, max_init, delta); })
      .def_static("newhem", [](const In2& t, std::optional<Transfer> f, int max_iter,
                               double delta) { return newhem(to_matrix(t), f, max_iter, delta); })
      .def_static("newgrnn",
                  [](const In2& mm, const In2& x, const In2& y, double bias) {
                    return newgrnn(to_matrix(mm), to_matrix(x), to_matrix(y), bias);
                  })
      .def_static("newpnn",
                  [](const In2& mm, const In2& x, const In2& d, double bias) {
                    return newpnn(to_matrix(mm), to_matrix(x), to_matrix(d), bias);
                  })
      .def_static("make", [](const In2& mm, int co, const std::vector<LayerSpec>& specs,
                             const Connect& connect) {
        std::vector<Layer> layers;
        for (const LayerSpec& s : specs) layers.push_back(layer_from_spec(s));
        return Net(to_matrix(mm), co, std::move(layers), connect, Trainer{}, std::nullopt);
      });
}

void bind_layers(nb::class_<Net>& c) {
  c.def_prop_ro("n_layers", [](const Net& n) { return n.layers.size(); })
      .def("layer_kind", [](Net& n, int i) { return std::string(kind_name(layer_at(n, i).kind)); })
      .def("layer_dims",
           [](Net& n, int i) {
             const Layer& l = layer_at(n, i);
             return std::make_tuple(l.ci, l.cn, l.co);
           })
      .def("layer_transf", [](Net& n, int i) { return layer_at(n, i).transf; })
      .def("set_layer_transf",
           [](Net& n, int i, const Transfer& f) {
             Layer& l = layer_at(n, i);
             if (l.kind == LayerKind::competitive || l.kind == LayerKind::rbn) return;
             l.transf = f;
           })
      .def("layer_recurrent",
           [](Net& n, int i) {
             const Layer& l = layer_at(n, i);
             return std::make_tuple(l.max_iter, l.delta, l.iterations);
           })
      .def("set_layer_recurrent",
           [](Net& n, int i, int max_iter, double delta) {
             Layer& l = layer_at(n, i);
             l.max_iter = max_iter;
             l.delta = delta;
           })
      .def("param_names", [](Net& n, int i) { return layer_at(n, i).param_names(); })
      .def(
          "param",
          [](Net& n, int i, const std::string& name) {
            std::vector<double>& p = param_at(n, i, name);
            std::vector<std::size_t> dims = param_shape(layer_at(n, i), name);
            return Out(p.data(), dims.size(), dims.data(), nb::handle());
          },
          nb::rv_policy::reference_internal,
          "A writable view of layer i's parameter; valid until the next call into the net.")
      .def("layer_minmax",
           [](Net& n, int i) {
             const Layer& l = layer_at(n, i);
             return std::make_pair(to_array(l.inp_minmax), to_array(l.out_minmax));
           })
      .def("state",
           [](Net& n, int i, const std::string& which) {
             const std::vector<double>& v = state_at(n, i, which);
             return to_array(v, {v.size()});
           })
      .def("set_state", [](Net& n, int i, const std::string& which, const In1& v) {
        std::vector<double>& s = state_at(n, i, which);
        if (v.size() != s.size())
          throw ShapeError(str("neurolab: state '", which, "' of layer ", i, ": expected ",
                               s.size(), " values, got ", v.size(), "."));
        std::copy(v.data(), v.data() + v.size(), s.begin());
      });
}

}  // namespace

void bind_neurolab(nb::module_& m) {
  bind_transfer_error(m);
  nb::class_<Net> c(m, "_NlNet");
  bind_constructors(c);
  bind_layers(c);
  c.def_prop_ro("ci", [](const Net& n) { return n.ci; })
      .def_prop_ro("co", [](const Net& n) { return n.co; })
      .def_prop_ro("connect", [](const Net& n) { return n.connect; })
      .def_prop_ro(
          "inp_minmax", [](const Net& n) { return to_array(n.inp_minmax); }, nb::rv_policy::move)
      .def_prop_ro(
          "out_minmax", [](const Net& n) { return to_array(n.out_minmax); }, nb::rv_policy::move)
      .def_prop_ro("trainf_name", [](const Net& n) { return std::string(n.trainf.name()); })
      .def_prop_ro("errorf_name",
                   [](const Net& n) {
                     return n.errorf ? std::optional<std::string>(n.errorf->name()) : std::nullopt;
                   })
      .def("set_errorf", [](Net& n, std::optional<ErrorFn> e) { n.errorf = e; })
      .def("step",
           [](Net& n, const In1& x) {
             std::vector<double> xv(x.data(), x.data() + x.size());
             const std::vector<double>& o = n.step(xv);
             return to_array(o, {o.size()});
           })
      .def("sim",
           [](Net& n, const In2& x) {
             if (static_cast<int>(x.shape(1)) != n.ci)
               throw ShapeError(str("Net.sim: input width: expected (samples, ", n.ci, "), got (",
                                    x.shape(0), ", ", x.shape(1), ")."));
             Matrix out;
             {
               nb::gil_scoped_release release;
               out = n.sim(x.data(), x.shape(0));  // reads the array in place
             }
             return to_array(std::move(out));
           })
      .def("reset", &Net::reset)
      .def("copy", &Net::copy)
      .def("np_size", &Net::np_size)
      .def("np_get",
           [](const Net& n) {
             std::vector<double> v = n.np_get();
             std::size_t sz = v.size();
             return to_array(std::move(v), {sz});
           })
      .def("np_set",
           [](Net& n, const In1& v) {
             n.np_set(std::vector<double>(v.data(), v.data() + v.size()));
           })
      .def(
          "train",
          [](Net& n, const std::string& trainer, const In2& input, std::optional<In2> target,
             int epochs, double goal, std::optional<double> lr, std::optional<bool> adapt,
             double rr, double mc, double lr_inc, double lr_dec, double max_perf_inc,
             double rate_dec, double rate_inc, double rate_min, double rate_max, double gtol,
             double xtol) {
            TrainOptions o;
            o.epochs = epochs, o.show = 0, o.goal = goal, o.lr = lr, o.adapt = adapt, o.rr = rr;
            o.mc = mc, o.lr_inc = lr_inc, o.lr_dec = lr_dec, o.max_perf_inc = max_perf_inc;
            o.rate_dec = rate_dec, o.rate_inc = rate_inc, o.rate_min = rate_min;
            o.rate_max = rate_max, o.gtol = gtol, o.xtol = xtol;
            return train(n, trainer, input, target, o);
          },
          "trainer"_a, "input"_a, "target"_a.none(), "epochs"_a = 500, "goal"_a = 0.01,
          "lr"_a.none() = nb::none(), "adapt"_a.none() = nb::none(), "rr"_a = 0.0, "mc"_a = 0.9,
          "lr_inc"_a = 1.05, "lr_dec"_a = 0.7, "max_perf_inc"_a = 1.04, "rate_dec"_a = 0.5,
          "rate_inc"_a = 1.2, "rate_min"_a = 1e-9, "rate_max"_a = 50.0, "gtol"_a = 1e-5,
          "xtol"_a = 1e-5)
      .def("ff_grad", [](Net& n, const In2& input, const In2& target) {
        if (static_cast<int>(input.shape(1)) != n.ci || static_cast<int>(target.shape(1)) != n.co ||
            input.shape(0) != target.shape(0))
          throw ShapeError(str("ff_grad: input (samples, ", n.ci, ") and target (samples, ", n.co,
                               "): expected matching shapes, got (", input.shape(0), ", ",
                               input.shape(1), ") and (", target.shape(0), ", ", target.shape(1),
                               ")."));
        if (!n.errorf)
          throw ValueError(
              "ff_grad: the network has no error function: expected errorf, got "
              "None.");
        mz::classic::nl::detail::Backprop bp(n);
        std::vector<double> grad(n.np_size(), 0.0);
        Matrix output(input.shape(0), n.co);
        bp.run(n, input.data(), target.data(), input.shape(0), grad, &output);
        std::size_t sz = grad.size();
        return std::make_pair(to_array(std::move(grad), {sz}), to_array(output));
      });
}

}  // namespace mz::py
