// merezha.Tensor and the NumPy conversions of tensor_convert.h.
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <sstream>

#include "bindings.h"
#include "mz/core/error.h"
#include "tensor_convert.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace mz::py {
namespace {

nb::object numpy() { return nb::module_::import_("numpy"); }

// The DType of a NumPy dtype name, or false for one merezha does not hold.
bool dtype_from_name(const std::string& name, DType& out) {
  static const std::pair<const char*, DType> kNames[] = {{"float32", DType::f32},
                                                         {"float64", DType::f64},
                                                         {"int32", DType::i32},
                                                         {"int64", DType::i64},
                                                         {"uint8", DType::u8}};
  for (const auto& [n, d] : kNames)
    if (name == n) {
      out = d;
      return true;
    }
  return false;
}

// obj as a numpy array whose dtype merezha holds, converting where NumPy can do it losslessly
// enough (bool, other integers, float16); throws ValueError for the rest.
nb::object as_supported_array(nb::handle obj, const char* who) {
  if (obj.is_none()) throw ValueError(str(who, ": expected a numeric array, got None."));
  nb::object np = numpy();
  nb::object array;
  try {
    array = np.attr("asarray")(obj);
  } catch (const nb::python_error& e) {
    throw ValueError(str(who, ": expected a numeric array, got ",
                         nb::str(nb::handle(obj.type()).attr("__name__")).c_str(), " (",
                         e.what(), ")."));
  }
  nb::object dtype = array.attr("dtype");
  std::string kind = nb::cast<std::string>(dtype.attr("kind"));
  std::string name = nb::cast<std::string>(dtype.attr("name"));
  DType d;
  if (dtype_from_name(name, d)) {
    if (!nb::cast<bool>(dtype.attr("isnative"))) return array.attr("astype")(name);
    return array;
  }
  if (kind == "b") return array.attr("astype")("uint8");
  if (kind == "i" || kind == "u") return array.attr("astype")("int64");
  if (kind == "f" && name == "float16") return array.attr("astype")("float32");
  throw ValueError(str(who, ": expected a numeric array (float32, float64, int32, int64, uint8 "
                            "or one that converts), got dtype '",
                       nb::cast<std::string>(nb::str(dtype)), "'."));
}

}  // namespace

Tensor to_tensor(nb::handle obj, const char* who) {
  if (nb::isinstance<Tensor>(obj)) return nb::cast<Tensor>(obj);
  nb::object array = as_supported_array(obj, who);
  nb::object flags = array.attr("flags");
  bool copy = !nb::cast<bool>(flags.attr("writeable"));
  nb::tuple np_strides = nb::cast<nb::tuple>(array.attr("strides"));
  for (nb::handle s : np_strides)
    if (nb::cast<int64_t>(s) < 0) copy = true;
  if (copy) array = numpy().attr("array")(array, "order"_a = "C", "copy"_a = true);

  DType dtype;
  dtype_from_name(nb::cast<std::string>(array.attr("dtype").attr("name")), dtype);
  const int64_t item = static_cast<int64_t>(dtype_size(dtype));
  std::vector<int64_t> dims, strides;
  for (nb::handle s : nb::cast<nb::tuple>(array.attr("shape"))) dims.push_back(nb::cast<int64_t>(s));
  for (nb::handle s : nb::cast<nb::tuple>(array.attr("strides"))) {
    int64_t bytes = nb::cast<int64_t>(s);
    if (bytes % item != 0) {  // a strided view into records: copy rather than misread
      array = numpy().attr("array")(array, "order"_a = "C", "copy"_a = true);
      return to_tensor(array, who);
    }
    strides.push_back(bytes / item);
  }
  int64_t span = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0) span = 0;
    if (span) span += (dims[i] - 1) * strides[i];
  }
  auto data_ptr = nb::cast<uintptr_t>(array.attr("ctypes").attr("data"));
  // The storage holds a reference to the array; it may be released on any thread.
  auto* owner = new nb::object(array);
  auto storage = std::make_shared<Storage>(
      reinterpret_cast<void*>(data_ptr), static_cast<std::size_t>(span * item), Device::cpu(),
      [owner] {
        nb::gil_scoped_acquire gil;
        delete owner;
      });
  return Tensor::view_of(storage, Shape(dims), Shape(strides), 0, dtype, Device::cpu());
}

nb::object to_numpy(const Tensor& t_in) {
  Tensor t = t_in.device().is_host() ? t_in.detach() : t_in.detach().to(Device::cpu());
  std::vector<size_t> dims;
  std::vector<int64_t> strides;
  for (int i = 0; i < t.rank(); ++i) {
    dims.push_back(static_cast<size_t>(t.shape()[i]));
    strides.push_back(t.strides()[i]);
  }
  auto* keep = new Tensor(t);
  nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  nb::dlpack::dtype dt;
  switch (t.dtype()) {
    case DType::f32: dt = nb::dtype<float>(); break;
    case DType::f64: dt = nb::dtype<double>(); break;
    case DType::i32: dt = nb::dtype<int32_t>(); break;
    case DType::i64: dt = nb::dtype<int64_t>(); break;
    case DType::u8: dt = nb::dtype<uint8_t>(); break;
  }
  nb::ndarray<nb::numpy> array(t.raw_data(), dims.size(), dims.data(), owner, strides.data(), dt);
  return nb::cast(array, nb::rv_policy::reference);
}

void bind_tensor(nb::module_& m) {
  nb::class_<Tensor>(m, "Tensor",
                     "An n-dimensional array on a device; shares memory with the NumPy array "
                     "it was made from where the layout allows.")
      .def("__init__",
           [](Tensor* self, nb::handle data) { new (self) Tensor(to_tensor(data, "merezha.Tensor")); },
           "data"_a.none())
      .def_prop_ro("shape",
                   [](const Tensor& t) {
                     nb::list dims;
                     for (int i = 0; i < t.rank(); ++i) dims.append(t.shape()[i]);
                     return nb::tuple(dims);
                   })
      .def_prop_ro("dtype", [](const Tensor& t) { return std::string(dtype_name(t.dtype())); })
      .def_prop_ro("device",
                   [](const Tensor& t) {
                     std::ostringstream out;
                     out << t.device();
                     return out.str();
                   })
      .def_prop_ro("ndim", &Tensor::rank)
      .def("__len__", [](const Tensor& t) { return t.rank() ? t.shape()[0] : 0; })
      .def("numpy", &to_numpy, "A NumPy array sharing this tensor's memory (host tensors).")
      .def("__array__",
           [](const Tensor& t, nb::handle dtype, nb::handle copy) {
             nb::object a = to_numpy(t);
             return dtype.is_none() ? a : a.attr("astype")(dtype);
           },
           "dtype"_a = nb::none(), "copy"_a = nb::none())
      .def("__repr__", [](const Tensor& t) {
        std::ostringstream out;
        out << t;
        return out.str();
      });
  m.def("tensor", [](nb::handle data) { return to_tensor(data, "merezha.tensor"); },
        "data"_a.none(),
        "A Tensor over a NumPy array (or anything numpy.asarray takes), without a copy where "
        "the layout allows.");
}

}  // namespace mz::py
