// ModelCheckpoint: keras/src/callbacks/model_checkpoint.py in C++, plus the Python str.format
// subset its file paths use. Writes go through save_model/save_weights, which are atomic.
#include "mz/nn/callbacks/model_checkpoint.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "mz/io/keras_file.h"
#include "mz/nn/callbacks/callback_utils.h"
#include "mz/nn/callbacks/early_stopping.h"
#include "mz/nn/model.h"

namespace mz::callbacks {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Keras's 5-decimal numbers in its messages ({best:.5f}).
std::string fixed5(double v) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(5) << v;
  return out.str();
}

// A parsed Python format spec: [[fill]align][sign][0][width][.precision][type].
struct Spec {
  char fill = ' ', align = 0, sign = '-', type = 0;
  int width = 0, precision = -1;
};

Spec parse_spec(const std::string& spec, const std::string& bad) {
  Spec s;
  std::size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (spec.size() >= 2 && is_align(spec[1])) {
    s.fill = spec[0], s.align = spec[1], i = 2;
  } else if (!spec.empty() && is_align(spec[0])) {
    s.align = spec[0], i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) s.sign = spec[i++];
  if (i < spec.size() && spec[i] == '0') {
    if (!s.align) s.fill = '0', s.align = '=';
    ++i;
  }
  while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])))
    s.width = s.width * 10 + (spec[i++] - '0');
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    if (i >= spec.size() || !std::isdigit(static_cast<unsigned char>(spec[i])))
      throw ValueError(bad + "a digit after \".\".");
    s.precision = 0;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])))
      s.precision = s.precision * 10 + (spec[i++] - '0');
  }
  if (i < spec.size()) s.type = spec[i++];
  if (i != spec.size() || (s.type && std::string("dfFeEgG%").find(s.type) == std::string::npos))
    throw ValueError(bad + "a format spec [[fill]align][sign][0][width][.precision][dfFeEgG%].");
  return s;
}

// One value formatted by a spec, as Python's format() does for int and float.
std::string format_value(double v, bool is_int, const Spec& s, const std::string& bad) {
  std::string body;
  bool negative = std::signbit(v) && !std::isnan(v);
  double a = std::fabs(v);
  char buf[512];
  if (s.type == 'd' || (is_int && s.type == 0)) {
    if (!is_int)
      throw ValueError(bad +
                       "an integer for format code 'd' (Python: Unknown format code 'd' "
                       "for object of type 'float').");
    body = std::to_string(static_cast<int64_t>(a));
  } else if (s.type == 0 && s.precision < 0) {
    body = detail::python_float(a);
  } else {
    int p = s.precision < 0 ? 6 : s.precision;
    char t = s.type == 0 ? 'g' : s.type == '%' ? 'f' : s.type;
    double x = s.type == '%' ? a * 100.0 : a;
    const char fmt[] = {'%', '.', '*', t, '\0'};
    std::snprintf(buf, sizeof buf, fmt, p, x);
    body = buf;
    if (s.type == '%') body += '%';
    // Python's general format without a type keeps a ".0" on integral values.
    if (s.type == 0 && std::isfinite(a) && body.find_first_of(".e") == std::string::npos)
      body += ".0";
  }
  std::string sign = negative ? "-" : s.sign == '+' ? "+" : s.sign == ' ' ? " " : "";
  const int len = static_cast<int>(sign.size() + body.size());
  if (len >= s.width) return sign + body;
  const std::size_t pad = static_cast<std::size_t>(s.width - len);
  switch (s.align ? s.align : '>') {
    case '<':
      return sign + body + std::string(pad, s.fill);
    case '^':
      return std::string(pad / 2, s.fill) + sign + body + std::string(pad - pad / 2, s.fill);
    case '=':
      return sign + std::string(pad, s.fill) + body;
    default:
      return std::string(pad, s.fill) + sign + body;
  }
}

}  // namespace

