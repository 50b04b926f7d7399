// CallbackList: Keras 3's default callbacks (History, ProgbarLogger) and hook fan-out.
#include "mz/nn/callbacks/callback_list.h"

#include "mz/nn/callbacks/progbar_logger.h"

namespace mz::detail {

CallbackList::CallbackList(const std::vector<CallbackSpec>& callbacks, bool add_history,
                           bool add_progbar, Model* model, const CallbackParams& params) {
  bool have_progbar = false;
  for (const CallbackSpec& spec : callbacks) {
    if (!spec.get()) continue;
    callbacks_.push_back(spec.get());
    if (std::dynamic_pointer_cast<callbacks::ProgbarLogger>(spec.get())) have_progbar = true;
    if (auto h = std::dynamic_pointer_cast<History>(spec.get()); h && !history_) history_ = h;
  }
  if (!history_ && add_history) {
    history_ = std::make_shared<History>();
    callbacks_.push_back(history_);
  }
  if (!have_progbar && add_progbar)
    callbacks_.push_back(std::make_shared<callbacks::ProgbarLogger>(params.verbose));
  for (const CallbackPtr& c : callbacks_) {
    c->set_model(model);
    c->set_params(params);
  }
}

void CallbackList::on_train_begin(const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_train_begin(logs);
}
void CallbackList::on_train_end(const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_train_end(logs);
}
void CallbackList::on_epoch_begin(int epoch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_epoch_begin(epoch, logs);
}
void CallbackList::on_epoch_end(int epoch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_epoch_end(epoch, logs);
}
void CallbackList::on_train_batch_begin(int64_t batch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_train_batch_begin(batch, logs);
}
void CallbackList::on_train_batch_end(int64_t batch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_train_batch_end(batch, logs);
}
void CallbackList::on_test_begin(const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_test_begin(logs);
}
void CallbackList::on_test_end(const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_test_end(logs);
}
void CallbackList::on_test_batch_begin(int64_t batch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_test_batch_begin(batch, logs);
}
void CallbackList::on_test_batch_end(int64_t batch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_test_batch_end(batch, logs);
}
void CallbackList::on_predict_begin(const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_predict_begin(logs);
}
void CallbackList::on_predict_end(const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_predict_end(logs);
}
void CallbackList::on_predict_batch_begin(int64_t batch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_predict_batch_begin(batch, logs);
}
void CallbackList::on_predict_batch_end(int64_t batch, const Logs& logs) {
  for (const CallbackPtr& c : callbacks_) c->on_predict_batch_end(batch, logs);
}

}  // namespace mz::detail
