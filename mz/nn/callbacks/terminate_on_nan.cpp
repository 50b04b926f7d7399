// TerminateOnNaN: keras/src/callbacks/terminate_on_nan.py in C++.
#include "mz/nn/callbacks/terminate_on_nan.h"

#include <cmath>
#include <iostream>

#include "mz/nn/model.h"

namespace mz::callbacks {

TerminateOnNaN::TerminateOnNaN(TerminateOnNaNOptions options) : o_(options) {}

void TerminateOnNaN::on_train_begin(const Logs&) {
  batch_.reset();
  epoch_.reset();
  current_epoch_ = 0;
}

void TerminateOnNaN::on_epoch_begin(int epoch, const Logs&) { current_epoch_ = epoch; }

void TerminateOnNaN::on_train_batch_end(int64_t batch, const Logs& logs) {
  auto it = logs.find("loss");
  if (it == logs.end() || std::isfinite(it->second)) return;
  batch_ = batch;
  epoch_ = current_epoch_;
  if (o_.raise_error)
    throw ValueError(str("TerminateOnNaN: NaN or Inf loss encountered at batch ", batch, " (epoch ",
                         current_epoch_ + 1, "): loss is ",
                         std::isnan(it->second) ? "nan"
                         : it->second > 0       ? "inf"
                                                : "-inf",
                         ". Terminating training immediately."));
  std::cout << "Batch " << batch << ": Invalid loss, terminating training\n" << std::flush;
  model()->stop_training = true;
}

}  // namespace mz::callbacks