std::string format_filepath(const std::string& pattern, const Logs& logs, int64_t epoch,
                            std::optional<int64_t> batch) {
  const std::string who = str("ModelCheckpoint: failed to format the filepath \"", pattern, "\": ");
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '}') {
        out += '}', ++i;
        continue;
      }
      throw ValueError(who + "expected \"}}\" for a single \"}\", got a lone \"}\".");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      out += '{', ++i;
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    if (close == std::string::npos)
      throw ValueError(who + "expected \"}\" to close the field at offset " + std::to_string(i) +
                       ", got the end of the path.");
    const std::string field = pattern.substr(i + 1, close - i - 1);
    const std::size_t colon = field.find(':');
    const std::string name = field.substr(0, colon);
    const std::string spec = colon == std::string::npos ? "" : field.substr(colon + 1);
    const std::string bad = who + "field {" + field + "}: expected ";
    double value = 0.0;
    bool is_int = false;
    if (name == "epoch") {
      value = static_cast<double>(epoch), is_int = true;
    } else if (name == "batch" && batch && !logs.count("batch")) {
      value = static_cast<double>(*batch), is_int = true;
    } else if (auto it = logs.find(name); it != logs.end()) {
      value = it->second;
    } else {
      std::string keys = "epoch";
      if (batch) keys += ", batch";
      for (const auto& [key, v] : logs) keys += ", " + key;
      throw ValueError(who + "no value for {" + name + "}: expected one of " + keys + ", got \"" +
                       name + "\".");
    }
    out += format_value(value, is_int, parse_spec(spec, bad), bad);
    i = close;
  }
  return out;
}

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)), o_(std::move(options)) {
  if (o_.mode != "auto" && o_.mode != "min" && o_.mode != "max")
    throw ValueError(
        str("ModelCheckpoint: mode must be \"auto\", \"min\" or \"max\", got \"", o_.mode, "\"."));
  if (const auto* s = std::get_if<std::string>(&o_.save_freq)) {
    if (*s != "epoch")
      throw ValueError(
          str("ModelCheckpoint: unrecognized save_freq: expected \"epoch\" or an "
              "integer number of batches, got \"",
              *s, "\"."));
  } else {
    every_ = std::get<int64_t>(o_.save_freq);
    if (every_ <= 0)
      throw ValueError(
          str("ModelCheckpoint: save_freq must be \"epoch\" or a number of batches "
              "above 0, got ",
              every_, "."));
  }
  if (o_.save_weights_only && !ends_with(filepath_, ".weights.h5"))
    throw ValueError(
        str("ModelCheckpoint: when using save_weights_only=true, the filepath "
            "provided must end in `.weights.h5` (Keras weights format): expected "
            "a path ending in \".weights.h5\", got \"",
            filepath_, "\"."));
  if (!o_.save_weights_only && !ends_with(filepath_, ".keras"))
    throw ValueError(
        str("ModelCheckpoint: the filepath provided must end in `.keras` (Keras "
            "model format): expected a path ending in \".keras\", got \"",
            filepath_, "\"."));
}

void ModelCheckpoint::set_monitor_op() {
  if (o_.mode == "min") {
    direction_ = -1;
  } else if (o_.mode == "max") {
    direction_ = 1;
  } else {
    direction_ = metric_direction(o_.monitor);
    if (direction_ == 0)
      throw ValueError(str("ModelCheckpoint: monitor \"", o_.monitor,
                           "\": cannot tell whether it should be minimized or maximized: ",
                           "expected mode \"min\" or \"max\", got \"auto\"."));
  }
  best_ = o_.initial_value_threshold ? *o_.initial_value_threshold
                                     : (direction_ < 0 ? std::numeric_limits<double>::infinity()
                                                       : -std::numeric_limits<double>::infinity());
}

void ModelCheckpoint::on_epoch_begin(int epoch, const Logs&) { current_epoch_ = epoch; }

bool ModelCheckpoint::should_save_on_batch(int64_t batch) {
  if (every_ == 0) return false;
  // Keras: a batch index not above the last one seen starts a new epoch.
  since_last_save_ += batch <= last_batch_seen_ ? batch + 1 : batch - last_batch_seen_;
  last_batch_seen_ = batch;
  if (since_last_save_ < every_) return false;
  since_last_save_ = 0;
  return true;
}

void ModelCheckpoint::on_train_batch_end(int64_t batch, const Logs& logs) {
  if (should_save_on_batch(batch)) save(current_epoch_, batch, logs);
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
  if (direction_ == 0 && o_.save_best_only) set_monitor_op();
  if (every_ == 0) save(epoch, -1, logs);
}

void ModelCheckpoint::write(const std::string& path) const {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError(
        str("ModelCheckpoint: please specify a non-directory filepath: expected a file "
            "path, got the existing directory \"",
            path, "\"."));
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw IoError(str("ModelCheckpoint: cannot create the directory \"", dir.string(),
                        "\": ", ec.message(), "."));
  }
  if (o_.save_weights_only)
    save_weights(*model(), path);
  else
    save_model(*model(), path);
}

void ModelCheckpoint::save(int epoch, int64_t batch, const Logs& logs) {
  const std::optional<int64_t> batch_number =
      batch < 0 ? std::nullopt : std::optional<int64_t>(batch + 1);
  const std::string path = format_filepath(filepath_, logs, epoch + 1, batch_number);
  if (!o_.save_best_only) {
    if (o_.verbose > 0)
      std::cout << "\nEpoch " << epoch + 1 << ": saving model to " << path << "\n";
    write(path);
    last_saved_ = path;
    return;
  }
  if (direction_ == 0) set_monitor_op();
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    std::cerr << "WARNING: ModelCheckpoint: can save best model only with " << o_.monitor
              << " available, skipping. Available metrics are: " << detail::log_names(logs)
              << ".\n";
    return;
  }
  const double current = it->second;
  const bool improved = direction_ < 0 ? current < best_ : current > best_;
  if (!improved) {
    if (o_.verbose > 0)
      std::cout << "\nEpoch " << epoch + 1 << ": " << o_.monitor << " did not improve from "
                << fixed5(best_) << "\n";
    return;
  }
  if (o_.verbose > 0)
    std::cout << "\nEpoch " << epoch + 1 << ": " << o_.monitor << " improved from " << fixed5(best_)
              << " to " << fixed5(current) << ", saving model to " << path << "\n";
  write(path);
  best_ = current;
  last_saved_ = path;
}

}  // namespace mz::callbacks
