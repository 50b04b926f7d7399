// CSVLogger: streams each epoch's logs to a CSV file, as Keras writes it.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

// Keras's CSVLogger arguments after the filename.
struct CSVLoggerOptions {
  std::string separator = ",";
  // Append to an existing file (continuing training) instead of overwriting it; the header is
  // written only when the file is missing or empty.
  bool append = false;
};

class CSVLogger : public Callback {
 public:
  // The file gets a header "epoch,<log keys, sorted>" and one row per epoch (epochs 0-based,
  // values as Python prints floats, "NA" for a key missing from an epoch), flushed at each
  // epoch. Lines end in "\r\n", as Python's csv module (and so Keras) writes them.
  explicit CSVLogger(std::string filename, CSVLoggerOptions options = {});

  // Opens the file; throws IoError when it cannot be opened.
  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs& logs) override;

 private:
  // The cell quoted as Python's csv module quotes it (when it holds the separator, a quote or
  // a line end).
  std::string cell(const std::string& text) const;

  std::string filename_;
  CSVLoggerOptions o_;
  std::ofstream file_;
  std::vector<std::string> keys_;
  bool keys_set_ = false;
  bool append_header_ = true;
};

}  // namespace mz::callbacks
