// Legacy Keras .h5 model files: the Keras 2 -> Keras 3 config conversion, the string
// attributes (read with libhdf5 in a child process: libhdf5 1.10 can crash on a crafted
// variable-length string), the model_weights / optimizer_weights datasets (through read_h5),
// and assigning the weights to a model by position.
#include "mz/io/legacy_h5.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <set>

#include "mz/core/error.h"
#include "mz/core/grad_mode.h"
#include "mz/io/detail/bounded_json.h"
#include "mz/io/h5_weights.h"

#ifdef MZ_HAVE_HDF5
#include "mz/io/detail/h5_common.h"
#endif

namespace mz {
namespace {

// Models may nest this deep at most (as their JSON may: bounded_json.h).
using io::detail::kMaxJsonDepth;
// The child reading the string attributes gets this long and may send this much.
constexpr int kChildTimeoutMs = 5000;
// The child's CPU budget: libhdf5 spinning on a corrupt heap is stopped after this many
// seconds of CPU (SIGXCPU), however loaded the machine; the wall deadline above is the backstop.
constexpr rlim_t kChildCpuSeconds = 1;
constexpr std::size_t kMaxChildOutput = std::size_t{64} << 20;
// An attribute may hold this many strings, of this many bytes in all, at most.
constexpr int64_t kMaxStrings = 1000000;
constexpr std::size_t kMaxStringBytes = std::size_t{64} << 20;

std::string strip_custom(const std::string& cls) {
  return cls.rfind("Custom>", 0) == 0 ? cls.substr(7) : cls;
}

bool is_model_class(const std::string& cls) {
  return cls == "Sequential" || cls == "Functional" || cls == "Model";
}

Json convert_entry(const Json& entry, const std::string& who, int depth);

// The body of a Sequential or functional config, its layers converted.
Json convert_model_body(const std::string& cls, const Json& body, const std::string& who,
                        int depth) {
  Json config = body;
  if (cls == "Sequential" && config.is_array())  // Keras 2.0-2.1: a bare layer list
    config = Json{{"name", "sequential"}, {"layers", body}};
  if (!config.is_object())
    throw FormatError(str(who, ": expected the model's \"config\" to be an object, got ",
                          config.type_name(), "."));
  if (!config.contains("layers") || !config["layers"].is_array()) return config;
  Json layers = Json::array();
  for (const Json& e : config["layers"]) layers.push_back(convert_entry(e, who, depth + 1));
  // Keras 2 Sequential: the first layer carries batch_input_shape instead of an InputLayer.
  if (cls == "Sequential" && !layers.empty() && layers[0].is_object() &&
      layers[0].value("class_name", "") != "InputLayer" && layers[0].contains("config") &&
      layers[0]["config"].is_object() && layers[0]["config"].contains("batch_input_shape")) {
    Json& first = layers[0]["config"];
    Json input = {
        {"batch_shape", first["batch_input_shape"]},
        {"dtype",
         first.contains("dtype") && first["dtype"].is_string() ? first["dtype"] : Json("float32")},
        {"name", str(first.value("name", std::string("sequential")), "_input")}};
    first.erase("batch_input_shape");
    first.erase("batch_size");
    layers.insert(layers.begin(), Json{{"class_name", "InputLayer"}, {"config", input}});
  }
  config["layers"] = layers;
  return config;
}

Json convert_entry(const Json& entry, const std::string& who, int depth) {
  if (depth > kMaxJsonDepth)
    throw FormatError(str(who, ": models nested deeper than ", kMaxJsonDepth, " levels."));
  if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string())
    return entry;  // Model::from_config names what is wrong with it
  Json out = entry;
  std::string cls = strip_custom(entry["class_name"].get<std::string>());
  if (cls == "Model") cls = "Functional";
  out["class_name"] = cls;
  if (!out.contains("config")) return out;
  if (is_model_class(cls)) {
    out["config"] = convert_model_body(cls, out["config"], who, depth);
  } else if (cls == "InputLayer" && out["config"].is_object()) {
    Json& c = out["config"];
    if (c.contains("batch_input_shape") && !c.contains("batch_shape")) {
      c["batch_shape"] = c["batch_input_shape"];
      c.erase("batch_input_shape");
    }
  }
  return out;
}

}  // namespace

