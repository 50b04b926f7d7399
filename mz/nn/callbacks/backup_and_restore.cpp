// BackupAndRestore: keras/src/callbacks/backup_and_restore.py in C++, with atomic writes, the
// batch position, the data order and every generator state saved, so resumption is exact.
#include "mz/nn/callbacks/backup_and_restore.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <set>

#include "mz/core/generator.h"
#include "mz/io/file.h"
#include "mz/io/keras_file.h"
#include "mz/nn/model.h"

namespace mz::callbacks {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMetadata = "training_metadata.json";
constexpr const char* kFormat = "merezha BackupAndRestore 1";

// Every layer of the model, nested models' layers included, in order.
void collect_layers(const Model& model, std::vector<Layer*>& out) {
  for (const LayerPtr& layer : model.layers()) {
    Layer* l = layer.get().get();
    out.push_back(l);
    if (auto* inner = dynamic_cast<const Model*>(l)) collect_layers(*inner, out);
  }
}

// The generators of the model's layers, in layer order.
std::vector<Generator*> layer_generators(const Model& model) {
  std::vector<Layer*> layers;
  collect_layers(model, layers);
  std::vector<Generator*> out;
  for (Layer* layer : layers)
    for (Generator* g : layer->generators()) out.push_back(g);
  return out;
}

// The number n of a "latest-<n>.weights.h5" name, or -1.
int64_t weights_serial(const std::string& name) {
  const std::string head = "latest-", tail = ".weights.h5";
  if (name.size() <= head.size() + tail.size() || name.compare(0, head.size(), head) != 0 ||
      name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
    return -1;
  const std::string digits = name.substr(head.size(), name.size() - head.size() - tail.size());
  if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(digits);
}

// metadata[key] with the JSON type `is`; throws FormatError naming the file and the key.
const Json& field(const Json& metadata, const char* key, bool (Json::*is)() const noexcept,
                  const char* expected, const std::string& who) {
  if (!metadata.contains(key))
    throw FormatError(str(who, ": expected a key \"", key, "\", got none."));
  const Json& v = metadata.at(key);
  if (!(v.*is)())
    throw FormatError(
        str(who, ": \"", key, "\": expected ", expected, ", got ", v.dump().substr(0, 80), "."));
  return v;
}

}  // namespace

BackupAndRestore::BackupAndRestore(std::string backup_dir, BackupAndRestoreOptions options)
    : dir_(std::move(backup_dir)), o_(std::move(options)) {
  if (dir_.empty())
    throw ValueError("BackupAndRestore: empty backup_dir: expected a directory path, got \"\".");
  if (const auto* s = std::get_if<std::string>(&o_.save_freq)) {
    if (*s != "epoch")
      throw ValueError(
          str("BackupAndRestore: invalid value for save_freq: expected \"epoch\" or "
              "an integer number of batches, got \"",
              *s, "\"."));
  } else {
    every_ = std::get<int64_t>(o_.save_freq);
    if (every_ <= 0)
      throw ValueError(
          str("BackupAndRestore: save_freq must be \"epoch\" or a number of batches "
              "above 0, got ",
              every_, "."));
  }
}

void BackupAndRestore::restore_from(const std::string& metadata_path) {
  Model& model = *this->model();
  const std::string who = io::detail::who_file("BackupAndRestore", metadata_path);
  const std::vector<uint8_t> bytes = io::detail::read_file(metadata_path, who);
  Json m = Json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object())
    throw FormatError(
        str(who, ": expected a JSON object, got unreadable text (", bytes.size(), " bytes)."));
  const std::string format = field(m, "format", &Json::is_string, "a string", who);
  if (format != kFormat)
    throw FormatError(str(who, ": \"format\": expected \"", kFormat, "\", got \"", format, "\"."));
  const int64_t epoch = field(m, "epoch", &Json::is_number_integer, "an integer", who);
  const int64_t batch = field(m, "batch", &Json::is_number_integer, "an integer", who);
  const int64_t pass_batch = field(m, "pass_batch", &Json::is_number_integer, "an integer", who);
  const bool pass_open = field(m, "pass_open", &Json::is_boolean, "a boolean", who);
  const std::string pass_state = field(m, "pass_shuffle_state", &Json::is_string, "a string", who);
  const std::string weights = field(m, "weights_file", &Json::is_string, "a string", who);
  const Json& rng = field(m, "rng", &Json::is_object, "an object", who);
  const std::string default_state = field(rng, "default", &Json::is_string, "a string", who);
  const std::string shuffle_state = field(rng, "shuffle", &Json::is_string, "a string", who);
  const Json& layer_states = field(rng, "layers", &Json::is_array, "an array", who);
  if (epoch < 0 || epoch > std::numeric_limits<int>::max() || batch < 0 || pass_batch < 0)
    throw FormatError(str(who, ": expected epoch, batch and pass_batch >= 0, got ", epoch, ", ",
                          batch, ", ", pass_batch, "."));
  if (weights_serial(weights) < 0)
    throw FormatError(str(who, ": \"weights_file\": expected a name latest-<n>.weights.h5, got \"",
                          weights, "\"."));
  std::vector<Generator*> gens = layer_generators(model);
  if (layer_states.size() != gens.size())
    throw FormatError(str(who, ": \"rng\" \"layers\": expected ", gens.size(),
                          " layer generator states (one per seeded layer), got ",
                          layer_states.size(), "."));
  for (const Json& s : layer_states)
    if (!s.is_string())
      throw FormatError(str(who, ": \"rng\" \"layers\": expected strings, got ", s.dump(), "."));

