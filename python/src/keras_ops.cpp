// Differentiable operations on merezha.Tensor for custom losses and metrics: the arithmetic
// operators (+ - * / ** and unary -) added to merezha.Tensor, and merezha._merezha.ops, the
// functions merezha.ops re-exports under Keras's names (keras.ops.mean, keras.ops.square, ...).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "keras_common.h"
#include "mz/core/error.h"
#include "mz/nn/variable.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"
#include "mz/ops/linalg.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"
#include "mz/ops/softmax.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

bool is_number(nb::handle h) {
  return nb::isinstance<nb::float_>(h) || nb::isinstance<nb::int_>(h) ||
         nb::isinstance<nb::bool_>(h);
}

// A tensor operand: Tensors as they are, Variables as their (differentiable) value; arrays
// converted and cast to `like`'s dtype.
Tensor operand(nb::handle h, const Tensor& like, const char* who) {
  if (nb::isinstance<Tensor>(h)) return nb::cast<Tensor>(h);
  if (nb::isinstance<Variable>(h)) return nb::cast<Variable&>(h).value;
  Tensor t = to_tensor(h, who);
  return like.defined() && t.dtype() != like.dtype() ? t.to(like.dtype()) : t;
}

Tensor as_tensor(nb::handle h, const char* who) {
  if (nb::isinstance<Tensor>(h)) return nb::cast<Tensor>(h);
  if (nb::isinstance<Variable>(h)) return nb::cast<Variable&>(h).value;
  return to_tensor(h, who);
}

// a <op> b where either side may be a Python number, an array or a Tensor (at least one is a
// Tensor or an array).
template <class TT, class TD, class DT>
Tensor binary(nb::handle a, nb::handle b, const char* who, TT tt, TD td, DT dt) {
  if (is_number(b)) return td(as_tensor(a, who), nb::cast<double>(b));
  if (is_number(a)) return dt(nb::cast<double>(a), as_tensor(b, who));
  Tensor ta = nb::isinstance<Tensor>(a) || !nb::isinstance<Tensor>(b)
                  ? as_tensor(a, who)
                  : operand(a, nb::cast<Tensor>(b), who);
  return tt(ta, operand(b, ta, who));
}

std::vector<int> axes_of(nb::handle axis) {
  std::vector<int> axes;
  if (axis.is_none()) return axes;
  if (nb::isinstance<nb::int_>(axis)) return {nb::cast<int>(axis)};
  for (nb::handle a : axis) axes.push_back(nb::cast<int>(a));
  return axes;
}

Tensor add_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.add", [](const Tensor& x, const Tensor& y) { return x + y; },
      [](const Tensor& x, double y) { return x + y; },
      [](double x, const Tensor& y) { return x + y; });
}
Tensor sub_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.subtract", [](const Tensor& x, const Tensor& y) { return x - y; },
      [](const Tensor& x, double y) { return x - y; },
      [](double x, const Tensor& y) { return x - y; });
}
Tensor mul_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.multiply", [](const Tensor& x, const Tensor& y) { return x * y; },
      [](const Tensor& x, double y) { return x * y; },
      [](double x, const Tensor& y) { return x * y; });
}
Tensor div_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.divide", [](const Tensor& x, const Tensor& y) { return x / y; },
      [](const Tensor& x, double y) { return x / y; },
      [](double x, const Tensor& y) { return x / y; });
}
Tensor pow_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.power", [](const Tensor& x, const Tensor& y) { return pow(x, y); },
      [](const Tensor& x, double y) { return pow(x, y); },
      [](double x, const Tensor& y) { return pow(full_like(y, x), y); });
}
Tensor max_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.maximum", [](const Tensor& x, const Tensor& y) { return maximum(x, y); },
      [](const Tensor& x, double y) { return maximum(x, full_like(x, y)); },
      [](double x, const Tensor& y) { return maximum(full_like(y, x), y); });
}
Tensor min_op(nb::handle a, nb::handle b) {
  return binary(
      a, b, "merezha.ops.minimum", [](const Tensor& x, const Tensor& y) { return minimum(x, y); },
      [](const Tensor& x, double y) { return minimum(x, full_like(x, y)); },
      [](double x, const Tensor& y) { return minimum(full_like(y, x), y); });
}

using Unary = Tensor (*)(const Tensor&);

}  // namespace