Json legacy_model_config(const Json& model_config, const std::string& who) {
  if (!model_config.is_object() || !model_config.contains("class_name") ||
      !model_config["class_name"].is_string() || !model_config.contains("config"))
    throw FormatError(str(who, ": expected an object with \"class_name\" and \"config\", got ",
                          model_config.type_name(), "."));
  return convert_entry(model_config, who, 0);
}

Json legacy_compile_config(const Json& training_config, const std::string& who) {
  if (training_config.is_null()) return training_config;
  if (!training_config.is_object())
    throw FormatError(str(who, ": expected an object, got ", training_config.type_name(), "."));
  Json out = training_config;
  out.erase("optimizer_config");
  if (training_config.contains("optimizer_config")) {
    const Json& opt = training_config["optimizer_config"];
    if (!opt.is_object() || !opt.contains("class_name") || !opt["class_name"].is_string())
      throw FormatError(str(who,
                            ": \"optimizer_config\": expected {\"class_name\", \"config\"}, "
                            "got ",
                            opt.dump(), "."));
    Json config = opt.contains("config") ? opt["config"] : Json::object();
    if (config.is_object()) {
      config.erase("is_legacy_optimizer");
      if (config.contains("decay") && config["decay"].is_number() &&
          config["decay"].get<double>() == 0.0)
        config.erase("decay");
    }
    out["optimizer"] = {{"module", "keras.optimizers"},
                        {"class_name", strip_custom(opt["class_name"].get<std::string>())},
                        {"config", config},
                        {"registered_name", nullptr}};
  }
  return out;
}

namespace io::detail {
namespace {

#ifdef MZ_HAVE_HDF5

// Thrown inside the child with the object path and what is wrong.
struct AttrError {
  std::string message;
};

// The strings of attribute `name` of `obj` (at `path`): a scalar or an array of variable- or
// fixed-length strings; an empty numeric array (what h5py writes for an empty list) gives no
// strings. Returns false when the attribute does not exist.
bool read_strings(hid_t obj, const std::string& path, const std::string& name,
                  std::vector<std::string>& out) {
  const std::string where = str("\"", path, "\" attribute \"", name, "\"");
  const htri_t exists = H5Aexists(obj, name.c_str());
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    if (exists < 0) throw AttrError{str(where, ": unreadable")};
    return false;
  }
  Hid attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) throw AttrError{str(where, ": cannot open it")};
  Hid type(H5Aget_type(attr.id), H5Tclose);
  Hid space(H5Aget_space(attr.id), H5Sclose);
  if (!type.ok() || !space.ok()) throw AttrError{str(where, ": unreadable type or shape")};
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  if (n < 0 || n > kMaxStrings)
    throw AttrError{str(where, ": expected at most ", kMaxStrings, " strings, got ", n)};
  if (H5Tget_class(type.id) != H5T_STRING) {
    if (n == 0) return true;
    throw AttrError{str(where, ": expected strings, got ", n, " non-string values")};
  }
  if (n == 0) return true;
  const auto count = static_cast<std::size_t>(n);
  if (H5Tis_variable_str(type.id) > 0) {
    // Variable-length strings: libhdf5 allocates each one; H5Dvlen_reclaim frees them.
    Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!mem.ok() || H5Tset_size(mem.id, H5T_VARIABLE) < 0 ||
        H5Tset_cset(mem.id, H5Tget_cset(type.id)) < 0)
      throw AttrError{str(where, ": cannot make the string memory type")};
    std::vector<char*> buf(count, nullptr);
    if (H5Aread(attr.id, mem.id, buf.data()) < 0)
      throw AttrError{str(where, ": cannot read the variable-length strings")};
    std::size_t total = 0;
    bool too_big = false;
    for (char* p : buf) {
      std::string s = p ? std::string(p) : std::string();
      total += s.size();
      if (total > kMaxStringBytes) {
        too_big = true;
        break;
      }
      out.push_back(std::move(s));
    }
    H5Dvlen_reclaim(mem.id, space.id, H5P_DEFAULT, buf.data());
    if (too_big) throw AttrError{str(where, ": holds more than ", kMaxStringBytes, " bytes")};
    return true;
  }
  const std::size_t size = H5Tget_size(type.id);
  if (size == 0 || size > kMaxStringBytes / count)
    throw AttrError{str(where, ": ", count, " strings of ", size, " bytes is too much")};
  std::vector<char> buf(size * count, '\0');
  if (H5Aread(attr.id, type.id, buf.data()) < 0)
    throw AttrError{str(where, ": cannot read the fixed-length strings")};
  const bool space_pad = H5Tget_strpad(type.id) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < count; ++i) {
    std::string s(buf.data() + i * size, size);
    s = s.substr(0, std::min(s.size(), s.find('\0')));
    if (space_pad) s = s.substr(0, s.find_last_not_of(' ') + 1);
    out.push_back(std::move(s));
  }
  return true;
}