  // Check every generator state on scratch generators first, so a bad one changes nothing.
  auto check_state = [&](const std::string& state, const char* what) {
    try {
      Generator scratch;
      scratch.set_state(state);
    } catch (const Error& e) {
      throw FormatError(str(who, ": \"", what,
                            "\": expected a generator state, got an invalid "
                            "one (",
                            e.what(), ")."));
    }
  };
  check_state(default_state, "rng.default");
  check_state(shuffle_state, "rng.shuffle");
  if (pass_open && !pass_state.empty()) check_state(pass_state, "pass_shuffle_state");
  for (const Json& s : layer_states) check_state(s.get<std::string>(), "rng.layers");

  load_weights(model, (fs::path(dir_) / weights).string());
  if (m.contains("learning_rate") && m["learning_rate"].is_number() && model.optimizer() &&
      !model.optimizer()->config()["learning_rate"].is_object())
    model.optimizer()->set_learning_rate(m["learning_rate"].get<double>());
  default_generator().set_state(default_state);
  model.shuffle_generator().set_state(shuffle_state);
  for (std::size_t i = 0; i < gens.size(); ++i)
    gens[i]->set_state(layer_states[i].get<std::string>());
  model.resume_from = FitPosition{.epoch = static_cast<int>(epoch),
                                  .batch = batch,
                                  .pass_batch = pass_batch,
                                  .pass_open = pass_open,
                                  .pass_shuffle_state = pass_state};
  restored_epoch_ = static_cast<int>(epoch);
  restored_batch_ = batch;
  serial_ = std::max<uint64_t>(serial_, static_cast<uint64_t>(weights_serial(weights)) + 1);
}

void BackupAndRestore::on_train_begin(const Logs&) {
  Model& model = *this->model();
  if (!model.built())
    throw ValueError(
        str("BackupAndRestore: to use the BackupAndRestore callback, the model must "
            "be built before fit() is called: expected a built model, got ",
            model.who(), " unbuilt. Build it by calling it on a batch of data."));
  since_last_save_ = 0;
  restored_epoch_ = 0;
  restored_batch_ = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const int64_t n = weights_serial(entry.path().filename().string());
    if (n >= 0) serial_ = std::max<uint64_t>(serial_, static_cast<uint64_t>(n) + 1);
  }
  const std::string latest = (fs::path(dir_) / kMetadata).string();
  const std::string previous = latest + ".bkp";
  if (!fs::exists(latest, ec)) return;
  try {
    restore_from(latest);
  } catch (const Error& latest_error) {
    if (!o_.double_checkpoint || !fs::exists(previous, ec)) throw;
    std::cerr << "WARNING: BackupAndRestore: the latest backup cannot be restored ("
              << latest_error.what() << "); falling back to the previous one.\n";
    try {
      restore_from(previous);
    } catch (const Error& previous_error) {
      throw FormatError(str("BackupAndRestore \"", dir_,
                            "\": no readable backup: expected the "
                            "latest or the previous one to load, got: ",
                            latest_error.what(), " and: ", previous_error.what()));
    }
  }
}

void BackupAndRestore::save() {
  Model& model = *this->model();
  const std::string who = str("BackupAndRestore \"", dir_, "\"");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw IoError(str(who, ": cannot create the directory: ", ec.message(), "."));
  const std::string weights = str("latest-", serial_++, ".weights.h5");
  save_weights(model, (fs::path(dir_) / weights).string());

  const FitPosition& pos = model.fit_position;
  Json layer_states = Json::array();
  for (Generator* g : layer_generators(model)) layer_states.push_back(g->state());
  Json m = {{"epoch", pos.epoch},
            {"batch", pos.batch},
            {"format", kFormat},
            {"pass_batch", pos.pass_batch},
            {"pass_open", pos.pass_open},
            {"pass_shuffle_state", pos.pass_shuffle_state},
            {"weights_file", weights},
            {"rng",
             {{"default", default_generator().state()},
              {"shuffle", model.shuffle_generator().state()},
              {"layers", layer_states}}}};
  if (model.optimizer() && !model.optimizer()->config()["learning_rate"].is_object())
    m["learning_rate"] = model.optimizer()->learning_rate();
  const std::string text = m.dump(1);

  const std::string latest = (fs::path(dir_) / kMetadata).string();
  const std::string previous = latest + ".bkp";
  std::set<std::string> keep = {weights};
  if (o_.double_checkpoint && fs::exists(latest, ec)) {
    // The current latest becomes the previous backup; its weights file stays.
    std::vector<uint8_t> old = io::detail::read_file(latest, who);
    io::detail::write_file_atomic(previous, {{old.data(), old.size()}}, who);
    Json old_json = Json::parse(old.begin(), old.end(), nullptr, false);
    if (old_json.is_object() && old_json.contains("weights_file") &&
        old_json["weights_file"].is_string())
      keep.insert(old_json["weights_file"].get<std::string>());
  }
  io::detail::write_file_atomic(latest, {{text.data(), text.size()}}, who);
  // Only now, with the new backup complete, remove older weights and leftover temporary files.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool old_weights = weights_serial(name) >= 0 && !keep.count(name);
    const bool temporary = name.find(".tmp.") != std::string::npos;
    if (old_weights || temporary) fs::remove(entry.path(), ec);
  }
}

void BackupAndRestore::on_train_batch_end(int64_t, const Logs&) {
  if (every_ == 0) return;
  if (++since_last_save_ < every_) return;
  since_last_save_ = 0;
  save();
}

void BackupAndRestore::on_epoch_end(int, const Logs&) {
  if (every_ == 0) save();
}

void BackupAndRestore::on_train_end(const Logs&) {
  std::error_code ec;
  if (o_.delete_checkpoint) fs::remove_all(dir_, ec);
}

}  // namespace mz::callbacks
