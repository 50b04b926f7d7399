// ReduceLROnPlateau: keras/src/callbacks/reduce_lr_on_plateau.py in C++.
#include "mz/nn/callbacks/reduce_lr_on_plateau.h"

#include <iostream>
#include <limits>

#include "mz/nn/callbacks/callback_utils.h"
#include "mz/nn/model.h"

namespace mz::callbacks {

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options) : o_(std::move(options)) {
  if (o_.factor >= 1.0)
    throw ValueError(str("ReduceLROnPlateau: factor must be below 1.0, got ", o_.factor, "."));
  if (o_.mode != "auto" && o_.mode != "min" && o_.mode != "max")
    throw ValueError(str("ReduceLROnPlateau: mode must be \"auto\", \"min\" or \"max\", got \"",
                         o_.mode, "\"."));
  reset();
}

void ReduceLROnPlateau::reset() {
  maximize_ =
      o_.mode == "max" || (o_.mode == "auto" && o_.monitor.find("acc") != std::string::npos);
  best_ = maximize_ ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  cooldown_counter_ = 0;
  wait_ = 0;
  warned_ = false;
}

void ReduceLROnPlateau::on_train_begin(const Logs&) { reset(); }

void ReduceLROnPlateau::on_epoch_end(int epoch, const Logs& logs) {
  const OptimizerPtr& opt = model()->optimizer();
  if (!opt) throw ValueError("ReduceLROnPlateau: the model has no optimizer: compile it first.");
  const_cast<Logs&>(logs)["learning_rate"] = opt->learning_rate();
  auto it = logs.find(o_.monitor);
  if (it == logs.end()) {
    if (!warned_) {
      std::cerr << "WARNING: ReduceLROnPlateau: learning rate reduction is conditioned on metric \""
                << o_.monitor
                << "\", which is not available. Available metrics are: " << detail::log_names(logs)
                << ".\n";
      warned_ = true;
    }
    return;
  }
  const double current = it->second;
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  const bool better = maximize_ ? current > best_ + o_.min_delta : current < best_ - o_.min_delta;
  if (better) {
    best_ = current;
    wait_ = 0;
    return;
  }
  if (cooldown_counter_ > 0) return;
  if (++wait_ < o_.patience) return;
  const double old_lr = opt->learning_rate();
  // Keras compares with min_lr in float32, so a rate already at min_lr is left alone.
  if (old_lr > static_cast<double>(static_cast<float>(o_.min_lr))) {
    const double new_lr = std::max(old_lr * o_.factor, o_.min_lr);
    opt->set_learning_rate(new_lr);
    if (o_.verbose > 0)
      std::cout << "\nEpoch " << epoch + 1 << ": ReduceLROnPlateau reducing learning rate to "
                << detail::python_float(new_lr) << ".\n"
                << std::flush;
    cooldown_counter_ = o_.cooldown;
    wait_ = 0;
  }
}

Json ReduceLROnPlateau::checkpoint_state(std::vector<Tensor>&) const {
  return {{"best", detail::double_bits(best_)},
          {"cooldown_counter", cooldown_counter_},
          {"wait", wait_},
          {"warned", warned_}};
}

void ReduceLROnPlateau::restore_checkpoint_state(const Json& state, const std::vector<Tensor>&) {
  const std::string who = "ReduceLROnPlateau state";
  const double best = state_double(state, "best", who);
  const int64_t cooldown = state_int(state, "cooldown_counter", who);
  const int64_t wait = state_int(state, "wait", who);
  const bool warned = state_bool(state, "warned", who);
  best_ = best;
  cooldown_counter_ = static_cast<int>(cooldown);
  wait_ = static_cast<int>(wait);
  warned_ = warned;
}

}  // namespace mz::callbacks
