// ProgbarLogger: Keras 3's keras/src/utils/progbar.py and callbacks/progbar_logger.py in C++.
// Metrics print in the logs' (alphabetical) order, as Keras 3 shows them.
#include "mz/nn/callbacks/progbar_logger.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace mz::callbacks {

namespace {

std::string printf_str(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

// Keras's metric format: 4 decimals, or 4 significant digits in scientific form when tiny.
std::string metric_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return printf_str(std::abs(v) > 1e-3 ? "%.4f" : "%.4e", v);
}

// " 6ms/step": seconds, milliseconds or microseconds per step.
std::string format_time(double t) {
  if (t >= 1 || t == 0) return printf_str(" %.0fs/step", t);
  if (t >= 1e-3) return printf_str(" %.0fms/step", t * 1e3);
  return printf_str(" %.0fus/step", t * 1e6);
}

// Time left: "42s", "3:07" or "1:02:03".
std::string format_eta(double eta) {
  char buf[64];
  auto whole = static_cast<long long>(eta);
  if (eta > 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", whole / 3600, (whole % 3600) / 60,
                  whole % 60);
  } else if (eta > 60) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", whole / 60, whole % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", whole);
  }
  return buf;
}

std::string metrics_text(const Logs& logs) {
  std::string s;
  for (const auto& [name, value] : logs) s += " - " + name + ": " + metric_value(value);
  return s;
}

std::string repeat(const char* piece, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += piece;
  return s;
}

constexpr int kBarWidth = 20;

}  // namespace

ProgbarLogger::ProgbarLogger(int verbose, ProgbarLoggerOptions options)
    : verbose_(verbose), options_(std::move(options)) {
  out_ = options_.out ? options_.out : &std::cout;
  dynamic_ = options_.dynamic_display.value_or(out_ == &std::cout && ::isatty(STDOUT_FILENO));
}

double ProgbarLogger::now() const {
  if (options_.clock) return options_.clock();
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void ProgbarLogger::reset() {
  target_ = params().steps;
  seen_ = 0;
  start_ = now();
  last_update_ = -1e300;
  have_first_step_ = false;
  prev_width_ = 0;
}

double ProgbarLogger::step_duration(int64_t current, double t) {
  if (current <= 0) return 0;
  double per = have_first_step_ && current > 1 ? (t - first_step_done_) / double(current - 1)
                                               : (t - start_) / double(current);
  if (current == 1) {
    first_step_done_ = t;
    have_first_step_ = true;
  }
  return per;
}

void ProgbarLogger::update(int64_t current, const Logs& logs, bool finalize) {
  if (verbose_ == 0) return;
  const double t = now();
  const double per_step = step_duration(current, t);
  if (finalize && target_ <= 0) target_ = current;
  const std::string count_total = target_ > 0 ? std::to_string(target_) : "Unknown";
  std::string count = std::to_string(current);
  const std::size_t digits = target_ > 0 ? count_total.size() : 7;
  if (count.size() < digits) count.insert(0, digits - count.size(), ' ');
  count += "/" + count_total;

  if (verbose_ == 1 && dynamic_) {
    if (!finalize && t - last_update_ < options_.interval) return;
    last_update_ = t;
    std::string line = "\r\x1b[1m" + count + "\x1b[0m";
    std::size_t width = count.size();
    if (target_ > 0) {
      int done = static_cast<int>(kBarWidth * std::min(1.0, double(current) / double(target_)));
      line += " ";
      if (done > 0) line += "\x1b[32m" + repeat("━", done) + "\x1b[0m";
      line += "\x1b[37m" + repeat("━", kBarWidth - done) + "\x1b[0m";
      width += 1 + kBarWidth;
    }
    // ETA while running; the elapsed time on the last line.
    std::string when = !finalize && target_ > 0 ? format_eta(per_step * double(target_ - current))
                                                : printf_str("%.0fs", t - start_);
    std::string rest = format_time(per_step) + metrics_text(logs);
    line += " \x1b[1m" + when + "\x1b[0m" + rest;
    width += 1 + when.size() + rest.size();
    if (prev_width_ > width) line.append(prev_width_ - width, ' ');
    if (finalize) line += "\n";
    prev_width_ = width;
    *out_ << line << std::flush;
    return;
  }
  if (!finalize) return;
  *out_ << count << " - " << printf_str("%.0fs", t - start_) << " -" << format_time(per_step)
        << metrics_text(logs) << "\n"
        << std::flush;
}

void ProgbarLogger::on_train_begin(const Logs&) { in_fit_ = true; }

void ProgbarLogger::on_train_end(const Logs&) { in_fit_ = false; }

void ProgbarLogger::on_epoch_begin(int epoch, const Logs&) {
  reset();
  if (verbose_ != 0 && params().epochs > 1)
    *out_ << "Epoch " << epoch + 1 << "/" << params().epochs << "\n" << std::flush;
}

void ProgbarLogger::on_train_batch_end(int64_t batch, const Logs& logs) {
  seen_ = batch + 1;
  if (verbose_ == 1) update(seen_, logs, false);
}

// NOTE: Keras ends the bar at the target even when training stopped early (TerminateOnNaN,
// EarlyStopping inside an epoch); we show the steps that really ran.
void ProgbarLogger::on_epoch_end(int, const Logs& logs) {
  update(seen_ > 0 ? seen_ : target_, logs, true);
}

void ProgbarLogger::on_test_begin(const Logs&) {
  if (!in_fit_) reset();
}

void ProgbarLogger::on_test_batch_end(int64_t batch, const Logs& logs) {
  if (in_fit_) return;
  seen_ = batch + 1;
  if (verbose_ == 1) update(seen_, logs, false);
}

void ProgbarLogger::on_test_end(const Logs& logs) {
  if (!in_fit_) update(seen_ > 0 ? seen_ : target_, logs, true);
}

void ProgbarLogger::on_predict_begin(const Logs&) { reset(); }

void ProgbarLogger::on_predict_batch_end(int64_t batch, const Logs&) {
  seen_ = batch + 1;
  if (verbose_ == 1) update(seen_, Logs(), false);
}

void ProgbarLogger::on_predict_end(const Logs&) {
  update(seen_ > 0 ? seen_ : target_, Logs(), true);
}

}  // namespace mz::callbacks
