// Conversions shared by the Keras binding files (keras_common.h).
#include "keras_common.h"

#include <nanobind/stl/string.h>

#include "mz/core/error.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

std::string py_type_name(nb::handle obj) {
  return nb::cast<std::string>(nb::handle(obj.type()).attr("__name__"));
}

// Floating arrays other than float32 become float32 (Keras feeds float32 models so); the rest
// go through to_tensor unchanged.
Tensor model_tensor(nb::handle obj, const char* who) {
  if (obj.is_none()) throw ValueError(str(who, ": expected a numeric array, got None."));
  if (nb::isinstance<Tensor>(obj)) return nb::cast<Tensor>(obj);
  nb::object np = nb::module_::import_("numpy");
  nb::object array;
  try {
    array = np.attr("asarray")(obj);
  } catch (const nb::python_error& e) {
    throw ValueError(str(who, ": expected a numeric array, got ", py_type_name(obj), "."));
  }
  nb::object dtype = array.attr("dtype");
  std::string kind = nb::cast<std::string>(dtype.attr("kind"));
  if (kind == "f" && nb::cast<std::string>(dtype.attr("name")) != "float32")
    array = array.attr("astype")("float32");
  return to_tensor(array, who);
}

}  // namespace

Json to_json(nb::handle obj, const char* who) {
  nb::object serialize = nb::module_::import_("merezha._serialize").attr("dumps");
  std::string text;
  try {
    text = nb::cast<std::string>(serialize(obj));
  } catch (const nb::python_error& e) {
    throw ValueError(str(who, ": expected a JSON-serializable config, got ", py_type_name(obj),
                         " (", e.what(), ")."));
  }
  return Json::parse(text);
}

nb::object from_json(const Json& json) {
  return nb::module_::import_("json").attr("loads")(json.dump());
}

nb::tuple shape_tuple(const Shape& shape) {
  nb::list dims;
  for (int i = 0; i < shape.rank(); ++i) {
    if (shape[i] < 0)
      dims.append(nb::none());
    else
      dims.append(shape[i]);
  }
  return nb::tuple(dims);
}

Shape shape_from(nb::handle obj, const char* who) {
  std::vector<int64_t> dims;
  auto dim = [&](nb::handle d) -> int64_t {
    if (d.is_none()) return -1;
    if (nb::isinstance<nb::int_>(d) || nb::hasattr(d, "__index__"))
      return nb::cast<int64_t>(d.attr("__index__")());
    throw ValueError(str(who, ": expected a shape of ints or None, got ", py_type_name(d), " ",
                         nb::cast<std::string>(nb::repr(d)), "."));
  };
  if (obj.is_none()) throw ValueError(str(who, ": expected a shape (a tuple of ints), got None."));
  if (nb::isinstance<nb::int_>(obj)) return Shape({dim(obj)});
  if (!nb::hasattr(obj, "__iter__") || nb::isinstance<nb::str>(obj))
    throw ValueError(
        str(who, ": expected a shape (a tuple of ints), got ", py_type_name(obj), "."));
  for (nb::handle d : obj) dims.push_back(dim(d));
  return Shape(dims);
}

DType dtype_from(nb::handle obj, DType fallback, const char* who) {
  if (obj.is_none()) return fallback;
  std::string name;
  if (nb::isinstance<nb::str>(obj)) {
    name = nb::cast<std::string>(obj);
  } else {
    try {
      name = nb::cast<std::string>(nb::module_::import_("numpy").attr("dtype")(obj).attr("name"));
    } catch (const nb::python_error&) {
      throw ValueError(str(who, ": expected a dtype, got ", py_type_name(obj), "."));
    }
  }
  for (DType d : {DType::f32, DType::f64, DType::i32, DType::i64, DType::u8})
    if (name == dtype_name(d)) return d;
  if (name == "bool") return DType::u8;
  throw ValueError(str(
      who, ": expected a dtype among float32, float64, int32, int64, uint8; got \"", name, "\"."));
}

std::vector<Tensor> to_tensors(nb::handle obj, const char* who,
                               const std::vector<std::string>& names) {
  std::vector<Tensor> out;
  if (obj.is_none()) return out;
  if (nb::isinstance<nb::dict>(obj)) {
    nb::dict d = nb::borrow<nb::dict>(obj);
    for (const std::string& name : names) {
      if (!d.contains(name.c_str()))
        throw ValueError(str(who, ": a dict of arrays needs the key \"", name,
                             "\" (the model's names are in order), got keys ",
                             nb::cast<std::string>(nb::repr(nb::list(d.keys()))), "."));
      out.push_back(model_tensor(d[name.c_str()], who));
    }
    return out;
  }
  bool nested_numbers = false;  // [[1.0, 2.0], ...]: one array written as lists
  if (nb::isinstance<nb::list>(obj) && nb::len(obj) > 0) {
    nb::handle first = obj[0];
    nested_numbers = nb::isinstance<nb::list>(first) || nb::isinstance<nb::float_>(first) ||
                     nb::isinstance<nb::int_>(first);
  }
  if (!nested_numbers && (nb::isinstance<nb::list>(obj) || nb::isinstance<nb::tuple>(obj))) {
    for (nb::handle item : obj) out.push_back(model_tensor(item, who));
    return out;
  }
  out.push_back(model_tensor(obj, who));
  return out;
}

nb::dict logs_dict(const Logs& logs) {
  nb::dict d;
  for (const auto& [key, value] : logs) d[key.c_str()] = value;
  return d;
}

}  // namespace mz::py
