// LearningRateScheduler: keras/src/callbacks/learning_rate_scheduler.py in C++.
#include "mz/nn/callbacks/learning_rate_scheduler.h"

#include <cmath>
#include <iostream>

#include "mz/nn/callbacks/callback_utils.h"
#include "mz/nn/model.h"

namespace mz::callbacks {

namespace {

const OptimizerPtr& optimizer_of(Model* model) {
  if (!model || !model->optimizer())
    throw ValueError("LearningRateScheduler: the model has no optimizer: compile it first.");
  return model->optimizer();
}

}  // namespace

LearningRateScheduler::LearningRateScheduler(Schedule schedule, int verbose)
    : schedule_(std::move(schedule)), verbose_(verbose) {
  if (!schedule_) throw ValueError("LearningRateScheduler: the schedule is empty.");
}

void LearningRateScheduler::on_epoch_begin(int epoch, const Logs&) {
  const OptimizerPtr& opt = optimizer_of(model());
  const double lr = schedule_(epoch, opt->learning_rate());
  if (!std::isfinite(lr))
    throw ValueError(str("LearningRateScheduler: the schedule gave ", lr, " for epoch ", epoch,
                         ": expected a finite learning rate."));
  opt->set_learning_rate(lr);
  if (verbose_ > 0)
    std::cout << "\nEpoch " << epoch + 1 << ": LearningRateScheduler setting learning rate to "
              << detail::python_float(lr) << ".\n"
              << std::flush;
}

void LearningRateScheduler::on_epoch_end(int, const Logs& logs) {
  const_cast<Logs&>(logs)["learning_rate"] = optimizer_of(model())->learning_rate();
}

}  // namespace mz::callbacks
