// Metric base, get_metric (Keras's compile-time resolution of metric names, "accuracy" and
// "crossentropy" by the loss and the first batch's shapes), make_metric and MetricSpec.
#include "mz/nn/metrics/metric.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "mz/nn/losses/binary_crossentropy.h"
#include "mz/nn/losses/binary_focal_crossentropy.h"
#include "mz/nn/losses/categorical_crossentropy.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/metrics/accuracy.h"
#include "mz/nn/metrics/auc.h"
#include "mz/nn/metrics/binary_accuracy.h"
#include "mz/nn/metrics/binary_crossentropy.h"
#include "mz/nn/metrics/categorical_accuracy.h"
#include "mz/nn/metrics/categorical_crossentropy.h"
#include "mz/nn/metrics/f1_score.h"
#include "mz/nn/metrics/f_beta_score.h"
#include "mz/nn/metrics/mean_absolute_error.h"
#include "mz/nn/metrics/mean_absolute_percentage_error.h"
#include "mz/nn/metrics/mean_metric_wrapper.h"
#include "mz/nn/metrics/mean_squared_error.h"
#include "mz/nn/metrics/mean_squared_logarithmic_error.h"
#include "mz/nn/metrics/precision.h"
#include "mz/nn/metrics/r2_score.h"
#include "mz/nn/metrics/recall.h"
#include "mz/nn/metrics/root_mean_squared_error.h"
#include "mz/nn/metrics/sparse_categorical_accuracy.h"
#include "mz/nn/metrics/sparse_categorical_crossentropy.h"
#include "mz/nn/metrics/sparse_top_k_categorical_accuracy.h"
#include "mz/nn/metrics/top_k_categorical_accuracy.h"

namespace mz {

Json Metric::config() const { return Json{{"name", name_}, {"dtype", "float32"}}; }

namespace {

using namespace metrics;

enum class LabelKind { binary, categorical, sparse };

// Keras 2's rule: the crossentropy losses decide; otherwise (Keras 3's
// is_binary_or_sparse_categorical) y_pred's last dim 1 is binary, y_true one axis shorter or
// ending in 1 against a wider y_pred is sparse, anything else categorical.
LabelKind label_kind(const Loss* loss, const Shape& y_true, const Shape& y_pred) {
  if (dynamic_cast<const losses::BinaryCrossentropy*>(loss) ||
      dynamic_cast<const losses::BinaryFocalCrossentropy*>(loss))
    return LabelKind::binary;
  if (dynamic_cast<const losses::SparseCategoricalCrossentropy*>(loss)) return LabelKind::sparse;
  if (dynamic_cast<const losses::CategoricalCrossentropy*>(loss)) return LabelKind::categorical;
  int64_t t_last = y_true.rank() ? y_true.back() : 1, p_last = y_pred.rank() ? y_pred.back() : 1;
  if (p_last == 1) return LabelKind::binary;
  if (y_true.rank() < y_pred.rank() || (t_last == 1 && p_last > 1)) return LabelKind::sparse;
  return LabelKind::categorical;
}

// The loss's from_logits, so "crossentropy" reads the outputs as the loss does.
bool loss_from_logits(const Loss* loss) {
  if (auto* l = dynamic_cast<const losses::BinaryCrossentropy*>(loss))
    return l->options().from_logits;
  if (auto* l = dynamic_cast<const losses::BinaryFocalCrossentropy*>(loss))
    return l->options().from_logits;
  if (auto* l = dynamic_cast<const losses::CategoricalCrossentropy*>(loss))
    return l->options().from_logits;
  if (auto* l = dynamic_cast<const losses::SparseCategoricalCrossentropy*>(loss))
    return l->options().from_logits;
  return false;
}

// A loss's per-sample function as a mean metric (Keras's metric functions hinge, poisson, ...).
MetricPtr loss_metric(const std::string& loss_name, const std::string& name) {
  LossPtr loss = get_loss(loss_name);
  return std::make_shared<MeanMetricWrapper>(
      [loss](const Tensor& t, const Tensor& p) { return loss->call(t, p); }, name);
}

struct MetricEntry {
  std::vector<const char*> names;  // class name, snake_case name, aliases
  MetricPtr (*make)(const std::string& name);
};

const std::vector<MetricEntry>& metric_table() {
  static const std::vector<MetricEntry> table = {
      {{"Accuracy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<Accuracy>(AccuracyOptions{.name = n});
       }},
      {{"BinaryAccuracy", "binary_accuracy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<BinaryAccuracy>(BinaryAccuracyOptions{.name = n});
       }},
      {{"CategoricalAccuracy", "categorical_accuracy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<CategoricalAccuracy>(CategoricalAccuracyOptions{.name = n});
       }},
      {{"SparseCategoricalAccuracy", "sparse_categorical_accuracy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<SparseCategoricalAccuracy>(
             SparseCategoricalAccuracyOptions{.name = n});
       }},
      {{"TopKCategoricalAccuracy", "top_k_categorical_accuracy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<TopKCategoricalAccuracy>(
             TopKCategoricalAccuracyOptions{.name = n});
       }},
      {{"SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<SparseTopKCategoricalAccuracy>(
             SparseTopKCategoricalAccuracyOptions{.name = n});
       }},
      {{"Precision", "precision"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<Precision>(PrecisionOptions{.name = n});
       }},
      {{"Recall", "recall"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<Recall>(RecallOptions{.name = n});
       }},
      {{"AUC", "auc"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<AUC>(AUCOptions{.name = n});
       }},
      {{"F1Score", "f1_score"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<F1Score>(F1ScoreOptions{.name = n});
       }},
      {{"FBetaScore", "fbeta_score", "f_beta_score"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<FBetaScore>(FBetaScoreOptions{.name = n});
       }},
      {{"MeanSquaredError", "mean_squared_error", "mse", "MSE"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<MeanSquaredError>(MeanSquaredErrorOptions{.name = n});
       }},
      {{"RootMeanSquaredError", "root_mean_squared_error", "rmse", "RMSE"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<RootMeanSquaredError>(RootMeanSquaredErrorOptions{.name = n});
       }},
      {{"MeanAbsoluteError", "mean_absolute_error", "mae", "MAE"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<MeanAbsoluteError>(MeanAbsoluteErrorOptions{.name = n});
       }},
      {{"MeanAbsolutePercentageError", "mean_absolute_percentage_error", "mape", "MAPE"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<MeanAbsolutePercentageError>(
             MeanAbsolutePercentageErrorOptions{.name = n});
       }},
      {{"MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "msle", "MSLE"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<MeanSquaredLogarithmicError>(
             MeanSquaredLogarithmicErrorOptions{.name = n});
       }},
      {{"R2Score", "r2_score"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<R2Score>(R2ScoreOptions{.name = n});
       }},
      {{"BinaryCrossentropy", "binary_crossentropy", "bce", "BCE"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<metrics::BinaryCrossentropy>(
             metrics::BinaryCrossentropyOptions{.name = n});
       }},
      {{"CategoricalCrossentropy", "categorical_crossentropy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<metrics::CategoricalCrossentropy>(
             metrics::CategoricalCrossentropyOptions{.name = n});
       }},
      {{"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"},
       [](const std::string& n) -> MetricPtr {
         return std::make_shared<metrics::SparseCategoricalCrossentropy>(
             metrics::SparseCategoricalCrossentropyOptions{.name = n});
       }},
      {{"hinge"}, [](const std::string& n) { return loss_metric("hinge", n); }},
      {{"squared_hinge"}, [](const std::string& n) { return loss_metric("squared_hinge", n); }},
      {{"categorical_hinge"},
       [](const std::string& n) { return loss_metric("categorical_hinge", n); }},
      {{"kl_divergence", "kld", "KLD"},
       [](const std::string& n) { return loss_metric("kl_divergence", n); }},
      {{"poisson"}, [](const std::string& n) { return loss_metric("poisson", n); }},
  };
  return table;
}

