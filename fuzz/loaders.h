// The loaders that the malformed-file battery (mz/io/*_malformed_test.cpp), the regression
// replay and the libFuzzer targets (fuzz/fuzz_*.cpp) feed: each writes a file's bytes where its
// loader reads them and calls the loader through its public entry point.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "mz/io/csv.h"
#include "mz/io/idx.h"
#include "mz/io/keras_file.h"
#include "mz/io/npy.h"
#include "mz/io/tensorboard_events.h"
#include "mz/io/zip_archive.h"
#include "mz/nn/callbacks/backup_and_restore.h"
#include "mz/nn/model.h"

namespace mz::fuzz {

using Bytes = std::vector<uint8_t>;

// Writes `size` bytes at `data` to `path` (truncating it).
inline void put_file(const std::string& path, const uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// The whole file at `path` (empty when it cannot be read).
inline Bytes get_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A directory of this process for the loaders' files (made on first use, never removed: the
// fuzz targets run until killed; the tests use their own TempDir).
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::filesystem::path p =
        std::filesystem::temp_directory_path() / ("mz_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return dir;
}

// The members of a .keras file (what config.json mutations are zipped with).
inline std::vector<io::detail::ZipMember> keras_members(const std::string& path) {
  return io::detail::read_zip(path, "keras_members");
}

// .keras archive: load_model on the bytes as dir/fuzz.keras.
inline void load_keras(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/fuzz.keras";
  put_file(path, data, size);
  load_model(path);
}

// config.json: the bytes as the config.json of an archive holding `golden`'s other members
// (metadata.json, model.weights.h5), loaded with load_model.
inline void load_config_json(const std::string& dir,
                             const std::vector<io::detail::ZipMember>& golden, const uint8_t* data,
                             std::size_t size) {
  std::vector<io::detail::ZipMember> members;
  for (const auto& m : golden)
    members.push_back(
        m.name == "config.json" ? io::detail::ZipMember{m.name, Bytes(data, data + size)} : m);
  const Bytes zip = io::detail::make_zip(members, "load_config_json");
  load_keras(dir, zip.data(), zip.size());
}

// .weights.h5: load_weights into `model` (of the architecture the weights were saved from).
inline void load_weights_h5(Model& model, const std::string& dir, const uint8_t* data,
                            std::size_t size) {
  const std::string path = dir + "/fuzz.weights.h5";
  put_file(path, data, size);
  load_weights(model, path);
}

// Legacy Keras .h5 model file: load_model on the bytes as dir/fuzz.h5.
inline void load_legacy_h5(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/fuzz.h5";
  put_file(path, data, size);
  load_model(path);
}

// TensorBoard event file: every record read and decoded.
inline void read_events(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/events.out.tfevents.1700000000.fuzz";
  put_file(path, data, size);
  io::read_event_values(path);
}

// A BackupAndRestore backup of `model` in `dir`: its training_metadata.json and weights file
// (latest-0.weights.h5), as BackupAndRestore::save writes them.
struct Backup {
  Bytes metadata;
  Bytes weights;
};
inline Backup make_backup(Model& model, const std::string& dir) {
  std::filesystem::remove_all(dir);
  callbacks::BackupAndRestore cb(dir, {.delete_checkpoint = false});
  cb.set_model(&model);
  cb.save();
  Backup b;
  b.metadata = get_file(dir + "/training_metadata.json");
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".h5") b.weights = get_file(e.path().string());
  return b;
}

// `metadata` with its "weights_check" ({"crc32c", "size"}) made to match `weights` and its
// "checksum" (CRC-32C of the indented dump without it) recomputed, when it is a JSON object
// that has them, so damage reaches the checks past the checksums; else unchanged.
inline Bytes reseal_metadata(const Bytes& metadata, const Bytes& weights) {
  Json m = Json::parse(metadata.begin(), metadata.end(), nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object() || !m.contains("checksum")) return metadata;
  if (m.contains("weights_check") && m["weights_check"].is_object())
    m["weights_check"] = {{"crc32c", io::crc32c(weights.data(), weights.size())},
                          {"size", weights.size()}};
  m.erase("checksum");
  const std::string body = m.dump(1);
  m["checksum"] = io::crc32c(body.data(), body.size());
  const std::string text = m.dump(1);
  return Bytes(text.begin(), text.end());
}

// A backup restored through BackupAndRestore's public path (on_train_begin): `metadata` as
// training_metadata.json (resealed for `weights` when `reseal`: reseal_metadata) beside
// `weights` as latest-0.weights.h5.
inline void restore_backup(Model& model, const std::string& dir, const Bytes& metadata,
                           const Bytes& weights, bool reseal = true) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const Bytes text = reseal ? reseal_metadata(metadata, weights) : metadata;
  put_file(dir + "/training_metadata.json", text.data(), text.size());
  put_file(dir + "/latest-0.weights.h5", weights.data(), weights.size());
  callbacks::BackupAndRestore cb(dir, {.delete_checkpoint = false});
  cb.set_model(&model);
  cb.on_train_begin({});
}

// .npy file.
inline void read_npy_bytes(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/fuzz.npy";
  put_file(path, data, size);
  io::read_npy(path);
}

// .npz archive.
inline void read_npz_bytes(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/fuzz.npz";
  put_file(path, data, size);
  io::read_npz(path);
}

// IDX file (plain or gzipped).
inline void read_idx_bytes(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/fuzz-idx3-ubyte";
  put_file(path, data, size);
  io::read_idx(path);
}

// CSV file, read with a header and the last column as the label.
inline void read_csv_bytes(const std::string& dir, const uint8_t* data, std::size_t size) {
  const std::string path = dir + "/fuzz.csv";
  put_file(path, data, size);
  io::read_csv(path, {.label_column = -1});
}

}  // namespace mz::fuzz