// The strings of `name`, or of its chunks name0, name1, ... joined (A1.5); null if absent.
Json string_list(hid_t obj, const std::string& path, const std::string& name) {
  std::vector<std::string> out;
  if (!read_strings(obj, path, name, out)) {
    int chunk = 0;
    while (read_strings(obj, path, str(name, chunk), out)) ++chunk;
    if (chunk == 0) return nullptr;
  }
  return out;
}

Json string_scalar(hid_t obj, const std::string& path, const std::string& name) {
  std::vector<std::string> out;
  if (!read_strings(obj, path, name, out)) return nullptr;
  if (out.size() != 1)
    throw AttrError{
        str("\"", path, "\" attribute \"", name, "\": expected one string, got ", out.size())};
  return out[0];
}

// A hard-linked group `name` in `parent`, or -1 when there is none.
hid_t open_group(hid_t parent, const std::string& name, const std::string& path) {
  const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return -1;
  }
  H5L_info_t info;
  if (H5Lget_info(parent, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5L_TYPE_HARD)
    throw AttrError{str("\"", path, "\": expected a group (hard link)")};
  hid_t g = H5Gopen2(parent, name.c_str(), H5P_DEFAULT);
  if (g < 0) throw AttrError{str("\"", path, "\": expected a group")};
  return g;
}

// Every string attribute a legacy file needs, as JSON (runs in the child process).
Json read_attributes(const std::vector<uint8_t>& image) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0 ||
      H5Pset_file_image(fapl.id, const_cast<uint8_t*>(image.data()), image.size()) < 0)
    throw AttrError{"cannot set up an in-memory HDF5 file"};
  Hid file(H5Fopen(str("mz-legacy-", ::getpid(), ".h5").c_str(), H5F_ACC_RDONLY, fapl.id),
           H5Fclose);
  if (!file.ok()) throw AttrError{"libhdf5 cannot open it"};
  Hid root(H5Gopen2(file.id, "/", H5P_DEFAULT), H5Gclose);
  if (!root.ok()) throw AttrError{"cannot open the root group"};
  Json out = {{"keras_version", string_scalar(root.id, "/", "keras_version")},
              {"model_config", string_scalar(root.id, "/", "model_config")},
              {"training_config", string_scalar(root.id, "/", "training_config")}};
  Hid weights(open_group(root.id, "model_weights", "/model_weights"), H5Gclose);
  if (weights.ok()) {
    Json names = string_list(weights.id, "/model_weights", "layer_names");
    out["layer_names"] = names;
    Json layers = Json::object();
    if (names.is_array())
      for (const Json& n : names) {
        const std::string name = n.get<std::string>();
        const std::string path = "/model_weights/" + name;
        Hid g(name.empty() ? -1 : open_group(weights.id, name, path), H5Gclose);
        layers[name] = g.ok() ? string_list(g.id, path, "weight_names") : Json(nullptr);
      }
    out["layers"] = layers;
  }
  Hid opt(open_group(root.id, "optimizer_weights", "/optimizer_weights"), H5Gclose);
  if (opt.ok()) out["optimizer"] = string_list(opt.id, "/optimizer_weights", "weight_names");
  return out;
}

