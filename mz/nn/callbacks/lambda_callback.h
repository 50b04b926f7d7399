// LambdaCallback: a callback made of functions, one per hook, for quick custom behaviour.
#pragma once

#include <functional>

#include "mz/nn/callbacks/callback.h"

namespace mz::callbacks {

// The functions, by hook name (Keras's order first); an unset one does nothing.
//   LambdaCallback({.on_epoch_end = [](int epoch, const Logs& logs) { ... }})
struct LambdaCallbackOptions {
  std::function<void(int epoch, const Logs& logs)> on_epoch_begin;
  std::function<void(int epoch, const Logs& logs)> on_epoch_end;
  std::function<void(const Logs& logs)> on_train_begin;
  std::function<void(const Logs& logs)> on_train_end;
  std::function<void(int64_t batch, const Logs& logs)> on_train_batch_begin;
  std::function<void(int64_t batch, const Logs& logs)> on_train_batch_end;
  std::function<void(const Logs& logs)> on_test_begin;
  std::function<void(const Logs& logs)> on_test_end;
  std::function<void(int64_t batch, const Logs& logs)> on_test_batch_begin;
  std::function<void(int64_t batch, const Logs& logs)> on_test_batch_end;
  std::function<void(const Logs& logs)> on_predict_begin;
  std::function<void(const Logs& logs)> on_predict_end;
  std::function<void(int64_t batch, const Logs& logs)> on_predict_batch_begin;
  std::function<void(int64_t batch, const Logs& logs)> on_predict_batch_end;
};

class LambdaCallback : public Callback {
 public:
  explicit LambdaCallback(LambdaCallbackOptions functions = {});

  void on_train_begin(const Logs& logs) override;
  void on_train_end(const Logs& logs) override;
  void on_epoch_begin(int epoch, const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_batch_begin(int64_t batch, const Logs& logs) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_test_begin(const Logs& logs) override;
  void on_test_end(const Logs& logs) override;
  void on_test_batch_begin(int64_t batch, const Logs& logs) override;
  void on_test_batch_end(int64_t batch, const Logs& logs) override;
  void on_predict_begin(const Logs& logs) override;
  void on_predict_end(const Logs& logs) override;
  void on_predict_batch_begin(int64_t batch, const Logs& logs) override;
  void on_predict_batch_end(int64_t batch, const Logs& logs) override;

 private:
  LambdaCallbackOptions f_;
};

}  // namespace mz::callbacks
