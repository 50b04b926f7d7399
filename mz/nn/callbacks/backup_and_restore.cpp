// BackupAndRestore: keras/src/callbacks/backup_and_restore.py in C++, with atomic writes, the
// batch position, the data order and every generator state saved, so resumption is exact.
#include "mz/nn/callbacks/backup_and_restore.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <set>

#include "mz/core/generator.h"
#include "mz/io/file.h"
#include "mz/io/keras_file.h"
#include "mz/io/npy.h"
#include "mz/io/tensorboard_events.h"
#include "mz/nn/callbacks/callback_utils.h"
#include "mz/nn/model.h"

namespace mz::callbacks {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMetadata = "training_metadata.json";
constexpr const char* kFormat = "merezha BackupAndRestore 2";

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

// The number n of a "latest-<n>.weights.h5" or "latest-<n>.state.npz" name, or -1.
int64_t backup_serial(const std::string& name, const std::string& tail) {
  const std::string head = "latest-";
  if (name.size() <= head.size() + tail.size() || name.compare(0, head.size(), head) != 0 ||
      name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
    return -1;
  const std::string digits = name.substr(head.size(), name.size() - head.size() - tail.size());
  if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(digits);
}
int64_t weights_serial(const std::string& name) { return backup_serial(name, ".weights.h5"); }
int64_t file_serial(const std::string& name) {
  return std::max(weights_serial(name), backup_serial(name, ".state.npz"));
}

// The CRC-32C of the metadata text without its "checksum" key (nlohmann sorts keys, so the
// dump is canonical).
uint32_t metadata_crc(Json m) {
  m.erase("checksum");
  const std::string text = m.dump(1);
  return io::crc32c(text.data(), text.size());
}

// {"size": bytes, "crc32c": CRC-32C} of the file at path.
Json file_check(const std::string& path, const std::string& who) {
  const std::vector<uint8_t> bytes = io::detail::read_file(path, who);
  return {{"crc32c", io::crc32c(bytes.data(), bytes.size())}, {"size", bytes.size()}};
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

// Checks that the data file `name` of the backup matches its recorded size and CRC-32C;
// throws FormatError naming the file otherwise.
void check_data_file(const std::string& dir, const std::string& name, const Json& recorded,
                     const std::string& who) {
  const std::string path = (fs::path(dir) / name).string();
  const std::string file_who = io::detail::who_file("BackupAndRestore", path);
  if (!recorded.is_object() || !recorded.contains("size") || !recorded.contains("crc32c") ||
      !recorded["size"].is_number_unsigned() || !recorded["crc32c"].is_number_unsigned())
    throw FormatError(str(who, ": \"", name, "\": expected its size and crc32c, got ",
                          recorded.dump().substr(0, 80), "."));
  const Json found = file_check(path, file_who);
  if (found != recorded)
    throw FormatError(str(file_who, ": expected ", recorded["size"].get<uint64_t>(),
                          " bytes with CRC-32C ", recorded["crc32c"].get<uint64_t>(), ", got ",
                          found["size"].get<uint64_t>(), " bytes with CRC-32C ",
                          found["crc32c"].get<uint64_t>(), " (a corrupt or incomplete file)."));
}

// The other callbacks of the running fit whose state a backup holds, in list order.
std::vector<CheckpointedCallback*> stateful_callbacks(const Model& model) {
  std::vector<CheckpointedCallback*> out;
  if (model.fit_callbacks)
    for (const CallbackPtr& c : *model.fit_callbacks)
      if (auto* s = dynamic_cast<CheckpointedCallback*>(c.get())) out.push_back(s);
  return out;
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
  const Json& weights_check = field(m, "weights_check", &Json::is_object, "an object", who);
  const Json& rng = field(m, "rng", &Json::is_object, "an object", who);
  const std::string default_state = field(rng, "default", &Json::is_string, "a string", who);
  const std::string shuffle_state = field(rng, "shuffle", &Json::is_string, "a string", who);
  const Json& layer_states = field(rng, "layers", &Json::is_array, "an array", who);
  const Json& callback_states = field(m, "callbacks", &Json::is_array, "an array", who);
  if (epoch < 0 || epoch > std::numeric_limits<int>::max() || batch < 0 || pass_batch < 0)
    throw FormatError(str(who, ": expected epoch, batch and pass_batch >= 0, got ", epoch, ", ",
                          batch, ", ", pass_batch, "."));
  if (weights_serial(weights) < 0)
    throw FormatError(str(who, ": \"weights_file\": expected a name latest-<n>.weights.h5, got \"",
                          weights, "\"."));
  // The keys are sound; the checksum tells whether their values are the ones written.
  const uint64_t checksum =
      field(m, "checksum", &Json::is_number_unsigned, "an unsigned integer", who);
  if (checksum != metadata_crc(m))
    throw FormatError(str(who, ": expected CRC-32C ", checksum, " (its \"checksum\"), got ",
                          metadata_crc(m), " (a corrupt file)."));
  std::vector<Generator*> gens = layer_generators(model);
  if (layer_states.size() != gens.size())
    throw FormatError(str(who, ": \"rng\" \"layers\": expected ", gens.size(),
                          " layer generator states (one per seeded layer), got ",
                          layer_states.size(), "."));
  for (const Json& s : layer_states)
    if (!s.is_string())
      throw FormatError(str(who, ": \"rng\" \"layers\": expected strings, got ", s.dump(), "."));
  const std::vector<CheckpointedCallback*> stateful = stateful_callbacks(model);
  // A fit resumed with other callbacks than the interrupted one's: they start afresh.
  const bool same_callbacks = callback_states.size() == stateful.size();
  if (!same_callbacks)
    std::cerr << "WARNING: " << who << ": the backup holds the state of " << callback_states.size()
              << " callbacks (EarlyStopping, ReduceLROnPlateau, ...), "
              << "this fit has " << stateful.size()
              << "; their state is not restored, so the resumed run may differ.\n";
  std::vector<std::vector<Tensor>> tensors(callback_states.size());
  if (m.contains("state_file")) {
    const std::string state_file = field(m, "state_file", &Json::is_string, "a string", who);
    if (backup_serial(state_file, ".state.npz") < 0)
      throw FormatError(str(who, ": \"state_file\": expected a name latest-<n>.state.npz, got \"",
                            state_file, "\"."));
    check_data_file(dir_, state_file, field(m, "state_check", &Json::is_object, "an object", who),
                    who);
    std::map<std::string, Tensor> arrays = io::read_npz((fs::path(dir_) / state_file).string());
    for (std::size_t i = 0; i < callback_states.size(); ++i) {
      const Json& c = callback_states[i];
      const int64_t count =
          c.is_object() && c.contains("tensors") && c["tensors"].is_number_integer()
              ? c["tensors"].get<int64_t>()
              : 0;
      for (int64_t k = 0; k < count; ++k) {
        auto it = arrays.find(str("c", i, "_", k));
        if (it == arrays.end())
          throw FormatError(str(who, ": \"", state_file, "\": expected an array \"c", i, "_", k,
                                "\", got none."));
        tensors[i].push_back(it->second);
      }
    }
  }
  for (const Json& c : callback_states)
    if (!c.is_object() || !c.contains("state"))
      throw FormatError(str(who, ": \"callbacks\": expected objects with a \"state\", got ",
                            c.dump().substr(0, 80), "."));

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
  check_data_file(dir_, weights, weights_check, who);

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
  pending_states_ = same_callbacks;
  pending_json_ = callback_states;
  pending_tensors_ = std::move(tensors);
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
  epoch_save_due_ = false;
  restored_epoch_ = 0;
  restored_batch_ = 0;
  pending_states_ = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const int64_t n = file_serial(entry.path().filename().string());
    if (n >= 0) serial_ = std::max<uint64_t>(serial_, static_cast<uint64_t>(n) + 1);
  }
  const std::string latest = (fs::path(dir_) / kMetadata).string();
  const std::string previous = latest + ".bkp";
  if (!fs::exists(latest, ec)) return;
  try {
    restore_from(latest);
  } catch (const Error& latest_error) {
    if (!o_.double_checkpoint || !fs::exists(previous, ec)) throw;
    std::cerr << "WARNING: BackupAndRestore: the latest backup \"" << latest
              << "\" cannot be restored (" << latest_error.what()
              << "); falling back to the previous one, \"" << previous << "\".\n";
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

void BackupAndRestore::on_epoch_begin(int, const Logs&) {
  if (epoch_save_due_) {  // the last epoch's backup, now that every callback has seen its end
    epoch_save_due_ = false;
    save();
  }
  if (!pending_states_) return;
  pending_states_ = false;
  const std::vector<CheckpointedCallback*> stateful = stateful_callbacks(*model());
  for (std::size_t i = 0; i < stateful.size() && i < pending_json_.size(); ++i)
    stateful[i]->restore_checkpoint_state(pending_json_[i]["state"], pending_tensors_[i]);
  pending_json_ = Json();
  pending_tensors_.clear();
}

void BackupAndRestore::save() {
  Model& model = *this->model();
  const std::string who = str("BackupAndRestore \"", dir_, "\"");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw IoError(str(who, ": cannot create the directory: ", ec.message(), "."));
  const uint64_t serial = serial_++;
  const std::string weights = str("latest-", serial, ".weights.h5");
  const std::string weights_path = (fs::path(dir_) / weights).string();
  save_weights(model, weights_path);

  const FitPosition& pos = model.fit_position;
  Json layer_states = Json::array();
  for (Generator* g : layer_generators(model)) layer_states.push_back(g->state());
  Json callback_states = Json::array();
  std::map<std::string, Tensor> arrays;
  for (CheckpointedCallback* c : stateful_callbacks(model)) {
    std::vector<Tensor> tensors;
    Json state = c->checkpoint_state(tensors);
    for (std::size_t k = 0; k < tensors.size(); ++k)
      arrays[str("c", callback_states.size(), "_", k)] = tensors[k];
    callback_states.push_back({{"state", std::move(state)}, {"tensors", tensors.size()}});
  }
  Json m = {{"epoch", pos.epoch},
            {"batch", pos.batch},
            {"callbacks", std::move(callback_states)},
            {"format", kFormat},
            {"pass_batch", pos.pass_batch},
            {"pass_open", pos.pass_open},
            {"pass_shuffle_state", pos.pass_shuffle_state},
            {"weights_file", weights},
            {"weights_check", file_check(weights_path, who)},
            {"rng",
             {{"default", default_generator().state()},
              {"shuffle", model.shuffle_generator().state()},
              {"layers", layer_states}}}};
  std::set<std::string> keep = {weights};
  if (!arrays.empty()) {
    const std::string state_file = str("latest-", serial, ".state.npz");
    const std::string state_path = (fs::path(dir_) / state_file).string();
    io::write_npz(state_path, arrays);
    m["state_file"] = state_file;
    m["state_check"] = file_check(state_path, who);
    keep.insert(state_file);
  }
  if (model.optimizer() && !model.optimizer()->config()["learning_rate"].is_object())
    m["learning_rate"] = model.optimizer()->learning_rate();
  m["checksum"] = metadata_crc(m);
  const std::string text = m.dump(1);

  const std::string latest = (fs::path(dir_) / kMetadata).string();
  const std::string previous = latest + ".bkp";
  if (o_.double_checkpoint && fs::exists(latest, ec)) {
    // The current latest becomes the previous backup; its data files stay.
    std::vector<uint8_t> old = io::detail::read_file(latest, who);
    io::detail::write_file_atomic(previous, {{old.data(), old.size()}}, who);
    Json old_json = Json::parse(old.begin(), old.end(), nullptr, false);
    for (const char* key : {"weights_file", "state_file"})
      if (old_json.is_object() && old_json.contains(key) && old_json[key].is_string())
        keep.insert(old_json[key].get<std::string>());
  }
  io::detail::write_file_atomic(latest, {{text.data(), text.size()}}, who);
  // Only now, with the new backup complete, remove older data files and leftover temporary
  // files.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool old_file = file_serial(name) >= 0 && !keep.count(name);
    const bool temporary = name.find(".tmp.") != std::string::npos;
    if (old_file || temporary) fs::remove(entry.path(), ec);
  }
}

void BackupAndRestore::on_train_batch_end(int64_t, const Logs&) {
  if (every_ == 0) return;
  if (++since_last_save_ < every_) return;
  since_last_save_ = 0;
  save();
}

void BackupAndRestore::on_epoch_end(int, const Logs&) {
  // Saved at the next epoch begin (or train end): callbacks after this one in the list
  // (EarlyStopping, ReduceLROnPlateau) update their state at this epoch end too.
  if (every_ == 0) epoch_save_due_ = true;
}

void BackupAndRestore::on_train_end(const Logs&) {
  if (epoch_save_due_ && !o_.delete_checkpoint) save();
  epoch_save_due_ = false;
  std::error_code ec;
  if (o_.delete_checkpoint) fs::remove_all(dir_, ec);
}

}  // namespace mz::callbacks