// Writes attribute `name` as h5py writes str values: variable-length UTF-8 strings, a scalar
// or a list; an empty list as an empty float64 array (what h5py makes of []).
void write_strings(hid_t obj, const std::string& name, const std::vector<std::string>& values,
                   bool scalar, const std::string& where) {
  const bool empty = !scalar && values.empty();
  const hsize_t n = values.size();
  Hid type(empty ? H5Tcopy(H5T_IEEE_F64LE) : H5Tcopy(H5T_C_S1), H5Tclose);
  Hid space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose);
  bool ok = type.ok() && space.ok() &&
            (empty ||
             (H5Tset_size(type.id, H5T_VARIABLE) >= 0 && H5Tset_cset(type.id, H5T_CSET_UTF8) >= 0));
  if (ok) {
    Hid attr(H5Acreate2(obj, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    std::vector<const char*> ptrs;
    for (const std::string& v : values) ptrs.push_back(v.c_str());
    double dummy = 0;
    ok = attr.ok() &&
         H5Awrite(attr.id, type.id, empty ? static_cast<const void*>(&dummy) : ptrs.data()) >= 0;
  }
  if (!ok) throw IoError(str(where, ": cannot write attribute \"", name, "\"."));
}

// Writes dataset `path` (parents created) holding `value`.
void write_dataset(hid_t file, const std::string& path, const Tensor& value,
                   const std::string& who) {
  Tensor t = value.device().is_host() ? value : value.to(Device::cpu());
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64 && t.dtype() != DType::i32 &&
      t.dtype() != DType::i64 && t.dtype() != DType::u8)
    t = t.to(DType::f32);
  if (!t.is_contiguous()) t = t.contiguous();
  std::vector<hsize_t> dims;
  for (int64_t v : t.shape()) dims.push_back(static_cast<hsize_t>(v));
  Hid space(dims.empty() ? H5Screate(H5S_SCALAR)
                         : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
            H5Sclose);
  Hid lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  bool ok = space.ok() && lcpl.ok() && H5Pset_create_intermediate_group(lcpl.id, 1) >= 0;
  if (ok) {
    Hid d(H5Dcreate2(file, path.c_str(), h5_file_type(t.dtype()), space.id, lcpl.id, H5P_DEFAULT,
                     H5P_DEFAULT),
          H5Dclose);
    ok = d.ok() && (t.numel() == 0 || H5Dwrite(d.id, h5_memory_type(t.dtype()), H5S_ALL, H5S_ALL,
                                               H5P_DEFAULT, t.raw_data()) >= 0);
  }
  if (!ok) throw IoError(str(who, ": cannot write dataset \"/", path, "\"."));
}

std::mutex& child_mutex() {
  static std::mutex m;
  return m;
}

