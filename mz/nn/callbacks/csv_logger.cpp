// CSVLogger: keras/src/callbacks/csv_logger.py in C++.
#include "mz/nn/callbacks/csv_logger.h"

#include <cerrno>
#include <cstring>

#include "mz/nn/callbacks/callback_utils.h"

namespace mz::callbacks {

CSVLogger::CSVLogger(std::string filename, CSVLoggerOptions options)
    : filename_(std::move(filename)), o_(std::move(options)) {
  if (o_.separator.empty()) throw ValueError("CSVLogger: the separator must not be empty.");
}

void CSVLogger::on_train_begin(const Logs&) {
  if (file_.is_open()) file_.close();
  append_header_ = true;
  if (o_.append) {
    std::ifstream existing(filename_);
    std::string first;
    if (existing && std::getline(existing, first) && !first.empty()) append_header_ = false;
  }
  file_.open(filename_, o_.append ? std::ios::app : std::ios::trunc);
  if (!file_)
    throw IoError(
        str("CSVLogger \"", filename_, "\": cannot open the file: ", std::strerror(errno), "."));
  keys_.clear();
  keys_set_ = false;
}

std::string CSVLogger::cell(const std::string& text) const {
  if (text.find(o_.separator) == std::string::npos &&
      text.find_first_of("\"\r\n") == std::string::npos)
    return text;
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void CSVLogger::on_epoch_end(int epoch, const Logs& logs) {
  if (!file_.is_open()) return;
  if (!keys_set_) {
    for (const auto& [name, value] : logs) keys_.push_back(name);  // Logs is sorted by name
    keys_set_ = true;
    if (append_header_) {
      file_ << "epoch";
      for (const std::string& k : keys_) file_ << o_.separator << cell(k);
      file_ << "\r\n";
    }
  }
  file_ << epoch;
  for (const std::string& k : keys_) {
    auto it = logs.find(k);
    file_ << o_.separator << (it == logs.end() ? "NA" : detail::python_float(it->second));
  }
  file_ << "\r\n" << std::flush;
  if (!file_)
    throw IoError(str("CSVLogger \"", filename_, "\": write failed at epoch ", epoch, ": ",
                      std::strerror(errno), "."));
}

void CSVLogger::on_train_end(const Logs&) {
  if (file_.is_open()) file_.close();
}

}  // namespace mz::callbacks