void bind_keras_ops(nb::module_& m) {
  nb::handle tensor_type = nb::type<Tensor>();
  auto method = [&](const char* name, auto fn) {
    nb::setattr(tensor_type, name, nb::cpp_function(fn, nb::is_method(), nb::name(name)));
  };
  method("__add__", [](nb::handle a, nb::handle b) { return add_op(a, b); });
  method("__radd__", [](nb::handle a, nb::handle b) { return add_op(b, a); });
  method("__sub__", [](nb::handle a, nb::handle b) { return sub_op(a, b); });
  method("__rsub__", [](nb::handle a, nb::handle b) { return sub_op(b, a); });
  method("__mul__", [](nb::handle a, nb::handle b) { return mul_op(a, b); });
  method("__rmul__", [](nb::handle a, nb::handle b) { return mul_op(b, a); });
  method("__truediv__", [](nb::handle a, nb::handle b) { return div_op(a, b); });
  method("__rtruediv__", [](nb::handle a, nb::handle b) { return div_op(b, a); });
  method("__pow__", [](nb::handle a, nb::handle b) { return pow_op(a, b); });
  method("__neg__", [](const Tensor& a) { return -a; });
  method("__abs__", [](const Tensor& a) { return abs(a); });
  method("__matmul__", [](const Tensor& a, nb::handle b) {
    return matmul(a, operand(b, a, "merezha.ops.matmul"));
  });
  // A layer's Variable (add_weight) computes as its value, so gradients reach it.
  nb::handle variable_type = nb::type<Variable>();
  auto var_method = [&](const char* name, auto fn) {
    nb::setattr(variable_type, name, nb::cpp_function(fn, nb::is_method(), nb::name(name)));
  };
  var_method("__add__", [](nb::handle a, nb::handle b) { return add_op(a, b); });
  var_method("__radd__", [](nb::handle a, nb::handle b) { return add_op(b, a); });
  var_method("__sub__", [](nb::handle a, nb::handle b) { return sub_op(a, b); });
  var_method("__rsub__", [](nb::handle a, nb::handle b) { return sub_op(b, a); });
  var_method("__mul__", [](nb::handle a, nb::handle b) { return mul_op(a, b); });
  var_method("__rmul__", [](nb::handle a, nb::handle b) { return mul_op(b, a); });
  var_method("__truediv__", [](nb::handle a, nb::handle b) { return div_op(a, b); });
  var_method("__rtruediv__", [](nb::handle a, nb::handle b) { return div_op(b, a); });
  var_method("__pow__", [](nb::handle a, nb::handle b) { return pow_op(a, b); });
  var_method("__neg__", [](const Variable& a) { return -a.value; });
  var_method("__matmul__", [](const Variable& a, nb::handle b) {
    return matmul(a.value, operand(b, a.value, "merezha.ops.matmul"));
  });
  var_method("__rmatmul__", [](const Variable& b, nb::handle a) {
    Tensor ta = operand(a, b.value, "merezha.ops.matmul");
    return matmul(ta, b.value);
  });

  nb::module_ ops = m.def_submodule("ops", "Differentiable operations on merezha Tensors.");
  ops.def("add", &add_op, "x1"_a.none(), "x2"_a.none());
  ops.def("subtract", &sub_op, "x1"_a.none(), "x2"_a.none());
  ops.def("multiply", &mul_op, "x1"_a.none(), "x2"_a.none());
  ops.def("divide", &div_op, "x1"_a.none(), "x2"_a.none());
  ops.def("power", &pow_op, "x1"_a.none(), "x2"_a.none());
  ops.def("maximum", &max_op, "x1"_a.none(), "x2"_a.none());
  ops.def("minimum", &min_op, "x1"_a.none(), "x2"_a.none());
  static const std::pair<const char*, Unary> kUnary[] = {
      {"negative", [](const Tensor& x) { return -x; }},
      {"abs", [](const Tensor& x) { return abs(x); }},
      {"absolute", [](const Tensor& x) { return abs(x); }},
      {"square", [](const Tensor& x) { return square(x); }},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }},
      {"exp", [](const Tensor& x) { return exp(x); }},
      {"log", [](const Tensor& x) { return log(x); }},
      {"log1p", [](const Tensor& x) { return log1p(x); }},
      {"sign", [](const Tensor& x) { return sign(x); }},
      {"relu", [](const Tensor& x) { return relu(x); }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return tanh(x); }},
      {"softplus", [](const Tensor& x) { return softplus(x); }},
      {"stop_gradient", [](const Tensor& x) { return x.detach(); }},
  };
  for (const auto& [name, fn] : kUnary) {
    Unary f = fn;
    std::string who = std::string("merezha.ops.") + name;
    ops.def(
        name, [f, who](nb::handle x) { return f(as_tensor(x, who.c_str())); }, "x"_a.none());
  }
  auto reduction = [&](const char* name,
                       Tensor (*fn)(const Tensor&, const std::vector<int>&, bool)) {
    std::string who = std::string("merezha.ops.") + name;
    ops.def(
        name,
        [fn, who](nb::handle x, nb::handle axis, bool keepdims) {
          return fn(as_tensor(x, who.c_str()), axes_of(axis), keepdims);
        },
        "x"_a.none(), "axis"_a.none() = nb::none(), "keepdims"_a = false);
  };
  reduction("mean",
            [](const Tensor& x, const std::vector<int>& a, bool k) { return mean(x, a, k); });
  reduction("sum", [](const Tensor& x, const std::vector<int>& a, bool k) { return sum(x, a, k); });
  reduction("max", [](const Tensor& x, const std::vector<int>& a, bool k) { return max(x, a, k); });
  reduction("min", [](const Tensor& x, const std::vector<int>& a, bool k) { return min(x, a, k); });
  reduction("var", [](const Tensor& x, const std::vector<int>& a, bool k) { return var(x, a, k); });
  reduction("std",
            [](const Tensor& x, const std::vector<int>& a, bool k) { return mz::std(x, a, k); });
  reduction("logsumexp",
            [](const Tensor& x, const std::vector<int>& a, bool k) { return logsumexp(x, a, k); });
  ops.def(
      "clip",
      [](nb::handle x, double x_min, double x_max) {
        return clip(as_tensor(x, "merezha.ops.clip"), x_min, x_max);
      },
      "x"_a.none(), "x_min"_a, "x_max"_a);
  ops.def(
      "softmax",
      [](nb::handle x, int axis) { return softmax(as_tensor(x, "merezha.ops.softmax"), axis); },
      "x"_a.none(), "axis"_a = -1);
  ops.def(
      "log_softmax",
      [](nb::handle x, int axis) {
        return log_softmax(as_tensor(x, "merezha.ops.log_softmax"), axis);
      },
      "x"_a.none(), "axis"_a = -1);
  ops.def(
      "matmul",
      [](nb::handle a, nb::handle b) {
        Tensor ta = as_tensor(a, "merezha.ops.matmul");
        return matmul(ta, operand(b, ta, "merezha.ops.matmul"));
      },
      "x1"_a.none(), "x2"_a.none());
  ops.def(
      "reshape",
      [](nb::handle x, nb::handle shape) {
        return reshape(as_tensor(x, "merezha.ops.reshape"),
                       shape_from(shape, "merezha.ops.reshape"));
      },
      "x"_a.none(), "newshape"_a.none());
  ops.def(
      "cast",
      [](nb::handle x, nb::handle dtype) {
        return cast(as_tensor(x, "merezha.ops.cast"),
                    dtype_from(dtype, DType::f32, "merezha.ops.cast"));
      },
      "x"_a.none(), "dtype"_a.none());
  ops.def(
      "argmax",
      [](nb::handle x, int axis, bool keepdims) {
        return argmax(as_tensor(x, "merezha.ops.argmax"), axis, keepdims);
      },
      "x"_a.none(), "axis"_a = -1, "keepdims"_a = false);
  ops.def(
      "one_hot",
      [](nb::handle x, int64_t num_classes) {
        return one_hot(as_tensor(x, "merezha.ops.one_hot"), num_classes);
      },
      "x"_a.none(), "num_classes"_a);
  ops.def(
      "activation",
      [](const std::string& name, nb::handle x) {
        return activation(name, as_tensor(x, "merezha.ops.activation"));
      },
      "name"_a, "x"_a.none(), "A Keras activation by name (\"relu\", \"softmax\", ...).");
  ops.def("activation_names", [] { return activation_names(); });
  ops.def(
      "convert_to_tensor",
      [](nb::handle x) { return as_tensor(x, "merezha.ops.convert_to_tensor"); }, "x"_a.none());
  ops.def(
      "convert_to_numpy",
      [](nb::handle x) { return to_numpy(as_tensor(x, "merezha.ops.convert_to_numpy")); },
      "x"_a.none());
}

}  // namespace mz::py
