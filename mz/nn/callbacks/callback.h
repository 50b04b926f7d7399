// Callback: Keras's hooks into fit/evaluate/predict, and History, the callback fit returns.
// Concrete callbacks live in nn/callbacks/, one class per file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mz/nn/config.h"

namespace mz {

class Model;

// Metric name -> value ("loss", "accuracy", "val_loss", "learning_rate", ...).
using Logs = std::map<std::string, double>;

// What fit/evaluate/predict tell callbacks before they start (Keras's callback.params).
struct CallbackParams {
  int epochs = 0;
  int64_t steps = 0;  // batches per epoch (or per evaluate/predict run)
  int verbose = 1;
};

class Callback {
 public:
  virtual ~Callback() = default;
  void set_model(Model* model) { model_ = model; }
  void set_params(const CallbackParams& params) { params_ = params; }
  Model* model() const { return model_; }
  const CallbackParams& params() const { return params_; }

  virtual void on_train_begin(const Logs& logs) {}
  virtual void on_train_end(const Logs& logs) {}
  virtual void on_epoch_begin(int epoch, const Logs& logs) {}
  virtual void on_epoch_end(int epoch, const Logs& logs) {}
  virtual void on_train_batch_begin(int64_t batch, const Logs& logs) {}
  virtual void on_train_batch_end(int64_t batch, const Logs& logs) {}
  virtual void on_test_begin(const Logs& logs) {}
  virtual void on_test_end(const Logs& logs) {}
  virtual void on_test_batch_begin(int64_t batch, const Logs& logs) {}
  virtual void on_test_batch_end(int64_t batch, const Logs& logs) {}
  virtual void on_predict_begin(const Logs& logs) {}
  virtual void on_predict_end(const Logs& logs) {}
  virtual void on_predict_batch_begin(int64_t batch, const Logs& logs) {}
  virtual void on_predict_batch_end(int64_t batch, const Logs& logs) {}

 private:
  Model* model_ = nullptr;
  CallbackParams params_;
};

using CallbackPtr = std::shared_ptr<Callback>;

// Records the epoch logs: history["loss"][i] is epoch epoch[i]'s loss.
class History : public Callback {
 public:
  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  std::map<std::string, std::vector<double>> history;
  std::vector<int> epoch;
};

// What fit's `callbacks` accepts: shared pointers or callback values.
class CallbackSpec {
 public:
  CallbackSpec(CallbackPtr c) : ptr_(std::move(c)) {}  // NOLINT
  // A pointer to a subclass: {.callbacks = {recorder}} with recorder a shared_ptr<MyCallback>.
  template <class T>
    requires std::derived_from<T, Callback>
  CallbackSpec(std::shared_ptr<T> c) : ptr_(std::move(c)) {}  // NOLINT
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Callback>
  CallbackSpec(T&& c) : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(c))) {}  // NOLINT
  const CallbackPtr& get() const { return ptr_; }

 private:
  CallbackPtr ptr_;
};

}  // namespace mz