// read_attributes in a child process: a crash or hang there becomes a FormatError here.
Json attributes_in_child(const std::vector<uint8_t>& image, const std::string& who) {
  std::lock_guard<std::mutex> lock(child_mutex());
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw IoError(
        str(who, ": cannot make a pipe for the reader process: ", std::strerror(errno), "."));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw IoError(str(who, ": cannot start the reader process: ", std::strerror(errno), "."));
  }
  if (pid == 0) {
    ::close(fds[0]);
    const rlimit cpu{kChildCpuSeconds, kChildCpuSeconds + 1};
    ::setrlimit(RLIMIT_CPU, &cpu);
    std::string text;
    try {
      text = read_attributes(image).dump(-1, ' ', false, Json::error_handler_t::replace);
    } catch (const AttrError& e) {
      text = Json{{"error", e.message}}.dump(-1, ' ', false, Json::error_handler_t::replace);
    } catch (...) {
      text = R"({"error": "the reader failed"})";
    }
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t w = ::write(fds[1], text.data() + done, text.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      done += static_cast<std::size_t>(w);
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  bool timed_out = false, too_big = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kChildTimeoutMs);
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      timed_out = r == 0;
      break;
    }
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > kMaxChildOutput) {
      too_big = true;
      break;
    }
  }
  ::close(fds[0]);
  if (timed_out || too_big) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw FormatError(str(who, ": reading the string attributes took over ", kChildTimeoutMs / 1000,
                          " s; refusing the file."));
  if (too_big)
    throw FormatError(str(who, ": the string attributes hold more than ", kMaxChildOutput,
                          " bytes; refusing the file."));
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
    throw FormatError(str(who, ": reading the string attributes took over ", kChildCpuSeconds,
                          " s of CPU; refusing the file."));
  if (WIFSIGNALED(status))
    throw FormatError(str(who, ": libhdf5 crashed (signal ", WTERMSIG(status),
                          ") reading the string attributes; the file is corrupt."));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty())
    throw FormatError(str(who, ": the reader process failed on the string attributes."));
  Json out = parse_bounded_json(text, who);
  if (out.contains("error"))
    throw FormatError(str(who, ": ", out["error"].get<std::string>(), "."));
  return out;
}

#endif

// Copies `value` into `v`, checking the shape.
void assign(Variable& v, const Tensor& value, const std::string& where) {
  if (!(value.shape() == v.value.shape()))
    throw FormatError(
        str(where, ": expected shape ", v.value.shape(), ", got ", value.shape(), "."));
  NoGrad no_grad;
  v.value.copy_(value.dtype() == v.value.dtype() ? value : value.to(v.value.dtype()));
}

std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += str(out.empty() ? "" : ", ", "'", n, "'");
  return str("(", out, ")");
}

}  // namespace

