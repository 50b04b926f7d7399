// TensorBoard: keras/src/callbacks/tensorboard.py's scalar, histogram and graph logging in
// C++, on io/tensorboard_events' writer.
#include "mz/nn/callbacks/tensorboard.h"

#include <filesystem>

#include "mz/core/error.h"
#include "mz/nn/model.h"

namespace mz::callbacks {

TensorBoard::TensorBoard(std::string log_dir, TensorBoardOptions options)
    : log_dir_(std::move(log_dir)), o_(std::move(options)) {
  if (o_.histogram_freq < 0)
    throw ValueError(str("TensorBoard: histogram_freq must be >= 0, got ", o_.histogram_freq, "."));
  if (const auto* s = std::get_if<std::string>(&o_.update_freq)) {
    if (*s == "batch")
      batch_every_ = 1;
    else if (*s != "epoch")
      throw ValueError(
          str("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive "
              "integer, got \"",
              *s, "\"."));
  } else {
    batch_every_ = std::get<int64_t>(o_.update_freq);
    if (batch_every_ < 1)
      throw ValueError(
          str("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive "
              "integer, got ",
              batch_every_, "."));
  }
}

void TensorBoard::on_train_begin(const Logs&) {
  train_ =
      std::make_unique<io::EventFileWriter>((std::filesystem::path(log_dir_) / "train").string());
  train_path_ = train_->path();
  val_.reset();
  val_path_.clear();
  global_batch_ = 0;
  if (o_.write_graph && model()) {
    Json config;
    try {
      config = Json{{"class_name", model()->class_name()}, {"config", model()->config()}};
    } catch (const Error&) {
      return;  // a model without a config (subclassed) has no graph to show
    }
    train_->add_text_tensor("keras", config.dump(), "graph_keras_model", "1", 0);
    train_->flush();
  }
}

void TensorBoard::on_train_batch_end(int64_t, const Logs& logs) {
  ++global_batch_;
  if (!train_ || batch_every_ == 0 || global_batch_ % batch_every_ != 0) return;
  for (const auto& [name, value] : logs) train_->add_scalar("batch_" + name, value, global_batch_);
}

void TensorBoard::on_epoch_end(int epoch, const Logs& logs) {
  if (!train_) return;
  for (const auto& [name, value] : logs) {
    if (name.rfind("val_", 0) == 0) {
      if (!val_) {
        val_ = std::make_unique<io::EventFileWriter>(
            (std::filesystem::path(log_dir_) / "validation").string());
        val_path_ = val_->path();
      }
      val_->add_scalar("epoch_" + name.substr(4), value, epoch);
    } else {
      train_->add_scalar("epoch_" + name, value, epoch);
    }
  }
  if (o_.histogram_freq > 0 && epoch % o_.histogram_freq == 0 && model()) {
    for (const auto& w : model()->weights())
      train_->add_histogram((w->path.empty() ? w->name : w->path) + "/histogram",
                            w->value.to_vector<double>(), epoch);
  }
  train_->flush();
  if (val_) val_->flush();
}

void TensorBoard::on_train_end(const Logs&) {
  if (train_) train_->close();
  if (val_) val_->close();
  train_.reset();
  val_.reset();
}

}  // namespace mz::callbacks