std::string valid_metric_names() {
  std::vector<std::string> names = {"accuracy", "acc", "crossentropy", "ce"};
  for (const MetricEntry& e : metric_table())
    for (const char* n : e.names)
      if (std::islower(static_cast<unsigned char>(n[0]))) names.emplace_back(n);
  std::sort(names.begin() + 4, names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

MetricPtr get_metric(const std::string& name, const Loss* loss, const Shape& y_true_shape,
                     const Shape& y_pred_shape) {
  std::string key = lower(name);
  if (key == "accuracy" || key == "acc") {
    switch (label_kind(loss, y_true_shape, y_pred_shape)) {
      case LabelKind::binary:
        return std::make_shared<BinaryAccuracy>(BinaryAccuracyOptions{.name = name});
      case LabelKind::sparse:
        return std::make_shared<SparseCategoricalAccuracy>(
            SparseCategoricalAccuracyOptions{.name = name});
      case LabelKind::categorical:
        return std::make_shared<CategoricalAccuracy>(CategoricalAccuracyOptions{.name = name});
    }
  }
  if (key == "crossentropy" || key == "ce") {
    bool from_logits = loss_from_logits(loss);
    switch (label_kind(loss, y_true_shape, y_pred_shape)) {
      case LabelKind::binary:
        return std::make_shared<metrics::BinaryCrossentropy>(
            metrics::BinaryCrossentropyOptions{.from_logits = from_logits, .name = name});
      case LabelKind::sparse:
        return std::make_shared<metrics::SparseCategoricalCrossentropy>(
            metrics::SparseCategoricalCrossentropyOptions{.from_logits = from_logits,
                                                          .name = name});
      case LabelKind::categorical:
        return std::make_shared<metrics::CategoricalCrossentropy>(
            metrics::CategoricalCrossentropyOptions{.from_logits = from_logits, .name = name});
    }
  }
  for (const MetricEntry& e : metric_table())
    for (const char* n : e.names)
      if (name == n) return e.make(name);
  throw ValueError(str("get_metric: unknown metric: expected one of ", valid_metric_names(),
                       " or a class name such as \"CategoricalAccuracy\", got \"", name, "\"."));
}

MetricPtr make_metric(MetricFn fn, std::string name) {
  return std::make_shared<MeanMetricWrapper>(std::move(fn), std::move(name));
}

MetricPtr MetricSpec::resolve(const Loss* loss, const Shape& y_true, const Shape& y_pred) const {
  if (ptr_) return ptr_;
  return get_metric(name_, loss, y_true, y_pred);
}

}  // namespace mz
