// LearningRateScheduler: sets the optimizer's learning rate at each epoch from a function.
#pragma once

#include <functional>

#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

// schedule(epoch, lr): the rate for `epoch` (0-based) given the current rate.
using Schedule = std::function<double(int epoch, double lr)>;

class LearningRateScheduler : public Callback {
 public:
  // verbose 1 prints "Epoch N: LearningRateScheduler setting learning rate to X." each epoch.
  //   LearningRateScheduler([](int epoch, double lr) { return epoch < 10 ? lr : lr * 0.9; })
  explicit LearningRateScheduler(Schedule schedule, int verbose = 0);

  // Sets the rate; throws ValueError when the schedule gives a non-finite rate, and the
  // optimizer's ValueError when its rate is a LearningRateSchedule.
  void on_epoch_begin(int epoch, const Logs& logs) override;
  // Adds "learning_rate" to the epoch's logs (as Keras does; see ReduceLROnPlateau's NOTE).
  void on_epoch_end(int epoch, const Logs& logs) override;

 private:
  Schedule schedule_;
  int verbose_;
};

}  // namespace mz::callbacks