LegacyH5 read_legacy_h5(const std::vector<uint8_t>& image, const std::string& who) {
#ifndef MZ_HAVE_HDF5
  (void)image;
  throw BackendError(str(who,
                         ": merezha was built without libhdf5: install libhdf5-dev and "
                         "rebuild (legacy Keras .h5 files are HDF5 files)."));
#else
  // read_h5 checks the signature, refuses links, external and virtual data and shape bombs,
  // and reads every dataset; the string attributes come from the child process.
  const H5Content content = read_h5(image, who);
  Json attrs = attributes_in_child(image, who);  // non-const: [] on a missing key gives null
  LegacyH5 out;
  if (attrs["keras_version"].is_string()) out.keras_version = attrs["keras_version"];
  if (!attrs["model_config"].is_string())
    throw FormatError(str(who,
                          ": \"/\" has no \"model_config\" attribute: not a Keras model "
                          "file (a weights-only .h5 file loads with load_weights into a "
                          "model built in code)."));
  const std::string mwhere = who + ": \"/\" attribute \"model_config\"";
  const std::string twhere = who + ": \"/\" attribute \"training_config\"";
  try {
    out.config = legacy_model_config(
        parse_bounded_json(attrs["model_config"].get<std::string>(), mwhere), mwhere);
  } catch (const Json::exception& e) {
    throw FormatError(str(mwhere, ": unexpected JSON value: ", e.what(), "."));
  }
  if (attrs["training_config"].is_string()) {
    try {
      out.compile_config = legacy_compile_config(
          parse_bounded_json(attrs["training_config"].get<std::string>(), twhere), twhere);
    } catch (const Json::exception& e) {
      throw FormatError(str(twhere, ": unexpected JSON value: ", e.what(), "."));
    }
  }
  if (!attrs.contains("layers"))
    throw FormatError(str(who, ": the file has no \"/model_weights\" group."));
  if (!attrs["layer_names"].is_array())
    throw FormatError(str(who, ": \"/model_weights\" has no \"layer_names\" attribute."));
  for (const Json& n : attrs["layer_names"]) {
    const std::string name = n.get<std::string>();
    const std::string path = "model_weights/" + name;
    const Json& names = attrs["layers"].contains(name) ? attrs["layers"][name] : Json();
    if (!names.is_array()) {
      if (attrs["layers"].contains(name) && !name.empty() && content.groups.count(path))
        throw FormatError(str(who, ": \"/", path, "\" has no \"weight_names\" attribute."));
      throw FormatError(str(who, ": \"/model_weights\" lists layer '", name,
                            "' but has no group \"/", path, "\"."));
    }
    if (names.empty()) continue;
    LegacyH5::LayerWeights layer{name, {}, {}};
    for (const Json& w : names) {
      const std::string wname = w.get<std::string>();
      auto it = content.datasets.find(path + "/" + wname);
      if (it == content.datasets.end())
        throw FormatError(str(who, ": \"/", path, "\" lists weight \"", wname,
                              "\" but has no dataset \"/", path, "/", wname, "\"."));
      layer.names.push_back(wname);
      layer.values.push_back(it->second);
    }
    out.layers.push_back(std::move(layer));
  }
  if (attrs.contains("optimizer") && attrs["optimizer"].is_array())
    for (const Json& w : attrs["optimizer"]) {
      const std::string wname = w.get<std::string>();
      auto it = content.datasets.find("optimizer_weights/" + wname);
      if (it == content.datasets.end())
        throw FormatError(str(who, ": \"/optimizer_weights\" lists weight \"", wname,
                              "\" but has no dataset \"/optimizer_weights/", wname, "\"."));
      out.optimizer_names.push_back(wname);
      out.optimizer_values.push_back(it->second);
    }
  return out;
#endif
}

void assign_legacy_weights(Model& model, const LegacyH5& file, const std::string& who) {
  std::vector<LayerPtr> with;
  std::vector<std::string> model_names, file_names;
  for (const LayerPtr& l : model.layers())
    if (!l->weights().empty()) {
      with.push_back(l);
      model_names.push_back(l->name());
    }
  for (const auto& l : file.layers) file_names.push_back(l.layer);
  if (with.size() != file.layers.size())
    throw FormatError(str(who, ": \"/model_weights\": expected weights for ", with.size(),
                          " layers ", name_list(model_names), ", got ", file.layers.size(), " ",
                          name_list(file_names), "."));
  for (std::size_t i = 0; i < with.size(); ++i) {
    const Layer& layer = *with[i];
    const auto& stored = file.layers[i];
    std::vector<VariablePtr> vars = layer.trainable_weights();
    for (const VariablePtr& v : layer.non_trainable_weights()) vars.push_back(v);
    const std::string where =
        str(who, ": ", layer.who(), " (\"/model_weights/", stored.layer, "\")");
    if (vars.size() != stored.values.size())
      throw FormatError(str(where, ": expected ", vars.size(), " weights, got ",
                            stored.values.size(), " ", name_list(stored.names), "."));
    for (std::size_t k = 0; k < vars.size(); ++k)
      assign(*vars[k], stored.values[k],
             str(where, " weight ", k, " (", vars[k]->name, ", \"", stored.names[k], "\")"));
  }
}

Json legacy_training_config(const Json& compile_config) {
  if (!compile_config.is_object()) return nullptr;
  Json out = compile_config;
  out.erase("optimizer");
  if (compile_config.contains("optimizer") && compile_config["optimizer"].is_object()) {
    const Json& opt = compile_config["optimizer"];
    out["optimizer_config"] = {{"class_name", opt.value("class_name", std::string())},
                               {"config", opt.contains("config") ? opt["config"] : Json::object()}};
  }
  return out;
}

