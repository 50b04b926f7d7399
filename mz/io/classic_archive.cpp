// The archive plumbing of classic_file.h (detail/classic_archive.h): the container write and the
// checked read of a classic network's .keras archive.
#include "mz/io/detail/classic_archive.h"

#include <ctime>

#include "mz/io/detail/bounded_json.h"
#include "mz/io/file.h"
#include "mz/io/zip_archive.h"
#include "mz/ops/creation.h"

namespace mz::io::detail {
namespace {

constexpr const char* kModule = "merezha.classic";
// The Keras version whose container layout is written (as keras_file.cpp).
constexpr const char* kKerasVersion = "3.15.1";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string date_saved() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d@%H:%M:%S", &tm);
  return buf;
}

void require_backends(const std::string& who) {
  if (!have_libzip())
    throw BackendError(str(who,
                           ": merezha was built without libzip: install libzip-dev and "
                           "rebuild (.keras files are zip archives)."));
  if (!have_hdf5())
    throw BackendError(str(who,
                           ": merezha was built without libhdf5: install libhdf5-dev and "
                           "rebuild (Keras weights are HDF5 files)."));
}

}  // namespace

void write_classic_archive(const std::string& path, const std::string& class_name,
                           const Json& config, const H5Content& weights) {
  const std::string who = who_file("save_classic", path);
  if (!ends_with(path, ".keras"))
    throw ValueError(str(who, ": the file name must end in \".keras\"."));
  require_backends(who);
  Json metadata = {
      {"keras_version", kKerasVersion}, {"date_saved", date_saved()}, {"merezha_classic", true}};
#ifdef MZ_VERSION
  metadata["producer"] = str("merezha ", MZ_VERSION);
#else
  metadata["producer"] = "merezha";
#endif
  const Json envelope = {{"module", kModule}, {"class_name", class_name}, {"config", config}};
  std::vector<ZipMember> members;
  members.push_back({"metadata.json", bytes_of(metadata.dump())});
  members.push_back({"config.json", bytes_of(envelope.dump())});
  members.push_back({"model.weights.h5", write_h5(weights, who)});
  std::vector<uint8_t> image = make_zip(members, who);
  write_file_atomic(path, {{image.data(), image.size()}}, who);
}

// A JSON value for messages, cut short.
std::string shown(const Json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 60) + "..." : s;
}

// Typed reads of config entries; each throws FormatError "<where>: "<key>": expected ...".
const Json& entry(const Json& obj, const char* key, const std::string& where) {
  if (!obj.is_object())
    throw FormatError(str(where, ": expected an object, got ", shown(obj), "."));
  auto it = obj.find(key);
  if (it == obj.end()) throw FormatError(str(where, ": missing entry \"", key, "\"."));
  return *it;
}

int64_t get_int(const Json& obj, const char* key, const std::string& where, int64_t lo,
                int64_t hi) {
  const Json& v = entry(obj, key, where);
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw FormatError(str(where, ": \"", key, "\": expected an integer in [", lo, ", ", hi,
                          "], got ", shown(v), "."));
  return v.get<int64_t>();
}

double get_double(const Json& obj, const char* key, const std::string& where) {
  const Json& v = entry(obj, key, where);
  if (!v.is_number())
    throw FormatError(str(where, ": \"", key, "\": expected a number, got ", shown(v), "."));
  return v.get<double>();
}

std::string get_string(const Json& obj, const char* key, const std::string& where) {
  const Json& v = entry(obj, key, where);
  if (!v.is_string())
    throw FormatError(str(where, ": \"", key, "\": expected a string, got ", shown(v), "."));
  return v.get<std::string>();
}

uint64_t get_seed(const Json& obj, const std::string& where) {
  const Json& v = entry(obj, "seed", where);
  if (!v.is_number_unsigned())
    throw FormatError(str(where, ": \"seed\": expected an unsigned integer, got ", shown(v), "."));
  return v.get<uint64_t>();
}

bool get_bool(const Json& obj, const char* key, const std::string& where) {
  const Json& v = entry(obj, key, where);
  if (!v.is_boolean())
    throw FormatError(str(where, ": \"", key, "\": expected true or false, got ", shown(v), "."));
  return v.get<bool>();
}

ClassicArchive::ClassicArchive(const std::string& path, const char* call)
    : who_(who_file(call, path)) {
  require_backends(who_);
  std::vector<ZipMember> members = read_zip(path, who_);
  auto member = [&](const char* name) -> const std::vector<uint8_t>* {
    for (const auto& m : members)
      if (m.name == name) return &m.bytes;
    return nullptr;
  };
  const std::vector<uint8_t>* meta = member("metadata.json");
  const std::vector<uint8_t>* config = member("config.json");
  const std::vector<uint8_t>* weights = member("model.weights.h5");
  if (!meta || !config || !weights)
    throw FormatError(
        str(who_, ": expected members metadata.json, config.json and model.weights.h5, got ",
            members.size(), " members without ",
            !meta     ? "metadata.json"
            : !config ? "config.json"
                      : "model.weights.h5",
            "."));
  const std::string mwho = who_ + ": metadata.json";
  const Json m =
      parse_bounded_json({reinterpret_cast<const char*>(meta->data()), meta->size()}, mwho);
  if (!m.is_object() || !m.contains("merezha_classic") || m["merezha_classic"] != true)
    throw FormatError(
        str(mwho,
            ": no \"merezha_classic\": true: not a classic network (load a Keras model with "
            "load_model)."));
  const std::string cwho = who_ + ": config.json";
  const Json c =
      parse_bounded_json({reinterpret_cast<const char*>(config->data()), config->size()}, cwho);
  if (get_string(c, "module", cwho) != kModule)
    throw FormatError(
        str(cwho, ": \"module\": expected \"", kModule, "\", got ", shown(c["module"]), "."));
  class_name_ = get_string(c, "class_name", cwho);
  config_ = entry(c, "config", cwho);
  if (!config_.is_object())
    throw FormatError(str(cwho, ": \"config\": expected an object, got ", shown(config_), "."));
  weights_ = read_h5(*weights, who_ + ": model.weights.h5").datasets;
}

void ClassicArchive::expect_class(const std::string& want) const {
  if (class_name_ != want)
    throw FormatError(str(cwho(), ": expected class_name \"", want, "\", got \"",
                          class_name_.substr(0, 200),
                          "\"; load it with load_classic of its own class."));
}

Tensor ClassicArchive::tensor(const std::string& name, const Shape& want) const {
  const std::string where = who_ + ": model.weights.h5";
  auto it = weights_.find(name);
  if (it == weights_.end()) throw FormatError(str(where, ": missing dataset \"", name, "\"."));
  if (!(it->second.shape() == want))
    throw FormatError(
        str(where, ": \"", name, "\" is ", it->second.shape(), ", expected ", want, "."));
  if (it->second.dtype() != DType::f64)
    throw FormatError(
        str(where, ": \"", name, "\" is ", it->second.dtype(), ", expected float64."));
  return it->second;
}

std::vector<double> ClassicArchive::values(const std::string& name, const Shape& want) const {
  return tensor(name, want).to_vector<double>();
}

Tensor vec_tensor(const std::vector<double>& values, const Shape& shape) {
  return mz::tensor(values, shape);
}

}  // namespace mz::io::detail
