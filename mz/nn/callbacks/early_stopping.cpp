// EarlyStopping: keras/src/callbacks/early_stopping.py in C++.
#include "mz/nn/callbacks/early_stopping.h"

#include <cmath>
#include <iostream>
#include <limits>

#include "mz/nn/callbacks/callback_utils.h"
#include "mz/nn/model.h"

namespace mz::callbacks {

int metric_direction(const std::string& metric) {
  std::string name = metric.rfind("val_", 0) == 0 ? metric.substr(4) : metric;
  auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
  if (name == "loss" || (name.size() >= 4 && name.compare(name.size() - 4, 4, "loss") == 0))
    return -1;
  for (const char* up :
       {"acc", "auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score", "iou", "io_u",
        "true_positives", "true_negatives", "cosine_similarity", "specificity", "sensitivity"})
    if (has(up)) return 1;
  for (const char* down : {"error", "crossentropy", "hinge", "divergence", "poisson", "logcosh",
                           "log_cosh", "false_positives", "false_negatives"})
    if (has(down)) return -1;
  for (const char* down : {"mse", "mae", "mape", "msle", "rmse", "kld", "ce", "bce"})
    if (name == down) return -1;
  return 0;
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : o_(std::move(options)) {
  if (o_.mode != "auto" && o_.mode != "min" && o_.mode != "max")
    throw ValueError(
        str("EarlyStopping: mode must be \"auto\", \"min\" or \"max\", got \"", o_.mode, "\"."));
  if (o_.patience < 0)
    throw ValueError(str("EarlyStopping: patience must be 0 or more, got ", o_.patience, "."));
}

void EarlyStopping::set_monitor_op() {
  if (o_.mode == "min") {
    direction_ = -1;
  } else if (o_.mode == "max") {
    direction_ = 1;
  } else {
    direction_ = metric_direction(o_.monitor);
    if (direction_ == 0)
      throw ValueError(str("EarlyStopping: monitor \"", o_.monitor,
                           "\": cannot tell whether it should be minimized or maximized: ",
                           "expected mode \"min\" or \"max\", got \"auto\"."));
  }
  // Keras: monitor_op(value - min_delta, reference) with min_delta negated for "min".
  min_delta_ = direction_ < 0 ? -std::abs(o_.min_delta) : std::abs(o_.min_delta);
  best_ = direction_ < 0 ? std::numeric_limits<double>::infinity()
                         : -std::numeric_limits<double>::infinity();
}

bool EarlyStopping::is_improvement(double value, double reference) const {
  return direction_ < 0 ? value - min_delta_ < reference : value - min_delta_ > reference;
}

// NOTE: Keras 3 keeps `best` across fit() calls; we reset it so a reused callback starts over.
void EarlyStopping::on_train_begin(const Logs&) {
  wait_ = 0;
  stopped_epoch_ = 0;
  best_epoch_ = 0;
  have_best_weights_ = false;
  best_weights_.clear();
  warned_ = false;
  direction_ = 0;
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  if (direction_ == 0) set_monitor_op();
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    if (!warned_) {
      std::cerr << "WARNING: EarlyStopping: early stopping is conditioned on metric \""
                << o_.monitor
                << "\", which is not available. Available metrics are: " << detail::log_names(logs)
                << ".\n";
      warned_ = true;
    }
    return;
  }
  if (epoch < o_.start_from_epoch) return;
  const double current = it->second;
  if (o_.restore_best_weights && !have_best_weights_) {
    // Until something improves, the current weights are the best.
    best_weights_ = model()->get_weights();
    have_best_weights_ = true;
    best_epoch_ = epoch;
  }
  ++wait_;
  if (is_improvement(current, best_)) {
    best_ = current;
    best_epoch_ = epoch;
    if (o_.restore_best_weights) best_weights_ = model()->get_weights();
    // Only restart waiting when both the baseline and the previous best are beaten.
    if (!o_.baseline || is_improvement(current, *o_.baseline)) wait_ = 0;
    return;
  }
  if (wait_ >= o_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model()->stop_training = true;
  }
}

void EarlyStopping::on_train_end(const Logs&) {
  if (stopped_epoch_ > 0 && o_.verbose > 0)
    std::cout << "Epoch " << stopped_epoch_ + 1 << ": early stopping\n";
  if (o_.restore_best_weights && have_best_weights_) {
    if (o_.verbose > 0)
      std::cout << "Restoring model weights from the end of the best epoch: " << best_epoch_ + 1
                << ".\n";
    model()->set_weights(best_weights_);
  }
  std::cout << std::flush;
}

Json EarlyStopping::checkpoint_state(std::vector<Tensor>& tensors) const {
  for (const Tensor& w : best_weights_) tensors.push_back(w);
  return {{"best", detail::double_bits(best_)},
          {"best_epoch", best_epoch_},
          {"best_weights", best_weights_.size()},
          {"direction", direction_},
          {"have_best_weights", have_best_weights_},
          {"min_delta", detail::double_bits(min_delta_)},
          {"stopped_epoch", stopped_epoch_},
          {"wait", wait_},
          {"warned", warned_}};
}

void EarlyStopping::restore_checkpoint_state(const Json& state, const std::vector<Tensor>& tensors) {
  const std::string who = "EarlyStopping state";
  const int64_t direction = state_int(state, "direction", who);
  const int64_t count = state_int(state, "best_weights", who);
  if (direction < -1 || direction > 1)
    throw FormatError(str(who, ": \"direction\": expected -1, 0 or 1, got ", direction, "."));
  if (count < 0 || static_cast<std::size_t>(count) != tensors.size())
    throw FormatError(str(who, ": \"best_weights\": expected ", tensors.size(),
                          " (the tensors saved), got ", count, "."));
  const double best = state_double(state, "best", who);
  const double min_delta = state_double(state, "min_delta", who);
  const int64_t wait = state_int(state, "wait", who);
  const int64_t stopped = state_int(state, "stopped_epoch", who);
  const int64_t best_epoch = state_int(state, "best_epoch", who);
  const bool have = state_bool(state, "have_best_weights", who);
  const bool warned = state_bool(state, "warned", who);
  direction_ = static_cast<int>(direction);
  best_ = best;
  min_delta_ = min_delta;
  wait_ = static_cast<int>(wait);
  stopped_epoch_ = static_cast<int>(stopped);
  best_epoch_ = static_cast<int>(best_epoch);
  have_best_weights_ = have;
  warned_ = warned;
  best_weights_ = tensors;
}

}  // namespace mz::callbacks