std::vector<uint8_t> write_legacy_h5(const Model& model, const Json& model_config,
                                     const Json& compile_config,
                                     const std::vector<Tensor>& optimizer_values,
                                     const std::string& optimizer_name, const std::string& who) {
#ifndef MZ_HAVE_HDF5
  (void)model, (void)model_config, (void)compile_config, (void)optimizer_values;
  (void)optimizer_name;
  throw BackendError(str(who,
                         ": merezha was built without libhdf5: install libhdf5-dev and "
                         "rebuild (legacy Keras .h5 files are HDF5 files)."));
#else
  std::lock_guard<std::mutex> lock(child_mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0)
    throw IoError(str(who, ": cannot set up an in-memory HDF5 file."));
  Hid file(H5Fcreate(h5_image_name().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id), H5Fclose);
  if (!file.ok()) throw IoError(str(who, ": cannot create an in-memory HDF5 file."));
  const char* version = "3.15.1";  // the Keras whose legacy layout this is
  const auto dump = [](const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  write_strings(file.id, "keras_version", {version}, true, who);
  write_strings(file.id, "backend", {"merezha"}, true, who);
  write_strings(file.id, "model_config", {dump(model_config)}, true, who);
  const Json training = legacy_training_config(compile_config);
  if (!training.is_null()) write_strings(file.id, "training_config", {dump(training)}, true, who);
  Hid weights(H5Gcreate2(file.id, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Gclose);
  if (!weights.ok()) throw IoError(str(who, ": cannot create group \"/model_weights\"."));
  std::vector<std::string> layer_names;
  for (const LayerPtr& l : model.layers()) layer_names.push_back(l->name());
  write_strings(weights.id, "layer_names", layer_names, false, who);
  write_strings(weights.id, "backend", {"merezha"}, true, who);
  write_strings(weights.id, "keras_version", {version}, true, who);
  for (const LayerPtr& l : model.layers()) {
    const std::string path = "model_weights/" + l->name();
    Hid g(H5Gcreate2(file.id, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!g.ok()) throw IoError(str(who, ": cannot create group \"/", path, "\"."));
    std::vector<VariablePtr> vars = l->trainable_weights();
    for (const VariablePtr& v : l->non_trainable_weights()) vars.push_back(v);
    std::vector<std::string> names;
    std::set<std::string> used;
    for (std::size_t k = 0; k < vars.size(); ++k) {
      std::string name = str(l->name(), "/", vars[k]->name);
      if (!used.insert(name).second) name = str(name, "_", k);
      used.insert(name);
      names.push_back(name);
      write_dataset(file.id, str(path, "/", name), vars[k]->value, who);
    }
    write_strings(g.id, "weight_names", names, false, who);
  }
  if (!optimizer_values.empty()) {
    Hid g(H5Gcreate2(file.id, "optimizer_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          H5Gclose);
    if (!g.ok()) throw IoError(str(who, ": cannot create group \"/optimizer_weights\"."));
    std::vector<std::string> names;
    for (std::size_t k = 0; k < optimizer_values.size(); ++k) {
      names.push_back(k == 0   ? optimizer_name + "/iteration"
                      : k == 1 ? optimizer_name + "/learning_rate"
                               : str(optimizer_name, "/variable_", k - 2));
      write_dataset(file.id, "optimizer_weights/" + names.back(), optimizer_values[k], who);
    }
    write_strings(g.id, "weight_names", names, false, who);
  }
  if (H5Fflush(file.id, H5F_SCOPE_GLOBAL) < 0)
    throw IoError(str(who, ": cannot flush the in-memory HDF5 file."));
  const ssize_t size = H5Fget_file_image(file.id, nullptr, 0);
  if (size <= 0) throw IoError(str(who, ": cannot size the HDF5 file image."));
  std::vector<uint8_t> image(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file.id, image.data(), image.size()) != size)
    throw IoError(str(who, ": cannot copy the HDF5 file image."));
  return image;
#endif
}

}  // namespace io::detail
}  // namespace mz
