// CallbackList (internal): the callbacks of one fit/evaluate/predict run, with the History and
// ProgbarLogger Keras adds, calling every hook on each in order. Used by nn/training.cpp.
#pragma once

#include <memory>
#include <vector>

#include "mz/nn/callbacks/callback.h"

namespace mz::detail {

class CallbackList {
 public:
  // The user's callbacks, then a History (add_history, unless one was given), then a
  // ProgbarLogger(verbose) (add_progbar, unless one was given), as Keras 3 orders them. Each
  // gets set_model(model) and set_params(params).
  CallbackList(const std::vector<CallbackSpec>& callbacks, bool add_history, bool add_progbar,
               Model* model, const CallbackParams& params);

  // The History of the list (null without add_history and none given).
  const std::shared_ptr<History>& history() const { return history_; }
  const std::vector<CallbackPtr>& callbacks() const { return callbacks_; }

  void on_train_begin(const Logs& logs);
  void on_train_end(const Logs& logs);
  void on_epoch_begin(int epoch, const Logs& logs);
  void on_epoch_end(int epoch, const Logs& logs);
  void on_train_batch_begin(int64_t batch, const Logs& logs);
  void on_train_batch_end(int64_t batch, const Logs& logs);
  void on_test_begin(const Logs& logs);
  void on_test_end(const Logs& logs);
  void on_test_batch_begin(int64_t batch, const Logs& logs);
  void on_test_batch_end(int64_t batch, const Logs& logs);
  void on_predict_begin(const Logs& logs);
  void on_predict_end(const Logs& logs);
  void on_predict_batch_begin(int64_t batch, const Logs& logs);
  void on_predict_batch_end(int64_t batch, const Logs& logs);

 private:
  std::vector<CallbackPtr> callbacks_;
  std::shared_ptr<History> history_;
};

}  // namespace mz::detail
